"""Overview: how is this district doing, and where is it slipping? (the default screen)

One district: its scorecard by theme -- per indicator the latest value, target, gap, status and
trend line, each linking to the indicator page. All districts: each district's status counts.
"""

import streamlit as st

from indicators import scorecard, text
from indicators.ui import data, filters, language, scorecards, session, widgets
from indicators.ui.names import Names

version = data.version()
actor = session.actor()
districts = data.districts(version)
indicators = data.indicators(version)
themes = data.themes(version)
names = Names(language.current(), indicators, districts, themes)
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.overview.title"))
st.caption(t("mon.overview.intro"))

left, right = st.columns([3, 1], vertical_alignment="bottom")
district = filters.select(
    t("mon.pick.district"),
    [filters.ALL, *districts["id"]],
    param="district",
    default=filters.ALL,
    format_func=lambda d: t("mon.all_districts") if d == filters.ALL else names.district(d),
    container=left,
)
with right:
    pending = widgets.pending_toggle(actor)

if district == filters.ALL:
    shown_districts = districts.set_index("id", drop=False).loc[
        scorecards.page_of(list(districts["id"]))
    ]
    card = data.scorecard(version, tuple(shown_districts["id"]), None, pending)
    counts = scorecard.counts(card["status"])
    st.markdown(widgets.status_summary(counts, names, districts=len(shown_districts)))
    shown, rows, config = scorecards.districts_table(shown_districts, card, names)
    widgets.table(
        shown, name="districts-status", key="districts_table", data=rows, column_config=config
    )
    widgets.notes(synthetic=bool(shown_districts["synthetic"].any()), pending=pending)
    st.stop()

info = names.district_row(district)
st.header(text.md(names.district(district)))
widgets.synthetic_badge(bool(info.get("synthetic")))
about = [text.md(info.get("city")), text.md(t(f"mon.kind.{info.get('kind', 'district')}"))]
if text.safe_url(info.get("source_url")):
    about.append(text.link(t("mon.source"), info["source_url"]))
st.caption(" · ".join(a for a in about if a))

card = data.scorecard(version, (district,), None, pending)
if card.empty:
    widgets.empty(t("mon.empty.district", district=text.md(names.district(district))))
    st.stop()

st.markdown(widgets.status_summary(scorecard.counts(card["status"]), names))
widgets.notes(synthetic=bool(card["synthetic"].any()), pending=pending and card["pending"].any())
series = data.district_figures(version, (district,), None, pending, False)
scorecards.district_scorecard(card, series, indicators, themes, names, district)

st.subheader(t("mon.overview.table"))
shown, rows = scorecards.scorecard_table(card, names)
widgets.table(shown, name=f"scorecard-{district}", key="scorecard_table", data=rows)
st.caption(widgets.legend(names))
