"""The user's language: `?lang=` in the URL, kept there so a shared link opens in the same language."""

from __future__ import annotations

import streamlit as st

from indicators import i18n

SELECTOR = "language_selector"


def current() -> str:
    return i18n.normalise(st.query_params.get("lang"))


def t(key: str, **values) -> str:
    return i18n.t(key, current(), **values)


def _picked() -> None:
    """on_change: the reader's pick goes to the URL before the rerun reads it."""
    st.query_params["lang"] = st.session_state[SELECTOR]


def selector() -> str:
    """A language picker in the sidebar bound to ?lang= (call once per run, from dashboard.py).

    The URL is the one source of truth, as for the filters (indicators.ui.filters). A keyed
    widget keeps its own state across reruns, and that state would win over a ?lang= changed
    under the session (the browser's Back button, a link carrying another language) and then be
    written back to the URL. So the widget state is set from the URL before the widget is drawn,
    and a change by the reader goes to the URL first (on_change), so it wins on its rerun.
    An address without lang keeps the language shown so far (a new session: the default).
    """
    url = st.query_params.get("lang")
    lang = i18n.normalise(url if url is not None else st.session_state.get(SELECTOR))
    st.session_state[SELECTOR] = lang
    st.sidebar.selectbox(
        i18n.t("language", lang),
        i18n.LANGUAGES,
        format_func=i18n.LANGUAGE_NAMES.get,
        key=SELECTOR,
        on_change=_picked,
    )
    if url != lang:  # missing, misspelt ("FI", "de") or kept from before: the URL says it
        st.query_params["lang"] = lang
    return lang
