"""The open-data API's fixtures: the real server (`streamlit run app.py`, the app and the API on
one port) on a copy of the demo database to which two figures were added first:

- a pending correction with the value PENDING_VALUE, which must never come out of the API;
- an approved district-level figure whose note is a spreadsheet formula (FORMULA), which the
  CSV must deliver as text.

Readiness is the health endpoint answering (a condition), never a fixed sleep.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from indicators import access, store
from indicators.reporting import ingest

ROOT = Path(__file__).resolve().parents[2]
PENDING_VALUE = 4321.987
FORMULA = '=HYPERLINK("http://example.invalid","click")'
FORMULA_DISTRICT = "kauniainen"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def api_server(db: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run app.py` on a free port; yields the base URL; stops the server after."""
    port = free_port()
    log_path = db.with_suffix(".server.log")
    full_env = {**os.environ, "INDICATORS_DB": str(db), "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
            + ["--server.port", str(port), "--server.headless", "true"]
            + ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 240  # a loaded machine starts slowly
            while process.poll() is None and not _healthy(base):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the server at {base} did not become healthy")
                time.sleep(0.1)
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log_path.read_text()[-2000:]}")
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def add_test_figures(path: Path) -> None:
    con = store.connect(path)
    try:
        developer = access.actor_for(con, "developer-a@demo.dev")
        official = access.actor_for(con, "official@demo.city")
        pending = (
            "project,indicator,period,breakdown,value\n"
            f"turku-science-park-plot-01,ghg_emissions_by_sector,2016,transport,{PENDING_VALUE}\n"
        )
        result = ingest.submit(
            con, developer, pending.encode(), "pending.csv", today=date(2025, 6, 15)
        )
        assert result.stored, result.report.row_errors()
        quoted = FORMULA.replace('"', '""')
        district = f'district,indicator,period,value,comment\n{FORMULA_DISTRICT},residents,2024,10001,"{quoted}"\n'
        result = ingest.submit(
            con, official, district.encode(), "district.csv", today=date(2025, 6, 15)
        )
        assert result.stored, result.report.row_errors()
        ingest.review(con, official, result.submission_id, approve=True, comment=None)
    finally:
        con.close()


@pytest.fixture(scope="session")
def api_db(demo_db_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("api") / "api.duckdb"
    shutil.copy(demo_db_template, path)
    add_test_figures(path)
    return path


@pytest.fixture(scope="session")
def api_url(api_db) -> Iterator[str]:
    """The base URL of the running app; the API is at {api_url}/api/v1/."""
    with api_server(api_db) as url:
        yield url


@pytest.fixture(scope="session")
def client(api_url) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{api_url}/api/v1", timeout=60) as http:
        yield http


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@contextlib.contextmanager
def nginx_in_front(server: str, work: Path) -> Iterator[str]:
    """deploy/nginx.conf (as `make cluster` fills it) on a free port in front of `server`;
    yields its base URL; stops nginx after."""
    from indicators.cluster import nginx_command

    port = free_port()
    prefix = work / "nginx"
    command = nginx_command(NGINX, work, port, [int(server.rsplit(":", 1)[1])])
    process = subprocess.Popen(command, cwd=prefix)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and not _healthy(base):
            if time.monotonic() > deadline:
                raise TimeoutError(f"nginx at {base} did not answer")
            time.sleep(0.05)
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(prefix / 'error.log').read_text()[-2000:]}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def nginx_url(api_url) -> Iterator[str]:
    """The running app behind deploy/nginx.conf (its proxy cache for /api/v1/)."""
    # not under pytest's temp folder: its parents are closed to nginx's worker user
    work = Path(tempfile.mkdtemp(prefix="api-nginx-"))
    try:
        with nginx_in_front(api_url, work) as url:
            yield url
    finally:
        shutil.rmtree(work, ignore_errors=True)
