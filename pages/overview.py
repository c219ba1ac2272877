"""Overview: how is this district doing, and where is it slipping? (the default screen)

One district: its scorecard by theme -- per indicator the latest value, target, gap, status and
trend line, each linking to the indicator page. All districts: each district's status counts.
"""

import streamlit as st

from indicators import text
from indicators.ui import (
    data,
    filters,
    language,
    opendata_links,
    report,
    scorecards,
    session,
    widgets,
)

version = data.version()
actor = session.actor()
districts = data.districts(version)
names = data.names(version, language.current())
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
    page = tuple(scorecards.page_of(list(districts["id"])))
    view = scorecards.districts_view(version, page, pending, names.lang)
    st.markdown(view.summary)
    widgets.table(
        view.shown,
        name="districts-status",
        key="districts_table",
        data=view.rows,
        column_config=view.config,
    )
    widgets.notes(synthetic=view.synthetic, pending=pending)
    st.stop()

info = names.district_row(district)
st.header(text.md(names.district(district)))
widgets.synthetic_badge(bool(info.get("synthetic")))
about = [text.md(info.get("city")), text.md(t(f"mon.kind.{info.get('kind', 'district')}"))]
if text.safe_url(info.get("source_url")):
    about.append(text.link(t("mon.source"), info["source_url"]))
st.caption(" · ".join(a for a in about if a))

view = scorecards.district_view(version, district, pending, names.lang)
if view is None:
    widgets.empty(t("mon.empty.district", district=text.md(names.district(district))))
    st.stop()

st.markdown(view.summary)
opendata_links.use_this_data(t, district=district)
widgets.notes(synthetic=view.synthetic, pending=view.pending)
scorecards.district_scorecard(view.sections, names, district)

st.subheader(t("mon.overview.table"))
widgets.table(view.shown, name=f"scorecard-{district}", key="scorecard_table", data=view.rows)
st.caption(widgets.legend(names))
report.download(version, actor, district, view.years, pending)
