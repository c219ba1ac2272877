"""The app's connection and cached reads, keyed by the database's data version.

One connection per process (st.cache_resource); each read uses its own cursor inside the
store. Every cached read takes `version` as an argument, so a write (which bumps the version)
is visible to every session on its next rerun and nothing stale is ever shown.
"""

from __future__ import annotations

from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from indicators import store


class Version(NamedTuple):
    """Cache key of every read: which database, and which state of it."""

    db: str
    number: int


@st.cache_resource(show_spinner=False)
def connection(path: str) -> duckdb.DuckDBPyConnection:
    return store.connect(path)


def con() -> duckdb.DuckDBPyConnection:
    return connection(str(store.db_path()))


def version() -> Version:
    return Version(str(store.db_path()), store.data_version(con()))


@st.cache_data(show_spinner=False, max_entries=64)
def districts(version: Version) -> pd.DataFrame:
    return store.districts(con())


@st.cache_data(show_spinner=False, max_entries=64)
def indicators(version: Version) -> pd.DataFrame:
    return store.indicators(con())


@st.cache_data(show_spinner=False, max_entries=64)
def themes(version: Version) -> pd.DataFrame:
    return store.themes(con())


@st.cache_data(show_spinner=False, max_entries=64)
def stats(version: Version) -> dict:
    return store.stats(con())
