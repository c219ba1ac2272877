"""The open-data API against the real server (app.py: the app and /api/v1/ on one port)."""

from __future__ import annotations

import io
import json
import math
import zipfile

import pandas as pd
import pytest

from indicators import store
from indicators.cli import main as cli_main

from .conftest import FORMULA, FORMULA_DISTRICT, PENDING_VALUE

ENDPOINTS = ["", "indicators", "districts", "themes", "observations", "status"]
ENDPOINTS += ["datapackage.json", "catalog.jsonld", "openapi.json"]


def walk(client, **params) -> list[dict]:
    """Every row of /observations, following links.next page by page."""
    rows, url, pages = [], "/observations", 0
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        rows += body["data"]
        pages += 1
        assert pages < 10_000
        if not body["links"]["next"]:
            return rows
        response = client.get(body["links"]["next"])


@pytest.fixture(scope="module")
def published(api_db, tmp_path_factory) -> pd.DataFrame:
    """`python -m indicators export --published-only` of the same database, read while the
    server holds it (a copy: DuckDB gives one process the file)."""
    folder = tmp_path_factory.mktemp("export")
    copy = folder / "copy.duckdb"
    copy.write_bytes(api_db.read_bytes())
    out = folder / "published.json"
    assert (
        cli_main(
            ["--db", str(copy), "export", "--format", "json", "--published-only", "--out", str(out)]
        )
        == 0
    )
    return pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))


def _key(row: dict, *columns) -> tuple:
    return tuple("" if row[c] is None else str(row[c]) for c in columns)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_answers_json_on_the_apps_own_port(client, endpoint):
    response = client.get(f"/{endpoint}")
    assert response.status_code == 200
    assert response.json()


def test_the_app_itself_is_served_on_the_same_port(api_url):
    import httpx

    response = httpx.get(api_url)
    assert response.status_code == 200
    assert "text/html" in response.headers["content-type"]


def test_project_figures_equal_the_published_export(client, published):
    api = walk(client, level="project", limit=700)
    export = published[published["project"].notna()].to_dict("records")
    columns = ("district", "project", "indicator", "period", "breakdown", "series")
    assert len(api) == len(export)
    exported = {_key(r, *columns): r["value"] for r in export}
    for row in api:
        assert math.isclose(row["value"], exported[_key(row, *columns)])


def test_district_level_figures_equal_the_published_export(client, published):
    api = [r for r in walk(client, limit=400) if r["level"] == "district"]
    export = published[published["project"].isna()].to_dict("records")
    columns = ("district", "indicator", "period", "breakdown", "series")
    assert {_key(r, *columns): r["value"] for r in api} == pytest.approx(
        {_key(r, *columns): r["value"] for r in export}
    )


def test_district_totals_equal_the_pages_district_figures(client, api_db):
    copy = api_db.with_name("totals.duckdb")
    copy.write_bytes(api_db.read_bytes())
    con = store.connect(copy, read_only=True)
    try:
        figures = store.district_figures(con, districts=["turku-science-park"])
    finally:
        con.close()
    api = walk(client, district="turku-science-park")
    assert len(api) == len(figures)
    expected = {
        (r.indicator, r.breakdown, r.series, int(r.year)): r.value for r in figures.itertuples()
    }
    got = {(r["indicator"], r["breakdown"], r["series"], r["year"]): r["value"] for r in api}
    assert got == pytest.approx(expected, nan_ok=True)


def test_a_pending_figure_never_appears(client):
    texts = [
        json.dumps(walk(client, level="project", limit=5000)),
        json.dumps(walk(client, level="district", limit=5000)),
        client.get("/status").text,
        client.get(
            "/observations", params={"format": "csv", "limit": 10000, "level": "project"}
        ).text,
        client.get("/data/project-observations.csv").text,
    ]
    package = zipfile.ZipFile(io.BytesIO(client.get("/datapackage.zip").content))
    texts += [package.read(name).decode("utf-8") for name in package.namelist()]
    for text in texts:
        assert str(PENDING_VALUE) not in text


def test_asking_for_pending_figures_is_refused_not_ignored(client):
    response = client.get("/observations", params={"pending": "true"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "pending"


def test_a_repeated_request_with_the_etag_gets_304(client):
    first = client.get("/indicators")
    assert first.headers["etag"]
    again = client.get("/indicators", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]


def test_answers_may_be_kept_by_public_caches(client):
    assert "public" in client.get("/districts").headers["cache-control"]


def test_an_unknown_district_is_a_404_problem_naming_it(client):
    response = client.get("/observations", params={"district": "atlantis"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and "atlantis" in body["detail"]
    assert body["parameter"] == "district"


def test_an_unknown_indicator_is_a_404_problem_naming_it(client):
    response = client.get("/observations", params={"indicator": "happiness_index"})
    assert response.status_code == 404
    assert "happiness_index" in response.json()["detail"]


def test_an_unknown_path_is_a_404_problem_not_the_apps_html(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"from": "last year"}, "from"),
        ({"to": "1800"}, "to"),
        ({"from": "2020", "to": "2010"}, "to"),
        ({"limit": "0"}, "limit"),
        ({"level": "street"}, "level"),
        ({"format": "xml"}, "format"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_a_bad_parameter_is_a_400_problem_naming_it(client, params, parameter):
    response = client.get("/observations", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["detail"]


def test_the_api_only_reads(client):
    response = client.post("/observations", json={"value": 1})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def test_csv_is_utf8_with_a_header_and_formula_safe(client):
    response = client.get("/observations", params={"district": FORMULA_DISTRICT, "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("district,indicator,year,")
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False)
    notes = set(frame["note"])
    assert "'" + FORMULA in notes
    assert FORMULA not in notes


def test_accept_text_csv_gives_csv(client):
    response = client.get("/themes", headers={"Accept": "text/csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert "Elävä kaupunki" in response.content.decode("utf-8")


def test_pages_follow_the_cursor_and_give_every_figure_once(client):
    whole = client.get("/observations", params={"limit": 10000}).json()["data"]
    paged = walk(client, limit=97)
    keys = [(r["district"], r["indicator"], r["breakdown"], r["series"], r["year"]) for r in paged]
    assert len(keys) == len(set(keys)) == len(whole)
    # the same rows in the same order (sums may differ in the last bit: summed in another order)
    assert [_rounded(r) for r in whole] == [_rounded(r) for r in paged]


def _rounded(row: dict) -> dict:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()}


def test_filters_narrow_the_figures(client):
    rows = walk(
        client,
        district="turku-science-park",
        indicator="ghg_emissions_by_sector",
        **{"from": 2018, "to": 2020},
    )
    assert rows
    assert {r["district"] for r in rows} == {"turku-science-park"}
    assert {r["indicator"] for r in rows} == {"ghg_emissions_by_sector"}
    assert {r["year"] for r in rows} <= {2018, 2019, 2020}


def test_a_provisional_year_says_how_many_projects_reported(client):
    rows = walk(client, district="turku-science-park")
    provisional = [r for r in rows if r["provisional"]]
    assert provisional
    assert all(r["projects_reported"] < r["expected_projects"] for r in provisional)


def test_synthetic_figures_say_so(client):
    rows = walk(client, district="turku-science-park", limit=50)
    assert rows and all(r["synthetic"] for r in rows)


def test_status_words_the_target_in_the_asked_language(client):
    rows = client.get("/status", params={"district": "turku-science-park", "lang": "fi"}).json()[
        "data"
    ]
    worded = [r["target_text"] for r in rows if r["target"] is not None]
    assert worded and all(
        "vuoteen" in text or "vähintään" in text or "enintään" in text for text in worded
    )
    assert {r["status"] for r in rows if not r["context"]} <= {
        "target_achieved", "substantial_progress", "moderate_progress",
        "limited_progress", "deterioration", "not_available",
    }  # fmt: skip


def test_get_answers_allow_any_origin(client):
    response = client.get("/indicators", headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/indicators", headers={"Origin": "https://example.org"})
    assert preflight.status_code == 204
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_large_answers_are_gzipped_and_say_the_same(client):
    zipped = client.get("/indicators", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/indicators", headers={"Accept-Encoding": "identity"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.json() == plain.json()
    assert "Accept-Encoding" in plain.headers["vary"]


def test_a_context_indicator_is_a_fact_without_a_status(client):
    rows = client.get("/status", params={"district": "turku-science-park"}).json()["data"]
    context = [r for r in rows if r["context"]]
    assert context, "the demo has context indicators (the population)"
    assert all(r["status"] is None and r["target_text"] is None for r in context)
    assert all(r["value"] is not None for r in context)
