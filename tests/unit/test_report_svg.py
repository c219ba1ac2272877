"""The report's charts on their way into the PDF: lightened for the PDF renderer they draw the
same picture, and the browser that drew them is gone when the report is made (or has failed)."""

from __future__ import annotations

import base64
import os
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

from indicators import access
from indicators.cli import main
from indicators.report import facts, figures, html, pdf, svg

SEAPORT = "stockholm-royal-seaport"
TURKU = "turku-science-park"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(pdf.missing() is not None, reason="needs WeasyPrint and Chromium"),
]


def elements(document: str) -> int:
    return sum(1 for _ in ElementTree.fromstring(document).iter())


def picture(page: str, tmp_path: Path, name: str, fetcher=None) -> bytes:
    """The page as WeasyPrint draws it into a PDF, rasterised (poppler's pdftoppm)."""
    import weasyprint

    out = tmp_path / f"{name}.pdf"
    page = f"<style>img {{ width: 100% }}</style>{page}"
    weasyprint.HTML(string=page, base_url=str(html.HERE), url_fetcher=fetcher).write_pdf(out)
    subprocess.run(["pdftoppm", "-r", "110", "-png", "-singlefile", out, tmp_path / name], check=True)  # fmt: skip
    return (tmp_path / f"{name}.png").read_bytes()


class Drawn:
    """The browser's drawings, already made."""

    def __init__(self, svgs: dict[str, str]):
        self.svgs = svgs

    def svg(self, key: str) -> str:
        return self.svgs[key]


def test_a_chart_printed_draws_the_same_picture_as_the_browsers_svg(demo_con, tmp_path):
    """The PDF's way (a frame of the chart's size, the chart fetched when its page is painted,
    lightened) against the browser's SVG as it came."""
    found = facts.gather(demo_con, access.PUBLIC, district=TURKU, year=2025)
    with_target = found.card[found.card["target"].notna()].to_dict("records")
    charts = [
        figures.indicator_chart(found, with_target[0]),  # a target line, marks, a trend
        *figures.emission_charts(found),  # stacked bars with a legend, and shares
    ]
    assert all(charts) and len(charts) == 3
    drawn = svg.render(charts)
    for chart in charts:
        full = drawn[chart.key]
        light = svg.for_print(full)
        assert elements(light) < elements(full), chart.key  # the empty layers are gone
        assert light.count("style=") == 0, chart.key  # styles are attributes now
        assert chart.title in light
        data = base64.b64encode(full.encode("utf-8")).decode("ascii")
        before = picture(f'<img src="data:image/svg+xml;base64,{data}">', tmp_path, "full")
        fetched: set[str] = set()
        fetcher = pdf._charts(Drawn(drawn), fetched)
        after = picture(str(html._image(chart)), tmp_path, "printed", fetcher)
        assert fetched == {chart.key}
        assert before == after, chart.key


def test_a_chart_with_a_stylesheet_is_left_as_it_is():
    document = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: red }</style>'
        '<g/><rect width="1" height="1" style="fill: blue"/></svg>'
    )
    assert svg.for_print(document) == document


def browsers_started_by_this_process() -> list[str]:
    """Our own child processes that are a Chromium (a zombie counts: nobody waited for it)."""
    me = os.getpid()
    children = set()
    for task in Path(f"/proc/{me}/task").iterdir():
        children |= set((task / "children").read_text().split())
    found = []
    for pid in children:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except FileNotFoundError:
            continue
        if "chrom" in command.lower():
            found.append(command[:80])
    return found


def test_no_browser_is_left_behind_by_a_report_or_by_a_failed_one(demo_db, tmp_path):
    assert not browsers_started_by_this_process()
    argv = ["--db", str(demo_db), "report", "--district", SEAPORT]
    # the browser starts before the figures are read; a year without any still closes it
    assert main([*argv, "--year", "1990", "--out", str(tmp_path / "r.pdf")]) == 1
    assert not browsers_started_by_this_process()
    assert main([*argv, "--year", "2023", "--format", "html", "--out", str(tmp_path)]) == 0
    assert not browsers_started_by_this_process()


def gone_within(seconds: float) -> bool:
    """Whether every browser this process started has exited within `seconds` (a browser
    closed while it was still starting takes a moment to go)."""
    deadline = time.monotonic() + seconds
    while browsers_started_by_this_process():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


class Stalled:
    """A browser that never draws a chart."""

    def __init__(self):
        self.keys: list[str] = []

    def draw(self, chart) -> None:
        self.keys.append(chart.key)

    def svg(self, key: str) -> str:
        raise svg.ChartsFailed(f"chart {key} was not drawn (stalled)")

    def charts(self) -> list[str]:
        return list(self.keys)

    def done(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_pdf_whose_browser_stalls_on_a_chart_is_made_again_in_a_new_one(demo_con, monkeypatch):
    from indicators import report

    started = []
    real = svg.start

    def start(**options):
        started.append(options)
        return Stalled() if len(started) == 1 else real(**options)

    monkeypatch.setattr(svg, "start", start)
    made = report.make(demo_con, access.PUBLIC, district=TURKU, year=2025, format="pdf")
    assert made.startswith(b"%PDF") and len(started) == 2
    assert gone_within(30)
