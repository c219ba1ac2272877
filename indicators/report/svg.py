"""Charts to SVG without the network: plotly's own static export (kaleido 1.x) driving the
Chromium binary that is already on the machine (Debian's `chromium`, which the browser tests use).

Kaleido's page would load MathJax from a CDN; it is switched off (no chart uses LaTeX), and
plotly.js comes from the plotly package on disk, so no request leaves the machine. Kaleido
looks for Chrome itself; we hand it the binary we found, so nothing is downloaded.

The browser is a `Drawing`: started before the report's facts are read (Chromium takes longer to
start than the facts take to read, and it runs on the other core), given each chart as soon as
it is built, and closed in the background once the last chart is drawn.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import re
import shutil
import threading
from functools import cache
from html import escape
from pathlib import Path
from xml.etree import ElementTree

from .figures import Chart

_log = logging.getLogger(__name__)
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SVG = "http://www.w3.org/2000/svg"


class ChartsUnavailable(RuntimeError):
    """No browser to draw the charts with; the message names what to install."""


class ChartsFailed(RuntimeError):
    """A chart was not drawn (the browser's error, or no answer in time). The browser is not
    asked again: one page draws the charts in turn, so one stuck chart would hold every later
    one for its whole timeout."""


def browser() -> str | None:
    """The Chromium (or Chrome) binary: $BROWSER_PATH (kaleido's own variable), else the first
    on PATH; None when there is none."""
    chosen = os.environ.get("BROWSER_PATH")
    if chosen:
        return chosen if Path(chosen).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    return browser() is not None


class Drawing:
    """One headless Chromium with plotly.js loaded, run by an event loop in a thread of its own
    (the caller's thread may already run one: Playwright's sync API, a notebook, Streamlit).
    `draw` hands it a chart and returns at once; `svg` waits for that chart's SVG document.
    One page draws the charts in turn: the machine's two cores do better with one page in
    Chromium and the report's Python on the other core than with two pages competing."""

    def __init__(self, *, timeout: float = 60):
        path = browser()
        if path is None:
            raise ChartsUnavailable(
                "charts need Chromium (Debian: apt-get install chromium) or BROWSER_PATH naming it"
            )
        self._timeout = timeout
        self._drawn: dict[str, concurrent.futures.Future] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="report-charts")
        self._thread.daemon = True  # a report that fails must not keep the process alive
        self._thread.start()
        self._opened = self._run(_open(path, timeout))
        self._closed: concurrent.futures.Future | None = None
        self._failed: ChartsFailed | None = None

    def _run(self, coroutine) -> concurrent.futures.Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop)

    def draw(self, chart: Chart) -> None:
        """Start drawing `chart` (the figure is read here, on the caller's thread)."""
        if chart.key in self._drawn:
            return
        figure = chart.figure.to_dict()
        opened = self._opened

        async def one() -> str:
            page = await asyncio.wrap_future(opened)
            image = await page.calc_fig(figure, opts={"format": "svg"})
            return accessible(image.decode("utf-8"), chart)

        self._drawn[chart.key] = self._run(one())

    def svg(self, key: str) -> str:
        """The chart's SVG document (vector, its text real text), once drawn. Raises
        ChartsFailed when this chart, or any before it, was not drawn."""
        if self._failed is not None:
            raise self._failed
        try:
            return self._drawn[key].result(timeout=self._timeout)
        except Exception as exc:  # the browser's error, or no answer in time
            self._failed = ChartsFailed(f"chart {key} was not drawn ({type(exc).__name__}: {exc})")
            raise self._failed from exc

    def charts(self) -> list[str]:
        """The charts handed to the browser, in order."""
        return list(self._drawn)

    def done(self) -> None:
        """No more charts: the browser closes in the background once the last one is drawn."""
        if self._closed is None:
            self._closed = self._run(_close(self._opened, list(self._drawn.values())))

    def close(self) -> None:
        """Close the browser and wait until it has gone (also after a failure). A browser that
        will not close is logged, not raised: the report's own error, if any, is the news."""
        if not self._thread.is_alive():
            return
        if self._failed is not None:  # stop waiting for charts that will not come
            for drawn in self._drawn.values():
                drawn.cancel()
        self.done()
        try:  # Chromium may still be starting: give it time to start and to close
            self._closed.result(timeout=max(self._timeout, 60))
        except Exception:
            _log.exception("the browser that drew the report's charts did not close cleanly")
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def __enter__(self) -> Drawing:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


async def _open(path: str, timeout: float):
    import kaleido  # imported here: the app runs without it until a report is made

    class OnePage(kaleido.Kaleido):
        # Kaleido reloads its page (4 MB of plotly.js) after every figure, which is four
        # fifths of the time a report's 40 charts take; our figures are plain dicts that
        # share nothing, so the page is handed back as it is. (Pinned kaleido 1.5.0; a test
        # checks every chart of a report is drawn with its own title.)
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)

    page = OnePage(n=1, mathjax=False, path=path, timeout=timeout)
    await page.open()
    return page


async def _close(opened: concurrent.futures.Future, drawn: list) -> None:
    await asyncio.gather(*(asyncio.wrap_future(f) for f in drawn), return_exceptions=True)
    try:
        page = await asyncio.wrap_future(opened)
    except Exception:  # never started: nothing to close
        return
    await page.close()


def start(**options) -> Drawing:
    """A browser for a report's charts, starting now (the seam tests replace)."""
    return Drawing(**options)


def render(charts: list[Chart], **options) -> dict[str, str]:
    """Chart key -> SVG document, every chart drawn in one browser that is then closed."""
    if not charts:
        return {}
    with start(**options) as drawing:
        for chart in charts:
            drawing.draw(chart)
        return {c.key: drawing.svg(c.key) for c in charts}


_ROOT = re.compile(r"<svg\b([^>]*)>")


def accessible(svg: str, chart: Chart) -> str:
    """The SVG as an image with a name (role and title for screen readers), scaled to the
    width of the page (the viewBox keeps its proportions)."""

    def root(match: re.Match) -> str:
        attributes = re.sub(r'\s(width|height|style|class)="[^"]*"', "", match.group(1))
        label = escape(chart.title, quote=True)
        return (
            f'<svg{attributes} role="img" aria-label="{label}" class="chart">'
            f"<title>{escape(chart.title)}</title>"
        )

    return _ROOT.sub(root, svg, count=1)


# ---------------------------------------------------------------- the same chart, lighter to print
def for_print(svg: str) -> str:
    """The same drawing with less for the PDF renderer to walk: plotly leaves a third of its
    elements empty (layers with nothing in them), and WeasyPrint parses every element's style
    attribute with a CSS parser although plotly repeats a few dozen styles thousands of times.
    Empty groups and paths go; each style becomes the presentation attributes WeasyPrint would
    have made of it (its own parser, once per distinct style). Without a stylesheet in the SVG
    a style declaration and the attribute of the same name draw the same."""
    root = ElementTree.fromstring(svg)
    if root.find(f".//{{{SVG}}}style") is not None:
        return svg  # a stylesheet would rank between attributes and styles: keep it as it is
    _prune(root)
    for element in root.iter():
        if element is not root:  # WeasyPrint ignores the root's style: so do we
            _unstyle(element)
    # written with ns0: prefixes: the same document to an XML parser (registering the default
    # namespace globally would take it from WeasyPrint's own metadata writer)
    return ElementTree.tostring(root, encoding="unicode")


_EMPTY = {f"{{{SVG}}}g", f"{{{SVG}}}path"}
_TEXT = f"{{{SVG}}}text"


def _prune(element: ElementTree.Element) -> None:
    if element.tag == _TEXT:
        return  # text and the spaces between its parts stay as they are
    for child in list(element):
        _prune(child)
        empty = (
            child.tag in _EMPTY
            and len(child) == 0
            and not (child.text or "").strip()
            and "id" not in child.attrib
            and (child.tag != f"{{{SVG}}}path" or not child.get("d", "").strip())
        )
        if empty:
            element.remove(child)


def _unstyle(element: ElementTree.Element) -> None:
    style = element.get("style")
    if not style:
        return
    normal, important = _declarations(style)
    if important:
        return
    del element.attrib["style"]
    for name, value in normal:
        element.set(name, value)


@cache
def _declarations(style: str) -> tuple[tuple, tuple]:
    from weasyprint.svg.css import parse_declarations

    normal, important = parse_declarations(style)
    return tuple(normal), tuple(important)
