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

import duckdb

from indicators import access

from . import facts, html, pdf

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
    found = facts.gather(
        con, actor, district=district, year=year, lang=lang, include_pending=include_pending
    )
    if format == "pdf":
        return pdf.render(found)
    return html.render(found).encode("utf-8")


def filename(district: str, year: int, lang: str, format: str) -> str:
    return f"{district}-{year}-{lang}.{format}"
