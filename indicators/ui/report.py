"""The yearly report's download on a district's overview: a year and a "Download report (PDF)"
button for everyone (approved figures; an official who shows pending figures gets them in the
report too, marked on every page). Where this server cannot make a PDF, the HTML report is
offered with a line saying why. The report is made only when the button is pressed."""

from __future__ import annotations

import logging

import streamlit as st

from indicators import access, report
from indicators.report import pdf
from indicators.ui import data, filters, language

_log = logging.getLogger(__name__)


@st.cache_data(show_spinner=False, max_entries=16)
def _made(
    version: data.Version,
    actor: access.Actor,
    district: str,
    year: int,
    lang: str,
    format: str,
    pending: bool,
) -> bytes:
    return report.make(
        data.con(),
        actor,
        district=district,
        year=year,
        lang=lang,
        format=format,
        include_pending=pending,
    )


def download(
    version: data.Version, actor: access.Actor, district: str, years: list[int], pending: bool
) -> None:
    """The report year (bound to ?report_year=) and the download button."""
    if not years:
        return
    lang = language.current()
    pending = pending and access.can(actor, "read_pending")
    st.subheader(language.t("report.ui.heading"))
    pick, button = st.columns([1, 2], vertical_alignment="bottom")
    year = filters.select(
        language.t("report.ui.year"),
        sorted({int(y) for y in years}, reverse=True),
        param="report_year",
        default=int(max(years)),
        container=pick,
    )
    lacking = pdf.missing()
    format = "html" if lacking else "pdf"

    def make() -> bytes:
        try:
            return _made(version, actor, district, int(year), lang, format, pending)
        except Exception:
            _log.exception("report of %s %s (%s) failed", district, year, format)
            raise

    button.download_button(
        language.t(f"report.ui.download_{format}"),
        data=make,
        file_name=report.filename(district, int(year), lang, format),
        mime="application/pdf" if format == "pdf" else "text/html",
        key="report_download",
        icon=":material/picture_as_pdf:" if format == "pdf" else ":material/description:",
        help=language.t("report.ui.help"),
        on_click="ignore",
    )
    if lacking:
        reason = language.t(f"report.ui.no_{lacking}")
        st.caption(language.t("report.ui.pdf_unavailable", reason=reason))
    if pending:
        st.caption(language.t("report.pending_included"))
