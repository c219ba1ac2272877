"""Time a one-million-row compliance upload against DuckDB reading the same file.

    .venv/bin/python bench/ingest.py [--rows 1000000] [--dialect fi|en] [--repeat 3] [--flags-only]

1. builds the demo database (bench/out/ingest-demo.duckdb, via `init --demo`) and registers
   enough synthetic plots for a bench developer (organisation `bench-bygg`) that a million
   distinct project x indicator x period x breakdown rows exist;
2. writes a valid compliance file for those plots (bench/out/ingest-1m.csv; `fi` = the Finnish
   Excel dialect: `;` and decimal comma);
3. times, on the same machine in the same run, (a) DuckDB alone:
   `CREATE TABLE t AS SELECT * FROM read_csv(file)` into a fresh database file, and (b) the
   app's whole path as `python -m indicators import` runs it: read the bytes, hash, decode,
   stage, validate every rule, store as one pending submission and commit, on a fresh copy of
   the demo database. Each is run --repeat times; the medians are compared.

Prints the ratio (b)/(a) of the medians (target: at most 2.0), the ratio of the best runs, and
rows per second; (a) into an in-memory table is printed too, for reference. The runs alternate,
so a busy machine slows both alike. Not part of the test run.

4. times the plausibility flags (store/plausibility.py) on the same file: validation alone
   (`import --dry-run` without its preview) with and without the flags, alternating, --repeat
   times each; prints the median difference (target: about a second at most) and the number of
   flags the synthetic file raises (its values are uniform random, so many look unusual).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicators import access, catalog, demo, published, store  # noqa: E402
from indicators.models import User  # noqa: E402
from indicators.reporting import ingest

OUT = Path(__file__).resolve().parent / "out"
BENCH_ORG = "bench-bygg"
BENCH_USER = "bench-developer@demo.dev"


def build_database(path: Path, rows: int, end_year: int) -> None:
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = store.connect(path)
    try:
        fill_database(con, rows, end_year)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def fill_database(con, rows: int, end_year: int) -> None:
    """The demo plus enough bench plots for `rows` distinct rows (on either backend)."""
    store.sync_catalog(con, catalog.load(), actor="bench")
    published.load(con)
    demo.build(con)
    keys = store.scalar(
        con,
        "SELECT sum(CASE WHEN resolution = 'month' THEN 12 ELSE 1 END"
        " * greatest(len(breakdowns), 1)) FROM indicator WHERE aggregation <> 'reported'",
    )
    years = 20
    plots = -(-rows // (keys * years))
    store.add_reference(
        con,
        organisations=pd.DataFrame(
            {"id": [BENCH_ORG], "name": ["Bench Bygg Ab (synthetic)"], "synthetic": [True]}
        ),
        projects=pd.DataFrame(
            {
                "id": [f"bench-plot-{i:05d}" for i in range(1, plots + 1)],
                "name": [f"Bench plot {i} (synthetic)" for i in range(1, plots + 1)],
                "district_id": "turku-science-park",
                "organisation_id": BENCH_ORG,
                "gross_floor_area": 10_000.0,
                "synthetic": True,
            }
        ),
        actor="bench",
    )
    store.upsert_user(
        con, User(email=BENCH_USER, role="developer", organisation=BENCH_ORG), actor="bench"
    )


def time_duckdb_alone(csv: Path, workdir: Path) -> float:
    target = workdir / "duckdb-alone.duckdb"
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    try:
        started = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')")
        elapsed = time.perf_counter() - started
        assert con.execute("SELECT count(*) FROM t").fetchone()[0] > 0
    finally:
        con.close()
    return elapsed


def time_duckdb_in_memory(csv: Path) -> float:
    con = duckdb.connect()
    try:
        started = time.perf_counter()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}')")
        return time.perf_counter() - started
    finally:
        con.close()


def time_import(csv: Path, template: Path, workdir: Path) -> tuple[float, int]:
    db = workdir / "import.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.copy(template, db)
    con = store.connect(db)
    try:
        actor = access.actor_for(con, BENCH_USER)
        started = time.perf_counter()
        result = ingest.submit(con, actor, csv.read_bytes(), csv.name, path=csv)
        elapsed = time.perf_counter() - started
        if not result.stored:
            raise SystemExit(
                f"the bench file was not stored: {result.report.row_errors(5)}"
                f" duplicate={result.report.duplicate_of}"
            )
        stored = store.scalar(
            con,
            "SELECT count(*) FROM observation WHERE submission_id = ?",
            [result.submission_id],
        )
    finally:
        con.close()
    return elapsed, stored


def time_flags(
    csv: Path, template: Path, flags_first: bool
) -> tuple[float, float, float, float, int]:
    """Seconds without and with flags (wall clock), the same in CPU seconds of this process
    (all its threads: steadier than the wall clock on a shared machine), and the flags raised,
    of one validation each; the order alternates between calls, so neither gains from the
    other's warm caches."""
    con = store.connect(template, read_only=True)
    try:
        actor = access.actor_for(con, BENCH_USER)
        data = csv.read_bytes()
        timings, cpu = {}, {}
        for flags in (True, False) if flags_first else (False, True):
            started, started_cpu = time.perf_counter(), time.process_time()
            report = ingest.validate(
                con, actor, data, csv.name, path=csv, preview=False, flags=flags
            )
            timings[flags] = time.perf_counter() - started
            cpu[flags] = time.process_time() - started_cpu
            if flags:
                flag_count = report.flag_count
            if not report.valid:
                raise SystemExit(f"the bench file is not valid: {report.row_errors(5)}")
    finally:
        con.close()
    return timings[False], timings[True], cpu[False], cpu[True], flag_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dialect", choices=["fi", "en"], default="fi")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--end-year", type=int, default=time.localtime().tm_year - 1)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--flags-only", action="store_true", help="only step 4: the cost of the plausibility flags"
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    template = OUT / "ingest-demo.duckdb"
    csv = OUT / f"ingest-{args.rows // 1000}k-{args.dialect}.csv"
    build_database(template, args.rows, args.end_year)
    con = store.connect(template)
    try:
        store.ingest_synthetic_csv(
            con,
            csv,
            rows=args.rows,
            organisation=BENCH_ORG,
            end_year=args.end_year,
            delimiter=";" if args.dialect == "fi" else ",",
            decimal_comma=args.dialect == "fi",
        )
    finally:
        con.close()

    without, with_flags, cpu_without, cpu_with, flag_count = [], [], [], [], 0
    for run in range(args.repeat):
        plain, flagged, plain_cpu, flagged_cpu, flag_count = time_flags(
            csv, template, flags_first=run % 2 == 1
        )
        without.append(plain)
        with_flags.append(flagged)
        cpu_without.append(plain_cpu)
        cpu_with.append(flagged_cpu)
    flags_cost = statistics.median(w - p for w, p in zip(with_flags, without, strict=True))
    flags_cpu = statistics.median(w - p for w, p in zip(cpu_with, cpu_without, strict=True))
    flags_line = (
        f"plausibility flags: validation {statistics.median(without):.2f} s without,"
        f" {statistics.median(with_flags):.2f} s with them: +{flags_cost:.2f} s wall clock,"
        f" +{flags_cpu:.2f} CPU-s (validation alone {statistics.median(cpu_without):.2f} CPU-s;"
        f" target: about 1 s), {flag_count:,} flags raised"
    )
    if args.flags_only:
        print(f"{args.rows:,} rows ({args.dialect} dialect), median of {args.repeat} runs:")
        print(f"  {flags_line}")
        return

    alone, in_memory, ours = [], [], []
    stored = 0
    for _ in range(args.repeat):
        alone.append(time_duckdb_alone(csv, OUT))
        in_memory.append(time_duckdb_in_memory(csv))
        seconds, stored = time_import(csv, template, OUT)
        ours.append(seconds)
    base, mem, mine = (statistics.median(x) for x in (alone, in_memory, ours))
    result = {
        "rows": args.rows,
        "stored": stored,
        "file_mb": round(csv.stat().st_size / 1e6, 1),
        "dialect": args.dialect,
        "duckdb_read_to_table_s": round(base, 3),
        "duckdb_read_to_memory_table_s": round(mem, 3),
        "validate_and_store_s": round(mine, 3),
        "ratio": round(mine / base, 2),
        "ratio_vs_memory_table": round(mine / mem, 2),
        "rows_per_second": round(args.rows / mine),
        "best_ratio": round(min(ours) / min(alone), 2),
        "best_ratio_vs_memory_table": round(min(ours) / min(in_memory), 2),
        "validate_without_flags_s": round(statistics.median(without), 3),
        "validate_with_flags_s": round(statistics.median(with_flags), 3),
        "flags_cost_s": round(flags_cost, 3),
        "flags_cost_cpu_s": round(flags_cpu, 3),
        "flags_raised": flag_count,
        "runs": {
            "duckdb": alone,
            "duckdb_memory": in_memory,
            "import": ours,
            "validate": without,
            "validate_flags": with_flags,
        },
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(
        f"{args.rows:,} rows ({result['file_mb']} MB, {args.dialect} dialect), "
        f"median of {args.repeat} runs:\n"
        f"  DuckDB alone, read_csv into a table (database file): {base:.2f} s"
        f"  (in-memory table: {mem:.2f} s)\n"
        f"  validate every rule + store as one submission:      {mine:.2f} s"
        f"  ({result['rows_per_second']:,} rows/s, {stored:,} stored)\n"
        f"  ratio: {result['ratio']:.2f} (target <= 2.0; vs in-memory table "
        f"{result['ratio_vs_memory_table']:.2f}); best run against best run: "
        f"{result['best_ratio']:.2f} (vs in-memory {result['best_ratio_vs_memory_table']:.2f})\n"
        f"  {flags_line}"
    )


if __name__ == "__main__":
    main()
