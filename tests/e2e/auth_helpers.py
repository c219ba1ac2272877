"""Log in and out of the app in a real browser, through the oidc-provider-mock sign-in page.

Used with the `auth_app_url` fixture (tests/e2e/conftest.py), whose provider knows the demo
identities `official@demo.city`, `developer-a@demo.dev` and `developer-b@demo.dev`:

    from tests.e2e.auth_helpers import login_as, logout

    def test_something(page, auth_app_url):
        login_as(page, auth_app_url, "developer-a@demo.dev")
        ...
        logout(page)

The sidebar's buttons are found by their widget keys (`login`, `logout`), so the helpers work
in every interface language.
"""

from __future__ import annotations

import time
import weakref
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import wait_for_app

LOGIN_BUTTON = ".st-key-login button"
LOGOUT_BUTTON = ".st-key-logout button"
WHO = "[data-testid='stSidebar'] .st-key-session_user"
_BLOCKED: weakref.WeakSet = weakref.WeakSet()


def _offline_provider_pages(page) -> None:
    """The mock's pages link a stylesheet on a CDN; the tests never wait for the internet."""
    if page.context in _BLOCKED:
        return
    page.context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    _BLOCKED.add(page.context)


def _on_app(url: str, base_url: str) -> bool:
    here, app = urlparse(url), urlparse(base_url)
    return here.netloc == app.netloc and not here.path.startswith("/oauth2callback")


def _count(page, selector: str) -> int:
    try:
        return page.locator(selector).count()
    except PlaywrightError:  # the page is being replaced by the next one
        return 0


def login_as(page, base_url: str, email: str) -> None:
    """Open the app, press "Log in", choose `email` on the provider's page, wait for the app."""
    _offline_provider_pages(page)
    base_url = base_url.rstrip("/")
    page.goto(base_url + "/")
    wait_for_app(page)
    page.locator(f"{LOGIN_BUTTON}, {LOGOUT_BUTTON}").first.wait_for()
    if page.locator(LOGOUT_BUTTON).count():
        logout(page)
    page.locator(LOGIN_BUTTON).click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator(f"button[name='sub'][value='{email}']").click()
    page.wait_for_url(lambda url: _on_app(url, base_url))
    wait_for_app(page)
    page.locator(WHO).filter(has_text=email).wait_for()


def logout(page, *, timeout: float = 30.0) -> None:
    """Press "Log out", end the session on the provider's page, wait for the public app."""
    _offline_provider_pages(page)
    app = urlparse(page.url)
    base_url = f"{app.scheme}://{app.netloc}"
    page.locator(LOGOUT_BUTTON).click()
    # Streamlit sends the browser to the provider's end-session page when the provider has one
    # (the mock does), else straight back to the app; the page may also change its own query
    # string meanwhile, so wait for one of the two outcomes rather than for "a navigation"
    deadline = time.monotonic() + timeout
    while not urlparse(page.url).path.startswith("/oauth2/end_session"):
        if _on_app(page.url, base_url) and _count(page, LOGIN_BUTTON):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"log-out did not finish in {timeout:.0f} s (at {page.url})")
        page.wait_for_timeout(100)  # lets the browser's events through while polling
    if urlparse(page.url).path.startswith("/oauth2/end_session"):
        page.get_by_role("button", name="End session").click()
        page.wait_for_url(lambda url: _on_app(url, base_url))
    wait_for_app(page)
    page.locator(LOGIN_BUTTON).wait_for()
