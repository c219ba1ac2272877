"""A sign-in whose e-mail the identity provider has not verified gets the public view and a
line saying why, even with an official's address."""

from __future__ import annotations

from tests.app.conftest import AUTH_SECRETS, DEMO_IDENTITIES


def test_an_unverified_officials_address_sees_the_public_view_and_why(make_app):
    at = make_app()
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {
        "is_logged_in": True,
        "email": DEMO_IDENTITIES["official"],
        "email_verified": False,
        "name": "Someone",
    }
    at.run()
    assert not at.exception
    try:
        at.switch_page("pages/access.py")
        opened = True
    except ValueError:
        opened = False
    assert not opened
    warning = " ".join(w.value for w in at.sidebar.warning)
    assert "not been verified" in warning
