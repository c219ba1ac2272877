"""Open-data API speed on the scale database, against the real server (`streamlit run app.py`).

    .venv/bin/python bench/api.py [--db bench/out/scale.duckdb] [--connections 10,25,50]
                                  [--seconds 10] [--zips 2] [--nginx]

Needs `wrk` (Debian: `apt-get install -y wrk`), a load generator in C: a Python client in one
process saturates before the server does (it measured Streamlit's bare health check as slowly
as the API), so its numbers said nothing about the server.

1. Every district URL is asked once first (the cold time of each is printed), then wrk keeps
   N connections busy for `--seconds` (closed loop: each connection sends its next request when
   the last answer arrives), rotating through the districts' observations with the headers a
   browser's fetch sends (`Accept-Encoding: gzip`); prints p50 / p90 / p95 / p99 and
   requests/s per connection count. wrk corrects its percentiles for coordinated omission: a
   stall counts as the requests that would have been sent meanwhile at the run's average
   rate, so a stall of the machine (or a cache filling) weighs more than one slow answer. Streamlit's own `/_stcore/health` asked the same way is the
   floor of this server process on this machine at that moment: compare the two.
   With --nginx, the same again through deploy/nginx.conf in front of the server (its
   one-second proxy cache for /api/v1/, as `make cluster` runs it): the production answer
   to many clients, next to the bare server's.
2. The whole data package as a ZIP, streamed: time, size, rows, and the server's resident memory
   (VmRSS, sampled every 50 ms) before and at its peak while streaming -- flat memory means the
   peak does not grow with the package.

Every request goes to 127.0.0.1 only; the run is bounded in time and stops the servers it
started. Not part of the test run; the numbers go in the README's open-data section.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicators.cluster import nginx_command, wait_healthy  # noqa: E402

# what a browser's fetch() sends that matters here: the answers vary by these two
HEADERS = {"Accept": "application/json", "Accept-Encoding": "gzip, deflate, br"}
WRK_MISSING = "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`"

# wrk's Lua side: each connection rotates through PATHS (threads start at different places);
# done() prints one line of numbers that main() parses (latencies in microseconds)
WRK_SCRIPT = """
local paths = {%(paths)s}
local started = 0
%(headers)s

function setup(thread)
  thread:set("at", started)
  started = started + 7
end

function init(args)
  at = at or 0
end

function request()
  at = at + 1
  return wrk.format("GET", paths[(at %% #paths) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%%d us=%%d bytes=%%d status=%%d connect=%%d read=%%d write=%%d timeout=%%d",
    summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout))
  for _, p in ipairs({50, 90, 95, 99}) do
    io.write(string.format(" p%%d=%%d", p, latency:percentile(p)))
  end
  io.write(string.format(" max=%%d\\n", latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "INDICATORS_DB": str(db)}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
        + ["--server.port", str(port), "--server.headless", "true"]
        + ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process)
    except RuntimeError:
        process.kill()
        raise
    return process, base


def start_nginx(server: str, work: Path) -> tuple[subprocess.Popen, str]:
    """deploy/nginx.conf on a free port in front of `server`, laid out as `make cluster` does."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("nginx is not installed: `apt-get install -y nginx` (or leave out --nginx)")
    port = free_port()
    prefix = work / "nginx"
    process = subprocess.Popen(
        nginx_command(nginx, work, port, [int(server.rsplit(":", 1)[1])]),
        cwd=prefix,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, timeout=30)
    except RuntimeError as exc:
        process.kill()
        log = prefix / "error.log"
        raise RuntimeError(
            f"nginx: {exc}: {log.read_text()[-1000:] if log.exists() else ''}"
        ) from exc
    return process, base


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(base: str, paths: list[str], connections: int, seconds: int) -> dict:
    """wrk with `connections` connections for `seconds` on `paths` (rotating); its numbers."""
    script = WRK_SCRIPT % {
        "paths": ", ".join(f'"{p}"' for p in paths),
        "headers": "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in HEADERS.items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        out = subprocess.run(
            ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "60s"]
            + ["-s", lua.name, base + paths[0]],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    if out.returncode != 0:
        sys.exit(f"wrk failed: {out.stderr.strip() or out.stdout.strip()}")
    out = out.stdout
    line = next(row for row in out.splitlines() if row.startswith("RESULT "))
    numbers = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line)}
    failed = sum(numbers[k] for k in ("status", "connect", "read", "write", "timeout"))
    if failed:
        sys.exit(f"wrk: {failed} of {numbers['requests']} requests failed ({line})")
    numbers["rps"] = numbers["requests"] / (numbers["us"] / 1e6)
    return numbers


def stream_zip(api: str, pid: int) -> dict:
    samples = [rss_mb(pid)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            samples.append(rss_mb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    size, first = 0, None
    buffer = io.BytesIO()
    with httpx.stream("GET", f"{api}/datapackage.zip", timeout=600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
            buffer.write(chunk)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    package = zipfile.ZipFile(buffer)
    rows = sum(
        package.read(name).count(b"\n") - 1 for name in package.namelist() if name.endswith(".csv")
    )
    return {
        "seconds": elapsed,
        "first_byte": first or elapsed,
        "mb": size / 1e6,
        "rows": rows,
        "rss_before": samples[0],
        "rss_peak": max(samples),
    }


def ms(us: int) -> str:
    return f"{us / 1000:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/scale.duckdb")
    parser.add_argument("--connections", default="10,25,50", help="comma-separated counts")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--districts", type=int, default=25, help="URLs rotated through")
    parser.add_argument("--zips", type=int, default=2, help="ZIP downloads, one after another")
    parser.add_argument("--nginx", action="store_true", help="also through deploy/nginx.conf")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(WRK_MISSING)
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: build it with `.venv/bin/python bench/build_scale.py`")
    counts = [int(n) for n in args.connections.split(",")]
    process, base = start(args.db)
    api = f"{base}/api/v1"
    proxy = None
    try:
        ids = httpx.get(f"{api}/districts", timeout=120).json()["data"]
        districts = [d["id"] for d in ids if d["synthetic"]][: args.districts]
        paths = [f"/api/v1/observations?district={d}" for d in districts]
        cold = []
        for path in paths:  # warm the cache, timing each district's first request
            started = time.perf_counter()
            response = httpx.get(base + path, timeout=120, headers=HEADERS)
            response.raise_for_status()
            cold.append(time.perf_counter() - started)
        figures = len(response.json()["data"])
        encoded = response.headers.get("content-encoding", "none")
        print(
            f"scale database {args.db.name}; {figures} figures in one district's answer"
            f" ({len(response.content) / 1000:.0f} kB, {encoded} on the wire:"
            f" {int(response.headers.get('content-length', 0)) / 1000:.0f} kB);"
            f" wrk rotating through {len(paths)} districts, {args.seconds} s per run"
        )
        print(
            f"one district's observations, cold (first request): median"
            f" {statistics.median(cold) * 1000:.0f} ms"
        )
        fronts = [("server", base)]
        if args.nginx:
            work = Path(tempfile.mkdtemp(prefix="bench-api-"))
            proxy, entry = start_nginx(base, work)
            for path in paths:  # nginx's cache warm too, else its first row times the fill
                httpx.get(entry + path, timeout=120, headers=HEADERS).raise_for_status()
            fronts.append(("nginx", entry))
        print()
        print(
            "| served by | connections | observations p50 / p90 / p95 / p99 | req/s |"
            " health p50 / p95 | req/s | load |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for front, url in fronts:
            for count in counts:
                served = wrk(url, paths, count, args.seconds)
                if front == "server":  # the floor: Streamlit's own cheapest answer
                    floor = wrk(url, ["/_stcore/health"], count, args.seconds)
                    health = f"{ms(floor['p50'])} / {ms(floor['p95'])} ms | {floor['rps']:.0f}"
                else:
                    health = "- | -"
                print(
                    f"| {front} | {count} | {ms(served['p50'])} / {ms(served['p90'])} /"
                    f" {ms(served['p95'])} / {ms(served['p99'])} ms | {served['rps']:.0f} |"
                    f" {health} | {os.getloadavg()[0]:.1f} |",
                    flush=True,
                )
        if proxy is not None:
            cached = httpx.get(fronts[-1][1] + paths[0], headers=HEADERS)
            print(f"nginx's X-Cache on a repeated request: {cached.headers.get('x-cache')}")
        print(f"\n{os.cpu_count()} cores; load average (1 min) at the end of each row")
        for n in range(args.zips):
            z = stream_zip(api, process.pid)
            print(
                f"datapackage.zip #{n + 1}: streamed in {z['seconds']:.1f} s, first byte"
                f" {z['first_byte'] * 1000:.0f} ms, {z['mb']:.1f} MB, {z['rows']:,} CSV rows;"
                f" server memory (VmRSS) {z['rss_before']:.0f} MB before, {z['rss_peak']:.0f} MB"
                " peak"
            )
    finally:
        if proxy is not None:
            stop(proxy)
            shutil.rmtree(work, ignore_errors=True)
        stop(process)


if __name__ == "__main__":
    main()
