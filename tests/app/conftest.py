"""AppTest fixtures: the real dashboard.py on a private copy of the demo database."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]

DEMO_IDENTITIES = {
    "official": "official@demo.city",
    "developer": "developer-a@demo.dev",
    "developer_b": "developer-b@demo.dev",
}

# what an [auth] section looks like to the app; AppTest never contacts the provider
AUTH_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "test",
    "client_secret": "test",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


@pytest.fixture(autouse=True)
def every_run_through_dashboard(monkeypatch):
    """Run dashboard.py on every AppTest run, as the served app does.

    AppTest resets Streamlit's detection of a `pages/` folder before every run, so from the
    second run on it would execute a page file directly (Streamlit's old multipage mode),
    skipping dashboard.py. A served app leaves that mode for good at its first st.navigation
    call (and indicators.ui makes sure of it), so these tests do the same.
    """

    def main_script(main_script_path) -> None:
        PagesManager.uses_pages_directory = False
        path = Path(main_script_path)
        exec(compile(path.read_text(), str(path), "exec"), sys.modules["__main__"].__dict__)

    monkeypatch.setattr(script_runner, "_mpa_v1", main_script)


@pytest.fixture
def make_app(demo_db, monkeypatch):
    """make_app(role=None|'official'|'developer'|'developer_b', **query_params) -> AppTest, not yet run."""
    monkeypatch.setenv("INDICATORS_DB", str(demo_db))

    def build(role: str | None = None, **query_params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
        if role is not None:
            at.secrets["auth"] = AUTH_SECRETS
            at.user = {"is_logged_in": True, "email": DEMO_IDENTITIES[role], "name": role}
        else:
            at.user = {"is_logged_in": False}
        for key, value in query_params.items():
            at.query_params[key] = value
        return at

    return build
