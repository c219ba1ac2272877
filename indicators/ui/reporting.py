"""Reads and writes of the reporting pages (pages/upload.py, pages/submissions.py).

Every function takes the current actor; the permission checks are in indicators.reporting.ingest and
indicators.access. Cached reads are keyed by the database's data version (data.Version), so a
submission or a review is visible to every session on its next rerun. Validation reports are
kept per session (st.session_state), keyed by the file's hash and the data version, so a rerun
does not check the same file again, and a write anywhere makes it check again.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from indicators import access, i18n
from indicators.reporting import ingest, plausibility, templates
from indicators.text import md as text_md
from indicators.ui import data
from indicators.ui.language import current, t
from indicators.ui.names import Names

REPORT_KEY = "reporting_report"


def plain(text: object) -> str:
    """User-given text (a file name, a comment) shown literally inside Markdown (the shared
    escape of indicators.text)."""
    return text_md(text)


# ----------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=32)
def template(
    version: data.Version,
    actor: access.Actor,
    year: int,
    lang: str,
    district_level: bool,
    only_missing: bool,
) -> tuple[bytes, int]:
    return templates.template_csv(
        data.con(),
        actor,
        year=year,
        lang=lang,
        district_level=district_level,
        only_missing=only_missing,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def due_year(version: data.Version, actor: access.Actor) -> int:
    return templates.due_year(data.con(), actor)


@st.cache_data(show_spinner=False, max_entries=16)
def submissions(version: data.Version, actor: access.Actor) -> pd.DataFrame:
    return ingest.submissions_for(data.con(), actor)


@st.cache_data(show_spinner=False, max_entries=32)
def submission_detail(version: data.Version, actor: access.Actor, submission_id: int) -> dict:
    return ingest.submission_detail(data.con(), actor, submission_id)


# ----------------------------------------------------------------------------- upload


def validate(actor: access.Actor, content: bytes, file_name: str) -> ingest.Report:
    """The report of this file, checked once per file and data version in this session.

    A long file shows its progress. Raises access.PermissionDenied."""
    key = (hashlib.sha256(content).hexdigest(), data.version(), actor, current())
    kept = st.session_state.get(REPORT_KEY)
    if kept is not None and kept[0] == key:
        return kept[1]
    report = _with_progress(ingest.validate, actor, content, file_name)
    st.session_state[REPORT_KEY] = (key, report)
    return report


def _with_progress(work, actor: access.Actor, content: bytes, file_name: str):
    """Run ingest's validate or submit with a progress bar that goes when it is done."""
    bar = st.progress(0.0, text=t("progress.reading"))
    try:
        return work(
            data.con(),
            actor,
            content,
            file_name,
            lang=current(),
            progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
        )
    finally:
        bar.empty()


def submit(actor: access.Actor, content: bytes, file_name: str) -> ingest.Submitted:
    result = _with_progress(ingest.submit, actor, content, file_name)
    st.session_state.pop(REPORT_KEY, None)
    return result


def review(actor: access.Actor, submission_id: int, *, approve: bool, comment: str) -> None:
    ingest.review(data.con(), actor, submission_id, approve=approve, comment=comment)


# ----------------------------------------------------------------------------- display


def status_label(status: str) -> str:
    """A status in words with an icon (never by colour alone)."""
    return t(f"submissions.status_{status}")


def changes_view(changes: pd.DataFrame) -> pd.DataFrame:
    """What a file or submission changes (store's changes table), with the indicator's name and
    the unit in the reader's language beside the codes the file used."""
    version = data.version()
    names = Names(current(), data.indicators(version), data.districts(version))
    shown = changes.assign(
        indicator_name=[names.indicator(k) for k in changes["indicator"]],
        unit=[names.unit_name(u) for u in changes["unit"]],
    )
    return shown[[c for c in PREVIEW_COLUMNS if c in shown.columns]]


def preview_config() -> dict:
    return {
        "reported_for": t("upload.col_reported_for"),
        "indicator_name": t("upload.col_indicator"),
        "indicator": t("upload.col_indicator_code"),
        "unit": t("upload.col_unit"),
        "rows": st.column_config.NumberColumn(t("upload.col_rows"), format="%d"),
        "new_rows": st.column_config.NumberColumn(t("upload.col_new_rows"), format="%d"),
        "replaces": st.column_config.NumberColumn(t("upload.col_replaces"), format="%d"),
        "last_period": t("upload.col_latest"),
        "latest_value": st.column_config.NumberColumn(t("upload.col_latest_value")),
        "stored_value": st.column_config.NumberColumn(t("upload.col_stored_value")),
        "change": st.column_config.NumberColumn(t("upload.col_change")),
    }


PREVIEW_COLUMNS = [
    "reported_for",
    "indicator_name",
    "indicator",
    "unit",
    "rows",
    "new_rows",
    "replaces",
    "last_period",
    "latest_value",
    "stored_value",
    "change",
]


def report_config() -> dict:
    return {
        "line": st.column_config.NumberColumn(t("upload.col_line"), format="%d"),
        "column": t("upload.col_column"),
        "value": st.column_config.TextColumn(t("upload.col_value")),
        "reason": st.column_config.TextColumn(t("upload.col_reason"), width="large"),
        "severity": t("upload_ui.col_severity"),
    }


REVIEW_COLUMNS = [
    "flags",
    "reported_for",
    "indicator_name",
    "period",
    "breakdown",
    "unit",
    "now",
    "after",
    "change",
    "comment",
]


def review_rows_view(rows: pd.DataFrame) -> pd.DataFrame:
    """Every row of a submission for the reviewer: the plausibility flags in words (flagged
    rows come first from the store), the indicator and unit in the reader's language."""
    lang = current()
    version = data.version()
    names = Names(lang, data.indicators(version), data.districts(version))
    shown = rows.assign(
        flags=[plausibility.reasons(f, lang) for f in rows["flags"]],
        indicator_name=[names.indicator(k) for k in rows["indicator"]],
        unit=[names.unit_name(u) for u in rows["unit"]],
    )
    return shown[REVIEW_COLUMNS]


def review_rows_config() -> dict:
    return {
        "flags": st.column_config.TextColumn(t("review.col_flags"), width="large"),
        "reported_for": t("review.col_reported_for"),
        "indicator_name": t("review.col_indicator"),
        "period": t("review.col_period"),
        "breakdown": t("review.col_breakdown"),
        "unit": t("review.col_unit"),
        "now": st.column_config.NumberColumn(t("review.col_now")),
        "after": st.column_config.NumberColumn(t("review.col_after")),
        "change": st.column_config.NumberColumn(t("review.col_change")),
        "comment": st.column_config.TextColumn(t("review.col_comment")),
    }


def report_view(report: ingest.Report) -> pd.DataFrame:
    """The validation report as the page shows it: the severity in the reader's language (the
    downloaded CSV keeps the codes error / warning, for machines)."""
    table = report.table()
    return table.assign(severity=table["severity"].map(lambda s: t(f"upload_ui.severity_{s}")))


REQUIREMENT_COLUMNS = (
    "project",
    "district",
    "indicator",
    "period",
    "breakdown",
    "value",
    "unit",
    "comparator",
    "required",
)


def requirement_config() -> dict:
    """Headers of the tables of rows that miss a project requirement."""
    return {c: t(f"upload_ui.requirement_{c}") for c in REQUIREMENT_COLUMNS}


def file_uploader(key: str) -> object:
    """st.file_uploader with its instructions in the reader's language. Streamlit draws
    "Drag and drop file here", "50MB per file" and its button in English and has no setting
    for them, so the page says the same in a caption and the English is hidden (CSS keyed
    to this one widget); the button's text is replaced the same way."""
    limit = st.get_option("server.maxUploadSize")
    button = t("upload_ui.browse").replace("\\", "").replace('"', "")
    st.html(
        f"""<style>
        .st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
        .st-key-{key} [data-testid="stFileUploaderDropzone"] button {{ font-size: 0; }}
        .st-key-{key} [data-testid="stFileUploaderDropzone"] button::after {{
            content: "{button}"; font-size: 0.875rem; }}
        </style>"""
    )
    uploaded = st.file_uploader(
        t("upload.file_label"),
        type=["csv", "txt", "xlsx"],
        key=key,
        help=t("upload.file_help"),
    )
    st.caption(t("upload_ui.limits", limit=limit))
    return uploaded


def rejected(count: int) -> str:
    """'The file was rejected: 1 problem …' / '… 12 problems …', the count grouped as the
    language writes it."""
    key = "upload.invalid_one" if count == 1 else "upload.invalid"
    return t(key, count=i18n.format_number(count, current()))
