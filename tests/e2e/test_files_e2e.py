"""In a real browser: the uploader speaks Finnish (Streamlit's own English instructions are
replaced), and the address of a page the role may not open says why instead of silently
showing the overview."""

from __future__ import annotations

import pytest

from tests.e2e.auth_helpers import login_as
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e


def open_page(page, base_url: str, path: str) -> None:
    page.goto(f"{base_url.rstrip('/')}/{path}")
    wait_for_app(page)
    page.locator(".st-key-language_selector").wait_for()
    wait_for_app(page)


def test_the_public_opening_the_targets_address_is_told_it_is_not_public(page, app_url):
    open_page(page, app_url, "targets")
    page.get_by_text("That page is not public. Here is the overview instead.").wait_for()
    # a visitor is not told what the pages behind the log-in are called
    assert page.get_by_text("Targets", exact=True).count() == 0


def test_a_developer_opening_the_targets_address_is_told_it_is_for_other_roles(page, auth_app_url):
    login_as(page, auth_app_url, "developer-a@demo.dev")
    open_page(page, auth_app_url, "targets")
    page.get_by_text("You are not permitted to open Targets").wait_for()


def test_the_uploader_shows_no_english_to_a_finnish_developer(page, auth_app_url):
    login_as(page, auth_app_url, "developer-a@demo.dev")
    open_page(page, auth_app_url, "upload?lang=fi")
    uploader = page.locator(".st-key-upload_file")
    uploader.wait_for()
    page.get_by_text("enintään 50 Mt tiedostoa kohden").wait_for()
    assert not uploader.get_by_text("per file").is_visible()
    button = uploader.locator("[data-testid='stFileUploaderDropzone'] button").first
    content = button.evaluate("b => getComputedStyle(b, '::after').content")
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "0px"
    assert "Valitse tiedosto" in content
