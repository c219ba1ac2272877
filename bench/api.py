"""Open-data API speed on the scale database, against the real server (`streamlit run app.py`).

    .venv/bin/python bench/api.py [--db bench/out/scale.duckdb] [--clients 50] [--requests 20]

1. 50 concurrent clients each ask for a district's observations `--requests` times (districts
   drawn from 25, each asked once before: warm, cached); prints p50 / p95 / p99 and requests/s;
   also the first (cold) request of each district, and Streamlit's own health check asked
   the same way (the floor of this machine at that moment: compare the two).
2. The whole data package as a ZIP, streamed: time, size, rows, and the server's resident memory
   (VmRSS, sampled every 50 ms) before and at its peak while streaming -- flat memory means the
   peak does not grow with the package.

Every request goes to 127.0.0.1 only; the run is bounded in count and time and stops the
server it started. Not part of the test run; the numbers go in closing notes.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


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
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            if httpx.get(f"{base}/_stcore/health", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise TimeoutError("the server did not become healthy")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def clients(urls: list[tuple[str, dict]], count: int, requests: int) -> list[float]:
    """`count` concurrent clients, each asking `requests` of `urls` in turn; the latencies."""
    timings: list[float] = []
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def one(n: int) -> None:
            for i in range(requests):
                url, params = urls[(n * requests + i) % len(urls)]
                started = time.perf_counter()
                response = await http.get(url, params=params)
                response.raise_for_status()
                timings.append(time.perf_counter() - started)

        await asyncio.gather(*(one(n) for n in range(count)))
    return timings


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench/out/scale.duckdb")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--zips", type=int, default=2, help="ZIP downloads, one after another")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} does not exist: build it with `.venv/bin/python bench/build_scale.py`")
    process, base = start(args.db)
    api = f"{base}/api/v1"
    try:
        ids = httpx.get(f"{api}/districts", timeout=120).json()["data"]
        districts = [d["id"] for d in ids if d["synthetic"]][:25]
        cold = []
        for district in districts:  # warm the cache, timing each district's first request
            started = time.perf_counter()
            response = httpx.get(f"{api}/observations", params={"district": district}, timeout=120)
            response.raise_for_status()
            cold.append(time.perf_counter() - started)
        rows = len(response.json()["data"])
        urls = [(f"{api}/observations", {"district": d}) for d in districts]
        started = time.perf_counter()
        timings = asyncio.run(clients(urls, args.clients, args.requests))
        wall = time.perf_counter() - started
        # the floor on this machine now: Streamlit's own health check, asked the same way
        health = asyncio.run(clients([(f"{base}/_stcore/health", {})], args.clients, args.requests))
        print(f"scale database {args.db.name}; {rows} figures in one district's answer")
        print("| measure | value |")
        print("|---|---|")
        print(
            f"| one district's observations, cold (first request), median | {statistics.median(cold) * 1000:.0f} ms |"
        )
        print(
            f"| warm, {args.clients} concurrent clients x {args.requests}: p50 / p95 / p99 |"
            f" {percentile(timings, 0.5) * 1000:.1f} / {percentile(timings, 0.95) * 1000:.1f} /"
            f" {percentile(timings, 0.99) * 1000:.1f} ms |"
        )
        print(f"| warm throughput | {len(timings) / wall:.0f} requests/s |")
        print(
            f"| baseline: /_stcore/health, same clients: p50 / p95 |"
            f" {percentile(health, 0.5) * 1000:.1f} / {percentile(health, 0.95) * 1000:.1f} ms |"
        )
        print(
            f"| load average while measured | {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores |"
        )
        for n in range(args.zips):
            z = stream_zip(api, process.pid)
            print(
                f"| datapackage.zip #{n + 1}: streamed | {z['seconds']:.1f} s, first byte"
                f" {z['first_byte'] * 1000:.0f} ms, {z['mb']:.1f} MB, {z['rows']:,} CSV rows |"
            )
            print(
                f"| server memory (VmRSS) before / peak during ZIP #{n + 1} |"
                f" {z['rss_before']:.0f} / {z['rss_peak']:.0f} MB |"
            )
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == "__main__":
    main()
