"""What each endpoint holds, as tables read through indicators.store: approved figures only.

Every function takes the connection and returns a DataFrame (and, for a page, the cursor of the
next one). Unknown districts and indicators are refused here with a 404 that names them, so the
formats never see a request that cannot be answered.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from indicators import progress, scorecard, store, wording
from indicators.store import opendata as reads

from .params import Query, encode_cursor
from .problems import bad_parameter, not_found

INDICATOR_COLUMNS = [
    "key", "theme", "name_en", "name_fi", "name_sv", "unit", "direction", "aggregation",
    "context", "resolution", "breakdowns", "scale", "min_value", "max_value",
    "definition_en", "definition_fi", "definition_sv", "source", "source_url",
]  # fmt: skip
DISTRICT_COLUMNS = [
    "id", "name", "name_fi", "name_sv", "city", "country", "kind", "synthetic", "description",
    "source_url",
]  # fmt: skip
THEME_COLUMNS = ["key", "name_en", "name_fi", "name_sv", "position"]
STATUS_COLUMNS = [
    "district", "indicator", "period", "year", "value", "unit", "context", "target",
    "comparator", "target_year", "target_text", "status", "status_reason", "gap", "trend_year", "base_year", "base_value",
    "observed_growth", "required_growth", "progress_value", "score", "synthetic", "source",
]  # fmt: skip
# districts aggregated per query when a page walks all of them (a few thousand rows)
DISTRICTS_PER_QUERY = 10


def indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return store.indicators(con)[INDICATOR_COLUMNS]


def districts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return store.districts(con)[DISTRICT_COLUMNS]


def themes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return store.themes(con)[THEME_COLUMNS]


def targets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return reads.api_targets(con)


def require_known(query: Query, district_ids: set[str], indicator_keys: set[str]) -> None:
    """A 404 naming the first district or indicator that does not exist."""
    for district in query.districts or ():
        if district not in district_ids:
            raise not_found("district", district, "district")
    for key in query.indicators or ():
        if key not in indicator_keys:
            raise not_found("indicator", key, "indicator")


def observations(
    con: duckdb.DuckDBPyConnection, query: Query, with_figures: list[str]
) -> tuple[pd.DataFrame, str | None]:
    """One page of figures and the cursor of the next page (None: this was the last).

    Without a district filter the page walks the districts with figures (`with_figures`, in id
    order) a few at a time, so one page never aggregates every district of a large database."""
    key = reads.PROJECT_KEY if query.level == "project" else reads.FIGURE_KEY
    after = query.cursor
    if after is not None and len(after) != len(key):
        raise bad_parameter("cursor", encode_cursor(after), f"is not a {query.level}-level cursor")
    if after is not None and query.level == "district" and not after[-1].isdigit():
        raise bad_parameter("cursor", encode_cursor(after), "is not a cursor this API gave out")
    filters = {
        "level": query.level,
        "indicators": query.indicators,
        "year_from": query.year_from,
        "year_to": query.year_to,
        "breakdown": query.breakdown,
    }
    # one more row than asked tells whether there is a next page
    want = query.limit + 1
    if query.districts is not None:
        frame = reads.api_figures(
            con, districts=query.districts, after=after, limit=want, **filters
        )
    else:
        frame = _walk(con, with_figures, after, want, filters)
    if len(frame) <= query.limit:
        return frame.reset_index(drop=True), None
    page = frame.iloc[: query.limit].reset_index(drop=True)
    return page, encode_cursor([page.iloc[-1][column] for column in key])


def _walk(con, with_figures: list[str], after, want: int, filters: dict) -> pd.DataFrame:
    start = 0
    if after is not None:  # from the cursor's district on (the row key skips what was given)
        start = next((i for i, d in enumerate(with_figures) if d >= after[0]), len(with_figures))
    parts, rows = [], 0
    while rows < want and start < len(with_figures):
        chunk = with_figures[start : start + DISTRICTS_PER_QUERY]
        part = reads.api_figures(con, districts=chunk, after=after, limit=want - rows, **filters)
        parts.append(part)
        rows += len(part)
        start += DISTRICTS_PER_QUERY
        after = None
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else reads.api_figures(con, districts=[], limit=0, **filters)
    )


def status(con: duckdb.DuckDBPyConnection, query: Query) -> pd.DataFrame:
    """Each district's indicators against their targets, with the workings' numbers; the target
    worded as the app words it (indicators.wording) and the reason for a missing status, in
    `query.lang`. A context indicator (a plan, the population) is a fact: no target, no status."""
    if query.districts is None:
        frame = scorecard.district_scorecard(con)
    else:
        frames = [scorecard.district_scorecard(con, district=d) for d in query.districts]
        frame = pd.concat(frames, ignore_index=True)
    rows = frame.to_dict("records")
    frame = frame.assign(
        context=[bool(r["context"]) for r in rows],
        target_text=[_target_text(r, query.lang) for r in rows],
        status_reason=[progress.reason_text(r["reason"], query.lang) or None for r in rows],
    )
    return frame[STATUS_COLUMNS]


def _target_text(row: dict, lang: str) -> str | None:
    if row["context"] or pd.isna(row["target"]):
        return None
    return wording.target(
        row["target"],
        comparator=row["comparator"],
        direction=row["direction"],
        unit=row["unit"],
        year=None if pd.isna(row["target_year"]) else int(row["target_year"]),
        lang=lang,
    )
