"""Time every monitoring page on the scale database: one script run (dashboard.py + the page)
with empty caches (cold) and again with warm caches, through streamlit.testing's AppTest.

    .venv/bin/python bench/build_scale.py                # once: bench/out/scale.duckdb
    INDICATORS_DB=bench/out/scale.duckdb .venv/bin/python bench/pages.py [--repeat 3]

Cold clears st.cache_data and st.cache_resource, so the run reopens the database and reads
everything afresh (the operating system's file cache stays warm, as on a running server).
Warm is the median of --repeat further runs. Not part of the test run; the numbers go in
closing notes.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    db = os.environ.get("INDICATORS_DB")
    if not db or not store.database_exists(store.db_path(db)):
        sys.exit("set INDICATORS_DB to the scale database (bench/build_scale.py builds it)")
    script_runner._mpa_v1 = _through_dashboard
    print(f"database {db}; one script run per view (dashboard.py + page), seconds")
    print(f"{'view':36} {'cold':>7} {'warm':>7}")
    for label, page, role, params in VIEWS:
        cold, warm = measure(page, role, params, args.repeat)
        print(f"{label:36} {cold:7.3f} {warm:7.3f}")


if __name__ == "__main__":
    main()
