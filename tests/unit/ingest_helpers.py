"""Shared pieces of the ingest tests: demo identities, small CSVs, and the check that a
rejected file names the line and column and leaves the database exactly as it was."""

from __future__ import annotations

from datetime import date

from indicators import access, store
from indicators.reporting import ingest

DEVELOPER = "developer-a@demo.dev"  # aalto-rakennus
OTHER_DEVELOPER = "developer-b@demo.dev"  # bjork-bygg
OFFICIAL = "official@demo.city"
OWN = "turku-science-park-plot-01"  # aalto-rakennus
OWN_2 = "lakeview-plot-01"  # aalto-rakennus
FOREIGN = "turku-science-park-plot-02"  # bjork-bygg
TODAY = date(2025, 6, 15)

HEADER = "project,indicator,period,breakdown,value,numerator,denominator,unit,comment"


def csv(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return (newline.join([header, *rows]) + newline).encode("utf-8")


def actor(con, email: str = DEVELOPER) -> access.Actor:
    return access.actor_for(con, email)


def snapshot(con) -> dict:
    """Everything a write would change: counts, the data version, the audit log's length."""
    return {
        **store.stats(con),
        "data_version": store.data_version(con),
        "audit": store.scalar(con, "SELECT count(*) FROM audit"),
        "max_observation": store.scalar(con, "SELECT max(id) FROM observation"),
    }


def submit(con, data: bytes, email: str = DEVELOPER, **options) -> ingest.Submitted:
    options.setdefault("today", TODAY)
    return ingest.submit(con, actor(con, email), data, "upload.csv", **options)


def rejected(con, data: bytes, line, column, fragment: str, email: str = DEVELOPER, **options):
    """Submit `data`; it must be refused whole with an error at (line, column) whose reason
    contains `fragment`, and nothing in the database may have changed. Returns the error."""
    before = snapshot(con)
    result = submit(con, data, email, **options)
    after = snapshot(con)
    assert not result.stored
    assert after == before
    errors = result.report.row_errors()
    matching = [
        e
        for e in errors
        if e.line == line
        and (e.column or "").lower() == (column or "").lower()
        and fragment.lower() in e.reason.lower()
    ]
    assert matching, f"no error at line {line}, column {column} with {fragment!r}: {errors}"
    error = matching[0]
    if line is not None and column is not None:
        assert str(error).startswith(f"line {line}, column {error.column}: ")
    return error
