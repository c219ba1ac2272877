"""Methodology and sources: how a status is worked out (docs/methodology*.md in the reader's
language), what each indicator means, where every figure comes from, and how to take the
figures as open data (docs/api*.md)."""

import streamlit as st

from indicators.ui import data, filters, language, methodology_parts, opendata_links

SECTIONS = ("method", "indicators", "sources", "api")
SECTION_KEYS = {"api": "opendata.methodology_section"}

version = data.version()
districts = data.districts(version)
names = data.names(version, language.current())
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.methodology.title"))
section = filters.choice(
    t("mon.methodology.title"),
    SECTIONS,
    param="section",
    format_func=lambda s: t(SECTION_KEYS.get(s, f"mon.methodology.{s}")),
)
if section == "method":
    st.markdown(methodology_parts.method_text(language.current()))
    st.markdown(methodology_parts.plausibility_text(language.current()))
elif section == "indicators":
    methodology_parts.catalog(version, names)
elif section == "sources":
    methodology_parts.sources(data.data_sources(version), districts, names)
else:
    opendata_links.api_documentation(language.current())
