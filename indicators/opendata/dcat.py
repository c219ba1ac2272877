"""The DCAT-AP record of the dataset and its distributions, as JSON-LD, so that a CKAN portal
(HRI, avoindata.fi, with ckanext-dcat) can harvest it: titles, descriptions and keywords in
Finnish, Swedish and English, EU vocabularies for languages, theme, frequency and file types."""

from __future__ import annotations

import os

import duckdb
import pandas as pd

from indicators import i18n, store
from indicators.store import opendata as reads

from .datapackage import LICENCE, NAME

MEDIA_TYPE = "application/ld+json"
EU = "http://publications.europa.eu/resource/authority"
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_LANGUAGE_URIS = {"fi": "FIN", "sv": "SWE", "en": "ENG"}
LANGS = ("fi", "sv", "en")


def publisher_name() -> str:
    """Who publishes: INDICATORS_PUBLISHER (the city), else the app's name."""
    return os.environ.get("INDICATORS_PUBLISHER", "").strip() or "District Sustainability Monitor"


def _texts(key: str) -> list[dict]:
    return [{"@value": i18n.t(f"opendata.{key}", lang), "@language": lang} for lang in LANGS]


def _keywords() -> list[dict]:
    return [
        {"@value": word.strip(), "@language": lang}
        for lang in LANGS
        for word in i18n.t("opendata.keywords", lang).split(";")
    ]


def _distribution(uri: str, title_key: str, media: str, file_type: str, download=True) -> dict:
    entry = {
        "@id": f"{uri}#distribution",
        "@type": "dcat:Distribution",
        "dct:title": _texts(title_key),
        "dcat:accessURL": {"@id": uri},
        "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media}"},
        "dct:format": {"@id": f"{EU}/file-type/{file_type}"},
        "dct:license": {"@id": LICENCE["path"]},
    }
    if download:
        entry["dcat:downloadURL"] = {"@id": uri}
    return entry


def record(con: duckdb.DuckDBPyConnection, api: str, app: str) -> dict:
    """The catalog with its one dataset; `api` is the API's address (…/api/v1), `app` the
    app's (the dataset's landing page)."""
    api = api.rstrip("/")
    publisher = {"@id": f"{app}#publisher", "@type": "foaf:Agent", "foaf:name": publisher_name()}
    modified = reads.api_last_modified(con)
    dataset = {
        "@id": f"{api}/catalog.jsonld#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": NAME,
        "dct:title": _texts("dataset_title"),
        "dct:description": _texts("dataset_description"),
        "dcat:keyword": _keywords(),
        "dcat:theme": [{"@id": f"{EU}/data-theme/ENVI"}, {"@id": f"{EU}/data-theme/REGI"}],
        "dct:language": [{"@id": f"{EU}/language/{_LANGUAGE_URIS[lang]}"} for lang in LANGS],
        "dct:publisher": publisher,
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": publisher_name(),
            "vcard:hasURL": {"@id": app},
        },
        "dct:accrualPeriodicity": {"@id": f"{EU}/frequency/ANNUAL"},
        "dct:license": {"@id": LICENCE["path"]},
        "dcat:landingPage": {"@id": app},
        "owl:versionInfo": str(store.data_version(con)),
        "dcat:distribution": [
            _distribution(f"{api}/data/observations.csv", "dist_csv", "text/csv", "CSV"),
            _distribution(
                f"{api}/data/project-observations.csv", "dist_projects_csv", "text/csv", "CSV"
            ),
            _distribution(f"{api}/datapackage.zip", "dist_zip", "application/zip", "ZIP"),
            _distribution(f"{api}/datapackage.json", "dist_json", "application/json", "JSON"),
            _distribution(f"{api}/", "dist_api", "application/json", "JSON", download=False),
        ],
    }
    if modified is not None and not pd.isna(modified):
        dataset["dct:modified"] = {
            "@value": pd.Timestamp(modified).strftime("%Y-%m-%dT%H:%M:%S"),
            "@type": "xsd:dateTime",
        }
    return {
        "@context": CONTEXT,
        "@id": f"{api}/catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _texts("catalog_title"),
        "dct:description": _texts("catalog_description"),
        "dct:publisher": publisher,
        "dct:language": dataset["dct:language"],
        "dct:license": {"@id": LICENCE["path"]},
        "foaf:homepage": {"@id": app},
        "dcat:dataset": [dataset],
    }
