""" "Use this data": each district and indicator view links to the same figures in the
open-data API, and the methodology page documents the API with examples."""

from __future__ import annotations

from .views import EXCAVATED, INDICATOR, METHODOLOGY, OVERVIEW, SRS, TURKU, open_view, texts


def test_a_district_view_links_to_its_figures_and_statuses_as_csv_and_json(make_app):
    shown = texts(open_view(make_app, OVERVIEW, district=TURKU))
    assert "Use this data" in shown
    assert f"(/api/v1/observations?district={TURKU}&format=csv)" in shown
    assert f"(/api/v1/observations?district={TURKU})" in shown
    assert f"(/api/v1/status?district={TURKU}&format=csv)" in shown


def test_an_indicator_view_links_to_the_chosen_districts_figures_of_that_indicator(make_app):
    shown = texts(open_view(make_app, INDICATOR, indicator=EXCAVATED, district=SRS))
    assert f"/api/v1/observations?district={SRS}&indicator={EXCAVATED}&format=csv" in shown


def test_the_link_is_worded_in_the_readers_language(make_app):
    shown = texts(open_view(make_app, OVERVIEW, district=TURKU, lang="fi"))
    assert "Käytä näitä tietoja" in shown


def test_the_methodology_page_documents_the_api_with_curl_pandas_and_r(make_app):
    shown = texts(open_view(make_app, METHODOLOGY, section="api"))
    assert "/api/v1/openapi.json" in shown
    assert "curl -o" in shown
    assert "pd.read_csv(" in shown
    assert "read.csv(paste0(" in shown
    assert "{base}" not in shown  # the examples carry a real address


def test_the_api_documentation_is_in_swedish_for_swedish_readers(make_app):
    shown = texts(open_view(make_app, METHODOLOGY, section="api", lang="sv"))
    assert "Gränssnitt för öppna data" in shown
