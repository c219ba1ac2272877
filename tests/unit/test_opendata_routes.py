"""The API's routes in this process on a real database (a DuckDB file, and a lake on a real
PostgreSQL): a warm answer is served from memory, yet a write is in the very next answer.

The file case is the app's own: the process that serves the API holds the file, so every write
(an official's approval on the review page) happens in it. The lake case is another replica
writing: the lake's snapshot is asked on every request."""

from __future__ import annotations

from datetime import date

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from indicators import access, store
from indicators.opendata.routes import routes
from indicators.reporting import ingest

DISTRICT, INDICATOR, YEAR, VALUE = "kauniainen", "residents", 2024, 10_007.0
ADDRESS = f"/api/v1/observations?district={DISTRICT}&indicator={INDICATOR}"


@pytest.fixture
def served(demo_db):
    """The API on the test's database through its own connection, as app.py serves it."""
    con = store.connect(demo_db)
    with TestClient(Starlette(routes=routes(lambda: con))) as http:
        yield http
    con.close()


def _figure(http, address: str = ADDRESS):
    answer = http.get(address, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    rows = [r for r in answer.json()["data"] if r["period"] == str(YEAR) and not r["breakdown"]]
    return answer, [r["value"] for r in rows]


def _submit_and_approve(demo_db, approve: bool) -> None:
    """An official's district figure, on another connection (another page's session, or
    another replica on a lake)."""
    con = store.connect(demo_db)
    try:
        official = access.actor_for(con, "official@demo.city")
        csv = f"district,indicator,period,value\n{DISTRICT},{INDICATOR},{YEAR},{VALUE}\n"
        result = ingest.submit(con, official, csv.encode(), "figure.csv", today=date(2025, 6, 1))
        assert result.stored, result.report.row_errors()
        if approve:
            ingest.review(con, official, result.submission_id, approve=True, comment=None)
    finally:
        con.close()


@pytest.mark.both_backends
def test_a_repeated_answer_is_the_same_and_its_etag_gets_304(served):
    first, values = _figure(served)
    again, same = _figure(served)
    assert (again.content, again.headers["etag"]) == (first.content, first.headers["etag"])
    assert same == values
    assert served.get(ADDRESS, headers={"If-None-Match": first.headers["etag"]}).status_code == 304


@pytest.mark.both_backends
def test_an_approved_figure_is_in_the_next_answer(served, demo_db):
    before, values = _figure(served)
    assert VALUE not in values
    _submit_and_approve(demo_db, approve=True)
    after, values = _figure(served)
    assert VALUE in values
    assert after.headers["etag"] != before.headers["etag"]
    stale = served.get(ADDRESS, headers={"If-None-Match": before.headers["etag"]})
    assert stale.status_code == 200


@pytest.mark.both_backends
def test_a_pending_figure_changes_the_version_but_never_shows(served, demo_db):
    before, _ = _figure(served)
    _submit_and_approve(demo_db, approve=False)
    after, values = _figure(served)
    assert VALUE not in values
    assert after.json()["meta"]["data_version"] != before.json()["meta"]["data_version"]


def test_two_servers_on_two_databases_never_share_an_answer(demo_db, tmp_path):
    """Each routes() keeps its own connection; the answers they cache never mix, even where
    the data versions and addresses are equal."""
    other = tmp_path / "other.duckdb"
    other.write_bytes(demo_db.read_bytes())
    first, second = store.connect(demo_db), store.connect(other)
    try:
        _submit_and_approve(other, approve=True)  # the new figure in the other one only...
        with store.transaction(second) as cur:  # ...under the same version number as the first
            cur.execute(
                "UPDATE meta SET value = ? WHERE key = 'data_version'", [store.data_version(first)]
            )
        assert store.data_version(first) == store.data_version(second)
        with (
            TestClient(Starlette(routes=routes(lambda: first))) as one,
            TestClient(Starlette(routes=routes(lambda: second))) as two,
        ):
            assert VALUE not in _figure(one)[1]
            assert VALUE in _figure(two)[1]
            assert VALUE not in _figure(one)[1]
    finally:
        first.close()
        second.close()
