"""What the public reads, in a real browser: text from an address or from the data is shown as
text (no link, no image fetched), and a 390 px phone shows every status and whole chart titles."""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pandas as pd
import pytest

from indicators import store
from indicators.text import JOINER
from tests.e2e.conftest import screenshot, streamlit_server, wait_for_app
from tests.e2e.monitoring_helpers import (
    MAIN,
    TABLE,
    main_text,
    open_view,
    wait_for_chart,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

EVIL_LINK = "[x](https://evil.example)"
EVIL_IMAGE = "![b](http://127.0.0.1:1/t.png)"
HOSTILE = "hostile"
HOSTILE_NAME = "[evil](https://evil.example) ![i](http://127.0.0.1:1/n.png) <b>bold</b> :red[red]"


def _record_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def _read(page) -> str:
    """The page's text as a person reads it (the invisible word joiners that keep a bare
    address from turning into a link left out)."""
    return main_text(page).replace(JOINER, "")


def _no_markup_from_data(page, requests: list[str]) -> None:
    main = page.locator(MAIN)
    links = main.locator("a[href*='evil.example']")
    assert links.count() == 0, [
        links.nth(n).evaluate("e => e.parentElement.outerHTML") for n in range(links.count())
    ]
    assert main.locator("img[src*='127.0.0.1:1']").count() == 0
    assert main.locator("b", has_text="bold").count() == 0
    fetched = [url for url in requests if urlparse(url).netloc in ("127.0.0.1:1", "evil.example")]
    assert not fetched


def test_markdown_in_the_address_is_shown_as_text_not_a_link_or_image(page, app_url):
    requests = _record_requests(page)
    open_view(page, app_url, "", district=f"{EVIL_LINK} {EVIL_IMAGE}", lang="en")
    wait_for_text(page, "which does not exist here")
    assert f"{EVIL_LINK} {EVIL_IMAGE}" in _read(page)
    _no_markup_from_data(page, requests)
    screenshot(page, "public-escaped-address")


@pytest.fixture(scope="module")
def hostile_app_url(demo_db_template, tmp_path_factory):
    """The app on a database with a district whose name, city and source link are markup."""
    db = tmp_path_factory.mktemp("hostile") / "app.duckdb"
    shutil.copy(demo_db_template, db)
    with store.connect(db) as con:
        store.add_reference(
            con,
            districts=pd.DataFrame(
                [
                    {
                        "id": HOSTILE,
                        "name": HOSTILE_NAME,
                        "city": "![c](http://127.0.0.1:1/city.png)",
                        "country": "FI",
                        "kind": "district",
                        "synthetic": True,
                        "source_url": "javascript:alert(1)",
                    }
                ]
            ),
        )
    with streamlit_server(db) as url:
        yield url


@pytest.mark.parametrize("url_path", ["", "emissions"])
def test_a_district_named_in_markup_reads_as_its_characters(page, hostile_app_url, url_path):
    requests = _record_requests(page)
    open_view(page, hostile_app_url, url_path, district=HOSTILE, lang="en")
    page.locator(f"{MAIN} h2", has_text="[evil](https:").first.wait_for()
    assert HOSTILE_NAME in _read(page)
    assert page.locator(MAIN).locator("a[href^='javascript:']").count() == 0
    _no_markup_from_data(page, requests)


# ----------------------------------------------------------------------------- a phone


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_a_phone_sees_every_status_of_every_district(phone, app_url):
    open_view(phone, app_url, "", district="all", lang="en")
    table = phone.locator(TABLE).first
    table.wait_for()
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    # the name and the column holding every status fit the screen side by side
    from indicators.ui.scorecards import PHONE_COLUMNS

    assert box["x"] + sum(PHONE_COLUMNS) <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "public-phone-districts")


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_chart_toolbars_do_not_cover_chart_titles_on_a_phone(phone, app_url):
    open_view(phone, app_url, "emissions", district="turku-science-park", lang="en")
    wait_for_chart(phone, 1)
    chart = phone.locator("[data-testid='stPlotlyChart']").first
    chart.scroll_into_view_if_needed()
    chart.hover()
    wait_for_app(phone)
    title = chart.locator(".gtitle").first.bounding_box()
    bars = [chart.locator(".modebar-container").first]
    toolbar = phone.locator("[data-testid='stElementToolbar']")
    bars += [toolbar.nth(n) for n in range(toolbar.count())]
    boxes = [b.bounding_box() for b in bars if b.is_visible()]
    assert boxes, "no toolbar showed on hover"
    assert title["x"] >= 0 and title["x"] + title["width"] <= 390  # the title is not cut
    assert not [box for box in boxes if _overlap(box, title)]
    screenshot(phone, "public-phone-chart")
