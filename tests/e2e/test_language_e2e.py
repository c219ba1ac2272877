"""The interface language in a real browser follows the address: the sidebar selector puts
?lang= in it, and going back in the browser's history brings the earlier language back (the
selector must not write its old choice over the address)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import screenshot, wait_for_app
from tests.e2e.monitoring_helpers import MAIN, choose, main_text, open_view, wait_for_text

pytestmark = pytest.mark.e2e

SRS = "stockholm-royal-seaport"
SELECTOR = "language_selector"


def shown_language(page) -> str:
    """The name the language selector shows (the value of its combobox input)."""
    return page.locator(f".st-key-{SELECTOR} [role='combobox']").input_value()


def lang_of(url: str) -> list[str] | None:
    return parse_qs(urlparse(url).query).get("lang")


def test_selector_sets_lang_in_the_address_and_back_restores_english(page, app_url):
    open_view(page, app_url, "", district=SRS, lang="en")
    wait_for_text(page, "Target achieved")

    choose(page, SELECTOR, "Suomi")
    page.wait_for_url(lambda url: lang_of(url) == ["fi"])
    wait_for_text(page, "Tavoite saavutettu")
    wait_for_app(page)
    text = main_text(page)
    assert "Tavoite saavutettu" in text and "Target achieved" not in text
    assert shown_language(page) == "Suomi"
    screenshot(page, "language-fi")

    page.go_back()
    page.wait_for_url(lambda url: lang_of(url) in (["en"], None))
    wait_for_text(page, "Target achieved")
    wait_for_app(page)
    # the page stays English: the selector follows the address instead of writing fi back
    page.locator(MAIN).get_by_text("Tavoite saavutettu").first.wait_for(state="detached")
    assert "Tavoite saavutettu" not in main_text(page)
    assert shown_language(page) == "English"
    assert lang_of(page.url) in (["en"], None)
