"""Upload a compliance report: template, file, validation report, submit."""

from datetime import date

import streamlit as st

from indicators import access, store
from indicators.reporting import ingest
from indicators.ui import data, obligations, reporting, session
from indicators.ui.language import current, t
from indicators.ui.names import Names

actor = session.require("submit")

st.title(t("upload.title"))
st.caption(t("upload.intro"))
if store.public_mode() or store.is_read_only(data.con()):
    st.info(t("upload.read_only"))
    st.stop()

# what the developer must report now, with a template of exactly those rows
if not access.can(actor, "read_all_obligations"):
    version = data.version()
    obligations.due_section(
        actor, Names(current(), data.indicators(version), data.districts(version))
    )

# 1. the template: own projects x indicators due x periods, in the language's Excel dialect
with st.container(border=True):
    st.subheader(t("upload.template_header"))
    due = reporting.due_year(data.version(), actor)
    this_year = date.today().year
    years = list(range(this_year, this_year - 6, -1))
    c1, c2, c3 = st.columns([1, 2, 2], vertical_alignment="bottom")
    year = c1.selectbox(t("upload.template_year"), years, index=years.index(due), key="tpl_year")
    only_missing = c2.checkbox(t("upload.template_only_missing"), value=True, key="tpl_missing")
    district_level = access.can(actor, "submit_district") and c3.checkbox(
        t("upload.template_district"), value=False, key="tpl_district"
    )
    content, rows = reporting.template(
        data.version(), actor, year, current(), district_level, only_missing
    )
    st.caption(t("upload.template_rows", rows=rows) if rows else t("upload.template_empty"))
    who = "district" if district_level else (actor.organisation or "city")
    st.download_button(
        t("upload.template_download"),
        data=content,
        file_name=f"compliance-template-{who}-{year}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="tpl_download",
    )

# 2. the filled file
st.subheader(t("upload.file_header"))
uploaded = reporting.file_uploader("upload_file")
if uploaded is None:
    st.stop()
content = uploaded.getvalue()

# 3. the validation report: nothing is stored yet
st.subheader(t("upload.report_header"))
try:
    report = reporting.validate(actor, content, uploaded.name)
except access.PermissionDenied as denied:
    st.error(f"**{t('upload.permission')}**: {reporting.plain(denied)}", icon=":material/block:")
    st.stop()

st.caption(
    t(
        "upload.file_info",
        name=reporting.plain(uploaded.name),
        rows=report.rows,
        encoding=report.encoding or "?",
        delimiter=reporting.plain(report.delimiter or "?"),
        seconds=f"{report.seconds:.1f}",
    )
)
if report.warnings:
    with st.container(key="upload_warnings"):
        for warning in report.warnings:
            st.warning(reporting.plain(str(warning)), icon=":material/warning:")

if not report.valid:
    st.error(reporting.rejected(report.error_count), icon=":material/error:")
    st.dataframe(
        reporting.report_view(report),
        hide_index=True,
        column_config=reporting.report_config(),
        key="upload_errors",
    )
    st.download_button(
        t("upload.download_errors"),
        data=report.error_csv(),
        file_name=f"{uploaded.name}-report.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="upload_errors_download",
    )
    st.stop()

if report.duplicate_of is not None:
    earlier = report.duplicate_of
    st.info(
        t(
            "upload.duplicate",
            id=earlier["id"],
            status=reporting.status_label(earlier["status"]),
            when=f"{earlier['submitted_at']:%Y-%m-%d %H:%M}",
        ),
        icon=":material/content_copy:",
    )
    st.stop()

st.success(t("upload.valid", rows=report.rows), icon=":material/check_circle:")
if report.blank_rows:
    st.info(
        t("review.blank_rows", count=report.blank_rows), icon=":material/check_box_outline_blank:"
    )
if report.flag_count:  # plausibility warnings: the reviewer sees them too; they never block
    with st.container(key="upload_flags"):
        st.warning(t("review.warnings_intro", count=report.flag_count), icon=":material/flag:")
        st.dataframe(
            report.flags[["line", "column", "value", "reason"]],
            hide_index=True,
            column_config=reporting.report_config(),
            key="upload_flags_table",
        )
        if report.flag_count > len(report.flags):
            st.caption(t("review.warnings_more", shown=len(report.flags), count=report.flag_count))
        st.download_button(
            t("upload.download_errors"),
            data=report.error_csv(),
            file_name=f"{uploaded.name}-report.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="upload_flags_download",
        )
st.markdown(f"**{t('upload.preview')}**")
st.dataframe(
    reporting.changes_view(report.preview),
    hide_index=True,
    column_config=reporting.preview_config(),
    key="upload_preview",
)
failures = report.requirement_failures
if failures is not None and not failures.empty:
    with st.expander(t("upload.requirement_failures") + f" ({len(failures)})"):
        st.dataframe(failures, hide_index=True, column_config=reporting.requirement_config())

# 4. submit: one transaction, a pending submission
st.subheader(t("upload.submit_header"))
if st.button(t("upload.submit"), type="primary", icon=":material/send:", key="upload_submit"):
    try:
        result = reporting.submit(actor, content, uploaded.name)
    except ingest.IngestBusy as busy:
        st.error(reporting.plain(busy))
        st.stop()
    if result.stored:
        st.success(
            t(
                "upload.submitted",
                id=result.submission_id,
                status=reporting.status_label("pending"),
            ),
            icon=":material/task_alt:",
        )
    elif result.report.duplicate_of is not None:
        earlier = result.report.duplicate_of
        st.info(
            t(
                "upload.duplicate",
                id=earlier["id"],
                status=reporting.status_label(earlier["status"]),
                when=f"{earlier['submitted_at']:%Y-%m-%d %H:%M}",
            )
        )
    else:
        st.error(reporting.rejected(result.report.error_count))
