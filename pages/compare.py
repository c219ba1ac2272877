"""Compare districts: districts by indicators of one theme, each cell the district's status on
that indicator (word and icon), linking to the figures behind it; sortable by any column's
status."""

import streamlit as st

from indicators import progress
from indicators.ui import data, filters, language, scorecards, session, widgets

NAME = "name"

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

if sort != NAME:  # by status on one indicator, best first; districts without it last
    ranked = data.scorecard(version, None, (sort,), pending)
    order = {status: n for n, status in enumerate(progress.STATUS_ORDER)}
    ranked = ranked.assign(rank=ranked["status"].map(order)).sort_values(
        ["rank", "score"], ascending=[True, False]
    )
    first = [d for d in ranked["district"] if d in reporting]
    ranked_ids = set(first)
    ids = first + [d for d in ids if d not in ranked_ids]
else:
    ids = sorted(ids, key=names.district)

page = scorecards.page_of(ids)
card = data.scorecard(version, tuple(page), tuple(keys), pending)
with_data = set(card["indicator"])
columns = [k for k in keys if k in with_data]
shown, rows, config = scorecards.status_matrix(page, columns, card, names)
widgets.table(shown, name=f"compare-{theme}", key="compare_table", data=rows, column_config=config)
st.caption(widgets.legend(names))
widgets.notes(
    synthetic=bool(card["synthetic"].any()), pending=pending and bool(card["pending"].any())
)
