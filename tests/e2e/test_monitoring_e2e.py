"""The monitoring screens in a real browser, each opened through a shared link: the chart or
table is drawn, the status words are there, ?lang= switches the language, and a screenshot of
each page is kept under tests/e2e/artifacts/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.auth_helpers import login_as
from tests.e2e.conftest import screenshot, wait_for_app
from tests.e2e.monitoring_helpers import (
    TABLE,
    choose,
    main_text,
    open_view,
    wait_for_chart,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

SRS = "stockholm-royal-seaport"
TURKU = "turku-science-park"
EXCAVATED = "excavated_material_reused"


def test_overview_link_opens_the_district_scorecard(page, app_url):
    open_view(page, app_url, "", district=SRS, lang="en")
    wait_for_text(page, "Excavated material reused")
    text = main_text(page)
    assert "Stockholm Royal Seaport" in text
    assert "✔ Target achieved" in text and "80 %" in text
    assert "at least 65 % by 2030" in text
    screenshot(page, "monitoring-overview")


def test_overview_in_finnish_shows_finnish_status_words(page, app_url):
    open_view(page, app_url, "", district=SRS, lang="fi")
    wait_for_text(page, "Kaivumaiden hyötykäyttö")
    text = main_text(page)
    assert "✔ Tavoite saavutettu" in text
    assert "vähintään 65 % vuoteen 2030 mennessä" in text
    assert "Target achieved" not in text
    screenshot(page, "monitoring-overview-fi")


def test_choosing_a_district_puts_it_in_the_address(page, app_url):
    open_view(page, app_url, "", district="all", lang="en")
    wait_for_text(page, "districts")
    choose(page, "filter_select_district", "Lakeview (synthetic)")
    page.wait_for_url(lambda url: parse_qs(urlparse(url).query).get("district") == ["lakeview"])
    wait_for_app(page)
    wait_for_text(page, "Lakeview (synthetic)")


def test_indicator_link_shows_series_target_and_status_workings(page, app_url):
    open_view(page, app_url, "indicator", indicator=EXCAVATED, district=SRS, lang="en")
    wait_for_chart(page, 2)  # the series and the comparison of districts
    text = main_text(page)
    assert "✔ Target achieved" in text
    assert "Latest value: 80 % (2023)" in text
    assert "How the status was worked out" in text
    assert page.locator(TABLE).count() >= 2  # the exact numbers under the charts
    screenshot(page, "monitoring-indicator")


def test_indicator_in_swedish_uses_decimal_comma(page, app_url):
    open_view(page, app_url, "indicator", indicator=EXCAVATED, district=TURKU, lang="sv")
    wait_for_chart(page, 2)
    text = main_text(page)
    assert "Hur statusen har beräknats" in text
    latest = next(line for line in text.splitlines() if line.startswith("Senaste värde"))
    assert "," in latest and "%" in latest
    screenshot(page, "monitoring-indicator-sv")


def test_emissions_link_shows_sectors_shares_and_city_average(page, app_url):
    open_view(page, app_url, "emissions", district=TURKU, lang="en")
    wait_for_chart(page, 2)  # stacked sectors, shares
    text = main_text(page)
    assert "Emissions by sector" in text and "Compared with the city average" in text
    screenshot(page, "monitoring-emissions")


def test_kera_transport_emissions_are_compared_with_the_city_average(page, app_url):
    open_view(page, app_url, "emissions", district="espoo-kera", lang="en")
    wait_for_text(page, "Transport emissions 27 % lower than the city average (2021)")
    assert "No emissions by sector have been published for Kera." in main_text(page)


def test_compare_link_shows_the_status_table_with_its_legend(page, app_url):
    open_view(page, app_url, "compare", theme="resource_efficiency_climate", lang="en")
    page.locator(TABLE).first.wait_for()
    text = main_text(page)
    assert "✔ Target achieved · ▲ Substantial progress" in text
    screenshot(page, "monitoring-compare")


def test_methodology_link_opens_the_text_in_swedish(page, app_url):
    open_view(page, app_url, "methodology", section="method", lang="sv")
    wait_for_text(page, "Vad statusen berättar")
    assert "Metod och källor" in main_text(page)
    screenshot(page, "monitoring-methodology-sv")


def test_developer_sees_own_projects_against_requirements(page, auth_app_url):
    login_as(page, auth_app_url, "developer-a@demo.dev")
    open_view(page, auth_app_url, "projects", district=TURKU, lang="en")
    page.locator(TABLE).first.wait_for()
    text = main_text(page)
    assert "Projects and their requirements" in text
    assert "✔ Met" in text and "✘ Not met" in text
    assert "Other developers' projects are not shown." in text
    screenshot(page, "monitoring-projects-developer")
