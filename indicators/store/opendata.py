"""Reads behind the open-data API (indicators/opendata): approved figures only, whatever is asked.

Nothing here takes an `include_pending` argument: the API acts as the public. Large results
come page by page (keyset: the rows after a key, never OFFSET) or as Arrow record batches, so a
million rows never become one DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pandas as pd
import pyarrow as pa

from .connection import query
from .effective import district_figures_sql, effective_observations_sql

# The order of district figures, and so the key a page continues after.
FIGURE_KEY = ("district", "indicator", "breakdown", "series", "year")
# The order of project figures.
PROJECT_KEY = ("district", "project", "indicator", "breakdown", "series", "period")


def _figures_sql() -> str:
    """District figures of the districts $districts (NULL: all), filtered and after a key."""
    return f"""
        SELECT f.district, f.indicator, f.year, f.last_period AS period, f.breakdown, f.series,
               f.value, f.unit, f.numerator, f.denominator,
               CASE WHEN f.district_level THEN 'district' ELSE 'projects' END AS level,
               CASE WHEN f.district_level THEN NULL ELSE f.projects END AS projects,
               NOT f.complete AS provisional,
               f.projects_reported, f.expected_projects, f.synthetic, f.source,
               CASE WHEN f.district_level THEN f.note END AS note
        FROM ({district_figures_sql(include_pending=False, headline_only=False)}) f
        WHERE ($from IS NULL OR f.year >= $from) AND ($to IS NULL OR f.year <= $to)
          AND ($breakdown IS NULL OR f.breakdown = $breakdown)
          AND ($after IS NULL
               OR (f.district, f.indicator, f.breakdown, f.series, f.year)
                  > ($after[1], $after[2], $after[3], $after[4], CAST($after[5] AS INTEGER)))
        ORDER BY f.district, f.indicator, f.breakdown, f.series, f.year
    """


def _projects_sql() -> str:
    condition = (
        "o.project_id IS NOT NULL"
        " AND ($districts IS NULL OR list_contains($districts, o.district_id))"
        " AND ($indicators IS NULL OR list_contains($indicators, o.indicator))"
    )
    # a developer's free-text comment stays out: the API publishes figures, not remarks
    return f"""
        SELECT e.district_id AS district, e.project_id AS project, e.indicator, e.year,
               e.period, e.breakdown, e.series, e.value, e.unit, e.numerator, e.denominator,
               e.synthetic, e.source
        FROM ({effective_observations_sql(False, condition)}) e
        WHERE ($from IS NULL OR e.year >= $from) AND ($to IS NULL OR e.year <= $to)
          AND ($breakdown IS NULL OR e.breakdown = $breakdown)
          AND ($after IS NULL
               OR (e.district_id, e.project_id, e.indicator, e.breakdown, e.series, e.period)
                  > ($after[1], $after[2], $after[3], $after[4], $after[5], $after[6]))
        ORDER BY e.district_id, e.project_id, e.indicator, e.breakdown, e.series, e.period
    """


def _params(districts, indicators, year_from, year_to, breakdown, after, limit) -> dict:
    return {
        "districts": None if districts is None else list(districts),
        "indicators": None if indicators is None else list(indicators),
        "from": year_from,
        "to": year_to,
        "breakdown": breakdown,
        "after": None if after is None else [str(part) for part in after],
        "limit": limit,
    }


def api_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    level: str = "district",
    districts: list[str] | None = None,
    indicators: list[str] | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    breakdown: str | None = None,
    after: tuple | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """Up to `limit` approved figures after the key `after` (FIGURE_KEY or PROJECT_KEY order):
    district figures (as the pages show them, with `provisional` and k of n projects) or, with
    level='project', the project figures that count."""
    sql = _projects_sql() if level == "project" else _figures_sql()
    params = _params(districts, indicators, year_from, year_to, breakdown, after, limit)
    with con.cursor() as cur:
        return to_frame(cur.execute(f"{sql} LIMIT $limit", params).arrow().read_all())


_NULLABLE_INTEGERS = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
}


def to_frame(data: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """Arrow -> DataFrame with nullable integers, so counts with gaps stay whole numbers (6,
    not 6.0) in JSON and CSV."""
    return data.to_pandas(types_mapper=_NULLABLE_INTEGERS.get)


def api_figure_batches(
    con: duckdb.DuckDBPyConnection,
    *,
    level: str = "district",
    districts_per_query: int = 100,
    batch_rows: int = 50_000,
) -> Iterator[pa.RecordBatch]:
    """Every approved figure of a level as Arrow record batches (the data package's files),
    a hundred districts per query: one query over every district holds every district's
    window at once (1.4 GB and 20 s on the scale database, against 0.5 GB and 8 s in chunks).
    At least one batch comes, empty when there are no figures, so its schema names the columns."""
    sql = _projects_sql() if level == "project" else _figures_sql()
    districts = api_districts_with_figures(con)
    chunks = [
        districts[i : i + districts_per_query]
        for i in range(0, len(districts), districts_per_query)
    ]
    with con.cursor() as cur:
        for chunk in chunks or [[]]:
            params = _params(chunk, None, None, None, None, None, None)
            params.pop("limit")
            reader = cur.execute(sql, params).to_arrow_reader(batch_rows)
            empty = True
            for batch in reader:
                empty = False
                yield batch
            if empty and not chunks:
                yield pa.RecordBatch.from_pylist([], schema=reader.schema)


def api_districts_with_figures(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The districts with any approved figure, in id order: the API walks a large result a few
    districts at a time, so that one page never aggregates every district."""
    sql = """
        SELECT DISTINCT o.district_id FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status = 'approved' ORDER BY 1
    """
    frame = query(con, sql)
    return frame["district_id"].tolist()


def api_targets(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """District targets (project requirements are not published)."""
    with con.cursor() as cur:
        table = cur.execute(
            "SELECT district_id AS district, indicator, breakdown, year, value, comparator,"
            " baseline_year, baseline_value, source FROM target WHERE project_id IS NULL"
            " ORDER BY district_id, indicator, breakdown, year"
        ).arrow()
        return to_frame(table.read_all())


def api_last_modified(con: duckdb.DuckDBPyConnection):
    """When the published figures last changed: the latest approval (None: nothing approved)."""
    return query(
        con,
        "SELECT max(coalesce(reviewed_at, submitted_at)) AS at FROM submission"
        " WHERE status = 'approved'",
    )["at"].iloc[0]
