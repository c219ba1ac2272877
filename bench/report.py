"""Time and peak memory of one district's yearly report, PDF and HTML, on the demo and the scale
database. Each report is made in a fresh process (as a CLI run would be), so its time includes
opening the database, starting Chromium for the charts and laying out the PDF.

    .venv/bin/python bench/report.py [--repeat 3] [--scale bench/out/scale.duckdb]

Peak memory: the Python process (ru_maxrss of itself) and, separately, the largest of the
browser processes that drew the charts (ru_maxrss of its children). Target: a PDF in under 10 s.
Not part of the test run; the numbers go in closing notes.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = [  # (database, district, year)
    ("demo", "stockholm-royal-seaport", 2023),
    ("demo", "turku-science-park", 2025),
    ("scale", "synthetic-0500", 2025),
]


def one(db: str, district: str, year: int, format: str) -> dict:
    """Make one report in this process and measure it (run through --one)."""
    from indicators import access, report, store

    started = time.perf_counter()
    con = store.connect(db, read_only=True)
    data = report.make(con, access.PUBLIC, district=district, year=year, format=format)
    seconds = time.perf_counter() - started
    con.close()
    return {
        "seconds": seconds,
        "bytes": len(data),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "browser_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def measure(db: Path, district: str, year: int, format: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(db), district, str(year), format],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=Path, default=ROOT / "bench" / "out" / "scale.duckdb")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        db, district, year, format = args.one
        print(json.dumps(one(db, district, int(year), format)))
        return

    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        demo = work / "demo.duckdb"
        from indicators.cli import main as cli

        cli(["--db", str(demo), "init", "--demo"])
        databases = {"demo": demo, "scale": args.scale}
        print(f"{'database':8} {'district':26} {'year':>4} {'fmt':4} {'median s':>9} {'max s':>7} "
              f"{'python MB':>9} {'browser MB':>10} {'size kB':>8}")  # fmt: skip
        for label, district, year in CASES:
            db = databases[label]
            if not db.exists():
                print(f"{label:8} {district:26} skipped: {db} missing (make bench builds it)")
                continue
            for format in ("pdf", "html"):
                runs = [measure(db, district, year, format) for _ in range(args.repeat)]
                times = [r["seconds"] for r in runs]
                print(
                    f"{label:8} {district:26} {year:>4} {format:4} {statistics.median(times):9.2f} "
                    f"{max(times):7.2f} {max(r['rss_mb'] for r in runs):9.0f} "
                    f"{max(r['browser_rss_mb'] for r in runs):10.0f} {runs[0]['bytes'] / 1024:8.0f}"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
