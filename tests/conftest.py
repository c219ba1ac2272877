"""Shared fixtures: real DuckDB files in a temporary directory, built through the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators import store
from indicators.cli import main as cli_main


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """The demo database, built once per test session with `init --demo`."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    assert cli_main(["--db", str(path), "init", "--demo"]) == 0
    return path


@pytest.fixture
def demo_db(demo_db_template, tmp_path) -> Path:
    """A private copy of the demo database that a test may change."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture
def demo_con(demo_db):
    con = store.connect(demo_db)
    yield con
    con.close()


@pytest.fixture
def empty_con(tmp_path):
    con = store.connect(tmp_path / "empty.duckdb")
    yield con
    con.close()
