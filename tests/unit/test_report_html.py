"""The yearly report's content and its HTML: who sees what, marks on synthetic, provisional and
pending figures, text from the data escaped, the command's errors, and the HTML without a
browser on the machine."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pypdf import PdfReader

from indicators import access, report, store
from indicators.cli import main
from indicators.report import facts, html, pdf, svg

TURKU = "turku-science-park"
SEAPORT = "stockholm-royal-seaport"
OFFICIAL = access.Actor(role="official", email="official@demo.city")
DEVELOPERS = ("Aalto Rakennus", "Björk Bygg", "Kivi Kodit", "Lehto Asunnot")


class Blank:
    """A browser that draws every chart as an empty picture at once."""

    def draw(self, chart) -> None:
        pass

    def svg(self, key: str) -> str:
        return "<svg></svg>"

    def charts(self) -> list[str]:
        return []

    def done(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.fixture
def no_charts(monkeypatch):
    """Charts drawn by nothing: these tests read the words, and skip the browser's seconds."""
    monkeypatch.setattr(svg, "start", lambda **_: Blank())


def page(con, actor=access.PUBLIC, **asked) -> str:
    asked = {"district": TURKU, "year": 2025, "format": "html", **asked}
    return report.make(con, actor, **asked).decode("utf-8")


def test_public_report_counts_projects_without_naming_developers(demo_con, no_charts):
    text = page(demo_con)
    assert re.search(r"\d of 6 projects meet the requirement", text)
    assert not any(name in text for name in DEVELOPERS)


def test_officials_report_with_pending_figures_names_developers_and_says_draft(demo_con, no_charts):
    text = page(demo_con, OFFICIAL, include_pending=True)
    assert all(name in text for name in DEVELOPERS)
    assert "DRAFT: includes figures pending approval" in text


def test_pending_figures_need_an_official(demo_con, no_charts):
    developer = access.Actor(role="developer", email="developer-a@demo.dev", organisation="x")
    for actor in (access.PUBLIC, developer):
        with pytest.raises(access.PermissionDenied):
            page(demo_con, actor, include_pending=True)


def test_public_report_leaves_pending_figures_out(demo_con, no_charts):
    public, draft = page(demo_con), page(demo_con, OFFICIAL, include_pending=True)
    assert "pending approval" not in public.split("<main>")[1]
    assert "pending approval" in draft.split("<main>")[1]


def test_report_marks_synthetic_data(demo_con, no_charts):
    text = page(demo_con)
    assert "Synthetic demo data: the district and its figures are invented" in text
    assert "(synthetic)" in text


def test_report_marks_a_provisional_year(demo_con, no_charts):
    # the newest year of one developer waits in the review queue: 2025 is not whole
    assert re.search(r"2025 provisional: \d of \d projects", page(demo_con))


def test_report_counts_figures_as_they_stood_at_the_end_of_its_year(demo_con, no_charts):
    found = facts.gather(demo_con, access.PUBLIC, district=SEAPORT, year=2022)
    assert found.series["year"].max() == 2022
    assert "80 % (2023)" not in page(demo_con, district=SEAPORT, year=2022)


def test_report_summary_compares_with_last_years_report(demo_con, no_charts):
    text = page(demo_con, district=SEAPORT, year=2023, lang="en")
    assert "What changed since the 2022 report" in text
    moved = text.split("The figures that moved most")[1][:3000]
    assert "Excavated material reused" in moved and "+100 %" in moved


def test_text_from_the_data_is_never_markup(demo_con, no_charts):
    hostile = "<script>alert(1)</script><b>Seaport</b>"
    row = store.districts(demo_con).query("id == @SEAPORT")[["id", "name", "city", "kind"]]
    store.add_reference(demo_con, districts=row.assign(name=hostile))
    text = page(demo_con, district=SEAPORT, year=2023)
    assert "<script>alert" not in text and "<b>Seaport" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;Seaport&lt;/b&gt;" in text


def test_report_html_is_one_file_that_refers_to_nothing_outside(demo_con, no_charts):
    text = page(demo_con, district=SEAPORT, year=2023)
    assert not re.search(r"<(script|img|link|iframe)\b", text)
    assert not re.search(r"url\(|@import", text)
    assert not re.search(r'\ssrc="', text)


def test_without_a_browser_the_html_draws_its_charts_with_plotly_inside_the_file(
    demo_con, monkeypatch
):
    monkeypatch.setattr(svg, "browser", lambda: None)
    text = page(demo_con, district=SEAPORT, year=2023)
    assert "The charts in this file are interactive" in text
    assert text.count("<script") >= 2 and not re.search(r'<script[^>]*\ssrc="', text)


def test_unknown_district_is_a_clear_error(demo_db, tmp_path, capsys):
    out = tmp_path / "r.pdf"
    code = main(["--db", str(demo_db), "report", "--district", "atlantis", "--year", "2023", "--out", str(out)])  # fmt: skip
    assert code == 1
    assert "unknown district 'atlantis'" in capsys.readouterr().err
    assert not out.exists()


def test_a_year_before_any_figure_is_a_clear_error(demo_db, tmp_path, capsys):
    code = main(["--db", str(demo_db), "report", "--district", SEAPORT, "--year", "1990", "--out", str(tmp_path / "r.html")])  # fmt: skip
    assert code == 1
    assert "has no figures up to 1990" in capsys.readouterr().err


def test_pending_report_from_the_command_line_needs_an_official(demo_db, tmp_path, capsys):
    argv = ["--db", str(demo_db), "report", "--district", TURKU, "--year", "2025", "--pending"]
    assert main([*argv, "--out", str(tmp_path / "r.html")]) == 3
    assert "may not include figures pending approval" in capsys.readouterr().err


def test_without_the_pdf_renderer_the_command_points_to_html(
    demo_db, tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(pdf, "missing", lambda: "renderer")
    argv = ["--db", str(demo_db), "report", "--district", SEAPORT, "--year", "2023"]
    assert main([*argv, "--out", str(tmp_path / "r.pdf")]) == 1
    err = capsys.readouterr().err
    assert "WeasyPrint" in err and "--format html works without it" in err
    assert main([*argv, "--format", "html", "--out", str(tmp_path / "r.html")]) == 0


@pytest.mark.slow
def test_every_page_of_a_pdf_with_pending_figures_says_so(demo_db, tmp_path):
    out = tmp_path / "draft.pdf"
    argv = ["--db", str(demo_db), "report", "--district", TURKU, "--year", "2025"]
    assert main([*argv, "--pending", "--as", "official@demo.city", "--out", str(out)]) == 0
    pages = PdfReader(out).pages
    assert len(pages) > 5
    for n, one in enumerate(pages, start=1):
        assert "DRAFT: includes figures pending approval" in (one.extract_text() or ""), n


def test_a_report_counts_each_requirement_once_per_project(demo_con):
    found = facts.gather(demo_con, access.PUBLIC, district=TURKU, year=2023)
    counted = facts.compliance(found.requirements)
    assert isinstance(counted, pd.DataFrame) and not counted.empty
    assert (counted["projects"] == counted[["met", "not_met", "not_reported"]].sum(axis=1)).all()
    assert counted["projects"].max() == found.requirements["project"].nunique()


def test_html_escapes_quotes_in_the_pdf_page_header():
    assert html._css_string('a"b\\c\nd') == '"a\\22 b\\5c c\\a d"'


def test_html_report_still_comes_when_the_browser_fails(demo_con, monkeypatch):
    class Broken(Blank):
        def svg(self, key: str) -> str:
            raise TimeoutError("the browser did not answer")

    monkeypatch.setattr(svg, "start", lambda **_: Broken())
    text = page(demo_con, district=SEAPORT, year=2023)
    assert "The charts in this file are interactive" in text
