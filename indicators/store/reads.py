"""Reads of the catalog and of effective (approved, latest) district figures, for the CLI,
the status engine and exports."""

from __future__ import annotations

import duckdb
import pandas as pd

from .connection import query
from .effective import district_figures_sql, effective_observations_sql
from .monitoring import district_figures

# --------------------------------------------------------------------------- reads


def indicators(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM indicator ORDER BY position, key")


def themes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM theme ORDER BY position")


def districts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM district ORDER BY synthetic, kind, name")


def organisations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT * FROM organisation ORDER BY name")


def projects(
    con: duckdb.DuckDBPyConnection, *, organisation: str | None = None, district: str | None = None
) -> pd.DataFrame:
    return query(
        con,
        "SELECT p.id, p.name, p.district_id AS district, d.name AS district_name,"
        " p.organisation_id AS organisation, o.name AS organisation_name, p.gross_floor_area, p.synthetic"
        " FROM project p LEFT JOIN district d ON d.id = p.district_id"
        " LEFT JOIN organisation o ON o.id = p.organisation_id"
        " WHERE ($org IS NULL OR p.organisation_id = $org) AND ($district IS NULL OR p.district_id = $district)"
        " ORDER BY p.district_id, p.id",
        {"org": organisation, "district": district},
    )


def targets(
    con: duckdb.DuckDBPyConnection, *, district: str | None = None, requirements: bool = False
) -> pd.DataFrame:
    """District targets, or (requirements=True) project requirements, optionally of one district."""
    scope = "t.project_id IS NOT NULL" if requirements else "t.project_id IS NULL"
    return query(
        con,
        "SELECT t.*, coalesce(t.district_id, p.district_id) AS district"
        " FROM target t LEFT JOIN project p ON p.id = t.project_id"
        f" WHERE {scope} AND ($district IS NULL OR coalesce(t.district_id, p.district_id) = $district)"
        " ORDER BY t.indicator, t.district_id, t.project_id",
        {"district": district},
    )


def district_series(
    con: duckdb.DuckDBPyConnection,
    *,
    indicator: str | None = None,
    district: str | None = None,
    include_pending: bool = False,
) -> pd.DataFrame:
    """Yearly district figures per indicator, breakdown and series, computed in SQL.

    Project rows are aggregated by the indicator's rule (sum; ratio = sum(numerator) /
    sum(denominator) x scale, never an average of percentages; mean). A district-level row
    (a survey, a published figure) takes precedence over project aggregates for the same key.
    """
    return district_figures(
        con,
        districts=None if district is None else [district],
        indicators=None if indicator is None else [indicator],
        include_pending=include_pending,
    )


def series_endpoints(
    con: duckdb.DuckDBPyConnection,
    *,
    indicator: str | None = None,
    district: str | None = None,
    include_pending: bool = False,
    base_year: int = 2015,
) -> pd.DataFrame:
    """Per district, indicator and breakdown of the headline series: the points the status
    method needs (the first year from `base_year` on, the first such year with a non-zero
    value, and the latest year), so that a scorecard of a thousand districts never moves the
    whole history into Python. `sum` indicators with breakdowns are totalled first
    (breakdown '')."""
    sql = f"""
        WITH ds AS ({district_figures_sql(include_pending, headline_only=True)}),
        head AS (
            SELECT ds.*, i.aggregation = 'sum' AND ds.breakdown <> '' AS summed
            FROM ds JOIN indicator i ON i.key = ds.indicator
            WHERE ds.series = '' AND ds.value IS NOT NULL AND ds.complete
        ),
        yearly AS (
            SELECT district, indicator, year, breakdown, value, pending, synthetic, last_period,
                   source, unit, breakdown AS parts
            FROM head WHERE NOT summed
            UNION ALL
            SELECT district, indicator, year, '' AS breakdown, sum(value), bool_or(pending),
                   bool_or(synthetic), max(last_period), min(source), any_value(unit),
                   string_agg(DISTINCT breakdown, ',')
            FROM head WHERE summed GROUP BY district, indicator, year
        )
        SELECT district, indicator, breakdown,
               max(year) AS current_year, arg_max(value, year) AS current_value,
               arg_max(last_period, year) AS period,
               min(year) FILTER (WHERE year >= $base) AS base_year,
               arg_min(value, year) FILTER (WHERE year >= $base) AS base_value,
               min(year) FILTER (WHERE year >= $base AND value <> 0) AS nonzero_year,
               arg_min(value, year) FILTER (WHERE year >= $base AND value <> 0) AS nonzero_value,
               bool_or(pending) AS pending, bool_or(synthetic) AS synthetic,
               arg_max(source, year) AS source, any_value(unit) AS unit
        FROM yearly
        GROUP BY district, indicator, breakdown
        ORDER BY district, indicator, breakdown
    """
    params = {
        "indicators": None if indicator is None else [indicator],
        "districts": None if district is None else [district],
        "base": base_year,
    }
    return query(con, sql, params)


def latest_district_values(
    con: duckdb.DuckDBPyConnection, *, include_pending: bool = False
) -> pd.DataFrame:
    """For every district and indicator with data: the latest headline (series '') figure.

    Indicators with breakdowns give their total across breakdowns (sum) or, for non-additive
    units, one row per breakdown; callers that need detail use district_series.
    """
    frame = district_series(con, include_pending=include_pending)
    frame = frame[frame["series"] == ""]
    if frame.empty:
        return frame
    latest = frame.groupby(["district", "indicator"])["year"].transform("max")
    return frame[frame["year"] == latest].reset_index(drop=True)


def stats(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    with con.cursor() as cur:
        row = cur.execute(
            """
            SELECT
              (SELECT count(*) FROM observation),
              (SELECT count(*) FROM observation o JOIN submission s ON s.id = o.submission_id WHERE s.status = 'approved'),
              (SELECT count(*) FROM observation o JOIN submission s ON s.id = o.submission_id WHERE s.status = 'pending'),
              (SELECT count(*) FROM observation o JOIN submission s ON s.id = o.submission_id WHERE s.status = 'rejected'),
              (SELECT count(*) FROM submission WHERE kind = 'upload'),
              (SELECT count(*) FROM submission),
              (SELECT count(*) FROM district),
              (SELECT count(*) FROM project),
              (SELECT count(*) FROM organisation),
              (SELECT count(*) FROM indicator),
              (SELECT count(*) FROM target),
              (SELECT count(*) FROM app_user)
            """
        ).fetchone()
    keys = [
        "observations",
        "approved",
        "pending",
        "rejected",
        "submissions",
        "all_submissions",
        "districts",
        "projects",
        "organisations",
        "indicators",
        "targets",
        "users",
    ]
    return dict(zip(keys, row, strict=True))


def observations_for_export(
    con: duckdb.DuckDBPyConnection, *, published_only: bool
) -> pd.DataFrame:
    """Every observation with its status (or only the approved, current ones) for export."""
    if published_only:
        sql = f"""
            SELECT e.id, e.indicator, e.district_id AS district, e.project_id AS project, e.period,
                   e.breakdown, e.series, e.value, e.numerator, e.denominator, e.unit,
                   e.public_note AS comment, e.source, e.synthetic, e.submission_id, e.status
            FROM ({effective_observations_sql(False)}) e ORDER BY e.district_id, e.indicator, e.period
        """
    else:
        sql = """
            SELECT o.id, o.indicator, o.district_id AS district, o.project_id AS project, o.period,
                   o.breakdown, o.series, o.value, o.numerator, o.denominator, o.unit, o.comment,
                   o.source, o.synthetic, o.submission_id, s.status, o.supersedes
            FROM observation o JOIN submission s ON s.id = o.submission_id
            ORDER BY o.district_id, o.indicator, o.period, o.id
        """
    return query(con, sql)
