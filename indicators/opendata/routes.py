"""The API's HTTP side: Starlette routes under /api/v1/ that app.py hands to st.App, so they
share the app's port, process and cached connection.

Every answer: an ETag from the data version (a request with that ETag in If-None-Match gets a
304 before anything is read), Cache-Control for public caches, `Access-Control-Allow-Origin: *`
(GET only: the API never writes), gzip from Streamlit's own middleware, Content-Disposition on
downloads, and errors as problem details (problems.py), never a traceback or an HTML page.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import threading
from collections.abc import Awaitable, Callable, Iterator
from urllib.parse import urlencode

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from indicators import store
from indicators.store import opendata as reads

from . import cache, csv_out, datapackage, dcat, json_out, openapi, params, resources
from .problems import MEDIA_TYPE as PROBLEM
from .problems import Problem, not_found

PREFIX = "/api/v1"
CACHE_CONTROL = "public, max-age=300"
GZIP_FROM = 1000  # bytes; as Streamlit's own gzip middleware
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Content-Disposition",
}
_log = logging.getLogger(__name__)

Connect = Callable[[], duckdb.DuckDBPyConnection]


def routes(connect: Connect) -> list[Route]:
    """The API's routes; `connect` returns the process's connection (the app's cached one)."""
    opened = _opener(connect)

    async def endpoint(request: Request) -> Response:
        name = request.path_params.get("endpoint", "")
        return await _answer(request, opened, name)

    async def table(request: Request) -> Response:
        return await _answer(request, opened, "data", request.path_params["resource"])

    async def unknown(request: Request) -> Response:
        path = request.url.path
        return _problem(request, not_found("endpoint", path.removeprefix(PREFIX) or "/"))

    methods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
    return [
        Route(PREFIX, endpoint, methods=methods),
        Route(f"{PREFIX}/", endpoint, methods=methods),
        Route(f"{PREFIX}/data/{{resource}}.csv", table, methods=methods),
        Route(f"{PREFIX}/{{endpoint}}", endpoint, methods=methods),
        Route(f"{PREFIX}/{{rest:path}}", unknown, methods=methods),
    ]


async def _answer(request: Request, opened: Opened, name: str, resource: str = "") -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    if request.method not in ("GET", "HEAD"):
        problem = Problem(405, f"{request.method} is not allowed: this API only reads")
        return _problem(request, problem, {"Allow": "GET, HEAD, OPTIONS"})
    try:
        if name not in HANDLERS or (name == "data" and resource not in datapackage.BY_NAME):
            raise not_found("endpoint", request.url.path.removeprefix(PREFIX))
        query = params.parse(
            name, params.items_of(request.query_params), request.headers.get("accept", "")
        )
        con, db, version = await opened()
        etag = f'W/"{version}-{query.format}"'
        headers = {**CORS, "ETag": etag, "Cache-Control": CACHE_CONTROL}
        headers["Vary"] = "Accept, Accept-Encoding"
        if _matches(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        key = (db, version, *_address(request), query.format)
        hit = cache.get(key)
        if hit is None:
            context = Context(request, con, version, query, resource)
            answer = await run_in_threadpool(HANDLERS[name], context)
            if isinstance(answer, Streamed):
                headers.update(answer.headers)
                return StreamingResponse(
                    answer.chunks, media_type=answer.media_type, headers=headers
                )
            hit = await run_in_threadpool(_kept, key, *answer)
        body, gzipped, media_type, extra = hit
        headers.update(extra)
        if gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            # compressed once when it was cached; Streamlit's gzip middleware passes an
            # answer that already has a Content-Encoding through untouched
            headers.update({"Content-Encoding": "gzip", "Vary": "Accept, Accept-Encoding"})
            body = gzipped
        return Response(body, media_type=media_type, headers=headers)
    except Problem as problem:
        return _problem(request, problem)
    except (FileNotFoundError, store.OutdatedSchemaError) as exc:
        _log.error("open data: database unavailable: %s", exc)
        return _problem(request, Problem(503, "the database is not available; try again later"))
    except Exception:
        _log.exception("open data: %s failed", request.url.path)
        return _problem(request, Problem(500, "the server failed to answer; it has been logged"))


def _kept(key: tuple, body: bytes, media_type: str, extra: dict) -> tuple:
    """An answer as cached: its body, the body gzipped (None when too small to gain), its media
    type and headers."""
    gzipped = gzip.compress(body, compresslevel=6) if len(body) >= GZIP_FROM else None
    answer = (body, gzipped, media_type, extra)
    cache.put(key, answer, len(body) + len(gzipped or b""))
    return answer


_openers = itertools.count(1)
Opened = Callable[[], Awaitable[tuple[duckdb.DuckDBPyConnection, str, int]]]


def _opener(connect: Connect) -> Opened:
    """The connection, the database's name and the data version, without leaving the event
    loop when all are at hand (a thread hop costs more than serving a cached answer). Opening
    the database and reading the version anew (after a write; always on a lake, which other
    replicas write) run in a worker thread. The connection is kept once opened: it is the
    app's own cached one, and asking Streamlit's cache for it costs a signature and a hash."""
    held: list[tuple[duckdb.DuckDBPyConnection, str]] = []
    # the answers' cache is the process's: each connection's answers are kept apart by name
    name = f"{store.db_path()} #{next(_openers)}"

    async def opened() -> tuple[duckdb.DuckDBPyConnection, str, int]:
        if not held:  # the first request, or every request while the database cannot open
            con = await run_in_threadpool(connect)
            held.append((con, name))
        con, db = held[0]
        version = store.known_data_version(con)
        if version is None:
            version = await run_in_threadpool(store.data_version, con)
        return con, db, version

    return opened


def _address(request: Request) -> tuple:
    """What request.url holds, read from the ASGI scope without building the URL: the
    answers' links are absolute, so the host is part of what the answer is."""
    scope = request.scope
    host = request.headers.get("host") or str(scope.get("server"))
    return scope["scheme"], host, scope.get("root_path", ""), scope["path"], scope["query_string"]


def _matches(header: str | None, etag: str) -> bool:
    """If-None-Match by weak comparison (RFC 9110): W/"x" and "x" are the same tag."""
    if not header:
        return False
    if header.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in header.split(","))


def _preflight() -> Response:
    return Response(
        status_code=204,
        headers={
            **CORS,
            "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
            "Access-Control-Allow-Headers": "Accept, If-None-Match",
            "Access-Control-Max-Age": "86400",
        },
    )


def _problem(request: Request, problem: Problem, headers: dict | None = None) -> Response:
    return Response(
        problem.render(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM,
        headers={**CORS, "Cache-Control": "no-store", **(headers or {})},
    )


# --------------------------------------------------------------------------- handlers


class Context:
    """What a handler needs: the request's addresses, the connection, the parsed query."""

    def __init__(self, request: Request, con, version: int, query, resource: str):
        self.con, self.version, self.query, self.resource = con, version, query, resource
        self.url = str(request.url)
        self.app = str(request.base_url).rstrip("/")
        self.api = self.app + PREFIX
        self.path = request.url.path


class Streamed:
    def __init__(self, chunks: Iterator[bytes], media_type: str, headers: dict):
        self.chunks, self.media_type, self.headers = chunks, media_type, headers


def _download(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def _table(context: Context, frame, name: str, links: dict | None = None, extra=None):
    """A table in the asked format: JSON with meta and links, or CSV as a download."""
    extra = dict(extra or {})
    if context.query.format == "csv":
        return csv_out.render(frame), csv_out.MEDIA_TYPE, {**_download(f"{name}.csv"), **extra}
    meta = {
        "data_version": context.version,
        "count": len(frame),
        "licence": datapackage.LICENCE["name"],
    }
    body = json_out.document(frame, meta, {"self": context.url, **(links or {})})
    return body, json_out.MEDIA_TYPE, extra


def _index(context: Context):
    names = ["indicators", "districts", "themes", "observations", "status"]
    names += ["datapackage.json", "datapackage.zip", "catalog.jsonld", "openapi.json"]
    body = {
        "title": "District Sustainability Monitor open data API",
        "description": "Approved figures only. See openapi.json for every parameter.",
        "licence": datapackage.LICENCE,
        "data_version": context.version,
        "links": {name: f"{context.api}/{name}" for name in names},
    }
    return json_out.dumps(body), json_out.MEDIA_TYPE, {}


def _indicators(context: Context):
    return _table(context, resources.indicators(context.con), "indicators")


def _districts(context: Context):
    return _table(context, resources.districts(context.con), "districts")


def _themes(context: Context):
    return _table(context, resources.themes(context.con), "themes")


def _observations(context: Context):
    district_ids, indicator_keys, with_figures = _known(context.con, context.version)
    resources.require_known(context.query, district_ids, indicator_keys)
    frame, cursor = resources.observations(context.con, context.query, with_figures)
    if cursor is None:
        return _table(context, frame, "observations", {"next": None})
    given = {k: v for k, v in context.query.given.items() if k != "cursor"}
    following = f"{context.api}/observations?{urlencode({**given, 'cursor': cursor})}"
    return _table(
        context,
        frame,
        "observations",
        {"next": following},
        {"Link": f'<{following}>; rel="next"'},
    )


def _status(context: Context):
    district_ids, indicator_keys, _ = _known(context.con, context.version)
    resources.require_known(context.query, district_ids, indicator_keys)
    return _table(context, resources.status(context.con, context.query), "status")


def _descriptor(context: Context):
    return json_out.dumps(datapackage.descriptor(context.con, context.api)), json_out.MEDIA_TYPE, {}


def _zip(context: Context) -> Streamed:
    descriptor = json_out.dumps(datapackage.descriptor(context.con))
    return Streamed(
        datapackage.zip_chunks(context.con, descriptor),
        "application/zip",
        _download(f"{datapackage.NAME}.zip"),
    )


def _data(context: Context) -> Streamed:
    name = context.resource
    return Streamed(
        datapackage.csv_chunks(context.con, name), csv_out.MEDIA_TYPE, _download(f"{name}.csv")
    )


def _catalog(context: Context):
    record = dcat.record(context.con, context.api, context.app + "/")
    return json_out.dumps(record), dcat.MEDIA_TYPE, {}


def _openapi(context: Context):
    return json_out.dumps(openapi.document(context.api)), json_out.MEDIA_TYPE, {}


HANDLERS: dict[str, Callable] = {
    "": _index,
    "indicators": _indicators,
    "districts": _districts,
    "themes": _themes,
    "observations": _observations,
    "status": _status,
    "datapackage.json": _descriptor,
    "datapackage.zip": _zip,
    "catalog.jsonld": _catalog,
    "openapi.json": _openapi,
    "data": _data,
}

# the ids a request may name, per database and data version (the last few versions)
_known_ids: dict[tuple, tuple] = {}
_known_lock = threading.Lock()


def _known(con: duckdb.DuckDBPyConnection, version: int) -> tuple[set, set, list]:
    key = (id(con), version)
    with _known_lock:
        if key in _known_ids:
            return _known_ids[key]
    value = (
        set(resources.districts(con)["id"]),
        set(resources.indicators(con)["key"]),
        reads.api_districts_with_figures(con),
    )
    with _known_lock:
        if len(_known_ids) >= 4:
            _known_ids.pop(next(iter(_known_ids)))
        _known_ids[key] = value
    return value
