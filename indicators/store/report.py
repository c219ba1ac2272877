"""Reads for the yearly report (indicators.report): figures as they stood at the end of a year."""

from __future__ import annotations

import duckdb
import pandas as pd

from .connection import query
from .effective import effective_observations_sql


def requirements_in_year(
    con: duckdb.DuckDBPyConnection, *, district: str, year: int, include_pending: bool = False
) -> pd.DataFrame:
    """Each project requirement of a district with the project's latest figure up to `year`
    (NULL: not reported by then). The same rule as store.project_requirements, cut at the
    report's year, so last year's report and this year's each count what was known then.

    Names of projects and organisations come along; the report decides whether it may show
    them (the public version counts, it does not name)."""
    sql = f"""
        WITH req AS (
            SELECT t.id AS target_id, t.indicator, t.project_id, t.breakdown, t.value,
                   t.comparator, p.name AS project_name, p.organisation_id, p.synthetic
            FROM target t JOIN project p ON p.id = t.project_id
            WHERE p.district_id = $district
        ),
        eff AS (
            SELECT * FROM ({effective_observations_sql(include_pending)}) e
            WHERE e.project_id IS NOT NULL AND e.series = '' AND e.district_id = $district
              AND e.year <= $year
        ),
        yearly AS (
            SELECT r.target_id, e.year,
                   sum(e.value) AS v_sum, avg(e.value) AS v_mean,
                   sum(e.numerator) AS numerator, sum(e.denominator) AS denominator,
                   bool_or(e.pending) AS pending
            FROM req r JOIN eff e ON e.project_id = r.project_id AND e.indicator = r.indicator
                 AND (r.breakdown = '' OR e.breakdown = r.breakdown)
            GROUP BY r.target_id, e.year
            QUALIFY row_number() OVER (PARTITION BY r.target_id ORDER BY e.year DESC) = 1
        )
        SELECT r.project_id AS project, r.project_name, r.organisation_id AS organisation,
               o.name AS organisation_name, r.indicator, r.breakdown, r.comparator,
               r.value AS requirement, i.unit, i.direction, y.year,
               CASE
                 WHEN i.aggregation = 'ratio' AND y.denominator IS NOT NULL AND y.denominator <> 0
                   THEN y.numerator / y.denominator * i.scale
                 WHEN i.aggregation = 'sum' THEN y.v_sum
                 ELSE y.v_mean
               END AS value,
               coalesce(y.pending, false) AS pending, r.synthetic
        FROM req r JOIN indicator i ON i.key = r.indicator
        LEFT JOIN yearly y ON y.target_id = r.target_id
        LEFT JOIN organisation o ON o.id = r.organisation_id
        ORDER BY i.position, r.indicator, r.breakdown, r.project_id
    """
    return query(con, sql, {"district": district, "year": int(year)})
