"""Audit log: every write with who and when; filterable (filters live in the URL) and
downloadable as a formula-safe CSV."""

from datetime import date

import streamlit as st

from indicators import exports
from indicators.ui import admin, session
from indicators.ui.language import t

actor = session.require("read_audit")

st.title(t("nav.audit"))
st.caption(t("admin.audit.intro"))

facets = admin.audit_facets(actor)

# every filter is bound to the URL (?who=...&action=...&since=...), so a link opens the same view
c1, c2, c3, c4, c5 = st.columns([2, 3, 2, 1, 1])
who = c1.selectbox(
    t("admin.audit.actor"),
    facets["actors"],
    index=None,
    placeholder=t("admin.audit.everyone"),
    key="who",
    bind="query-params",
)
actions = c2.multiselect(
    t("admin.audit.actions"),
    facets["actions"],
    format_func=admin.action_label,
    key="action",
    bind="query-params",
)
entity = c3.text_input(t("admin.audit.entity"), key="entity", bind="query-params")
since = c4.date_input(
    t("admin.audit.since"), value=None, format="YYYY-MM-DD", key="since", bind="query-params"
)
until = c5.date_input(
    t("admin.audit.until"), value=None, format="YYYY-MM-DD", key="until", bind="query-params"
)

log = admin.audit(actor, who=who, actions=actions, entity=entity.strip(), since=since, until=until)
if log.empty:
    st.info(t("admin.audit.empty"))
    st.stop()

SHOWN = 2000
zone = admin.server_time_zone()
st.caption(t("admin.audit.count", shown=min(len(log), SHOWN), total=len(log)))
shown = log.head(SHOWN)[["at", "actor", "action", "entity", "detail"]]
st.dataframe(
    # what happened in words; the code itself is in the downloaded CSV and the filter's link
    shown.assign(action=shown["action"].map(admin.action_label)),
    hide_index=True,
    width="stretch",
    column_config={
        "at": st.column_config.DatetimeColumn(
            t("audit_view.at", zone=zone), format="YYYY-MM-DD HH:mm:ss Z", timezone=zone
        ),
        "actor": t("admin.audit.col.actor"),
        "action": t("admin.audit.col.action"),
        "entity": t("admin.audit.col.entity"),
        "detail": st.column_config.TextColumn(t("admin.audit.col.detail"), width="large"),
    },
)
st.download_button(
    t("admin.audit.download"),
    data=exports.exporter("csv").render(log),
    file_name=f"audit-{date.today().isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
