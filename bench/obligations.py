"""Time the reporting obligations on the scale database: `due --json` for every organisation
(the real CLI, in this process, output discarded) and the officials' Reporting status page
(dashboard.py + the page through AppTest, as bench/pages.py does), cold and warm.

    .venv/bin/python bench/build_scale.py                       # once: bench/out/scale.duckdb
    INDICATORS_DB=bench/out/scale.duckdb .venv/bin/python bench/obligations.py [--repeat 3]

Warm is the median of --repeat runs after a first one (the operating system's file cache and,
for the page, Streamlit's caches are warm). Not part of the test run.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators import store  # noqa: E402
from indicators.cli import main as cli_main  # noqa: E402

TODAY = "2026-11-29"


def _page_bench():
    """bench/pages.py's AppTest helpers (one way to time a page, not two)."""
    spec = importlib.util.spec_from_file_location("page_bench", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def due_json(db: str, organisation: str) -> tuple[float, int]:
    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = cli_main(["--db", db, "due", "--org", organisation, "--today", TODAY, "--json"])
    elapsed = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"due --org {organisation} exited {code}")
    return elapsed, out.getvalue().count('"status"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = os.environ.get("INDICATORS_DB")
    if not db or not Path(db).exists():
        sys.exit("set INDICATORS_DB to the scale database (bench/build_scale.py builds it)")
    con = store.connect(db, read_only=True)
    organisations = list(store.organisations(con)["id"])
    numbers = store.stats(con)
    con.close()
    print(
        f"database {db}: {numbers['projects']:,} projects, {len(organisations)} organisations,"
        f" {numbers['observations']:,} observations; seconds"
    )

    cold, rows = due_json(db, organisations[0])
    warm = []
    total_rows = 0
    started = time.perf_counter()
    for organisation in organisations:
        due_json(db, organisation)  # the first run of each warms its pages
        runs = [due_json(db, organisation) for _ in range(args.repeat)]
        warm.append(statistics.median(r[0] for r in runs))
        total_rows += runs[0][1]
    print(f"{'due --json, first organisation, cold':44} {cold:7.3f}  ({rows:,} obligations)")
    print(
        f"{'due --json per organisation, warm: median':44} {statistics.median(warm):7.3f}"
        f"  (max {max(warm):.3f}; {total_rows:,} obligations in all)"
    )
    print(f"{'  all organisations, one after another':44} {sum(warm):7.3f}")
    print(f"{'  (wall time of the whole loop)':44} {time.perf_counter() - started:7.3f}")

    pages = _page_bench()
    pages.script_runner._mpa_v1 = pages._through_dashboard
    for label, params in (
        ("reporting status page: all", {}),
        ("reporting status page: one organisation", {"organisation": organisations[-1]}),
        ("reporting status page: one year", {"year": "2025"}),
    ):
        page_cold, page_warm = pages.measure(
            "pages/reporting_status.py", "official", params, args.repeat
        )
        print(f"{label:44} {page_cold:7.3f} {page_warm:7.3f}  (cold, warm)")


if __name__ == "__main__":
    main()
