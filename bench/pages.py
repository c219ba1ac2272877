"""Time every monitoring page on the scale database: one script run (dashboard.py + the page)
with empty caches (cold) and again with warm caches, through streamlit.testing's AppTest; then
what the same run costs inside the real server, serialisation and all.

    .venv/bin/python bench/build_scale.py                # once: bench/out/scale.duckdb
    INDICATORS_DB=bench/out/scale.duckdb .venv/bin/python bench/pages.py [--repeat 3]

Cold clears st.cache_data and st.cache_resource, so the run reopens the database and reads
everything afresh (the operating system's file cache stays warm, as on a running server).
Warm is the median of --repeat further runs.

Server: the app served as `make run` serves it (bench/load.py's server), one websocket session
(bench/stclient.py) asking for the view --repeat times after a first run; `server` is the
median time from the request to `script_finished` (the script, turning elements into protobuf
messages, compressing and sending them), `cpu` the median CPU time the server process spent on
it (from /proc: every thread, so also the work a run leaves to the event loop). The official
views need a log-in and are timed in bare mode only. Not part of the test run; the numbers go
in closing notes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.runtime.scriptrunner import script_runner  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from indicators import store  # noqa: E402

OFFICIAL = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "bench",
    "client_id": "bench",
    "client_secret": "bench",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}

# (label, page, role, query params)
VIEWS = [
    ("overview: all districts", "pages/overview.py", None, {}),
    ("overview: one district", "pages/overview.py", None, {"district": "synthetic-0500"}),
    ("indicator", "pages/indicator.py", None, {"indicator": "excavated_material_reused"}),
    (
        "indicator: 3 districts, pending",
        "pages/indicator.py",
        "official",
        {
            "indicator": "ghg_emissions_by_sector",
            "district": "synthetic-0001,synthetic-0002,synthetic-0500",
            "pending": "1",
        },
    ),
    ("emissions", "pages/emissions.py", None, {"district": "synthetic-0500"}),
    (
        "emissions: per resident",
        "pages/emissions.py",
        None,
        {"district": "synthetic-0500", "per": "1"},
    ),
    ("compare: by name", "pages/compare.py", None, {"theme": "resource_efficiency_climate"}),
    (
        "compare: by status",
        "pages/compare.py",
        None,
        {"theme": "resource_efficiency_climate", "sort": "excavated_material_reused"},
    ),
    ("projects (official)", "pages/projects.py", "official", {"district": "synthetic-0500"}),
    ("methodology: method", "pages/methodology.py", None, {"section": "method"}),
    ("methodology: sources", "pages/methodology.py", None, {"section": "sources"}),
]


def _through_dashboard(main_script_path) -> None:
    """Every run goes through dashboard.py, as in a served app (see tests/app/test_roles.py)."""
    PagesManager.uses_pages_directory = False
    path = Path(main_script_path)
    exec(compile(path.read_text(), str(path), "exec"), sys.modules["__main__"].__dict__)


def _app(role: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if role == "official":
        at.secrets["auth"] = OFFICIAL
        at.user = {"is_logged_in": True, "email": "official@demo.city", "name": "official"}
    else:
        at.user = {"is_logged_in": False}
    return at


def _quiet() -> None:
    """AppTest outside a server logs a warning per run ("missing ScriptRunContext"): not news."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit"):
            logging.getLogger(name).setLevel(logging.ERROR)


def _timed_run(at: AppTest) -> float:
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return elapsed


def measure(page: str, role: str | None, params: dict, repeat: int) -> tuple[float, float]:
    at = _app(role)
    at.query_params["lang"] = "en"
    _quiet()
    at.run()  # the default page, to get a session with the role's pages
    for key, value in params.items():
        at.query_params[key] = value
    if page != "pages/overview.py":
        at.switch_page(page)
    st.cache_data.clear()
    st.cache_resource.clear()
    _quiet()
    cold = _timed_run(at)
    warm = statistics.median(_timed_run(at) for _ in range(repeat))
    return cold, warm


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _url_path(page: str) -> str:
    from indicators.ui import navigation

    screen = next(s for s in navigation.SCREENS if s.path == page)
    return "" if screen.default else screen.url_path


def served(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """View label -> (median seconds to script_finished, median server CPU seconds) per run."""
    from bench import load, stclient

    async def measure_all(srv) -> dict[str, tuple[float, float]]:
        session = await stclient.open_session(srv.url)
        times = {}
        try:
            for label, page, role, params in VIEWS:
                if role is not None:
                    continue
                query = urlencode({"lang": "en", **params})
                first = await session.run(_url_path(page), query)
                if first.errors:
                    raise RuntimeError(f"{label}: {first.errors[0]}")
                walls, cpus = [], []
                for _ in range(repeat):
                    before = _cpu_seconds(srv.process.pid)
                    run = await session.run(_url_path(page), query)
                    cpus.append(_cpu_seconds(srv.process.pid) - before)
                    walls.append(run.seconds)
                times[label] = (statistics.median(walls), statistics.median(cpus))
        finally:
            await session.ws.close()
        return times

    with load.server(db) as srv:
        return asyncio.run(measure_all(srv))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = os.environ.get("INDICATORS_DB")
    if not db or not store.database_exists(store.db_path(db)):
        sys.exit("set INDICATORS_DB to the scale database (bench/build_scale.py builds it)")
    script_runner._mpa_v1 = _through_dashboard
    server = served(Path(db), args.repeat)  # first: this process then holds the database
    bare = {label: measure(page, role, params, args.repeat) for label, page, role, params in VIEWS}
    print(f"database {db}; one script run per view (dashboard.py + page), seconds")
    print(f"{'view':36} {'cold':>7} {'warm':>7} {'server':>7} {'cpu':>7}")
    for label, (cold, warm) in bare.items():
        wall, cpu = server.get(label, (float("nan"), float("nan")))
        print(f"{label:36} {cold:7.3f} {warm:7.3f} {wall:7.3f} {cpu:7.3f}")
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
