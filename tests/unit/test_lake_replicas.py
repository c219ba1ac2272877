"""Several replicas on one lake (DuckLake, PostgreSQL catalog), each its own process with its
own connection: a write on one is seen by the others on their next run, migrations are taken
by one replica at a time, and compaction keeps the data while merging files.

(Two uploads on two processes at once, and a process killed while it stores, run on the lake
too: tests/unit/test_ingest_concurrency.py is marked both_backends.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicators import store
from tests.unit.ingest_helpers import DEVELOPER, OFFICIAL, OWN, csv

ROOT = Path(__file__).resolve().parents[2]

# a corrected figure: the public must not see it until an official approves it
UPLOAD = csv(f"{OWN},excavated_material_reused,2021,,77.7,777,1000,%,")

# replica 3: a public instance holding one read-only connection, answering one line per run
PUBLIC_REPLICA = f"""
import sys
from indicators import store
con = store.connect(read_only=True)
sql = ("SELECT value FROM (" + store.effective_observations_sql() + ") WHERE project_id = '{OWN}'"
       " AND indicator = 'excavated_material_reused' AND period = '2021'")
for _ in sys.stdin:
    print(store.data_version(con), store.scalar(con, sql), flush=True)
"""


def replica(lake: str, *argv: str, public: bool = False, **options) -> subprocess.Popen:
    env = {**os.environ, "INDICATORS_DB": lake, "PYTHONUNBUFFERED": "1"}
    if public:
        env["INDICATORS_PUBLIC"] = "1"
    return subprocess.Popen(
        [sys.executable, *argv], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, **options,
    )  # fmt: skip


def cli(lake: str, *argv: str) -> tuple[int, str, str]:
    process = replica(lake, "-m", "indicators", *argv)
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def next_run(public: subprocess.Popen) -> tuple[int, float | None]:
    public.stdin.write("run\n")
    public.stdin.flush()
    version, value = public.stdout.readline().split()
    return int(version), None if value == "None" else float(value)


@pytest.fixture
def lake(backend, demo_db):
    return demo_db


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_upload_on_one_replica_approval_on_another_is_public_on_a_third_at_its_next_run(
    lake, tmp_path
):
    public = replica(lake, "-c", PUBLIC_REPLICA, public=True, stdin=subprocess.PIPE)
    try:
        version_before, published = next_run(public)
        assert published != pytest.approx(77.7)

        upload = tmp_path / "report.csv"
        upload.write_bytes(UPLOAD)
        code, out, err = cli(lake, "import", str(upload), "--as", DEVELOPER)  # replica 1
        assert code == 0, err
        submission = int(out.split("submission ")[1].split()[0].strip(":,"))
        version_pending, value = next_run(public)
        assert version_pending > version_before
        assert value == published  # pending: not public

        code, _, err = cli(lake, "review", str(submission), "--as", OFFICIAL, "--approve")
        assert code == 0, err  # replica 2
        version_approved, value = next_run(public)
        assert version_approved > version_pending
        assert value == pytest.approx(77.7)
    finally:
        public.stdin.close()
        public.wait(timeout=60)


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_replicas_starting_together_on_an_empty_lake_migrate_it_once(empty_db):
    starts = [replica(empty_db, "-m", "indicators", "init") for _ in range(3)]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in starts]
    assert [code for code, _, _ in outcomes] == [0, 0, 0], outcomes
    con = store.connect(empty_db, read_only=True)
    try:
        versions = store.query(con, "SELECT version FROM schema_migration ORDER BY version")
        assert versions["version"].tolist() == sorted({v for v, _, _ in store.MIGRATIONS})
        assert store.stats(con)["indicators"] > 0
        assert store.scalar(con, "SELECT count(*) FROM meta") == 1
    finally:
        con.close()


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_a_write_anywhere_changes_every_replicas_data_version(lake):
    reader = store.connect(lake, read_only=True)
    try:
        before = store.data_version(reader)
        code, _, err = cli(lake, "users", "add", "new@demo.city", "--role", "official")
        assert code == 0, err
        assert store.data_version(reader) > before
        assert store.get_user(reader, "new@demo.city")["role"] == "official"
    finally:
        reader.close()


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_compaction_merges_small_files_and_keeps_every_figure(empty_db, tmp_path, monkeypatch):
    # its own data folder: compaction deletes replaced files, which sibling test lakes share
    monkeypatch.setenv("INDICATORS_LAKE_DATA", str(tmp_path / "data"))
    lake = empty_db
    assert cli(lake, "init", "--demo")[0] == 0
    for year in range(2015, 2019):  # each upload adds its own small files
        path = tmp_path / f"{year}.csv"
        path.write_bytes(UPLOAD.replace(b",2021,", f",{year},".encode()))
        assert cli(lake, "import", str(path), "--as", DEVELOPER)[0] == 0
    con = store.connect(lake, read_only=True)
    figures = store.query(con, "SELECT * FROM observation ORDER BY id")
    con.close()

    code, out, err = cli(lake, "compact", "--json")  # what the scheduled job runs
    assert code == 0, err
    counts = json.loads(out)
    assert counts["files_after"] < counts["files_before"]
    con = store.connect(lake, read_only=True)
    try:
        assert store.query(con, "SELECT * FROM observation ORDER BY id").equals(figures)
    finally:
        con.close()


def test_a_lake_without_its_data_path_names_the_setting(monkeypatch, capsys):
    monkeypatch.delenv("INDICATORS_LAKE_DATA", raising=False)
    from indicators.cli import main

    code = main(["--db", "ducklake:postgres:dbname=none host=127.0.0.1", "stats", "--json"])
    assert code == 1
    assert "INDICATORS_LAKE_DATA" in capsys.readouterr().err
