"""Reporting status: who has reported what was due, per organisation and district, the overdue
reports, the organisations no reminder reaches, and the reporting calendar (officials)."""

from datetime import date

import streamlit as st

from indicators import access, text
from indicators.reporting import obligations as rules
from indicators.ui import data, filters, language, session, widgets
from indicators.ui import obligations as ob
from indicators.ui.names import Names

actor = session.require("read_all_obligations")
version = data.version()
names = Names(language.current(), data.indicators(version), data.districts(version))
t = names.t
today = date.today()

st.title(t("obligations.title"))
st.caption(t("obligations.intro"))

# filters, all in the address: ?organisation=&district=&year=
org_col, district_col, year_col = st.columns(3, vertical_alignment="bottom")
orgs = data.organisations(version)
org_name = dict(zip(orgs["id"], orgs["name"], strict=True))
organisation = filters.select(
    t("obligations.organisation"),
    [filters.ALL, *orgs["id"]],
    param="organisation",
    default=filters.ALL,
    format_func=lambda o: (
        t("obligations.all_organisations") if o == filters.ALL else names.demo_name(org_name[o])
    ),
    container=org_col,
)
places = data.districts(version)
places = places[places["kind"] == "district"]
district = filters.select(
    t("obligations.district"),
    [filters.ALL, *places["id"]],
    param="district",
    default=filters.ALL,
    format_func=lambda d: t("obligations.all_districts") if d == filters.ALL else names.district(d),
    container=district_col,
)
year = filters.select(
    t("obligations.year"),
    [filters.ALL, *ob.years(version)],
    param="year",
    default=filters.ALL,
    format_func=lambda y: t("obligations.all_years") if y == filters.ALL else str(y),
    container=year_col,
)
chosen = dict(
    organisation=None if organisation == filters.ALL else organisation,
    district=None if district == filters.ALL else district,
    year=None if year == filters.ALL else int(year),
    today=today,
)

tables = ob.summaries(version, actor, **chosen)
by_org, by_district = tables["organisation"], tables["district"]
st.caption(t("obligations.as_of", date=today.isoformat()))
if by_org.empty:
    widgets.empty(t("obligations.empty"))
    st.stop()

# the whole selection in six numbers
expected, received = int(by_org["expected"].sum()), int(by_org["received"].sum())
timed = by_org["on_time_rate"].notna()
cells = st.columns(6)
cells[0].metric(t("obligations.expected"), names.number(expected, 0))
cells[1].metric(t("obligations.received"), names.number(received, 0))
cells[2].metric(t("obligations.missing"), names.number(int(by_org["missing"].sum()), 0))
cells[3].metric(t("obligations.overdue"), names.number(int(by_org["overdue"].sum()), 0))
cells[4].metric(
    t("obligations.reporting_rate"),
    names.percent(received / expected if expected else None),
    help=t("obligations.rates_help"),
)
cells[5].metric(
    t("obligations.on_time_rate"),
    names.percent(ob.overall_on_time(by_org)),
    help=t("obligations.rates_help"),
)

st.subheader(t("obligations.by_organisation"))
widgets.table(
    ob.summary_table(by_org, "organisation", names),
    name="reporting-status-organisations",
    key="obligations_by_org",
    data=by_org,
)

st.subheader(t("obligations.by_district"))
widgets.table(
    ob.summary_table(by_district, "district", names),
    name="reporting-status-districts",
    key="obligations_by_district",
    data=by_district,
)

st.subheader(t("obligations.overdue_rows"))
late = ob.overdue(version, actor, **chosen)
if late.empty:
    widgets.empty(t("obligations.no_overdue"))
else:
    widgets.table(
        ob.overdue_table(late, names, today),
        name="overdue-reports",
        key="obligations_overdue",
        data=late.drop(columns=["on_time", "history", "received_at", "status"]),
    )

nobody = ob.no_one_to_remind(version, actor)
if not nobody.empty:
    st.subheader(t("obligations.no_one_header"))
    st.caption(t("obligations.no_one_help"))
    st.dataframe(
        {t("obligations.organisation"): [names.demo_name(n) for n in nobody["organisation_name"]]},
        hide_index=True,
        key="obligations_no_one",
    )

# the reporting calendar: the catalog's defaults and the districts' own due dates
st.subheader(t("obligations.calendar_header"))
st.caption(t("obligations.calendar_intro"))
defaults = ob.calendar(version, actor)
with st.expander(t("obligations.calendar_defaults")):
    st.dataframe(
        {
            t("obligations.col_indicator"): [names.indicator(k) for k in defaults["indicator"]],
            t("obligations.col_resolution"): [
                t(f"obligations.resolution_{r}") for r in defaults["resolution"]
            ],
            t("obligations.col_months_after"): defaults["months_after"],
            t("obligations.col_due_day"): defaults["due_day"],
        },
        hide_index=True,
        key="obligations_calendar_defaults",
    )
st.markdown(f"**{t('obligations.calendar_overrides')}**")
st.caption(t("obligations.calendar_overrides_help"))
edited = st.data_editor(
    ob.calendar_overrides(version, actor),
    num_rows="dynamic",
    hide_index=True,
    key="obligations_calendar_editor",
    column_config={
        "district": st.column_config.SelectboxColumn(
            t("obligations.district"),
            options=list(places["id"]),
            required=True,
        ),
        "indicator": st.column_config.SelectboxColumn(
            t("obligations.col_indicator"),
            options=list(defaults["indicator"]),
            required=True,
        ),
        "months_after": st.column_config.NumberColumn(
            t("obligations.col_months_after"), min_value=0, max_value=24, step=1, required=True
        ),
        "due_day": st.column_config.NumberColumn(
            t("obligations.col_due_day"), min_value=1, max_value=31, step=1, required=True
        ),
    },
)
if access.can(actor, "manage_calendar") and st.button(
    t("obligations.calendar_save"), key="obligations_calendar_save"
):
    try:
        counts = ob.save_overrides(actor, edited)
    except rules.CalendarError as problems:
        st.error(t("obligations.calendar_invalid"))
        st.dataframe(
            [e.model_dump(exclude={"severity"}) for e in problems.errors],
            hide_index=True,
            key="obligations_calendar_errors",
        )
    except access.PermissionDenied as denied:
        st.error(text.md(denied))
    else:
        st.success(t("obligations.calendar_saved", **counts), icon=":material/check:")
