"""The yearly report of one district: PDF or one self-contained HTML file, in the reader's
language, every figure with its numbered source.

- facts:   what the report says, read at the end of the report's year (statuses, changes,
           emissions, compliance counted, source notes)
- figures: the app's own plotly charts for those facts
- svg:     the charts drawn as SVG by plotly's static export in the machine's Chromium
- content: the facts as words, section by section
- html:    the HTML document (template and stylesheet in templates/)
- pdf:     the tagged PDF (WeasyPrint)
- cli:     python -m indicators report ...
"""

from __future__ import annotations

import logging

import duckdb

from indicators import access

from . import facts, html, pdf, svg

_log = logging.getLogger(__name__)
FORMATS = ("pdf", "html")
ReportError = facts.ReportError


def make(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    district: str,
    year: int,
    lang: str = "en",
    format: str = "pdf",
    include_pending: bool = False,
) -> bytes:
    """The report's bytes in `format` ('pdf' or 'html'), as `actor` may see the figures."""
    if format not in FORMATS:
        raise ReportError(f"unknown format {format!r}; choose pdf or html")
    if format == "pdf" and pdf.unavailable():
        raise RuntimeError(pdf.unavailable())
    facts.check(con, actor, district=district, include_pending=include_pending)
    drawing = _browser()  # Chromium starts while the facts are read (it takes longer)
    try:
        found = facts.gather(
            con, actor, district=district, year=year, lang=lang, include_pending=include_pending
        )
        if format == "pdf":
            try:
                return pdf.render(found, drawing=drawing)
            except svg.ChartsFailed:
                # a browser that stalls on a chart is rare and does not recur in a new one:
                # once more, in a fresh Chromium
                _log.exception("a chart was not drawn; the PDF is made again in a new browser")
                drawing.close()
                drawing = svg.start()
                return pdf.render(found, drawing=drawing)
        return html.render(found, drawing=drawing).encode("utf-8")
    finally:
        if drawing is not None:
            drawing.close()


def _browser() -> svg.Drawing | None:
    """A browser for the charts, starting now; None without one (the HTML then gets plotly's
    interactive charts; the PDF has already said it needs one)."""
    if not svg.available():
        return None
    try:
        return svg.start()
    except Exception:
        _log.exception("the browser for the report's charts did not start")
        return None


def filename(district: str, year: int, lang: str, format: str) -> str:
    return f"{district}-{year}-{lang}.{format}"
