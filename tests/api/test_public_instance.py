"""A public instance (INDICATORS_PUBLIC=1 on a published snapshot) serves the API read-only,
from the snapshot, as it serves the pages."""

from __future__ import annotations

import httpx

from indicators.cli import main as cli_main

from .conftest import PENDING_VALUE, api_server


def test_a_public_instance_serves_the_snapshots_figures(api_db, tmp_path):
    source = tmp_path / "source.duckdb"
    source.write_bytes(api_db.read_bytes())
    snapshot = tmp_path / "public.duckdb"
    assert cli_main(["--db", str(source), "publish", "--out", str(snapshot)]) == 0
    with api_server(snapshot, env={"INDICATORS_PUBLIC": "1"}) as url:
        api = f"{url}/api/v1"
        figures = httpx.get(
            f"{api}/observations", params={"district": "turku-science-park"}, timeout=60
        )
        assert figures.status_code == 200
        assert figures.json()["data"]
        assert str(PENDING_VALUE) not in figures.text
        assert httpx.get(f"{api}/status", timeout=60).status_code == 200
        assert httpx.post(f"{api}/observations", timeout=60).status_code == 405
