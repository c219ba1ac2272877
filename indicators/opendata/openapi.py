"""The OpenAPI 3.1 description of the API, built from the same tables the API runs on: the
parameters of params.ENDPOINT_PARAMS and the columns of datapackage.RESOURCES, so a new
parameter or column is documented by being added. A test calls every path it lists against
the real server and checks each answer against the schema here."""

from __future__ import annotations

from . import datapackage, params, resources

_JSON_TYPES = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean"}
_STATUS_TYPES = {
    "district": "string", "indicator": "string", "period": "string", "year": "integer",
    "value": "number", "unit": "string", "context": "boolean", "target": "number",
    "comparator": "string", "target_year": "integer", "target_text": "string",
    "status": "string", "status_reason": "string", "gap": "number",
    "trend_year": "integer", "base_year": "integer", "base_value": "number",
    "observed_growth": "number", "required_growth": "number", "progress_value": "number",
    "score": "number", "synthetic": "boolean", "source": "string",
}  # fmt: skip
STATUSES = [
    "target_achieved", "substantial_progress", "moderate_progress", "limited_progress",
    "deterioration", "not_available",
]  # fmt: skip


def _row(fields: dict[str, str], overrides: dict | None = None) -> dict:
    properties = {name: {"type": [kind, "null"]} for name, kind in fields.items()}
    properties.update(overrides or {})
    return {"type": "object", "properties": properties, "required": list(fields)}


def _resource_row(name: str, overrides: dict | None = None) -> dict:
    fields = {f: _JSON_TYPES[kind] for f, kind, _ in datapackage.BY_NAME[name].fields}
    return _row(fields, overrides)


def _list(row: dict, paged: bool = False) -> dict:
    links = {"self": {"type": "string"}, "next": {"type": ["string", "null"]}}
    return {
        "type": "object",
        "required": ["data", "meta", "links"],
        "properties": {
            "data": {"type": "array", "items": row},
            "meta": {
                "type": "object",
                "required": ["data_version", "count"],
                "properties": {
                    "data_version": {"type": "integer"},
                    "count": {"type": "integer"},
                    "licence": {"type": "string"},
                },
            },
            "links": {
                "type": "object",
                "properties": links,
                "required": ["self"] + (["next"] if paged else []),
            },
        },
    }


SCHEMAS = {
    "Indicator": _resource_row(
        "indicators", {"breakdowns": {"type": "array", "items": {"type": "string"}}}
    ),
    "District": _resource_row("districts"),
    "Theme": _resource_row("themes"),
    "Figure": _resource_row(
        "observations",
        {
            "level": {"enum": ["district", "projects"]},
            "provisional": {"type": "boolean"},
            "synthetic": {"type": "boolean"},
        },
    ),
    "ProjectFigure": _resource_row("project-observations"),
    # a context indicator has no status: null
    "Status": _row(_STATUS_TYPES, {"status": {"enum": [*STATUSES, None]}}),
    "Problem": {
        "type": "object",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "parameter": {"type": "string"},
            "value": {"type": "string"},
        },
    },
}
assert set(_STATUS_TYPES) == set(resources.STATUS_COLUMNS), "document every status column"

_PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
_CSV = {"text/csv": {"schema": {"type": "string"}}}
_HEADERS = {
    "ETag": {"description": "The data version; send it back as If-None-Match", "schema": {"type": "string"}},
    "Cache-Control": {"schema": {"type": "string"}},
}  # fmt: skip


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(endpoint: str, summary: str, ok: dict, description: str = "") -> dict:
    taken = params.ENDPOINT_PARAMS[endpoint]
    responses = {
        "200": {"description": "OK", "headers": _HEADERS, "content": ok},
        "304": {"description": "Not modified since the ETag sent in If-None-Match"},
        "400": {"description": "A parameter is wrong; the body names it", "content": _PROBLEM},
    }
    if any(p.name in ("district", "indicator") for p in taken):
        responses["404"] = {"description": "No such district or indicator", "content": _PROBLEM}
    return {
        "get": {
            "operationId": endpoint.replace(".", "_").replace("-", "_") or "index",
            "summary": summary,
            "description": description or summary,
            "parameters": [
                {
                    "name": p.name,
                    "in": "query",
                    "required": False,
                    "description": p.description,
                    "schema": p.schema,
                    **({"example": p.example} if p.example else {}),
                }
                for p in taken
            ],
            "responses": responses,
        }
    }


def document(server: str) -> dict:
    """The OpenAPI document; `server` is the API's address (…/api/v1)."""
    paths = {
        "/": _operation(
            "", "What this API serves", {"application/json": {"schema": {"type": "object"}}}
        ),
        "/indicators": _operation(
            "indicators",
            "The indicator catalog",
            {"application/json": {"schema": _list(_ref("Indicator"))}, **_CSV},
        ),
        "/districts": _operation(
            "districts",
            "The districts",
            {"application/json": {"schema": _list(_ref("District"))}, **_CSV},
        ),
        "/themes": _operation(
            "themes", "The themes", {"application/json": {"schema": _list(_ref("Theme"))}, **_CSV}
        ),
        "/observations": _operation(
            "observations",
            "Approved figures, a page at a time",
            {
                "application/json": {
                    "schema": _list({"oneOf": [_ref("Figure"), _ref("ProjectFigure")]}, paged=True)
                },
                **_CSV,
            },
            "District figures (or, with level=project, project figures) that count: approved"
            " only. Follow links.next (JSON) or the Link header (CSV) for the next page.",
        ),
        "/status": _operation(
            "status",
            "Each district's indicators against their targets",
            {"application/json": {"schema": _list(_ref("Status"))}, **_CSV},
        ),
        "/datapackage.json": _operation(
            "datapackage.json",
            "The Frictionless Data Package descriptor (resources point at /data/{name}.csv)",
            {"application/json": {"schema": {"type": "object", "required": ["resources"]}}},
        ),
        "/datapackage.zip": _operation(
            "datapackage.zip",
            "The whole data package as a ZIP (datapackage.json and the CSV files), streamed",
            {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        ),
        "/catalog.jsonld": _operation(
            "catalog.jsonld",
            "The DCAT-AP record (JSON-LD) for open-data portals",
            {"application/ld+json": {"schema": {"type": "object", "required": ["@context"]}}},
        ),
        "/openapi.json": _operation(
            "openapi.json", "This document", {"application/json": {"schema": {"type": "object"}}}
        ),
    }
    for resource in datapackage.RESOURCES:
        operation = _operation("data", f"{resource.title}: the whole table as CSV", _CSV)
        operation["get"]["operationId"] = f"data_{resource.name.replace('-', '_')}"
        operation["get"]["description"] = resource.description
        paths[f"/data/{resource.name}.csv"] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "District Sustainability Monitor open data API",
            "version": "1",
            "description": (
                "Approved district sustainability figures, their targets and the indicator"
                " catalog. Read-only; approved figures only. Errors are RFC 9457 problem"
                " details. Every answer carries an ETag from the data version."
            ),
            "license": {"name": datapackage.LICENCE["title"], "url": datapackage.LICENCE["path"]},
        },
        "servers": [{"url": server.rstrip("/")}],
        "paths": paths,
        "components": {"schemas": SCHEMAS},
    }
