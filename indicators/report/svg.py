"""Charts to SVG without the network: plotly's own static export (kaleido 1.x) driving the
Chromium binary that is already on the machine (Debian's `chromium`, which the browser tests use).

Kaleido's page would load MathJax from a CDN; it is switched off (no chart uses LaTeX), and
plotly.js comes from the plotly package on disk, so no request leaves the machine. Kaleido
looks for Chrome itself; we hand it the binary we found, so nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import shutil
from pathlib import Path

from .figures import Chart

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChartsUnavailable(RuntimeError):
    """No browser to draw the charts with; the message names what to install."""


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


def render(charts: list[Chart], *, tabs: int = 1, timeout: float = 60) -> dict[str, str]:
    """Chart key -> an SVG document (vector, its text real text), drawn by plotly.js in one
    headless Chromium with `tabs` pages at work (one: the machine's two cores do better with
    one page drawing in turn than with two competing)."""
    if not charts:
        return {}
    path = browser()
    if path is None:
        raise ChartsUnavailable(
            "charts need Chromium (Debian: apt-get install chromium) or BROWSER_PATH naming it"
        )
    import kaleido  # imported here: the app runs without it until a report is made

    class OnePage(kaleido.Kaleido):
        # Kaleido reloads its page (4 MB of plotly.js) after every figure, which is four
        # fifths of the time a report's 40 charts take; our figures are plain dicts that
        # share nothing, so the page is handed back as it is. (Pinned kaleido 1.5.0; a test
        # checks every chart of a report is drawn with its own title.)
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)

    async def draw() -> list[bytes]:
        async with OnePage(n=tabs, mathjax=False, path=path, timeout=timeout) as k:
            return await asyncio.gather(
                *(k.calc_fig(c.figure, opts={"format": "svg"}) for c in charts)
            )

    # in a thread of its own: the caller's thread may already run an event loop (Playwright's
    # sync API, a notebook), where asyncio.run refuses
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        images = pool.submit(asyncio.run, draw()).result()
    return {
        c.key: accessible(img.decode("utf-8"), c) for c, img in zip(charts, images, strict=True)
    }


_ROOT = re.compile(r"<svg\b([^>]*)>")


def accessible(svg: str, chart: Chart) -> str:
    """The SVG as an image with a name (role and title for screen readers), scaled to the
    width of the page (the viewBox keeps its proportions)."""
    from html import escape

    def root(match: re.Match) -> str:
        attributes = re.sub(r'\s(width|height|style|class)="[^"]*"', "", match.group(1))
        label = escape(chart.title, quote=True)
        return (
            f'<svg{attributes} role="img" aria-label="{label}" class="chart">'
            f"<title>{escape(chart.title)}</title>"
        )

    return _ROOT.sub(root, svg, count=1)
