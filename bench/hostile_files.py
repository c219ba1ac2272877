"""Time and peak memory of every hostile upload (tests/hostile_files.py), through the real CLI.

    .venv/bin/python bench/hostile_files.py [--kind NAME ...] [--cap-gb 6] [--timeout 300]

Builds the demo database once (bench/out/hostile-demo.duckdb), writes each hostile file to
bench/out/hostile/, and runs `python -m indicators import FILE --as developer-a@demo.dev` in a
child process per file, which would store the file if it were accepted. Prints, per file, its
size, the seconds until the answer, the child's peak RSS and its extra memory over a tiny
valid file's run (the baseline: Python, pandas, DuckDB, openpyxl loaded), the exit code and
the first line of the answer. A child is limited to --cap-gb of address space, so measuring an
unguarded version fails with a MemoryError instead of taking the machine. Not part of the tests.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicators.cli import main as cli_main  # noqa: E402
from tests import hostile_files  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def _database() -> Path:
    template = OUT / "hostile-demo.duckdb"
    if not template.exists():
        OUT.mkdir(exist_ok=True)
        assert cli_main(["--db", str(template), "init", "--demo"]) == 0
    return template


def _fresh_copy(template: Path) -> Path:
    copy = OUT / "hostile-run.duckdb"
    shutil.copy(template, copy)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", action="append", choices=sorted(hostile_files.KINDS))
    parser.add_argument("--cap-gb", type=float, default=6.0)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    template = _database()
    folder = OUT / "hostile"
    folder.mkdir(parents=True, exist_ok=True)

    baseline_file = folder / "valid.csv"
    baseline_file.write_bytes(
        (",".join(hostile_files.HEADER) + "\n" + ",".join(hostile_files.ROW) + "\n").encode()
    )
    baseline = hostile_files.run_import(baseline_file, _fresh_copy(template))
    print(f"baseline (a valid two-line file): {baseline.seconds:.1f} s, {baseline.peak_mb:.0f} MB")
    print(f"{'file':30} {'size':>9} {'seconds':>8} {'peak MB':>8} {'extra MB':>9} exit  answer")
    for kind in args.kind or hostile_files.KINDS:
        data = hostile_files.KINDS[kind]()
        path = folder / f"{kind}.{hostile_files.extension(data)}"
        path.write_bytes(data)
        run = hostile_files.run_import(
            path, _fresh_copy(template), timeout=args.timeout, memory_cap_gb=args.cap_gb
        )
        answer = run.first_line
        if "Traceback" in run.stderr:
            answer = "TRACEBACK: " + run.stderr.strip().splitlines()[-1]
        exit_code = "kill" if run.returncode is None else str(run.returncode)
        print(
            f"{kind:30} {len(data) / 1e6:7.2f}MB {run.seconds:8.1f} {run.peak_mb:8.0f}"
            f" {run.peak_mb - baseline.peak_mb:9.0f} {exit_code:>4}  {answer[:110]}",
            flush=True,
        )


if __name__ == "__main__":
    main()
