"""Indicator: one indicator across districts, to dig into.

The series per chosen district with its target and the trend up to the target year; all
districts compared in one year; what a ratio is made of; the breakdown; beside the charts the
definition, unit, source and how each status was worked out; the exact numbers under each chart.
"""

import streamlit as st

from indicators import text
from indicators.ui import data, filters, indicator_parts, language, session, widgets
from indicators.ui.names import Names

version = data.version()
actor = session.actor()
indicators = data.indicators(version)
names = Names(language.current(), indicators, data.districts(version), data.themes(version))
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
chosen_col, year_col = st.columns([3, 1])
chosen = filters.multiselect(
    t("mon.indicator.districts"),
    with_data,
    param="district",
    default=[d for d in with_data if d in with_target][:1] or with_data[:1],
    format_func=names.district,
    container=chosen_col,
)
# the chosen districts in full; every district only in the year compared (small at any scale)
series = data.district_figures(version, tuple(chosen), (key,), pending, False)
card = data.scorecard(version, tuple(chosen), (key,), pending)
own_years = series.loc[series["series"] == "", "year"]
years = data.indicator_years(version, key, pending)
year = filters.select(
    t("mon.indicator.compare_year"),
    years,
    param="year",
    default=int(own_years.max()) if len(own_years) else years[0],
    container=year_col,
)
that_year = data.district_figures(version, None, (key,), pending, False, year)

st.header(text.md(names.indicator(key)))
shown = series[series["district"].isin(chosen)]
widgets.notes(
    synthetic=bool(shown["synthetic"].any()),
    pending=pending and bool(shown["pending"].any() or that_year["pending"].any()),
)
main, side = st.columns([3, 1], gap="large")
with side:
    st.subheader(t("mon.indicator.about"))
    indicator_parts.about(names, info)
    st.subheader(t("mon.indicator.workings"))
    indicator_parts.workings(card, chosen, names, info)

with main:
    if chosen:
        indicator_parts.time_series(series, card, chosen, names, info)
    indicator_parts.comparison(that_year, targets, year, chosen, names, info)
    if chosen:
        focus = chosen[0]
        if len(chosen) > 1:
            st.caption(t("mon.indicator.focus", district=text.md(names.district(focus))))
        if info.get("aggregation") == "ratio":
            indicator_parts.ratio_parts(series, focus, names, info)
        if names.breakdowns(key):
            indicator_parts.breakdown(series, focus, names, info)
