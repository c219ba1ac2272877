"""Who is using this session: the role comes from st.user's e-mail and the app's user table."""

from __future__ import annotations

import streamlit as st

from indicators import access
from indicators.ui import data


def login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: a public site
        return False


def actor() -> access.Actor:
    """The current user as an access.Actor (public when nobody is logged in)."""
    if not login_configured() or not st.user.get("is_logged_in"):
        return access.PUBLIC
    return access.actor_for(data.con(), st.user.get("email"))
