"""Public replicas: any number of app processes serve one published snapshot read-only
(INDICATORS_PUBLIC=1), while the officials' instance keeps writing its own database.

Two real servers, started as `make run` starts the app (bench/load.py's server), each asked for
pages over Streamlit's own websocket protocol (bench/stclient.py), as a browser would."""

from __future__ import annotations

import asyncio

import pytest

from bench import load, stclient
from indicators import cli, store
from tests.app.views import SRS

pytestmark = pytest.mark.slow


@pytest.fixture
def snapshot(demo_db, tmp_path):
    path = tmp_path / "public" / "indicators.duckdb"
    path.parent.mkdir()
    assert cli.main(["--db", str(demo_db), "publish", "--out", str(path)]) == 0
    return path


def _overview(url: str, lang: str = "en") -> stclient.Run:
    async def visit():
        session = await stclient.open_session(url, keep_text=True)
        try:
            return await session.run("", f"district={SRS}&lang={lang}")
        finally:
            await session.ws.close()

    return asyncio.run(visit())


def test_two_public_replicas_serve_one_snapshot_with_the_same_figures(snapshot):
    public = {"INDICATORS_PUBLIC": "1"}
    with load.server(snapshot, env=public) as one, load.server(snapshot, env=public) as two:
        first, second = _overview(one.url), _overview(two.url)
    assert not first.errors and not second.errors
    assert "Stockholm Royal Seaport" in first.texts
    assert first.texts == second.texts


def test_the_officials_keep_writing_their_database_while_replicas_serve_the_snapshot(
    demo_db, snapshot
):
    with load.server(snapshot, env={"INDICATORS_PUBLIC": "1"}) as replica:
        con = store.connect(demo_db)
        try:
            before = store.data_version(con)
            with store.transaction(con) as cur:
                store.audit(cur, "official@demo.city", "test", "replicas")
            assert store.data_version(con) == before + 1
        finally:
            con.close()
        shown = _overview(replica.url, lang="fi")
    assert not shown.errors
    assert "Tämä on julkinen, vain luku -sivusto" in "\n".join(shown.texts)
