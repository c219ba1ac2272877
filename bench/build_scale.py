"""Build the scale database (1,000 districts x 30 years, about a million observations) and
print its build time and size. Not part of the test run; numbers go in closing notes.

    .venv/bin/python bench/build_scale.py [--districts 1000] [--years 30] [--out bench/out/scale.duckdb]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicators import catalog, demo, store  # noqa: E402


def build(path: Path, districts: int, years: int) -> dict:
    for stale in (path, path.with_suffix(path.suffix + ".wal")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    con = store.connect(path)
    store.sync_catalog(con, catalog.load())
    demo.build(con, districts=districts, years=years)
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - started
    numbers = store.stats(con)
    con.close()
    return {"seconds": elapsed, "bytes": path.stat().st_size, **numbers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=1000)
    parser.add_argument("--years", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("bench/out/scale.duckdb"))
    args = parser.parse_args()
    result = build(args.out, args.districts, args.years)
    print(
        f"scale database {args.out}: {result['observations']:,} observations, "
        f"{result['districts']:,} districts, {result['projects']:,} projects; "
        f"built in {result['seconds']:.1f} s; {result['bytes'] / 1e6:.1f} MB on disk"
    )


if __name__ == "__main__":
    main()
