"""Uploads at the same time end whole or not at all: two sessions of one app process (two
threads, a cursor each), two import processes contending for the database file, and an import
killed with SIGKILL while it stores a large file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from indicators import access, store
from indicators.reporting import ingest
from tests.unit.ingest_helpers import DEVELOPER, OFFICIAL, OWN, OWN_2, TODAY, csv

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

ROOT = Path(__file__).resolve().parents[2]

FILE_A = csv(
    f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,",
    f"{OWN},secondary_materials_infrastructure,2024-03,,3,,,t,",
)
FILE_B = csv(
    f"{OWN_2},energy_use_buildings,2024,,62,62000,1000,kWh/m2/yr,",
    f"{OWN_2},secondary_materials_infrastructure,2024-04,,4,,,t,",
    f"{OWN_2},ghg_emissions_by_sector,2024,transport,9,,,t CO2e,",
)


def consistent(con) -> None:
    """Every submission has exactly the rows it says it has: nothing half-written."""
    frame = store.query(
        con,
        "SELECT s.id, s.row_count, count(o.id) AS stored FROM submission s"
        " LEFT JOIN observation o ON o.submission_id = s.id GROUP BY ALL",
    )
    assert (frame["row_count"] == frame["stored"]).all(), frame[
        frame["row_count"] != frame["stored"]
    ]


def at_once(*jobs):
    """Run the jobs in threads released together; return their results (or exceptions)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index, job):
        barrier.wait()
        try:
            results[index] = job()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_uploads_at_the_same_time_in_one_app_process_are_both_stored(demo_con):
    developer = access.actor_for(demo_con, DEVELOPER)
    before = store.stats(demo_con)
    for _ in range(3):  # the race is not always lost the same way; try it a few times
        a, b = at_once(
            lambda: ingest.submit(demo_con, developer, FILE_A, "a.csv", today=TODAY),
            lambda: ingest.submit(demo_con, developer, FILE_B, "b.csv", today=TODAY),
        )
        assert not isinstance(a, Exception) and not isinstance(b, Exception), (a, b)
        if a.stored and b.stored:
            break
        # a repeated round: the files are already in, so both say so and store nothing
        assert a.report.duplicate_of and b.report.duplicate_of
    after = store.stats(demo_con)
    assert after["submissions"] == before["submissions"] + 2
    assert after["pending"] == before["pending"] + 5
    consistent(demo_con)


def test_the_same_file_twice_at_the_same_time_is_stored_once(demo_con):
    developer = access.actor_for(demo_con, DEVELOPER)
    before = store.stats(demo_con)
    results = at_once(
        *[
            (lambda: ingest.submit(demo_con, developer, FILE_A, "a.csv", today=TODAY))
            for _ in range(3)
        ]
    )
    assert not any(isinstance(r, Exception) for r in results), results
    stored = [r for r in results if r.stored]
    refused = [r for r in results if not r.stored]
    assert len(stored) == 1
    assert all(r.report.duplicate_of["id"] == stored[0].submission_id for r in refused)
    after = store.stats(demo_con)
    assert after["submissions"] == before["submissions"] + 1
    assert after["pending"] == before["pending"] + 2
    consistent(demo_con)


def _import(db: Path, path: Path, email: str, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "indicators", "--db", str(db), "import", str(path)]
        + ["--as", email, *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_two_import_processes_at_once_both_end_stored_or_one_is_cleanly_refused(demo_db, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(FILE_A.replace(b"2024-03", b"2023-03").replace(b",2024,", b",2023,"))
    b.write_bytes(FILE_B.replace(b"2024-04", b"2023-04").replace(b",2024,", b",2023,"))
    before = _stats(demo_db)
    # no waiting for the file lock: whoever comes second may be refused, never half-stored
    processes = [
        _import(demo_db, a, DEVELOPER, "--wait", "0"),
        _import(demo_db, b, DEVELOPER, "--wait", "0"),
    ]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    stored_rows = 0
    for (code, out, err), rows in zip(outcomes, (2, 3), strict=True):
        if code == 0:
            assert "stored, status pending" in out
            stored_rows += rows
        else:
            assert code == 1 and "in use by another process" in err, (code, out, err)
    assert any(code == 0 for code, _, _ in outcomes)
    after = _stats(demo_db)
    assert after["pending"] == before["pending"] + stored_rows
    con = store.connect(demo_db, read_only=True)
    try:
        consistent(con)
    finally:
        con.close()


def test_two_import_processes_waiting_for_the_lock_are_both_stored(demo_db, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(FILE_A)
    b.write_bytes(FILE_B)
    before = _stats(demo_db)
    # each waits (up to a minute) while the other holds the database file
    processes = [
        _import(demo_db, a, DEVELOPER, "--wait", "60"),
        _import(demo_db, b, DEVELOPER, "--wait", "60"),
    ]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in processes]
    assert [code for code, _, _ in outcomes] == [0, 0], outcomes
    after = _stats(demo_db)
    assert after["submissions"] == before["submissions"] + 2
    assert after["pending"] == before["pending"] + 5


def _stats(db: Path) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return store.stats(con)
    finally:
        con.close()


@pytest.mark.slow
def test_an_import_killed_while_storing_leaves_all_of_its_submission_or_none(demo_db, tmp_path):
    rows = 400_000
    con = store.connect(demo_db)
    try:
        store.add_reference(
            con,
            projects=pd.DataFrame(
                {
                    "id": [f"kill-test-plot-{i:04d}" for i in range(1000)],
                    "name": "kill test plot (synthetic)",
                    "district_id": "turku-science-park",
                    "organisation_id": "aalto-rakennus",
                    "gross_floor_area": 1000.0,
                    "synthetic": True,
                }
            ),
        )
        big = tmp_path / "big.csv"
        store.ingest_synthetic_csv(
            con, big, rows=rows, organisation="aalto-rakennus", end_year=2024
        )
        before = store.stats(con)
        before_ids = set(store.query(con, "SELECT id FROM submission")["id"])
    finally:
        con.close()

    process = _import(demo_db, big, DEVELOPER, "--progress")
    for line in process.stderr:  # wait for the condition, not for a time
        if "Storing" in line:
            break
    else:
        pytest.fail(f"the import ended before storing: {process.wait()}")
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL

    con = store.connect(demo_db)  # reopening replays (or discards) the write-ahead log
    try:
        consistent(con)
        after = store.stats(con)
        new = store.query(
            con,
            "SELECT id, row_count FROM submission WHERE id NOT IN (SELECT unnest(?))",
            [sorted(int(i) for i in before_ids)],
        )
        if new.empty:  # killed before the commit: nothing of it
            assert after["observations"] == before["observations"]
        else:  # killed after the commit: all of it
            assert new["row_count"].tolist() == [rows]
            assert after["observations"] == before["observations"] + rows
    finally:
        con.close()


def test_an_approval_while_an_upload_stores_leaves_both_whole(demo_con):
    developer = access.actor_for(demo_con, DEVELOPER)
    official = access.actor_for(demo_con, OFFICIAL)
    pending = int(store.submissions(demo_con, status="pending")["id"].iloc[0])
    upload, review = at_once(
        lambda: ingest.submit(demo_con, developer, FILE_A, "a.csv", today=TODAY),
        lambda: ingest.review(demo_con, official, pending, approve=True),
    )
    assert not isinstance(upload, Exception) and upload.stored, upload
    assert not isinstance(review, Exception), review
    assert store.submission(demo_con, pending)["status"] == "approved"
    consistent(demo_con)
