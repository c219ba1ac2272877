"""The user's language: `?lang=` in the URL, kept there so a shared link opens in the same language."""

from __future__ import annotations

import streamlit as st

from indicators import i18n


def current() -> str:
    return i18n.normalise(st.query_params.get("lang"))


def t(key: str, **values) -> str:
    return i18n.t(key, current(), **values)


def selector() -> str:
    """A language picker in the sidebar that writes ?lang= (call once per run, from dashboard.py)."""
    lang = current()
    chosen = st.sidebar.selectbox(
        i18n.t("language", lang),
        i18n.LANGUAGES,
        index=i18n.LANGUAGES.index(lang),
        format_func=i18n.LANGUAGE_NAMES.get,
        key="language_selector",
    )
    if chosen != st.query_params.get("lang"):
        st.query_params["lang"] = chosen
    return chosen
