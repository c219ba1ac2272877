"""Submissions: a developer follows its organisation's; an official reviews the queue
(what changes, every row before -> after with its plausibility flags, flagged rows first, the
rows missing a project requirement, approve or reject with a comment; a flagged submission
needs a comment to be approved)."""

import streamlit as st

from indicators import access, store
from indicators.reporting import ingest
from indicators.ui import data, reporting, session
from indicators.ui.language import t

FLASH = "submissions_flash"

actor = session.require("submit")
official = access.can(actor, "review")

st.title(t("submissions.title"))
st.caption(t("submissions.intro_official" if official else "submissions.intro_developer"))

flash = st.session_state.pop(FLASH, None)
if flash:
    st.success(flash, icon=":material/task_alt:")

frame = reporting.submissions(data.version(), actor)
if frame.empty:
    st.info(t("submissions.empty"))
    st.stop()

pending = frame[frame["status"] == "pending"]
if official:
    st.markdown(f"**{t('submissions.queue', count=len(pending))}**")

table = frame.assign(status=frame["status"].map(reporting.status_label))
columns = ["id", "submitted_at", "submitted_by", "file_name", "row_count", "periods", "status"]
if official:  # how many plausibility flags each pending submission raises
    columns.append("flags")
st.dataframe(
    table[columns + ["reviewer", "comment"]],
    hide_index=True,
    key="submissions_table",
    column_config={
        "id": st.column_config.NumberColumn(t("submissions.col_id"), format="%d"),
        "submitted_at": st.column_config.DatetimeColumn(
            t("submissions.col_when"), format="YYYY-MM-DD HH:mm"
        ),
        "submitted_by": t("submissions.col_who"),
        "file_name": st.column_config.TextColumn(t("submissions.col_file")),
        "row_count": st.column_config.NumberColumn(t("submissions.col_rows"), format="%d"),
        "periods": t("submissions.col_periods"),
        "status": t("submissions.col_status"),
        "flags": st.column_config.NumberColumn(
            t("submissions.col_flags"), help=t("submissions.col_flags_help"), format="%d"
        ),
        "reviewer": t("submissions.col_reviewer"),
        "comment": st.column_config.TextColumn(t("submissions.col_comment"), width="large"),
    },
)

# one submission in detail; ?submission=ID makes it a link
ids = [int(i) for i in frame["id"]]
wanted = st.query_params.get("submission")
default = int(pending["id"].iloc[0]) if official and not pending.empty else ids[0]
if wanted and wanted.isdigit() and int(wanted) in ids:
    default = int(wanted)
labels = {int(r.id): f"#{r.id} · {r.file_name} · {r.submitted_by}" for r in frame.itertuples()}
chosen = st.selectbox(
    t("submissions.choose"),
    ids,
    index=ids.index(default),
    format_func=labels.get,
    key="submission_choice",
)
if st.query_params.get("submission") != str(chosen):
    st.query_params["submission"] = str(chosen)

detail = reporting.submission_detail(data.version(), actor, chosen)
with st.container(border=True, key="submission_detail"):
    st.markdown(
        "**"
        + t(
            "submissions.details",
            id=detail["id"],
            file=reporting.plain(detail["file_name"]),
            who=reporting.plain(detail["submitted_by"]),
            rows=detail["row_count"],
        )
        + f"** · {reporting.status_label(detail['status'])}"
    )
    if detail.get("comment") and isinstance(detail["comment"], str):
        st.caption(t("submissions.official_comment"))
        st.text(detail["comment"])
    flag_count = detail["flag_count"]
    if flag_count:
        st.warning(
            t("review.flagged_summary", rows=detail["flagged_rows"], flags=flag_count),
            icon=":material/flag:",
        )
    else:
        st.caption(t("review.no_flags"))

    # every row, before -> after, flagged rows first
    rows = detail["review_rows"]
    st.markdown(f"**{t('review.rows_header')}**")
    st.dataframe(
        reporting.review_rows_view(rows),
        hide_index=True,
        column_config=reporting.review_rows_config(),
        key="submission_rows",
    )
    if detail["row_count"] > len(rows):
        st.caption(t("review.rows_limited", shown=len(rows), rows=detail["row_count"]))

    st.markdown(f"**{t('submissions.changes')}**")
    changes = detail["changes"]
    st.dataframe(
        reporting.changes_view(changes),
        hide_index=True,
        column_config=reporting.preview_config(),
        key="submission_changes",
    )
    failures = detail["requirement_failures"]
    st.markdown(f"**{t('submissions.failures')}**")
    if failures.empty:
        st.caption(t("submissions.no_failures"))
    else:
        st.dataframe(
            failures,
            hide_index=True,
            column_config=reporting.requirement_config(),
            key="submission_failures",
        )

    if official and detail["status"] == "pending":
        comment = st.text_area(t("submissions.comment"), key=f"review_comment_{chosen}")
        left, right = st.columns(2)
        approve = left.button(
            t("submissions.approve"), type="primary", icon=":material/check:", key="review_approve"
        )
        reject = right.button(t("submissions.reject"), icon=":material/close:", key="review_reject")
        uncommented = not (comment or "").strip()
        if reject and uncommented:
            st.error(t("submissions.comment_required"))
        elif approve and uncommented and flag_count:
            st.error(t("review.comment_required_flags", count=flag_count))
        elif approve or reject:
            try:
                reporting.review(actor, chosen, approve=bool(approve), comment=comment or "")
            except store.FlaggedNeedsComment as flagged:  # flagged since this page was drawn
                st.error(t("review.comment_required_flags", count=flagged.flags))
            except (ValueError, LookupError, ingest.IngestBusy) as problem:
                st.error(reporting.plain(problem))
            else:
                done = "submissions.approved" if approve else "submissions.rejected"
                st.session_state[FLASH] = t(done, id=chosen)
                st.rerun()
