"""A second app process started on a database another process holds says what is going on and
what to do, instead of "This app has encountered an error"; and it recovers by itself once the
other process is gone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.testing.v1 import AppTest

from tests.app.conftest import ROOT

HOLD = (
    "import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('holding', flush=True);"
    " sys.stdin.read()"
)


@contextmanager
def held_by_another_process(db) -> Iterator[None]:
    """Another process (as another app process would) holds db open for writing."""
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert other.stdout.readline().strip() == "holding"
        yield
    finally:
        other.stdin.close()
        other.wait(timeout=30)


def _app(monkeypatch, db, *, public: bool = False) -> AppTest:
    monkeypatch.setenv("INDICATORS_DB", str(db))
    monkeypatch.setenv("INDICATORS_PUBLIC", "1" if public else "")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.user = {"is_logged_in": False}
    return at


def test_a_second_process_on_a_held_database_says_what_is_going_on(monkeypatch, demo_db):
    at = _app(monkeypatch, demo_db)
    with held_by_another_process(demo_db):
        at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "another program has this site's database open for writing" in message
    assert "stop the other process" in message and "public replicas" in message


def test_a_public_replica_on_a_file_a_writer_holds_says_so_in_the_readers_language(
    monkeypatch, demo_db
):
    at = _app(monkeypatch, demo_db, public=True)
    at.query_params["lang"] = "sv"
    with held_by_another_process(demo_db):
        at.run()
    assert not at.exception
    assert "ett annat program har öppnat webbplatsens databas" in at.error[0].value


def test_the_site_shows_its_figures_once_the_other_process_is_gone(monkeypatch, demo_db):
    at = _app(monkeypatch, demo_db)
    with held_by_another_process(demo_db):
        at.run()
    assert len(at.error) == 1
    at.run()
    assert not at.exception and not at.error
    assert at.title[0].value == "How are the districts doing?"
