"""Shared fixtures: real databases built through the real CLI, on either backend.

Backends. `demo_db`, `demo_con` and `empty_con` give a DuckDB file by default. A test module
runs on both backends, the DuckDB file and DuckLake on a real PostgreSQL catalog, with one line:

    pytestmark = pytest.mark.both_backends

Each test then runs twice, `[duckdb]` and `[ducklake]`; `demo_db` is then a file path or a
`ducklake:postgres:...` string (both go to `store.connect` and `--db` alike), and a test that
needs to know asks for the `backend` fixture. PostgreSQL (initdb in a temp folder on a free
loopback port, see indicators/pgserver.py) starts once per session when a lake is first asked
for and stops at the end; every lake is its own PostgreSQL database (demo lakes are copies of
one built with `init --demo`), and all share one data folder, INDICATORS_LAKE_DATA.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indicators import pgserver, store
from indicators.cli import main as cli_main

BACKENDS = ("duckdb", "ducklake")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "both_backends: run on the DuckDB file and on DuckLake (see tests/conftest.py)"
    )


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_backends"
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """'duckdb', or each of BACKENDS in a module marked both_backends."""
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL for the session (the lakes' catalogs)."""
    server = pgserver.start()
    yield server
    server.stop()


class Lakes:
    """Makes lakes: each a new PostgreSQL database (optionally a copy of another)."""

    def __init__(self, server: pgserver.Postgres):
        self.server = server
        self._numbers = itertools.count(1)

    def new(self, template: str | None = None) -> str:
        name = f"lake_{next(self._numbers)}"
        return "ducklake:postgres:" + self.server.create_database(name, template)

    def drop(self, target: str) -> None:
        """Drop a test's lake (8 MB of catalog each; a session makes hundreds), ending any
        session a test left open on it. Its Parquet files stay: copies of the demo lake
        share the template's files."""
        name = target.split("dbname=")[1].split()[0]
        self.server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def lakes(postgres, tmp_path_factory) -> Lakes:
    data = tmp_path_factory.mktemp("lake-data")
    before = os.environ.get("INDICATORS_LAKE_DATA")
    os.environ["INDICATORS_LAKE_DATA"] = str(data)
    yield Lakes(postgres)
    if before is None:
        os.environ.pop("INDICATORS_LAKE_DATA", None)
    else:
        os.environ["INDICATORS_LAKE_DATA"] = before


@pytest.fixture(scope="session")
def demo_lake_template(lakes) -> str:
    """The demo lake, built once per session with `init --demo`; tests get copies."""
    target = lakes.new()
    assert cli_main(["--db", target, "init", "--demo"]) == 0
    return target.split("dbname=")[1].split()[0]


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """The demo database, built once per test session with `init --demo`."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    assert cli_main(["--db", str(path), "init", "--demo"]) == 0
    return path


@pytest.fixture
def demo_db(backend, request, tmp_path) -> Iterator[Path | str]:
    """A private copy of the demo database that a test may change (a file, or a lake)."""
    if backend == "ducklake":
        lakes = request.getfixturevalue("lakes")
        target = lakes.new(request.getfixturevalue("demo_lake_template"))
        yield target
        lakes.drop(target)
        return
    path = tmp_path / "demo.duckdb"
    shutil.copy(request.getfixturevalue("demo_db_template"), path)
    yield path


@pytest.fixture
def demo_con(demo_db):
    con = store.connect(demo_db)
    yield con
    con.close()


@pytest.fixture
def empty_db(backend, request, tmp_path) -> Iterator[Path | str]:
    """Where a new, empty database goes (a file path, or a new lake)."""
    if backend == "ducklake":
        lakes = request.getfixturevalue("lakes")
        target = lakes.new()
        yield target
        lakes.drop(target)
        return
    yield tmp_path / "empty.duckdb"


@pytest.fixture
def empty_con(empty_db):
    con = store.connect(empty_db)
    yield con
    con.close()
