"""The report as a tagged PDF: WeasyPrint lays out the report's HTML for A4 (print styles),
embeds the subset of each font it uses and keeps the text as text. PDF/UA-1 makes it a tagged
PDF (headings, lists and tables in the structure tree, the document's language set), so a
screen reader can move from heading to heading.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0). Without
it, or without Chromium for the charts, `unavailable()` says why and the app offers the HTML.
"""

from __future__ import annotations

from functools import cache

from . import facts as f
from . import html, svg

REASONS = {
    "renderer": "the PDF renderer (WeasyPrint with Pango) is not installed on this machine",
    "browser": "the charts need Chromium, which is not installed on this machine",
}


@cache
def missing() -> str | None:
    """What this machine lacks for a PDF: 'renderer' (WeasyPrint or Pango), 'browser'
    (Chromium, for the charts), or None when it has everything."""
    try:
        import weasyprint  # noqa: F401 - loads Pango through cffi; fails without it
    except (ImportError, OSError):
        return "renderer"
    return None if svg.available() else "browser"


def unavailable() -> str | None:
    """Why no PDF can be made on this machine, in words (None: it can)."""
    what = missing()
    return REASONS[what] if what else None


def render(facts: f.Facts, *, drawing: svg.Drawing | None = None) -> bytes:
    """The PDF. `drawing`: the browser for the charts, already started (report.make starts it
    before the facts are read); without it one is started here."""
    reason = unavailable()
    if reason:
        raise RuntimeError(reason)
    import weasyprint

    own = drawing is None
    drawing = drawing or svg.start()
    try:
        document = html.render(facts, for_print=True, drawing=drawing)
        drawing.done()  # the browser closes itself after the last chart, during the layout
        fetched: set[str] = set()
        made = weasyprint.HTML(
            string=document, base_url=str(html.HERE), url_fetcher=_charts(drawing, fetched)
        ).write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
        # WeasyPrint leaves out an image it cannot fetch, with a log line; a report leaves out
        # no chart: the browser's own error, or which chart is missing
        for key in drawing.charts():
            drawing.svg(key)
            if key not in fetched:
                raise RuntimeError(f"chart {key} did not reach the PDF")
        return made
    finally:
        if own:
            drawing.close()


def _charts(drawing: svg.Drawing, fetched: set[str]):
    """WeasyPrint's fetcher for the report: a chart's address gives its SVG (lightened for
    print), waiting for the browser if it has not drawn it yet."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Charts(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(html.CHART_URL):
                return super().fetch(url, headers)
            key = url.removeprefix(html.CHART_URL)
            document = svg.for_print(drawing.svg(key))
            fetched.add(key)
            return URLFetcherResponse(url, document, {"Content-Type": "image/svg+xml"})

    return Charts()
