"""The app's connection and cached reads, keyed by the database's data version.

One connection per process (st.cache_resource); each read uses its own cursor inside the
store. Every cached read takes `version` as an argument, so a write (which bumps the version)
is visible to every session on its next rerun and nothing stale is ever shown.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

import duckdb
import pandas as pd
import streamlit as st

from indicators import i18n, store
from indicators.ui.names import Names

_log = logging.getLogger(__name__)


class Version(NamedTuple):
    """Cache key of every read: which database, and which state of it."""

    db: str
    number: int


@st.cache_resource(show_spinner=False)
def connection(path: str) -> duckdb.DuckDBPyConnection:
    return store.connect(path)


def require_database() -> None:
    """Stop the run with a plain message when the database cannot be opened: a public instance
    whose file is missing or from an older app, or a file another process holds (DuckDB lets one
    process write a file, or any number read it, never both). The details go to the server log;
    the next run tries again, so the site recovers once the other process is gone."""
    lang = i18n.normalise(st.query_params.get("lang"))
    try:
        con()
    except (FileNotFoundError, store.OutdatedSchemaError) as exc:
        _log.error("%s", exc)
        st.error(i18n.t("database_unavailable", lang))
        st.stop()
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        _log.error(
            "database %s is held by another process (%s): stop it, or run this instance as a"
            " public replica on a published snapshot (INDICATORS_PUBLIC=1, README 'Public"
            " replicas')",
            store.db_path(),
            exc,
        )
        st.error(i18n.t("capacity.database_in_use", lang))
        st.stop()


def con() -> duckdb.DuckDBPyConnection:
    return connection(str(store.db_path()))


def version() -> Version:
    return Version(str(store.db_path()), store.data_version(con()))


def built_once(max_entries: int = 256):
    """For what a screen draws (figures, tables as shown, card texts) that depends only on the
    data version, the selection and the language: built by the first run that needs it, then
    the same object for every session (st.cache_resource: no copy, nothing pickled). Callers
    take `version` and plain, hashable arguments, and never change what they get back."""
    return st.cache_resource(show_spinner=False, max_entries=max_entries)


@built_once(max_entries=16)
def names(version: Version, lang: str) -> Names:
    """The names and formats of one language for this data version (one per process, not one
    per run: the district names alone are a thousand at scale)."""
    return Names(lang, indicators(version), districts(version), themes(version))


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


# ---- monitoring reads (pages): cached by data version; tuples, not lists, so they hash
@st.cache_data(show_spinner=False, max_entries=64)
def targets(version: Version, district: str | None = None) -> pd.DataFrame:
    return store.targets(con(), district=district)


@st.cache_data(show_spinner=False, max_entries=128)
def district_figures(
    version: Version,
    districts: tuple[str, ...] | None = None,
    indicator_keys: tuple[str, ...] | None = None,
    include_pending: bool = False,
    headline_only: bool = False,
    year: int | None = None,
) -> pd.DataFrame:
    return store.district_figures(
        con(),
        districts=None if districts is None else list(districts),
        indicators=None if indicator_keys is None else list(indicator_keys),
        include_pending=include_pending,
        headline_only=headline_only,
        year=year,
    )


@st.cache_data(show_spinner=False, max_entries=128)
def scorecard(
    version: Version,
    districts: tuple[str, ...] | None = None,
    indicator_keys: tuple[str, ...] | None = None,
    include_pending: bool = False,
) -> pd.DataFrame:
    """Status per district and indicator (indicators.scorecard.build)."""
    from indicators.scorecard import build  # the module's name is this function's

    # the same cached read the pages draw from (alternative series included; build skips them)
    series = district_figures(version, districts, indicator_keys, include_pending, False)
    return build(series, indicators(version), targets(version))


@st.cache_data(show_spinner=False, max_entries=64)
def sector_emissions(
    version: Version,
    district: str,
    include_pending: bool = False,
    indicator: str = "ghg_emissions_by_sector",
):
    return store.sector_emissions(
        con(), district=district, include_pending=include_pending, indicator=indicator
    )


@st.cache_data(show_spinner=False, max_entries=64)
def project_requirements(
    version: Version,
    actor,
    district: str | None = None,
    organisation: str | None = None,
    include_pending: bool = False,
) -> pd.DataFrame:
    """Projects against requirements as `actor` may see them (checked in indicators.reporting.compliance)."""
    from indicators.reporting import compliance

    return compliance.project_requirements(
        con(), actor, district=district, organisation=organisation, include_pending=include_pending
    )


@st.cache_data(show_spinner=False, max_entries=64)
def project_districts(version: Version, actor, organisation: str | None = None) -> pd.DataFrame:
    from indicators.reporting import compliance

    return compliance.project_districts(con(), actor, organisation)


@st.cache_data(show_spinner=False, max_entries=16)
def organisations(version: Version) -> pd.DataFrame:
    return store.organisations(con())


@st.cache_data(show_spinner=False, max_entries=16)
def data_sources(version: Version) -> pd.DataFrame:
    return store.data_sources(con())


@st.cache_data(show_spinner=False, max_entries=64)
def districts_reporting(
    version: Version, indicator_keys: tuple[str, ...], include_pending: bool = False
) -> list[str]:
    return store.districts_reporting(con(), list(indicator_keys), include_pending=include_pending)


@st.cache_data(show_spinner=False, max_entries=64)
def indicator_years(version: Version, indicator: str, include_pending: bool = False) -> list[int]:
    return store.indicator_years(con(), indicator, include_pending=include_pending)
