"""Helpers for the monitoring screens in a real browser: open a view by its shared address,
wait for its chart or table, read the page's text. Every wait is for a condition."""

from __future__ import annotations

from urllib.parse import urlencode

from tests.e2e.conftest import wait_for_app

CHART = "[data-testid='stPlotlyChart'] .js-plotly-plot .main-svg"
TABLE = "[data-testid='stDataFrame']"
MAIN = "[data-testid='stMain']"


def shared_link(base_url: str, url_path: str, **params: str) -> str:
    """`url_path` "" is the overview: the default page is served at the app's root."""
    return f"{base_url}/{url_path}?{urlencode(params)}"


def open_view(page, base_url: str, url_path: str, **params: str) -> None:
    """Open a view as someone who was sent its link, and wait for its first script run."""
    page.goto(shared_link(base_url, url_path, **params))
    wait_for_app(page)
    page.locator(".st-key-language_selector").wait_for()  # dashboard.py has run
    page.locator(f"{MAIN} h1").first.wait_for()  # and the page has drawn its title
    wait_for_app(page)
    # widgets whose code is still loading are drawn as skeletons: wait until all are real
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')")


def choose(page, key: str, option: str) -> None:
    """Pick `option` in the selectbox with widget key `key`."""
    page.locator(f".st-key-{key} [role='combobox']").click()
    page.get_by_role("option", name=option, exact=True).click()


def wait_for_text(page, text: str) -> None:
    page.locator(MAIN).get_by_text(text, exact=False).first.wait_for()


def wait_for_chart(page, count: int = 1) -> None:
    """Until `count` plotly charts have drawn their SVG."""
    page.locator(CHART).nth(count - 1).wait_for()


def main_text(page) -> str:
    return page.locator(MAIN).inner_text()
