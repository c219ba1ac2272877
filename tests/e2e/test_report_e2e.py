"""The yearly report in a real browser and as pictures: the HTML file opened in Chromium with
every request recorded and refused (it must need none), and the PDF's first pages rendered to
PNG under tests/e2e/artifacts/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from indicators.cli import main
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.monitoring_helpers import open_view, wait_for_text

SEAPORT = "stockholm-royal-seaport"

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def report_db(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("report-e2e") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


def make(db, out, *options) -> None:
    argv = ["--db", str(db), "report", "--district", SEAPORT, "--year", "2023", *options]
    assert main([*argv, "--out", str(out)]) == 0


def test_report_html_loads_nothing_from_the_network(browser, report_db, tmp_path):
    out = tmp_path / "seaport-2023-sv.html"
    make(report_db, out, "--format", "html", "--lang", "sv")
    document = out.as_uri()
    requested: list[str] = []

    def refuse_all_but_the_file(route):
        requested.append(route.request.url)
        if route.request.url == document:
            route.continue_()
        else:
            route.abort()

    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    try:
        context.route("**/*", refuse_all_but_the_file)
        page = context.new_page()
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(document, wait_until="load")
        assert page.locator("h1").inner_text() == "Norra Djurgårdsstaden"  # its Swedish name
        charts = page.locator("figure.chart svg[role=img]")
        assert charts.count() > 10
        assert charts.first.bounding_box()["width"] > 300  # drawn, not collapsed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-html-sv.png"))
    finally:
        context.close()
    assert requested == [document]
    assert failed == []


def test_report_html_fits_a_phone_screen(browser, report_db, tmp_path):
    out = tmp_path / "seaport-2023-en.html"
    make(report_db, out, "--format", "html")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        context.route("**/*", lambda route: route.continue_())
        page = context.new_page()
        page.goto(out.as_uri(), wait_until="load")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        page.screenshot(path=str(ARTIFACTS / "report-html-phone.png"))
    finally:
        context.close()
    assert overflow <= 1


def test_report_pdf_first_pages_render_to_png(report_db, tmp_path):
    """The visual check: the cover, the summary and the first theme as pictures."""
    out = tmp_path / "seaport-2023-fi.pdf"
    make(report_db, out, "--lang", "fi")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("report-pdf-fi-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "4", str(out), str(ARTIFACTS / "report-pdf-fi")],
        check=True,
        timeout=120,
    )  # fmt: skip
    pages = sorted(ARTIFACTS.glob("report-pdf-fi-*.png"))
    assert len(pages) == 4
    assert all(p.stat().st_size > 10_000 for p in pages)  # pictures with something on them


def test_overview_download_button_gives_the_districts_report_as_pdf(page, app_url, tmp_path):
    open_view(page, app_url, "", district=SEAPORT, lang="en", report_year="2023")
    wait_for_text(page, "Download report (PDF)")
    with page.expect_download(timeout=240_000) as download:
        page.get_by_role("button", name="Download report (PDF)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "stockholm-royal-seaport-2023-en.pdf"
    assert saved.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True).stdout
    assert "Stockholm Royal Seaport" in text and "Sustainability report 2023" in text
