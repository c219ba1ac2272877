"""Load test: simulated viewers on the public pages of a real app server, without a browser.

    .venv/bin/python bench/build_scale.py          # once: bench/out/scale.duckdb
    .venv/bin/python bench/load.py                 # levels 1, 10, 25, 50, then 100 on two replicas
    .venv/bin/python bench/load.py --levels 10 --seconds 20 --no-replicas
    .venv/bin/python bench/load.py --soak 3000     # memory over many runs (postScriptGC as configured)
    .venv/bin/python bench/load.py --soak 3000 --gc on   # ... with Streamlit's gc.collect after each run

The app is started as `make run` starts it (indicators.devserver's streamlit command, the
repository's .streamlit/config.toml), public (no log-in), on the scale database. Each viewer is a
websocket session speaking Streamlit's protocol (bench/stclient.py); every 1.5-4.5 s (after the
previous page has arrived) it asks for an overview, indicator, emissions, compare or methodology
view of one of 40 districts, in en, fi or sv. Every view is fetched once before the levels (a
server that has been up a while), so the levels measure warm pages, as most visitors get them.

Per level: p50, p95 and max of the time from request to `script_finished`, page runs per
second, errors, and the server's memory (RSS) with the level's sessions open. The last level
runs on two public replicas (INDICATORS_PUBLIC=1, read-only) of one published snapshot,
viewers split between them as a sticky load balancer would. Not part of the test run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from bench import stclient  # noqa: E402
from indicators import devserver  # noqa: E402

SCALE = ROOT / "bench" / "out" / "scale.duckdb"
THINK = (1.5, 4.5)  # seconds a viewer looks at a page before asking for the next
LANGS = ("en", "fi", "sv")


@dataclass(frozen=True)
class View:
    page: str  # the page's url path ("" is the default page, the overview)
    query: str

    def __str__(self) -> str:
        return f"/{self.page}?{self.query}"


# --------------------------------------------------------------------------- what viewers ask


def views(db: Path, *, districts: int = 40, seed: int = 11) -> list[View]:
    """The pool of views the viewers pick from: for each of `districts` districts (picked at
    random among those with data) its overview, one of its indicators and its emissions;
    every theme's comparison (by name and by status); the methodology's three sections."""
    rng = random.Random(seed)
    # read-write (before any server holds the file): a WAL left by a killed server is replayed
    # and checkpointed, which a read-only connection of DuckDB 1.5 cannot do
    con = duckdb.connect(str(db))
    try:
        with_data = [
            r[0] for r in con.execute("SELECT DISTINCT district_id FROM observation").fetchall()
        ]
        indicators = dict(
            con.execute(
                "SELECT district_id, list(DISTINCT indicator ORDER BY indicator) "
                "FROM observation GROUP BY district_id"
            ).fetchall()
        )
        themes = con.execute(
            "SELECT theme, min(key ORDER BY position) FROM indicator GROUP BY theme"
        ).fetchall()
    finally:
        con.close()
    picked = rng.sample(sorted(with_data), min(districts, len(with_data)))
    pool = []
    for district in picked:
        lang = rng.choice(LANGS)
        pool.append(View("", urlencode({"district": district, "lang": lang})))
        indicator = rng.choice(indicators[district])
        query = {"indicator": indicator, "district": district, "lang": lang}
        pool.append(View("indicator", urlencode(query)))
        pool.append(View("emissions", urlencode({"district": district, "lang": lang})))
    for theme, first in sorted(themes):
        for sort in ("name", first):
            query = {"theme": theme, "sort": sort, "lang": rng.choice(LANGS)}
            pool.append(View("compare", urlencode(query)))
    for section in ("method", "indicators", "sources"):
        pool.append(View("methodology", urlencode({"section": section, "lang": rng.choice(LANGS)})))
    return pool


def by_kind(pool: list[View]) -> dict[str, list[View]]:
    """Views grouped by page, so each kind of view is asked for equally often."""
    kinds: dict[str, list[View]] = {}
    for view in pool:
        kinds.setdefault(view.page, []).append(view)
    return kinds


# --------------------------------------------------------------------------- servers


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the server may run under py-spy)."""
    total = 0
    for p in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            found += [int(child), *_children(int(child))]
    return found


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def rss(self) -> float:
        return rss_mb(self.process.pid)


@contextlib.contextmanager
def server(db: Path, *, env: dict | None = None, options: list[str] = ()) -> Iterator[Server]:
    """The app as `make run` serves it (devserver.streamlit_command), public, on a free port."""
    port = devserver.free_port()
    command = devserver.streamlit_command(port, address="127.0.0.1") + list(options)
    # public only when asked (an INDICATORS_PUBLIC of the shell does not leak in)
    full_env = {**os.environ, "INDICATORS_DB": str(db), "INDICATORS_PUBLIC": "", **(env or {})}
    log = Path(tempfile.gettempdir()) / f"load-server-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start: {log.read_text()[-2000:]}")
            time.sleep(0.2)
        yield Server(url, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------- viewers


@contextlib.contextmanager
def profiled(srv: Server, out: Path | None) -> Iterator[None]:
    """A py-spy sampling profile of the server while the block runs (collapsed stacks in `out`),
    so it shows the warm levels, not the start-up and warm-up."""
    if out is None:
        yield
        return
    spy = subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(srv.process.pid)]
        + ["--rate", "50", "--format", "raw", "--output", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes the profile when interrupted
        spy.wait(timeout=120)
        print(f"profile of the levels: {out}", flush=True)


@dataclass
class Level:
    viewers: int
    seconds: list[float]
    errors: list[str]
    elapsed: float
    rss: list[float]  # all servers together, sampled every second
    rss_each: list[list[float]] = field(default_factory=list)  # each sample, per server


async def _viewer(url, kinds, rng, stop_at, times, errors, *, think=True):
    session = await stclient.open_session(url)
    try:
        if think:  # viewers arrive spread over one think time, not all in one instant
            await asyncio.sleep(rng.uniform(0, THINK[1]))
        while time.monotonic() < stop_at:
            view = rng.choice(rng.choice(list(kinds.values())))
            run = await session.run(view.page, view.query)
            times.append(run.seconds)
            errors.extend(f"{view}: {e}" for e in run.errors)
            if think:
                await asyncio.sleep(rng.uniform(*THINK))
    finally:
        await session.ws.close()


async def level(servers: list[Server], pool: list[View], viewers: int, seconds: float, seed: int):
    """`viewers` sessions for `seconds`, split over the servers; the server's memory is read
    while every session is open."""
    kinds = by_kind(pool)
    times: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    stop_at = started + seconds
    tasks = [
        asyncio.create_task(
            _viewer(
                servers[n % len(servers)].url,
                kinds,
                random.Random(seed * 1000 + n),
                stop_at,
                times,
                errors,
            )
        )
        for n in range(viewers)
    ]
    each: list[list[float]] = []
    while time.monotonic() < stop_at:
        await asyncio.sleep(min(1.0, max(0.0, stop_at - time.monotonic())))
        each.append([s.rss for s in servers])
    for outcome in await asyncio.gather(*tasks, return_exceptions=True):
        if isinstance(outcome, BaseException):
            errors.append(f"viewer failed: {outcome!r}")
    rss = [sum(sample) for sample in each]
    return Level(viewers, times, errors, time.monotonic() - started, rss, each)


async def warm(servers: list[Server], pool: list[View]) -> float:
    """Every view once on every server (two at a time), as on a server that has been up a while."""
    started = time.monotonic()

    async def worker(url, queue):
        session = await stclient.open_session(url)
        try:
            while queue:
                view = queue.pop()
                run = await session.run(view.page, view.query)
                if run.errors:
                    print(f"  warm-up {view}: {run.errors[0]}", flush=True)
        finally:
            await session.ws.close()

    queues = [list(pool) for _ in servers]  # the servers warm at the same time
    await asyncio.gather(
        *(worker(s.url, q) for s, q in zip(servers, queues, strict=True) for _ in range(2))
    )
    return time.monotonic() - started


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


HEADER = (
    f"{'viewers':>8} {'servers':>7} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'runs/s':>7} "
    f"{'runs':>6} {'errors':>6} {'RSS MB':>8}"
)


def row(result: Level, servers: int) -> str:
    t = result.seconds
    rss = max(result.rss) if result.rss else float("nan")
    return (
        f"{result.viewers:>8} {servers:>7} {quantile(t, 0.5):7.3f} {quantile(t, 0.95):7.3f} "
        f"{max(t, default=float('nan')):7.3f} {len(t) / result.elapsed:7.1f} {len(t):>6} "
        f"{len(result.errors):>6} {rss:8.0f}"
    )


def _errors(result: Level) -> None:
    for line in sorted(set(result.errors))[:5]:
        print(f"    error: {line}", flush=True)


# --------------------------------------------------------------------------- soak


async def soak(srv: Server, pool: list[View], runs: int, viewers: int = 8) -> list[tuple]:
    """`runs` page runs by `viewers` sessions without pause (each session asks for the next view
    as soon as a page arrives); the server's RSS is sampled every tenth of the runs."""
    kinds = by_kind(pool)
    samples = [(0, srv.rss)]
    done = 0
    every = max(1, runs // 10)

    async def viewer(n):
        nonlocal done
        rng = random.Random(n)
        session = await stclient.open_session(srv.url)
        try:
            while done < runs:
                view = rng.choice(rng.choice(list(kinds.values())))
                run = await session.run(view.page, view.query)
                if run.errors:
                    raise RuntimeError(f"{view}: {run.errors[0]}")
                done += 1
                if done % every == 0:
                    samples.append((done, srv.rss))
        finally:
            await session.ws.close()

    await asyncio.gather(*(viewer(n) for n in range(viewers)))
    samples.append((done, srv.rss))
    return samples


async def per_session(srv: Server, pool: list[View], sessions: int = 100) -> tuple[float, float]:
    """(RSS before, RSS after) `sessions` sessions have each shown a page and stay open: what an
    open session costs the server, beyond the pages it shares with every other session."""
    kinds = by_kind(pool)
    rng = random.Random(5)
    before = srv.rss
    opened = []
    try:
        for _ in range(sessions):
            session = await stclient.open_session(srv.url)
            opened.append(session)
            view = rng.choice(rng.choice(list(kinds.values())))
            await session.run(view.page, view.query)
        return before, srv.rss
    finally:
        for session in opened:
            await session.ws.close()


# --------------------------------------------------------------------------- main


def publish(db: Path) -> Path:
    """A published snapshot of db beside it (what public replicas serve), made by the CLI."""
    out = db.with_name("public-snapshot.duckdb")
    subprocess.run(
        [sys.executable, "-m", "indicators", "--db", str(db), "publish", "--out", str(out)],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=SCALE)
    parser.add_argument("--levels", default="1,10,25,50", help="viewers per level, one server")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each level")
    parser.add_argument("--replicas", type=int, default=100, help="viewers on two replicas")
    parser.add_argument("--no-replicas", action="store_true")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--gc", choices=("config", "on", "off"), default="config")
    parser.add_argument("--soak", type=int, default=0, help="only: memory over this many runs")
    parser.add_argument(
        "--profile", type=Path, help="py-spy profile of the levels (collapsed stacks) here"
    )
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: build it with .venv/bin/python bench/build_scale.py")
    options = [] if args.gc == "config" else ["--runner.postScriptGC", str(args.gc == "on")]
    pool = views(args.db, seed=args.seed)
    print(
        f"database {args.db}; {len(pool)} views of 40 districts; think time {THINK[0]}-{THINK[1]} s; "
        f"postScriptGC {args.gc}; {_load()}",
        flush=True,
    )
    with server(args.db, options=options) as srv:
        print(
            f"server up, RSS {srv.rss:.0f} MB; warm-up {asyncio.run(warm([srv], pool)):.0f} s",
            flush=True,
        )
        if args.soak:
            samples = asyncio.run(soak(srv, pool, args.soak))
            print(f"{'runs':>7} {'RSS MB':>8}")
            for runs, rss in samples:
                print(f"{runs:>7} {rss:8.1f}")
            before, after = asyncio.run(per_session(srv, pool))
            print(
                f"100 open sessions that each showed a page: RSS {before:.0f} -> {after:.0f} MB, "
                f"{(after - before) / 100 * 1024:.0f} kB a session"
            )
            print(_load())
            return
        print(f"RSS after warm-up {srv.rss:.0f} MB\n{HEADER}", flush=True)
        with profiled(srv, args.profile):
            for n in (int(x) for x in args.levels.split(",") if x):
                result = asyncio.run(level([srv], pool, n, args.seconds, args.seed))
                print(row(result, 1), flush=True)
                _errors(result)
        print(f"RSS with no session open {srv.rss:.0f} MB; {_load()}", flush=True)
    if args.no_replicas or not args.replicas:
        return
    snapshot = publish(args.db)
    public = {"INDICATORS_PUBLIC": "1"}
    with (
        server(snapshot, env=public, options=options) as one,
        server(snapshot, env=public, options=options) as two,
    ):
        print(
            f"two public replicas on {snapshot.name} (read-only); warm-up "
            f"{asyncio.run(warm([one, two], pool)):.0f} s",
            flush=True,
        )
        result = asyncio.run(level([one, two], pool, args.replicas, args.seconds, args.seed))
        print(row(result, 2), flush=True)
        _errors(result)
    print(_load(), flush=True)


def _stop(signum, frame) -> None:
    """SIGTERM ends the run like Ctrl-C: the servers it started are stopped on the way out."""
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _stop)
    main()
