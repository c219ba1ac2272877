"""Indicator: one indicator across districts, to dig into.

The series per chosen district with its target and the trend up to the target year; all
districts compared in one year; what a ratio is made of; the breakdown; beside the charts the
definition, unit, source and how each status was worked out; the exact numbers under each chart.
"""

import streamlit as st

from indicators import text
from indicators.ui import (
    data,
    filters,
    indicator_parts,
    language,
    opendata_links,
    session,
    widgets,
)

version = data.version()
actor = session.actor()
indicators = data.indicators(version)
names = data.names(version, language.current())
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.indicator.title"))
st.caption(t("mon.indicator.intro"))

pick, toggle = st.columns([3, 1], vertical_alignment="bottom")
key = filters.select(
    t("mon.pick.indicator"),
    list(indicators["key"]),
    param="indicator",
    default="excavated_material_reused",
    format_func=names.indicator,
    container=pick,
)
with toggle:
    pending = widgets.pending_toggle(actor)
info = names.info(key)

reporting = set(data.districts_reporting(version, (key,), pending))
with_data = [d for d in data.districts(version)["id"] if d in reporting]

if not with_data:
    st.header(text.md(names.indicator(key)))
    widgets.empty(t("mon.empty.indicator"))
    indicator_parts.about(names, info)
    st.stop()

targets = data.targets(version)
with_target = set(
    targets.loc[
        (targets["indicator"] == key) & targets["district_id"].isin(reporting), "district_id"
    ]
)
chosen = filters.multiselect(
    t("mon.indicator.districts"),
    with_data,
    param="district",
    default=[d for d in with_data if d in with_target][:1] or with_data[:1],
    format_func=names.district,
)
# the chosen districts in full; every district only in the year compared (small at any scale)
series = data.district_figures(version, tuple(chosen), (key,), pending, False)
card = data.scorecard(version, tuple(chosen), (key,), pending)
own_years = series.loc[series["series"] == "", "year"]
years = data.indicator_years(version, key, pending)
latest = int(own_years.max()) if len(own_years) else years[0]

st.header(text.md(names.indicator(key)))
opendata_links.use_this_data(t, district=",".join(chosen), indicators=(key,))
shown = series[series["district"].isin(chosen)]
pending_shown = pending and bool(shown["pending"].any())
widgets.notes(synthetic=bool(shown["synthetic"].any()), pending=pending_shown)
main, side = st.columns([3, 1], gap="large")
with side:
    st.subheader(t("mon.indicator.about"))
    indicator_parts.about(names, info)
    st.subheader(t("mon.indicator.workings"))
    indicator_parts.workings(card, chosen, names, info)

with main:  # charts and tables built once per data version, selection and language
    if chosen:
        section = indicator_parts.series_section(version, key, tuple(chosen), pending, names.lang)
        indicator_parts.draw(section, "indicator_series")
    # its year picker reruns only this part of the screen (a fragment)
    indicator_parts.comparison_of_year(
        version, key, years, latest, tuple(chosen), pending, pending_shown, names.lang
    )
    if chosen:
        focus = chosen[0]
        if len(chosen) > 1:
            st.caption(t("mon.indicator.focus", district=text.md(names.district(focus))))
        ratio, split = indicator_parts.parts_sections(version, key, focus, pending, names.lang)
        indicator_parts.draw(ratio, "indicator_ratio")
        indicator_parts.draw(split, "indicator_breakdown")
