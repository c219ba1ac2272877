"""Time and peak memory of one district's yearly report, PDF and HTML, on the demo and the scale
database. Each report is one fresh process running the command line (`python -m indicators
report ...`), timed from the outside: interpreter start, imports, opening the database, Chromium
for the charts, the PDF's layout, writing the file.

    .venv/bin/python bench/report.py [--repeat 3] [--formats pdf,html] [--scale bench/out/scale.duckdb]
    .venv/bin/python bench/report.py --compare /tmp/before   # another checkout, runs interleaved

`--compare DIR` measures the code in DIR (e.g. `git archive main | tar -x -C DIR`) run for run
beside this checkout, so both see the same load on a shared machine. Below each case: when each
stage of the median run began and ended, in seconds since the process started (facts, the
browser ready, the charts drawn, the HTML, WeasyPrint's layout and its writing of the PDF);
stages overlap where they run at once. `cpu s`: user+sys of the process and the browser's
(the work done, less sensitive than wall time to what else the machine runs); `main`: the CPU
time of the thread that runs the command, which on an idle machine is the wall time's floor
(the browser draws on the other core). Peak memory: the Python process and the largest browser
process (ru_maxrss of its children). Target: a PDF in under 10 s. Not part of the test run.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent

CASES = [  # (database, district, year)
    ("demo", "stockholm-royal-seaport", 2023),
    ("demo", "turku-science-park", 2025),
    ("scale", "synthetic-0500", 2025),
]


# ---------------------------------------------------------------- in the measured process
def one(db: str, district: str, year: int, format: str) -> dict:
    """Run the report command in this (fresh) process with the stage clocks in place."""
    marks: dict[str, float] = {}
    _clock_stages(marks, format)
    from indicators.cli import main

    marks["command"] = time.perf_counter() - STARTED
    out = Path(tempfile.mkdtemp(prefix="report-bench-")) / f"report.{format}"
    argv = ["--db", db, "report", "--district", district, "--year", str(year), "--format", format]
    code = main([*argv, "--out", str(out)])
    if code:
        raise SystemExit(f"the report command failed ({code})")
    size = out.stat().st_size
    shutil.rmtree(out.parent)
    me, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return {
        "inner_seconds": time.perf_counter() - STARTED,
        "main_cpu_seconds": time.thread_time(),  # the report's own thread, from the start
        "cpu_seconds": me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime,
        "bytes": size,
        "rss_mb": me.ru_maxrss / 1024,
        "browser_rss_mb": children.ru_maxrss / 1024,
        "marks": marks,
    }


def _clock_stages(marks: dict, format: str) -> None:
    """Wrap the report's stages to note when each begins and ends (where the code has them:
    an older checkout measured with --compare may lack some)."""
    from indicators.report import facts, html, svg

    def now() -> float:
        return time.perf_counter() - STARTED

    def around(owner, name: str, stage: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return

        @functools.wraps(original)
        def timed(*args, **kwargs):
            marks.setdefault(f"{stage} begins", now())
            try:
                return original(*args, **kwargs)
            finally:
                marks[f"{stage} ends"] = now()

        setattr(owner, name, timed)

    around(facts, "gather", "facts")
    around(html, "render", "html")
    around(svg, "render", "charts")  # the older, all-at-once drawing
    if format == "pdf":
        import weasyprint
        import weasyprint.document

        around(weasyprint.HTML, "render", "layout")
        around(weasyprint.document.Document, "write_pdf", "drawing the pdf")

    if hasattr(svg, "Drawing"):
        opening, closing, draw = svg._open, svg._close, svg.Drawing.draw

        async def opened(*args):
            page = await opening(*args)
            marks["browser ready"] = now()
            return page

        async def closed(*args):
            await closing(*args)
            marks["browser closed"] = now()

        def drawn(self, chart):
            marks.setdefault("charts begin", now())
            draw(self, chart)
            future = self._drawn.get(chart.key)
            if future is not None:
                future.add_done_callback(lambda _: marks.__setitem__("charts end", now()))

        svg._open, svg._close, svg.Drawing.draw = opened, closed, drawn


# ---------------------------------------------------------------- the runner
def measure(code: Path, db: Path, district: str, year: int, format: str) -> dict:
    """One report in a fresh process running `code`'s indicators, timed from the outside."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(db), district, str(year), format],
        capture_output=True,
        text=True,
        env=env,
        cwd=code,
    )
    seconds = time.perf_counter() - started
    if out.returncode:
        raise SystemExit(f"{code}: {district} {year} {format} failed:\n{out.stderr[-2000:]}")
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "seconds": seconds}


def stages(marks: dict) -> str:
    order = sorted(marks.items(), key=lambda item: item[1])
    return ", ".join(f"{name} {at:.1f}" for name, at in order)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--formats", default="pdf,html")
    parser.add_argument("--scale", type=Path, default=ROOT / "bench" / "out" / "scale.duckdb")
    parser.add_argument("--compare", type=Path, help="another checkout to measure alongside")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        db, district, year, format = args.one
        print(json.dumps(one(db, district, int(year), format)))
        return

    codes = {"this": ROOT}
    if args.compare:
        codes = {"before": args.compare.resolve(), "after": ROOT}
    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        demo = work / "demo.duckdb"
        sys.path.insert(0, str(ROOT))
        from indicators.cli import main as cli

        cli(["--db", str(demo), "init", "--demo"])
        databases = {"demo": demo, "scale": args.scale.resolve()}
        print(f"load average at start: {Path('/proc/loadavg').read_text().split()[:3]}")
        print(f"{'code':6} {'database':8} {'district':24} {'year':>4} {'fmt':4} {'median s':>8} "
              f"{'min s':>6} {'max s':>6} {'cpu s':>5} {'main':>5} {'python MB':>9} {'browser MB':>10} {'size kB':>7}")  # fmt: skip
        for label, district, year in CASES:
            db = databases[label]
            if not db.exists():
                print(f"{label:8} {district:24} skipped: {db} missing (make bench builds it)")
                continue
            for format in args.formats.split(","):
                runs: dict[str, list[dict]] = {name: [] for name in codes}
                for _ in range(args.repeat):  # interleaved: both see the same minute's load
                    for name, code in codes.items():
                        runs[name].append(measure(code, db, district, year, format))
                for name, done in runs.items():
                    times = sorted(r["seconds"] for r in done)
                    median = statistics.median(times)
                    middle = min(done, key=lambda r: abs(r["seconds"] - median))
                    print(
                        f"{name:6} {label:8} {district:24} {year:>4} {format:4} {median:8.2f} "
                        f"{times[0]:6.2f} {times[-1]:6.2f} {middle['cpu_seconds']:5.1f} "
                        f"{middle['main_cpu_seconds']:5.1f} "
                        f"{max(r['rss_mb'] for r in done):9.0f} "
                        f"{max(r['browser_rss_mb'] for r in done):10.0f} "
                        f"{done[0]['bytes'] / 1024:7.0f}"
                    )
                    print(f"       stages: {stages(middle['marks'])}")
        print(f"load average at end: {Path('/proc/loadavg').read_text().split()[:3]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
