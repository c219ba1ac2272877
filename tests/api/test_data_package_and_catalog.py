"""The data package passes `frictionless validate`; the DCAT-AP record is real JSON-LD with
titles in three languages; the OpenAPI document lists every route and every answer fits it."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from indicators.opendata import datapackage

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _validate(target: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FRICTIONLESS), "validate", target],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_zip_is_a_valid_frictionless_data_package(client, tmp_path):
    response = client.get("/datapackage.zip")
    assert response.headers["content-type"] == "application/zip"
    assert "attachment" in response.headers["content-disposition"]
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path)
    result = _validate("datapackage.json", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_descriptor_alone_is_a_valid_remote_data_package(client, tmp_path):
    (tmp_path / "datapackage.json").write_bytes(client.get("/datapackage.json").content)
    result = _validate("datapackage.json", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_package_names_its_licence_sources_and_languages(client):
    package = client.get("/datapackage.json").json()
    assert package["licenses"][0]["name"] == datapackage.LICENCE["name"]
    assert any("synthetic" in source["title"].lower() for source in package["sources"])
    assert any(source.get("path", "").startswith("https://") for source in package["sources"])
    assert package["languages"] == ["en", "fi", "sv"]
    names = [resource["name"] for resource in package["resources"]]
    assert names == [resource.name for resource in datapackage.RESOURCES]


def test_the_catalog_is_dcat_ap_with_titles_in_finnish_swedish_and_english(client):
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF

    dcat = Namespace("http://www.w3.org/ns/dcat#")
    response = client.get("/catalog.jsonld")
    assert response.headers["content-type"].startswith("application/ld+json")
    graph = Graph().parse(data=response.text, format="json-ld")
    (dataset,) = graph.subjects(RDF.type, dcat.Dataset)
    titles = {title.language: str(title) for title in graph.objects(dataset, DCTERMS.title)}
    assert set(titles) == {"fi", "sv", "en"}
    assert len(set(titles.values())) == 3  # translated, not copied
    downloads = [
        str(u)
        for d in graph.objects(dataset, dcat.distribution)
        for u in graph.objects(d, dcat.downloadURL)
    ]
    assert any(url.endswith("/api/v1/datapackage.zip") for url in downloads)
    for url in downloads:  # every download the catalog names is there
        assert client.head(url).status_code == 200, url
    assert (None, dcat.dataset, dataset) in graph
    assert isinstance(next(graph.objects(dataset, DCTERMS.license)), URIRef)


def _routes() -> set[str]:
    from indicators.opendata.routes import HANDLERS

    paths = {f"/{name}" for name in HANDLERS if name not in ("", "data")} | {"/"}
    return paths | {f"/data/{resource.name}.csv" for resource in datapackage.RESOURCES}


def test_openapi_lists_every_route(client):
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == _routes()


@pytest.mark.parametrize("path", sorted(_routes()))
def test_every_json_answer_fits_its_openapi_schema(client, path):
    document = client.get("/openapi.json").json()
    operation = document["paths"][path]["get"]
    params = {p["name"]: p["example"] for p in operation["parameters"] if "example" in p}
    response = client.get(path.lstrip("/") or "/", params=params)
    assert response.status_code == 200, response.text
    media = response.headers["content-type"].split(";")[0]
    content = operation["responses"]["200"]["content"]
    assert media in content
    if media in ("application/json", "application/ld+json"):
        schema = {**content[media]["schema"], "components": document["components"]}
        jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator)


def test_problem_answers_fit_the_problem_schema(client):
    document = client.get("/openapi.json").json()
    schema = {**document["components"]["schemas"]["Problem"], "components": document["components"]}
    for params in ({"district": "atlantis"}, {"limit": "-1"}):
        jsonschema.validate(client.get("/observations", params=params).json(), schema)


@pytest.mark.slow
def test_a_property_based_run_against_openapi_finds_no_server_error(api_url, tmp_path):
    """schemathesis generates requests from openapi.json (valid and invalid parameters) and
    checks every answer: never a 5xx, and every answer fits the document."""
    result = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{api_url}/api/v1/openapi.json"]
        + [
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
        ]
        + ["--max-examples", "25", "--seed", "1", "--workers", "2", "--no-color"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert result.returncode == 0, result.stdout[-5000:]
