"""Projects: each project (plot) of a district against the requirements the city set for it --
met, not met or not reported -- with its developer. Developers see only their own projects
(enforced in indicators.reporting.compliance); officials see all."""

import streamlit as st

from indicators import access, text
from indicators.reporting import compliance
from indicators.ui import data, filters, language, project_parts, session, widgets

version = data.version()
actor = session.actor()
names = data.names(version, language.current())
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.projects.title"))
if not access.can(actor, "read_own_projects"):
    st.error(t("mon.projects.denied"), icon="🔒")
    st.stop()
st.caption(t("mon.projects.intro" if actor.role == "official" else "mon.projects.intro_developer"))

district_col, org_col, toggle_col = st.columns([2, 2, 1], vertical_alignment="bottom")
organisation = None
if actor.role == "official":
    orgs = data.organisations(version)
    org_name = dict(zip(orgs["id"], orgs["name"], strict=True))
    chosen = filters.select(
        t("mon.projects.organisation"),
        [filters.ALL, *orgs["id"]],
        param="organisation",
        default=filters.ALL,
        format_func=lambda o: (
            t("mon.projects.all_organisations") if o == filters.ALL else org_name[o]
        ),
        container=org_col,
    )
    organisation = None if chosen == filters.ALL else chosen
with toggle_col:
    pending = widgets.pending_toggle(actor)

places = data.project_districts(version, actor, organisation)
if places.empty:
    widgets.empty(t("mon.empty.projects"))
    st.stop()
# a developer sees all its projects in every district at once (the default); an official
# may too, though the whole city is long
district = filters.select(
    t("mon.pick.district"),
    [filters.ALL, *places["district"]],
    param="district",
    default=filters.ALL if actor.role == "developer" else places["district"].iloc[0],
    format_func=lambda d: (
        t("obligations.all_projects.option") if d == filters.ALL else names.district(d)
    ),
    container=district_col,
)
every = district == filters.ALL
place = t("obligations.all_projects.option") if every else names.district(district)

frame = data.project_requirements(
    version, actor, None if every else district, organisation, pending
)
st.header(text.md(place))
widgets.synthetic_badge(not every and names.synthetic_district(district))
if frame.empty:
    widgets.empty(t("mon.empty.requirements", district=text.md(place)))
    st.stop()
st.markdown(widgets.requirement_summary(compliance.summary(frame), names))
widgets.notes(
    synthetic=bool(frame["synthetic"].any()), pending=pending and bool(frame["pending"].any())
)

st.subheader(t("mon.projects.matrix"))
st.dataframe(project_parts.matrix(frame, names), hide_index=True, key="projects_matrix")
st.subheader(t("mon.projects.table"))
shown, rows = project_parts.table(frame, names)
widgets.table(shown, name=f"projects-{district}", key="projects_table", data=rows)
