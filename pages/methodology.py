"""Methodology and sources: how a status is worked out (docs/methodology*.md in the reader's
language), what each indicator means, and where every figure comes from."""

import streamlit as st

from indicators.ui import data, filters, language, methodology_parts
from indicators.ui.names import Names

SECTIONS = ("method", "indicators", "sources")

version = data.version()
indicators = data.indicators(version)
themes = data.themes(version)
districts = data.districts(version)
names = Names(language.current(), indicators, districts, themes)
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.methodology.title"))
section = filters.choice(
    t("mon.methodology.title"),
    SECTIONS,
    param="section",
    format_func=lambda s: t(f"mon.methodology.{s}"),
)
if section == "method":
    st.markdown(methodology_parts.method_text(language.current()))
    st.markdown(methodology_parts.plausibility_text(language.current()))
elif section == "indicators":
    methodology_parts.catalog(indicators, themes, names)
else:
    methodology_parts.sources(data.data_sources(version), districts, names)
