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

Page runs per second with 1, 2 and 3 replicas on the lake (5-6 minutes on two cores):

    .venv/bin/python bench/lake.py --replicas 1,2,3 --viewers 100 --seconds 30

starts the PostgreSQL, builds the scale database on a lake as in 3. (and checks it holds what
the file holds), then plays bench/load.py's viewers (Streamlit's websocket protocol, the same
pool of views, 1.5-4.5 s of thinking after each page) against the app as `make run` starts it:
first one server on the DuckDB file (the baseline), then 1, 2 and 3 replicas on the lake, each
its own process with INDICATORS_DB=ducklake:postgres:... and INDICATORS_LAKE_DATA, as `make
cluster` starts them. The same viewers in every row, split over the replicas as a sticky
balancer keeps them (viewer k always on replica k mod N). Every view is fetched once on every
server first (warm pages); the three replicas are started and warmed once, and the rows for 1
and 2 play the viewers on the first of them while the others idle. Per row: page runs per
second, p50/p95/max from request to `script_finished`, errors, the peak RSS of each replica
and the load average. 100 viewers ask for up to about 33 runs/s: one replica is saturated when
its runs/s stay below that and its p50 climbs from the 0.04 s of a lone viewer to seconds (on a
quiet machine, raise --viewers if one replica's p50 stays low).
The load client runs on the same cores as the servers: on two cores a third replica has no
core of its own, so the rows say how far more processes help on this machine, not on a cluster.

Numbers on a shared machine are noisy: compare within a run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_scale import build as build_scale_file  # noqa: E402
from ingest import BENCH_ORG, BENCH_USER, OUT, fill_database  # noqa: E402
from load import level, quantile, server, views, warm  # noqa: E402

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


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


REPLICA_HEADER = (
    f"{'backend':9} {'replicas':>8} {'viewers':>7} {'runs/s':>7} {'p50 s':>7} {'p95 s':>7} "
    f"{'max s':>7} {'runs':>6} {'errors':>6}  RSS MB per replica (peak)"
)


def replica_row(backend: str, result) -> str:
    t = result.seconds
    peaks = [max(column) for column in zip(*result.rss_each, strict=True)] or [float("nan")]
    return (
        f"{backend:9} {len(peaks):>8} {result.viewers:>7} {len(t) / result.elapsed:7.1f} "
        f"{quantile(t, 0.5):7.3f} {quantile(t, 0.95):7.3f} {max(t, default=float('nan')):7.3f} "
        f"{len(t):>6} {len(result.errors):>6}  {' / '.join(f'{p:.0f}' for p in peaks)}"
        f"   ({_load()})"
    )


def _print(backend: str, result, note: str = "") -> None:
    print(replica_row(backend, result) + note, flush=True)
    for line in sorted(set(result.errors))[:5]:
        print(f"    error: {line}", flush=True)


def bench_replicas(pg, counts: list[int], viewers: int, seconds: float, seed: int) -> None:
    scale_file = OUT / "scale.duckdb"
    if not scale_file.exists():
        build_scale_file(scale_file, 1000, 30)
    # the pool of views is read from the file (before any server holds it); the lake holds the
    # same seeded data, which the counts below confirm
    pool = views(scale_file, seed=seed)
    scale_lake, built = build_scale_lake(pg)
    counts_of = {}
    for backend, target in (("duckdb", scale_file), ("ducklake", scale_lake)):
        con = store.connect(target)  # writable: a file from an older version is migrated
        try:
            counts_of[backend] = store.stats(con)
        finally:
            con.close()
    if counts_of["duckdb"] != counts_of["ducklake"]:
        raise SystemExit(f"the lake differs from the file: {counts_of}")
    print(
        f"scale lake built in {built:.0f} s ({counts_of['ducklake']['observations']:,} "
        f"observations, as the file); {len(pool)} views; {viewers} viewers for {seconds:.0f} s "
        f"per row; {_load()}\n{REPLICA_HEADER}",
        flush=True,
    )
    with server(scale_file) as srv:
        warmed = asyncio.run(warm([srv], pool))
        _print(
            "duckdb",
            asyncio.run(level([srv], pool, viewers, seconds, seed)),
            f" warm {warmed:.0f} s",
        )
    # the most replicas are started and warmed once; each row plays the viewers on the first N
    # (the others idle: no session, no page run), so no row pays for another's warm-up
    with contextlib.ExitStack() as stack:
        replicas = [stack.enter_context(server(scale_lake)) for _ in range(max(counts))]
        warmed = asyncio.run(warm(replicas, pool))
        for number, count in enumerate(counts):
            result = asyncio.run(level(replicas[:count], pool, viewers, seconds, seed))
            _print(
                "ducklake", result, "" if number else f" warm {warmed:.0f} s (all {len(replicas)})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pages-repeat", type=int, default=3)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument(
        "--replicas", help="only the load: replica counts on the lake, e.g. 1,2,3 (see above)"
    )
    parser.add_argument("--viewers", type=int, default=100, help="viewers in every load row")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of every load row")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    data = OUT / "lake-data"
    shutil.rmtree(data, ignore_errors=True)
    os.environ["INDICATORS_LAKE_DATA"] = str(data)
    pg = pgserver.start(durable=True)
    try:
        if args.replicas:
            counts = [int(n) for n in args.replicas.split(",") if n]
            bench_replicas(pg, counts, args.viewers, args.seconds, args.seed)
            return
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


def _stop(signum, frame) -> None:
    """SIGTERM ends the run like Ctrl-C: the servers and PostgreSQL are stopped on the way out."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    main()
