"""Query parameters: each endpoint's parameters, described once (the OpenAPI document is built
from the same table), parsed into plain values or refused with a problem naming the parameter.

Strict on purpose: an unknown parameter is a 400, not silently ignored, so `?pending=1` or a
typo never looks as if it had done something."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from .problems import bad_parameter

MAX_VALUE = 1000  # characters in one parameter value
MAX_ITEMS = 100  # ids in one comma-separated list
MAX_LIMIT = 10_000
DEFAULT_LIMIT = 1000
YEARS = (1900, 2100)


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    schema: dict
    example: str | None = None


FORMAT = Param(
    "format",
    "`csv` for CSV (UTF-8, a header, formula-safe); JSON by default. `Accept: text/csv` does the same.",
    {"type": "string", "enum": ["json", "csv"]},
)
LANG = Param(
    "lang",
    "Language of worded texts (the status's target): en, fi or sv.",
    {"type": "string", "enum": ["en", "fi", "sv"]},
)
DISTRICT = Param(
    "district",
    "District id, or several separated by commas (see /api/v1/districts).",
    {"type": "string", "maxLength": MAX_VALUE},
    "espoo-kera",
)
INDICATOR = Param(
    "indicator",
    "Indicator key, or several separated by commas (see /api/v1/indicators).",
    {"type": "string", "maxLength": MAX_VALUE},
    "ghg_emissions_by_sector",
)
FROM = Param(
    "from", "First year (inclusive).", {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}
)
TO = Param(
    "to", "Last year (inclusive).", {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}
)
BREAKDOWN = Param(
    "breakdown",
    "Only this breakdown category (e.g. an emission sector); empty for figures without one.",
    {"type": "string", "maxLength": MAX_VALUE},
)
LEVEL = Param(
    "level",
    "`district`: the district figures (default); `project`: the approved project figures they"
    " are built from.",
    {"type": "string", "enum": ["district", "project"]},
)
LIMIT = Param(
    "limit",
    f"Rows per page (1-{MAX_LIMIT}, default {DEFAULT_LIMIT}).",
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
)
CURSOR = Param(
    "cursor",
    "Where the next page starts: copy it from `links.next` (JSON) or the `Link` header (CSV).",
    {"type": "string", "maxLength": MAX_VALUE},
)

# endpoint -> the parameters it takes
ENDPOINT_PARAMS: dict[str, tuple[Param, ...]] = {
    "indicators": (FORMAT,),
    "districts": (FORMAT,),
    "themes": (FORMAT,),
    "observations": (DISTRICT, INDICATOR, FROM, TO, BREAKDOWN, LEVEL, LIMIT, CURSOR, FORMAT),
    "status": (DISTRICT, LANG, FORMAT),
    "datapackage.json": (),
    "datapackage.zip": (),
    "catalog.jsonld": (),
    "openapi.json": (),
    "data": (),  # /data/{resource}.csv: one table of the data package, whole
    "": (),
}


@dataclass
class Query:
    """The parsed parameters of one request (None: not given)."""

    format: str = "json"
    lang: str = "en"
    districts: list[str] | None = None
    indicators: list[str] | None = None
    year_from: int | None = None
    year_to: int | None = None
    breakdown: str | None = None
    level: str = "district"
    limit: int = DEFAULT_LIMIT
    cursor: list | None = None
    given: dict[str, str] = field(default_factory=dict)


def parse(endpoint: str, items: list[tuple[str, str]], accept: str = "") -> Query:
    """Query items of a request -> Query, or raise a 400 Problem naming the parameter."""
    allowed = {p.name: p for p in ENDPOINT_PARAMS[endpoint]}
    values: dict[str, list[str]] = {}
    for name, value in items:
        if name not in allowed:
            known = ", ".join(sorted(allowed)) or "no parameters"
            raise bad_parameter(
                name, value[:100], f"unknown parameter; this endpoint takes {known}"
            )
        if len(value) > MAX_VALUE:
            raise bad_parameter(name, value[:100] + "…", f"longer than {MAX_VALUE} characters")
        values.setdefault(name, []).append(value)
    query = Query(given={k: ",".join(v) for k, v in values.items()})
    for name, given in values.items():
        if name not in ("district", "indicator") and len(given) > 1:
            raise bad_parameter(name, ",".join(given)[:100], "given more than once")
    if "format" in allowed:
        query.format = _choice(values, FORMAT, None) or _from_accept(accept)
    query.lang = _choice(values, LANG, "en")
    query.level = _choice(values, LEVEL, "district")
    query.districts = _ids(values, "district")
    query.indicators = _ids(values, "indicator")
    query.year_from = _year(values, "from")
    query.year_to = _year(values, "to")
    if query.year_from and query.year_to and query.year_from > query.year_to:
        raise bad_parameter("to", str(query.year_to), f"is before 'from' ({query.year_from})")
    if "breakdown" in values:
        query.breakdown = values["breakdown"][0].strip()
    query.limit = _integer(values, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    if "cursor" in values:
        query.cursor = decode_cursor(values["cursor"][0])
    return query


def _from_accept(accept: str) -> str:
    """`Accept: text/csv` asks for CSV; anything else (or nothing) gets JSON."""
    wanted = [part.split(";")[0].strip().lower() for part in accept.split(",")]
    return "csv" if "text/csv" in wanted and "application/json" not in wanted else "json"


def _choice(values: dict, param: Param, default: str | None) -> str | None:
    if param.name not in values:
        return default
    value = values[param.name][0].strip().lower()
    allowed = param.schema["enum"]
    if value not in allowed:
        raise bad_parameter(
            param.name, value[:100], f"must be one of {', '.join(allowed)}", allowed=allowed
        )
    return value


def _ids(values: dict, name: str) -> list[str] | None:
    if name not in values:
        return None
    ids = [part.strip() for value in values[name] for part in value.split(",")]
    ids = list(dict.fromkeys(part for part in ids if part))
    if not ids:
        raise bad_parameter(name, ",".join(values[name]), "is empty")
    if len(ids) > MAX_ITEMS:
        raise bad_parameter(name, ",".join(ids)[:100] + "…", f"more than {MAX_ITEMS} ids")
    return ids


def _integer(values: dict, name: str, low: int, high: int, default: int | None) -> int | None:
    if name not in values:
        return default
    text = values[name][0].strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 9:
        raise bad_parameter(name, text[:100], "is not a whole number")
    number = int(text)
    if not low <= number <= high:
        raise bad_parameter(name, text, f"must be between {low} and {high}")
    return number


def _year(values: dict, name: str) -> int | None:
    return _integer(values, name, YEARS[0], YEARS[1], None)


def encode_cursor(key: list) -> str:
    raw = json.dumps([None if v is None else str(v) for v in key], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(text: str) -> list:
    try:
        raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
        key = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or not key or not all(isinstance(v, str) for v in key):
        raise bad_parameter("cursor", text[:100], "is not a cursor this API gave out")
    return key


def items_of(query_string: Mapping | list) -> list[tuple[str, str]]:
    return list(
        query_string.multi_items() if hasattr(query_string, "multi_items") else query_string
    )
