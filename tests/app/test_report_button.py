"""The yearly report's download on a district's overview."""

from __future__ import annotations

from indicators.report import pdf
from tests.app.views import OVERVIEW, SRS, open_view, texts


def year_picker(at):
    return next(s for s in at.main.get("selectbox") if s.label in ("Report year", "Raportin vuosi"))


def test_district_overview_offers_the_yearly_report_as_pdf_to_everyone(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS)
    assert at.download_button(key="report_download").proto.label == "Download report (PDF)"
    picker = year_picker(at)
    assert picker.value == max(int(o) for o in picker.options)  # the newest year first


def test_report_button_speaks_the_readers_language(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="fi")
    assert at.download_button(key="report_download").proto.label == "Lataa raportti (PDF)"
    assert year_picker(at).label == "Raportin vuosi"


def test_report_year_comes_from_the_address(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, report_year="2022")
    assert year_picker(at).value == 2022


def test_without_the_pdf_renderer_the_overview_offers_html_with_a_line(make_app, monkeypatch):
    monkeypatch.setattr(pdf, "missing", lambda: "renderer")
    at = open_view(make_app, OVERVIEW, district=SRS)
    assert at.download_button(key="report_download").proto.label == "Download report (HTML)"
    assert "The PDF cannot be made on this server" in texts(at)


def test_all_districts_view_offers_no_report(make_app):
    at = open_view(make_app, OVERVIEW)
    assert "report_download" not in {b.key for b in at.main.get("download_button")}
