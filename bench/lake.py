"""Compare the two backends: a DuckDB file against DuckLake on a PostgreSQL catalog.

    .venv/bin/python bench/lake.py [--rows 1000000] [--repeat 3] [--pages-repeat 3] [--skip-pages]

1. starts a PostgreSQL (indicators/pgserver.py, fsync on, as in production) and a lake data
   folder in bench/out/lake-data;
2. ingest: the demo plus the bench developer's plots on each backend (bench/ingest.py's
   fill_database), one compliance file of --rows rows in the Finnish dialect, then the app's
   whole upload (validate every rule, store as one pending submission, commit) on a fresh copy
   of each, --repeat times, alternating; prints the medians;
3. pages: the scale database (bench/out/scale.duckdb, 1,000 districts x 30 years, built by
   bench/build_scale.py when missing) and the same built on a lake, then bench/pages.py on each
   (cold and warm script runs of every monitoring view).

Page runs per second with 1, 2 and 3 replicas need the load client bench/load.py (issue 11);
this script does not measure them. Numbers on a shared machine are noisy: compare within a run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_scale import build as build_scale_file  # noqa: E402
from ingest import BENCH_ORG, BENCH_USER, OUT, fill_database  # noqa: E402

from indicators import access, catalog, demo, pgserver, store  # noqa: E402
from indicators.reporting import ingest  # noqa: E402


def _dbname(lake: str) -> str:
    return lake.split("dbname=")[1].split()[0]


def time_upload(target, csv: Path) -> float:
    con = store.connect(target)
    try:
        actor = access.actor_for(con, BENCH_USER)
        started = time.perf_counter()
        result = ingest.submit(con, actor, csv.read_bytes(), csv.name, path=csv)
        elapsed = time.perf_counter() - started
        if not result.stored:
            raise SystemExit(f"the bench file was not stored on {target}")
        return elapsed
    finally:
        con.close()


def bench_ingest(pg: pgserver.Postgres, rows: int, repeat: int) -> dict[str, float]:
    end_year = time.localtime().tm_year - 1
    template_file = OUT / "lake-bench-ingest.duckdb"
    for stale in (template_file, template_file.with_name(template_file.name + ".wal")):
        stale.unlink(missing_ok=True)
    template_lake = "ducklake:postgres:" + pg.create_database("ingest_template")
    csv = OUT / f"lake-bench-{rows // 1000}k-fi.csv"
    for target in (template_file, template_lake):
        con = store.connect(target)
        try:
            fill_database(con, rows, end_year)
            if target == template_file:
                store.ingest_synthetic_csv(
                    con, csv, rows=rows, organisation=BENCH_ORG, end_year=end_year,
                    delimiter=";", decimal_comma=True,
                )  # fmt: skip
        finally:
            con.close()
    runs: dict[str, list[float]] = {"duckdb": [], "ducklake": []}
    for number in range(repeat):
        copy = OUT / "lake-bench-import.duckdb"
        for stale in (copy, copy.with_name(copy.name + ".wal")):
            stale.unlink(missing_ok=True)
        shutil.copy(template_file, copy)
        runs["duckdb"].append(time_upload(copy, csv))
        lake = "ducklake:postgres:" + pg.create_database(
            f"ingest_{number}", template=_dbname(template_lake)
        )
        runs["ducklake"].append(time_upload(lake, csv))
    return {backend: statistics.median(times) for backend, times in runs.items()}


def build_scale_lake(pg: pgserver.Postgres) -> tuple[str, float]:
    lake = "ducklake:postgres:" + pg.create_database("scale")
    started = time.perf_counter()
    con = store.connect(lake)
    try:
        store.sync_catalog(con, catalog.load())
        demo.build(con, districts=1000, years=30)
    finally:
        con.close()
    return lake, time.perf_counter() - started


def pages(target, repeat: int) -> str:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "pages.py"), "--repeat", str(repeat)],
        cwd=ROOT, env={**os.environ, "INDICATORS_DB": str(target)}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return run.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages-repeat", type=int, default=3)
    parser.add_argument("--skip-pages", action="store_true")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "lake-data"
    shutil.rmtree(data, ignore_errors=True)
    os.environ["INDICATORS_LAKE_DATA"] = str(data)
    pg = pgserver.start(durable=True)
    try:
        seconds = bench_ingest(pg, args.rows, args.repeat)
        print(f"upload of {args.rows:,} rows (fi dialect), median of {args.repeat}:")
        for backend, value in seconds.items():
            print(f"  {backend:9} {value:7.2f} s  ({args.rows / value:,.0f} rows/s)")
        if args.skip_pages:
            return
        scale_file = OUT / "scale.duckdb"
        if not scale_file.exists():
            build_scale_file(scale_file, 1000, 30)
        scale_lake, built = build_scale_lake(pg)
        print(f"scale lake built in {built:.1f} s")
        for backend, target in (("duckdb", scale_file), ("ducklake", scale_lake)):
            print(f"--- pages on {backend}")
            print(pages(target, args.pages_repeat), end="")
    finally:
        pg.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
