"""Log-in in a real browser through a real OpenID provider (oidc-provider-mock): each demo
identity gets its menu, logs out again, and the public can open no page it was not given,
also not by typing its address."""

from __future__ import annotations

import shutil
from urllib.parse import urlparse

import pytest

from tests.e2e.auth_helpers import LOGIN_BUTTON, LOGOUT_BUTTON, WHO, login_as, logout
from tests.e2e.conftest import screenshot, streamlit_server, wait_for_app

pytestmark = pytest.mark.e2e

ADMINISTRATION = {"targets", "access", "audit"}
REPORTING = {"upload", "submissions", "projects"}
PUBLIC_ONLY_GETS_NONE_OF = ADMINISTRATION | REPORTING

IDENTITIES = {
    "official@demo.city": {"has": ADMINISTRATION | REPORTING, "lacks": set(), "org": None},
    "developer-a@demo.dev": {"has": REPORTING, "lacks": ADMINISTRATION, "org": "aalto-rakennus"},
    "developer-b@demo.dev": {"has": REPORTING, "lacks": ADMINISTRATION, "org": "bjork-bygg"},
}


NAV_LINKS = "[data-testid='stSidebarNav'] a[data-testid='stSidebarNavLink']"


def menu(page, *, expecting: set[str] = frozenset()) -> set[str]:
    """The pages in the sidebar menu, by their address (the same in every language), once the
    menu is drawn and holds the pages `expecting` (the menu arrives a moment after the rest)."""
    page.locator(NAV_LINKS).first.wait_for()
    for address in expecting:
        page.locator(f"{NAV_LINKS}[href$='/{address}']").wait_for()
    links = page.locator(NAV_LINKS)
    return {urlparse(href).path.strip("/") or "" for href in _hrefs(links)}


def _hrefs(links) -> list[str]:
    return [links.nth(i).get_attribute("href") or "" for i in range(links.count())]


def open_address(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    # drawn by dashboard.py on every run: the role has been decided and the menu given
    page.locator(".st-key-language_selector").wait_for()
    wait_for_app(page)


def test_public_sees_a_log_in_button_and_no_reporting_or_administration(page, auth_app_url):
    open_address(page, auth_app_url)
    # the sidebar may arrive after the page's body: wait for the button, do not sample it
    page.locator(LOGIN_BUTTON).wait_for(state="visible")
    assert not menu(page) & PUBLIC_ONLY_GETS_NONE_OF


@pytest.mark.parametrize("email", sorted(IDENTITIES))
def test_demo_identity_logs_in_gets_its_menu_and_logs_out(page, auth_app_url, email):
    expected = IDENTITIES[email]
    login_as(page, auth_app_url, email)
    who = page.locator(WHO).inner_text()
    assert email in who
    if expected["org"]:
        assert expected["org"] in who
    pages = menu(page, expecting=expected["has"])
    assert expected["has"] <= pages, pages
    assert not expected["lacks"] & pages, pages
    wait_for_app(page)
    screenshot(page, f"login-{email.split('@')[0]}")

    logout(page)
    assert page.locator(LOGOUT_BUTTON).count() == 0
    assert not menu(page) & PUBLIC_ONLY_GETS_NONE_OF


def test_after_log_out_a_typed_address_gives_the_public_nothing(page, auth_app_url):
    login_as(page, auth_app_url, "developer-a@demo.dev")
    logout(page)
    for address in ("upload", "submissions", "access", "audit", "targets"):
        open_address(page, f"{auth_app_url}/{address}")
        assert_public_got_nothing(page)


def test_a_fresh_servers_first_visit_to_a_typed_address_gives_nothing(
    page, demo_db_template, tmp_path
):
    """Streamlit's old pages/ folder mode would serve a page file directly to the first
    session of a server; indicators.ui sends that run through dashboard.py instead."""
    db = tmp_path / "fresh.duckdb"
    shutil.copy(demo_db_template, db)
    with streamlit_server(db) as url:
        open_address(page, f"{url}/access")
        assert_public_got_nothing(page)
        open_address(page, f"{url}/upload")
        assert_public_got_nothing(page)


def assert_public_got_nothing(page) -> None:
    main = page.locator("[data-testid='stMain']")
    text = main.inner_text()
    assert page.locator("[data-testid='stFileUploader']").count() == 0
    assert page.locator("[data-testid='stDataFrameGlideDataEditor']").count() == 0
    for private in ("developer-a@demo.dev", "People with access", "Audit log", "Upload report"):
        assert private not in text, private
    assert not menu(page) & PUBLIC_ONLY_GETS_NONE_OF
