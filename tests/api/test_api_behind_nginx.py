"""The open-data API behind deploy/nginx.conf, whose proxy cache keeps each answer a second:
what a client gets through it is what the app answers (links to the address the client used,
JSON and CSV, gzipped and plain kept apart), and errors are never kept."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .conftest import FORMULA_DISTRICT, NGINX

# .ci/run installs nginx; a machine without it skips these, as tests/unit/test_cluster.py does
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")

ADDRESS = f"/api/v1/observations?district={FORMULA_DISTRICT}"
GZIP = {"Accept-Encoding": "gzip"}


@pytest.fixture(scope="module")
def through(nginx_url):
    with httpx.Client(base_url=nginx_url, timeout=60) as http:
        yield http


def test_a_repeated_request_is_answered_from_nginxs_cache_with_the_apps_figures(through, api_url):
    first = through.get(ADDRESS, headers=GZIP)
    again = through.get(ADDRESS, headers=GZIP)
    assert first.status_code == again.status_code == 200
    assert again.headers["x-cache"] == "HIT"
    assert again.content == first.content
    direct = httpx.get(api_url + ADDRESS, headers=GZIP, timeout=60).json()
    assert again.json()["data"] == direct["data"]
    assert again.headers["etag"] == httpx.get(api_url + ADDRESS, timeout=60).headers["etag"]
    # its links lead back through nginx, to the address (and port) the client asked
    assert again.json()["links"]["self"] == str(through.base_url).rstrip("/") + ADDRESS


def test_json_csv_gzipped_and_plain_answers_are_kept_apart(through):
    assert through.get(ADDRESS, headers=GZIP).headers["content-encoding"] == "gzip"
    plain = through.get(ADDRESS, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json()["data"]
    csv = through.get(ADDRESS, headers={"Accept": "text/csv", **GZIP})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("district")
    assert through.get(ADDRESS, headers=GZIP).headers["content-type"].startswith("application/json")


def test_the_api_sets_no_cookie_through_nginx_and_the_app_still_does(through):
    assert "set-cookie" not in through.get(ADDRESS).headers
    assert "dsm_node=" in through.get("/").headers.get("set-cookie", "")


def test_errors_are_never_kept(through):
    for _ in range(2):
        missing = through.get("/api/v1/observations?district=nowhere")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.headers["x-cache"] != "HIT"
