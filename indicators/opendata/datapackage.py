"""The Frictionless Data Package: a descriptor (datapackage.json) whose resources are CSV files
with Table Schemas, and the whole package as one ZIP streamed batch by batch.

The schemas below are written out (they are the documentation of each column); the files are
checked against them as they are written, and `frictionless validate` is run on the package in
the tests, so the two cannot drift apart.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from indicators import store
from indicators.store import opendata as reads

from . import csv_out, resources

NAME = "district-sustainability-monitor"
LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}
LANGUAGES = ["en", "fi", "sv"]


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    fields: tuple[tuple[str, str, str], ...]  # (name, Table Schema type, description)
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (field, resource, field there)

    @property
    def path(self) -> str:
        return f"data/{self.name}.csv"


_NAMES = tuple(
    (f"name_{lang}", "string", f"Name in {label}")
    for lang, label in (("en", "English"), ("fi", "Finnish"), ("sv", "Swedish"))
)
_FIGURE = (
    ("breakdown", "string", "Breakdown category (e.g. an emission sector); empty: none"),
    ("series", "string", "Alternative measurement of the same figure; empty: the headline series"),
    ("value", "number", "The figure"),
    ("unit", "string", "Unit of the value"),
    ("numerator", "number", "For ratios: the sum of the numerators"),
    ("denominator", "number", "For ratios: the sum of the denominators"),
)

RESOURCES = (
    Resource(
        "themes",
        "Themes",
        "The themes the indicators are grouped in.",
        (("key", "string", "Theme key"), *_NAMES, ("position", "integer", "Order")),
        ("key",),
    ),
    Resource(
        "indicators",
        "Indicators",
        "The indicator catalog: what each figure measures, its unit and direction.",
        (
            ("key", "string", "Indicator key"),
            ("theme", "string", "Theme key"),
            *_NAMES,
            ("unit", "string", "Unit"),
            ("direction", "string", "higher or lower is better"),
            ("aggregation", "string", "How project figures make a district figure"),
            ("context", "boolean", "A fact without a desired direction: never given a status"),
            ("resolution", "string", "year or month"),
            ("breakdowns", "string", "Breakdown categories, separated by ;"),
            ("scale", "number", "Ratio scale (100 for a percentage)"),
            ("min_value", "number", "Smallest valid value"),
            ("max_value", "number", "Largest valid value"),
            ("definition_en", "string", "Definition in English"),
            ("definition_fi", "string", "Definition in Finnish"),
            ("definition_sv", "string", "Definition in Swedish"),
            ("source", "string", "Where the indicator is defined"),
            ("source_url", "string", "Address of the source"),
        ),
        ("key",),
        (("theme", "themes", "key"),),
    ),
    Resource(
        "districts",
        "Districts",
        "The districts, with the synthetic (invented demo) ones marked.",
        (
            ("id", "string", "District id"),
            ("name", "string", "Name"),
            ("name_fi", "string", "Name in Finnish, where it differs"),
            ("name_sv", "string", "Name in Swedish, where it differs"),
            ("city", "string", "City"),
            ("country", "string", "Country"),
            ("kind", "string", "district or region"),
            ("synthetic", "boolean", "Invented demo data, not a real district"),
            ("description", "string", "Description"),
            ("source_url", "string", "Where the district's figures are published"),
        ),
        ("id",),
    ),
    Resource(
        "targets",
        "District targets",
        "The targets each district set for its indicators.",
        (
            ("district", "string", "District id"),
            ("indicator", "string", "Indicator key"),
            ("breakdown", "string", "Breakdown category; empty: the whole figure"),
            ("year", "integer", "Target year"),
            ("value", "number", "Target value"),
            ("comparator", "string", ">=, <=, > or <"),
            ("baseline_year", "integer", "Baseline year"),
            ("baseline_value", "number", "Baseline value"),
            ("source", "string", "Where the target is set"),
        ),
        (),
        (("district", "districts", "id"), ("indicator", "indicators", "key")),
    ),
    Resource(
        "observations",
        "District figures",
        "Approved yearly figures per district, indicator, breakdown and series: published"
        " district figures and totals built from approved project reports (ratios as sum of"
        " numerators over sum of denominators). A provisional year still waits for some"
        " project's approved report (projects_reported of expected_projects).",
        (
            ("district", "string", "District id"),
            ("indicator", "string", "Indicator key"),
            ("year", "integer", "Year"),
            ("period", "string", "Latest period in the year (YYYY or YYYY-MM)"),
            *_FIGURE,
            ("level", "string", "district: a district-level figure; projects: built from projects"),
            ("projects", "integer", "Projects counted in the figure"),
            ("provisional", "boolean", "The year still waits for some project's approved report"),
            ("projects_reported", "integer", "Projects with an approved figure that year"),
            ("expected_projects", "integer", "Projects expected to report that year"),
            ("synthetic", "boolean", "Invented demo data"),
            ("source", "string", "Source of the figure"),
            ("note", "string", "Note on a published figure"),
        ),
        # no primaryKey: an empty breakdown or series is a missing value to a Table Schema,
        # and key fields may not be missing; the key is district, indicator, breakdown,
        # series, year all the same
        (),
        (("district", "districts", "id"), ("indicator", "indicators", "key")),
    ),
    Resource(
        "project-observations",
        "Project figures",
        "The approved project figures the district totals are built from (the latest approved"
        " figure per project, indicator, period, breakdown and series).",
        (
            ("district", "string", "District id"),
            ("project", "string", "Project id"),
            ("indicator", "string", "Indicator key"),
            ("year", "integer", "Year"),
            ("period", "string", "Period (YYYY or YYYY-MM)"),
            *_FIGURE,
            ("synthetic", "boolean", "Invented demo data"),
            ("source", "string", "Source of the figure"),
        ),
        (),
        (("district", "districts", "id"), ("indicator", "indicators", "key")),
    ),
)
BY_NAME = {resource.name: resource for resource in RESOURCES}


def descriptor(con: duckdb.DuckDBPyConnection, base: str | None = None) -> dict:
    """The datapackage.json. With `base` (the API's address) each resource's path is its CSV
    endpoint, so the descriptor on its own is a valid remote package; without, the paths are
    the files inside the ZIP."""
    return {
        "profile": "tabular-data-package",
        "name": NAME,
        "title": "District Sustainability Monitor: approved figures",
        "description": (
            "Sustainability indicators of new city districts against their targets: the figures"
            " officials approved, with their sources. Rows marked synthetic are invented demo"
            " data."
        ),
        "version": f"1.0.{store.data_version(con)}",
        "licenses": [LICENCE],
        "sources": sources(con),
        "languages": LANGUAGES,
        "keywords": ["sustainability", "indicators", "districts", "open data"],
        "resources": [_resource(r, base) for r in RESOURCES],
    }


def _resource(resource: Resource, base: str | None) -> dict:
    schema: dict = {
        "fields": [
            {"name": name, "type": kind, "description": text}
            for name, kind, text in resource.fields
        ],
        "missingValues": [""],
    }
    if resource.primary_key:
        schema["primaryKey"] = list(resource.primary_key)
    if resource.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": field, "reference": {"resource": other, "fields": there}}
            for field, other, there in resource.foreign_keys
        ]
    return {
        "name": resource.name,
        "title": resource.title,
        "description": resource.description,
        "path": f"{base.rstrip('/')}/data/{resource.name}.csv" if base else resource.path,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
        "licenses": [LICENCE],
        "schema": schema,
    }


def sources(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The sources of the approved figures: each published source once, and the synthetic
    data named as such."""
    frame = store.data_sources(con)
    out = []
    for source in dict.fromkeys(frame.loc[~frame["synthetic"], "source"]):
        if source:
            entry = {"title": source}
            if source.startswith(("http://", "https://")):
                entry["path"] = source
            out.append(entry)
    if frame["synthetic"].any():
        out.append({"title": "Synthetic demo data (invented; marked synthetic in every row)"})
    return out


def csv_chunks(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[bytes]:
    """One resource's CSV, chunk by chunk; its columns checked against the schema."""
    resource = BY_NAME[name]
    columns = [field for field, _, _ in resource.fields]
    if name in ("observations", "project-observations"):
        level = "project" if name == "project-observations" else "district"
        yield from csv_out.chunks(_checked(resource, reads.api_figure_batches(con, level=level)))
        return
    frame = _reference(name)(con)
    _check(resource, list(frame.columns))
    yield csv_out.render(frame[columns])


def _reference(name: str) -> Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]:
    return {
        "themes": resources.themes,
        "indicators": resources.indicators,
        "districts": resources.districts,
        "targets": resources.targets,
    }[name]


def _checked(resource: Resource, batches: Iterator) -> Iterator:
    for batch in batches:
        _check(resource, batch.schema.names)
        yield batch


def _check(resource: Resource, columns: list[str]) -> None:
    expected = [field for field, _, _ in resource.fields]
    if list(columns) != expected:
        raise RuntimeError(f"{resource.name}: columns {columns} differ from the schema {expected}")


class _Sink:
    """A write-only file for zipfile that hands over what was written (no seek: zipfile then
    writes data descriptors, which is what makes a streamed ZIP possible)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_chunks(con: duckdb.DuckDBPyConnection, descriptor_json: bytes) -> Iterator[bytes]:
    """The package as a ZIP, produced while it is sent: datapackage.json, then each resource's
    CSV one record batch at a time."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as package:
        package.writestr("datapackage.json", descriptor_json)
        yield sink.take()
        for resource in RESOURCES:
            with package.open(resource.path, "w", force_zip64=True) as member:
                for chunk in csv_chunks(con, resource.name):
                    member.write(chunk)
                    yield sink.take()
    yield sink.take()
