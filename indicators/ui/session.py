"""Who is using this session, decided again on every rerun.

The identity comes from Streamlit's OpenID Connect log-in (`st.user`, its e-mail claim); the role
and organisation come from the app's own user table (indicators.access.actor_for). Without an
`[auth]` section in secrets.toml, or on a public instance (INDICATORS_PUBLIC=1), everybody is
the public and there is no log-in button.
"""

from __future__ import annotations

import os
from functools import cache

import streamlit as st

from indicators import access, store, text
from indicators.ui import data
from indicators.ui.language import t


@cache
def _secrets_files() -> tuple[str, ...]:
    return tuple(st.get_option("secrets.files"))


def _secrets_exist() -> bool:
    """Are there secrets to read? Asked before st.secrets, because without any secrets file
    st.secrets looks for the files again under one process-wide lock and raises, on every
    access: under load every session queued there (16 % of the server's time, bench/load.py
    --profile). Secrets already read, or given by a test, answer at once."""
    if getattr(st.secrets, "_secrets", None) is not None:
        return True
    return any(os.path.exists(path) for path in _secrets_files())


def login_configured() -> bool:
    """True when log-in is possible here: an [auth] section and not a public instance."""
    if store.public_mode() or not _secrets_exist():
        return False
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: a public site
        return False


def logged_in() -> bool:
    return login_configured() and bool(st.user.get("is_logged_in"))


def actor() -> access.Actor:
    """The current user as an access.Actor (public when nobody is logged in)."""
    if not logged_in():
        return access.PUBLIC
    return access.actor_for_claims(data.con(), st.user)


def require(action: str) -> access.Actor:
    """On a page: the current actor if it may do `action`; otherwise say so and stop the page.

    Navigation already hides pages a role may not open; this is the check behind it."""
    current = actor()
    if not access.can(current, action):
        st.error(t("admin.session.not_permitted"))
        st.stop()
    return current


def explain_refused_address(current: access.Actor) -> None:
    """Someone who opens the address of a page their role may not see (a developer's /targets)
    gets the overview instead (st.navigation only has their pages): say why, once."""
    from urllib.parse import urlparse

    from indicators.ui import navigation

    url = st.context.url or ""
    screen = navigation.refused(urlparse(url).path, current.role)
    if screen is None:
        return
    if current.role == "public":
        # a visitor is not told which pages exist behind the log-in
        st.warning(t("nav_ui.refused_public"), icon=":material/block:")
    else:
        st.warning(t("nav_ui.refused", page=t(screen.title_key)), icon=":material/block:")


def access_contact() -> str:
    """Whom someone without access should ask: INDICATORS_ACCESS_CONTACT, `access_contact` in
    secrets.toml, else the first official in the user table."""
    contact = os.environ.get("INDICATORS_ACCESS_CONTACT")
    if not contact:
        try:
            contact = st.secrets.get("access_contact")
        except Exception:
            contact = None
    if not contact:
        contact = store.scalar(
            data.con(), "SELECT min(email) FROM app_user WHERE role = 'official'"
        )
    return contact or t("admin.session.contact_fallback")


def sidebar(current: access.Actor) -> None:
    """The log-in / log-out button and who is logged in (nothing when log-in is not set up)."""
    if store.public_mode():
        st.sidebar.caption(t("admin.session.read_only"))
        return
    if not login_configured():
        return
    if not logged_in():
        if st.sidebar.button(t("admin.session.login"), key="login", icon=":material/login:"):
            st.login()
        return
    who = st.sidebar.container(key="session_user")
    name = st.user.get("name")
    shown = f"{name} ({current.email})" if name and name != current.email else current.email
    shown = text.md(shown)  # the provider's name claim is anyone's text: never markdown
    if current.unverified_email:
        who.caption(t("admin.session.logged_in_as", who=shown))
        who.warning(
            t(
                "signin.unverified",
                email=text.md(current.email or ""),
                contact=text.md(access_contact()),
            ),
            icon=":material/lock:",
        )
    elif current.unknown_login:
        who.caption(t("admin.session.logged_in_as", who=shown))
        who.warning(
            t(
                "admin.session.no_access",
                email=text.md(current.email or ""),
                contact=text.md(access_contact()),
            ),
            icon=":material/lock:",
        )
    else:
        role = t(f"admin.role.{current.role}")
        org = f", {text.md(current.organisation)}" if current.organisation else ""
        who.caption(t("admin.session.logged_in_as", who=shown) + f" · {role}{org}")
    if st.sidebar.button(t("admin.session.logout"), key="logout", icon=":material/logout:"):
        st.logout()
