"""Compare districts: districts by indicators of one theme, each cell the district's status on
that indicator (word and icon), linking to the figures behind it; sortable by any column's
status."""

import streamlit as st

from indicators.ui import data, filters, language, scorecards, session, widgets

NAME = scorecards.BY_NAME

version = data.version()
actor = session.actor()
districts = data.districts(version)
indicators = data.indicators(version)
themes = data.themes(version).sort_values("position")
names = data.names(version, language.current())
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.compare.title"))
st.caption(t("mon.compare.intro"))

theme_col, sort_col, toggle_col = st.columns([2, 2, 1], vertical_alignment="bottom")
theme = filters.select(
    t("mon.pick.theme"),
    list(themes["key"]),
    param="theme",
    format_func=names.theme,
    container=theme_col,
)
keys = list(indicators.loc[indicators["theme"] == theme, "key"])
with toggle_col:
    pending = widgets.pending_toggle(actor)
reporting = set(data.districts_reporting(version, tuple(keys), pending))
ids = [d for d in districts["id"] if d in reporting]
sort = filters.select(
    t("mon.compare.sort"),
    [NAME, *keys],
    param="sort",
    default=NAME,
    format_func=lambda k: (
        t("mon.compare.sort_name")
        if k == NAME
        else t("mon.compare.sort_status", indicator=names.indicator(k))
    ),
    container=sort_col,
)
if not ids:
    widgets.empty(t("mon.empty.compare"))
    st.stop()

ids = scorecards.compare_order(version, tuple(ids), sort, pending, names.lang)
page = tuple(scorecards.page_of(list(ids)))
found = scorecards.compare_view(version, page, tuple(keys), pending, names.lang)
widgets.table(
    found.shown,
    name=f"compare-{theme}",
    key="compare_table",
    data=found.rows,
    column_config=found.config,
)
st.caption(widgets.legend(names))
widgets.notes(synthetic=found.synthetic, pending=found.pending)
