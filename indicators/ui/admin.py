"""Reads and writes of the administration pages (access, targets, audit).

Every function takes the current actor and checks it in indicators.access before anything is
read or written; the cached reads underneath are keyed by the database's data version
(indicators.ui.data.Version), so an edit is visible to every session on its next rerun.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from indicators import access, store
from indicators.ui import data
from indicators.ui.language import t

# ----------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=16)
def _users(version: data.Version) -> pd.DataFrame:
    return store.users(data.con())


@st.cache_data(show_spinner=False, max_entries=16)
def _organisations(version: data.Version) -> pd.DataFrame:
    return store.organisations(data.con())


@st.cache_data(show_spinner=False, max_entries=16)
def _targets(version: data.Version, requirements: bool) -> pd.DataFrame:
    return store.editable_targets(data.con(), requirements=requirements)


@st.cache_data(show_spinner=False, max_entries=16)
def _reference(version: data.Version, table: str) -> pd.DataFrame:
    return store.editable_reference(data.con(), table)


@st.cache_data(show_spinner=False, max_entries=16)
def _indicators(version: data.Version) -> pd.DataFrame:
    return store.indicators(data.con())[["key", "unit", "direction", "breakdowns"]]


@st.cache_data(show_spinner=False, max_entries=32)
def _audit(
    version: data.Version,
    actor: str | None,
    actions: tuple[str, ...],
    entity: str | None,
    since: date | None,
    until: date | None,
) -> pd.DataFrame:
    log = store.audit_log(
        data.con(), actor=actor, actions=list(actions), entity=entity, since=since, until=until
    )
    # the database stores the server's local time without its zone: say which zone it is
    zone = server_time_zone()
    log["at"] = pd.to_datetime(log["at"]).dt.tz_localize(
        zone, ambiguous="NaT", nonexistent="shift_forward"
    )
    return log


def server_time_zone() -> str:
    """The zone DuckDB's current_timestamp was written in (its session's TimeZone)."""
    return str(store.scalar(data.con(), "SELECT current_setting('TimeZone')") or "UTC")


def action_label(code: str) -> str:
    """'target.change' -> 'Target changed' in the reader's language: the whole code's own
    text where there is one, else the thing and the verb, else the code as it is."""
    whole = t(f"audit_view.action.{code}")
    if whole != f"audit_view.action.{code}":
        return whole
    thing, _, verb = code.partition(".")
    thing_text, verb_text = t(f"audit_view.thing.{thing}"), t(f"audit_view.verb.{verb}")
    if thing_text.startswith("audit_view.") or verb_text.startswith("audit_view."):
        return code
    return f"{thing_text}: {verb_text}"


@st.cache_data(show_spinner=False, max_entries=16)
def _audit_facets(version: data.Version) -> dict[str, list[str]]:
    return store.audit_facets(data.con())


# ----------------------------------------------------------------------------- checked reads


def users(actor: access.Actor) -> pd.DataFrame:
    access.require(actor, "manage_users", "see who may log in")
    return _users(data.version())


def organisations(actor: access.Actor) -> pd.DataFrame:
    access.require(actor, "read_own_projects", "see organisations")
    return _organisations(data.version())


def targets(actor: access.Actor, *, requirements: bool) -> pd.DataFrame:
    access.require(actor, "manage_targets", "edit targets")
    return _targets(data.version(), requirements)


def reference(actor: access.Actor, table: str) -> pd.DataFrame:
    access.require(actor, "manage_reference", f"edit {table}s")
    return _reference(data.version(), table)


def indicator_keys(actor: access.Actor) -> pd.DataFrame:
    return _indicators(data.version())


def audit(
    actor: access.Actor,
    *,
    who: str | None = None,
    actions: list[str] | tuple[str, ...] = (),
    entity: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> pd.DataFrame:
    access.require(actor, "read_audit", "read the audit log")
    return _audit(data.version(), who, tuple(actions), entity or None, since, until)


def audit_facets(actor: access.Actor) -> dict[str, list[str]]:
    access.require(actor, "read_audit", "read the audit log")
    return _audit_facets(data.version())


# ----------------------------------------------------------------------------- writes


def set_user(actor: access.Actor, user) -> None:
    access.set_user(data.con(), actor, user)


def remove_user(actor: access.Actor, email: str) -> bool:
    return access.remove_user(data.con(), actor, email)


def save_targets(actor: access.Actor, frame: pd.DataFrame, *, requirements: bool) -> dict:
    return access.save_targets(data.con(), actor, frame, requirements=requirements)


def save_reference(actor: access.Actor, table: str, frame: pd.DataFrame) -> dict:
    return access.save_reference(data.con(), actor, table, frame)
