"""Time the scorecard of every district on the scale database: `scorecard.district_scorecard`
(what the CLI's `status` runs) as a whole, and split into its SQL read (store.series_endpoints
plus the catalog and targets) and its Python part (scorecard.from_endpoints). With --pages,
also the pages' path: scorecard.build on the whole history (store.district_figures).

    .venv/bin/python bench/build_scale.py                 # once: bench/out/scale.duckdb
    .venv/bin/python bench/scorecard.py [--db bench/out/scale.duckdb] [--repeat 5] [--pages]

Prints the median and the best wall-clock time of --repeat runs of each, and the median CPU
time of the process (all threads). Not part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicators import scorecard, store  # noqa: E402


def _time(fn, repeat: int) -> tuple[float, float, float, object]:
    """Median and best wall-clock seconds, median CPU seconds of this process (all threads:
    less disturbed than the wall clock on a busy machine), and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), min(wall), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("bench/out/scale.duckdb"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", action="store_true", help="also time build on the history")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist; build it with: .venv/bin/python bench/build_scale.py")
    con = store.connect(args.db, read_only=True)

    def read():
        return store.series_endpoints(con), store.indicators(con), store.targets(con)

    endpoints, indicators, targets = read()
    lines = [
        ("district_scorecard (all districts)", lambda: scorecard.district_scorecard(con)),
        ("  SQL: series_endpoints, indicators, targets", read),
        (
            "  Python: from_endpoints",
            lambda: scorecard.from_endpoints(endpoints, indicators, targets),
        ),
    ]
    if args.pages:
        series = store.district_figures(con)
        lines += [
            ("pages' path, SQL: district_figures", lambda: store.district_figures(con)),
            ("pages' path, Python: build", lambda: scorecard.build(series, indicators, targets)),
        ]
    print(f"{args.db}: {len(endpoints):,} series endpoints; {args.repeat} runs each")
    print(f"{'':48} {'median':>9} {'best':>9} {'CPU':>9}")
    for label, fn in lines:
        median, best, cpu, result = _time(fn, args.repeat)
        rows = f"  ({len(result):,} rows)" if label[0] != " " else ""
        print(f"{label:48} {median:7.3f} s {best:7.3f} s {cpu:7.3f} s{rows}")
    con.close()


if __name__ == "__main__":
    main()
