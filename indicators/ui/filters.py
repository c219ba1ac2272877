"""Widgets bound to the URL: ?district=...&indicator=...&year=...&lang=... opens exactly that
view, and changing a selection writes it back to st.query_params, so the address bar is always
a link to what is on screen.

The URL is the one source of truth. Every run, a widget takes its value from its query
parameter (or `default` when the parameter is missing or names something that does not exist,
which is then said on screen), and writes the value it shows back to the URL. A change by the
user goes to the URL first (the widget's on_change), so it wins on the rerun that follows.
Values are written as plain text: ids and keys, never translated labels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from indicators import text
from indicators.ui import language

ALL = "all"
TRUE = {"1", "true", "yes", "on"}


def _key(kind: str, param: str) -> str:
    return f"filter_{kind}_{param}"


def url_value(param: str) -> str | None:
    value = st.query_params.get(param)
    return None if value is None else str(value)


def _write(param: str, text: str | None) -> None:
    if not text:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != text:
        st.query_params[param] = text


def _changed(key: str, param: str, to_text: Callable[[Any], str]) -> None:
    """on_change: the user's choice goes to the URL before the rerun reads it."""
    _write(param, to_text(st.session_state[key]))


def _unknown(param: str, value: str) -> None:
    # the address is anyone's text: shown literally, never as markdown (indicators.text)
    st.warning(
        language.t("mon.filter.unknown", param=text.md(param), value=text.md(value)), icon="⚠️"
    )


def select(
    label: str,
    options: Sequence[Any],
    *,
    param: str,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
    container=st,
    help: str | None = None,
) -> Any:
    """A selectbox bound to ?param=; returns the chosen option (None when there are none)."""
    options = list(options)
    if not options:
        _write(param, None)
        return None
    value = _from_url(param, options, default)
    key = _key("select", param)
    st.session_state[key] = value
    container.selectbox(
        label,
        options,
        format_func=format_func,
        key=key,
        help=help,
        on_change=_changed,
        args=(key, param, str),
    )
    _write(param, str(value))
    return value


# Selections that follow the reader from screen to screen: the menu opens a page without a
# query string, so the district chosen on one screen would be lost on the next. The last value
# of these is kept in the session and used (and written to the address) where the address
# names none.
REMEMBERED = ("district",)


def _remembered(param: str) -> str | None:
    return st.session_state.get(f"filter_remembered_{param}") if param in REMEMBERED else None


def wanted(param: str) -> str | None:
    """What the reader asked for: ?param=, else the value remembered from another screen."""
    url = url_value(param)
    return url if url is not None else _remembered(param)


def _remember(param: str, text: str | None) -> None:
    if param in REMEMBERED and text:
        st.session_state[f"filter_remembered_{param}"] = text


def _from_url(param: str, options: list, default: Any) -> Any:
    """The option ?param= names (as text), else the one remembered from another screen, else
    `default` if it is an option, else the first; an address naming no option says so."""
    value = default if default in options else options[0]
    by_text = {str(option): option for option in options}
    url = url_value(param)
    if url is not None:
        if url in by_text:
            value = by_text[url]
        else:
            _unknown(param, url)
    else:
        remembered = _remembered(param)
        for part in (remembered or "").split(","):  # a multiselect's list: its first
            if part in by_text:
                value = by_text[part]
                break
    _remember(param, str(value))
    return value


def choice(
    label: str,
    options: Sequence[Any],
    *,
    param: str,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
    container=st,
) -> Any:
    """A row of buttons (segmented control) bound to ?param=; one option is always chosen."""
    options = list(options)
    value = _from_url(param, options, default)
    key = _key("choice", param)
    st.session_state[key] = value
    container.segmented_control(
        label,
        options,
        format_func=format_func,
        key=key,
        required=True,
        on_change=_changed,
        args=(key, param, str),
        label_visibility="collapsed",
    )
    _write(param, str(value))
    return value


def _join(values) -> str:
    return ",".join(str(value) for value in values)


def multiselect(
    label: str,
    options: Sequence[Any],
    *,
    param: str,
    default: Sequence[Any] = (),
    format_func: Callable[[Any], str] = str,
    container=st,
    max_selections: int | None = None,
    help: str | None = None,
) -> list:
    """A multiselect bound to ?param=a,b,c (in the order chosen; ?param= for none)."""
    options = list(options)
    by_text = {str(option): option for option in options}
    values = [option for option in default if option in options]
    url = url_value(param)
    if url is not None:
        wanted = [part for part in url.split(",") if part]
        unknown = [part for part in wanted if part not in by_text]
        if unknown:
            _unknown(param, ",".join(unknown))
        values = [by_text[part] for part in wanted if part in by_text]
    else:
        remembered = [p for p in (_remembered(param) or "").split(",") if p in by_text]
        values = [by_text[p] for p in remembered] or values
    if max_selections:
        values = values[:max_selections]
    _remember(param, _join(values))
    key = _key("multiselect", param)
    st.session_state[key] = values
    container.multiselect(
        label,
        options,
        format_func=format_func,
        key=key,
        max_selections=max_selections,
        help=help,
        on_change=_changed,
        args=(key, param, _join),
    )
    # an empty choice is kept as ?param= so that it is not replaced by the default
    if st.query_params.get(param) != _join(values):
        st.query_params[param] = _join(values)
    return values


def _flag(value: bool) -> str:
    return "1" if value else "0"


def toggle(
    label: str, *, param: str, default: bool = False, container=st, help: str | None = None
) -> bool:
    """A toggle bound to ?param=1 (on) or ?param=0 (off)."""
    url = url_value(param)
    value = default if url is None else url.strip().lower() in TRUE
    key = _key("toggle", param)
    st.session_state[key] = value
    container.toggle(label, key=key, help=help, on_change=_changed, args=(key, param, _flag))
    _write(param, _flag(value))
    return value


def link_params(**params: Any) -> dict[str, str]:
    """Query parameters for a link to another view, in the current language."""
    out = {key: str(value) for key, value in params.items() if value not in (None, "")}
    out["lang"] = language.current()
    return out


def href(url_path: str, **params: Any) -> str:
    """A shareable address of a view, `<url_path>?...&lang=..`, relative to the current page,
    so it also works when the app is served under a path prefix. The default screen lives at
    the app's root (Streamlit serves it there, not at its url_path): `./?...`."""
    from indicators.ui import navigation

    default = next((s.url_path for s in navigation.SCREENS if s.default), None)
    path = "./" if url_path in ("", default) else url_path
    return f"{path}?{urlencode(link_params(**params))}"
