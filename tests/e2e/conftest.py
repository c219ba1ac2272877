"""End-to-end fixtures: a real Streamlit server on a real DuckDB file, driven by Debian's Chromium.

Servers are started here and stopped when the fixture ends; readiness is waited for by polling
the health endpoint (a condition), never by sleeping a fixed time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, *, timeout: float = 60.0, interval: float = 0.1, what: str = "condition"):
    """Poll `condition` until it returns a truthy value; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def streamlit_server(
    db: Path, *, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> Iterator[str]:
    """Serve dashboard.py on a free port; yields the base URL."""
    port = free_port()
    full_env = {**os.environ, "INDICATORS_DB": str(db), "PYTHONUNBUFFERED": "1", **(env or {})}
    log = open(db.with_suffix(".server.log"), "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(cwd / "dashboard.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=cwd,
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: process.poll() is not None or _http_ok(f"{base}/_stcore/health"),
            timeout=90,
            what=f"streamlit health at {base}",
        )
        if process.poll() is not None:
            raise RuntimeError(
                f"streamlit exited: {db.with_suffix('.server.log').read_text()[-2000:]}"
            )
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def e2e_db(demo_db_template, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("e2e") / "app.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="session")
def app_url(e2e_db) -> Iterator[str]:
    """A public (no [auth]) app on a copy of the demo database, shared by the session."""
    with streamlit_server(e2e_db) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package (see .ci/run)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_app(page) -> None:
    """Wait until Streamlit has run the script at least once and is not running it now.

    Right after a navigation the app is still "initial" (no run yet) and shows no running
    indicator either, so the script-run state of the app root is what tells the two apart."""
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000
    )


# --------------------------------------------------------------------------- log-in (issue 6)


@pytest.fixture(scope="session")
def auth_app_url(demo_db_template, tmp_path_factory) -> Iterator[str]:
    """The app with log-in: oidc-provider-mock (a real provider process with the three demo
    identities) and a Streamlit server whose secrets.toml points at it; yields the base URL.

    Its own copy of the demo database (a DuckDB file is held by one server); its own
    secrets.toml, passed with STREAMLIT_SECRETS_FILES, so the repository's .streamlit is
    never read or written. Log in with tests.e2e.auth_helpers.login_as(page, url, email).
    """
    from indicators import devserver

    folder = tmp_path_factory.mktemp("auth")
    db = folder / "app.duckdb"
    shutil.copy(demo_db_template, db)
    with contextlib.ExitStack() as stack:
        provider_log = stack.enter_context(open(folder / "provider.log", "w"))  # noqa: SIM115
        provider_port = free_port()
        provider = devserver.start_mock(provider_port, log=provider_log)
        stack.callback(devserver.stop, provider)
        # the redirect URI names the app's port, so the port is chosen before the server starts
        app_port = free_port()
        secrets_file = folder / "secrets.toml"
        secrets_file.write_text(
            devserver.secrets_toml(
                f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{provider_port}"
            ),
            encoding="utf-8",
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.setitem(globals(), "free_port", lambda: app_port)
            url = stack.enter_context(
                streamlit_server(db, env={"STREAMLIT_SECRETS_FILES": str(secrets_file)})
            )
        yield url
