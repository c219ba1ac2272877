"""Reads behind the monitoring screens, for lists of districts and indicators at once."""

from __future__ import annotations

import duckdb
import pandas as pd

from .connection import query
from .effective import district_figures_sql, effective_observations_sql

# ---- monitoring reads (pages)
# Reads behind the monitoring screens (overview, indicator, emissions, compare, projects,
# methodology). District figures follow district_series' rule exactly; these take lists of
# districts and indicators, so a page of 50 districts is one query, not 50.


def district_figures(
    con: duckdb.DuckDBPyConnection,
    *,
    districts: list[str] | None = None,
    indicators: list[str] | None = None,
    include_pending: bool = False,
    headline_only: bool = False,
    year: int | None = None,
) -> pd.DataFrame:
    """Yearly district figures (as district_series) of several districts and indicators.

    None means every district (indicator); `headline_only` leaves alternative series out;
    `year` keeps one year (all districts of one year is a small read even at scale).
    """
    sql = f"""
        SELECT * FROM ({district_figures_sql(include_pending, headline_only, year is not None)})
        ORDER BY district, indicator, breakdown, series, year
    """
    params = {
        "districts": None if districts is None else list(districts),
        "indicators": None if indicators is None else list(indicators),
    }
    if year is not None:
        params["year"] = int(year)
    return query(con, sql, params)


def sector_emissions(
    con: duckdb.DuckDBPyConnection,
    *,
    district: str,
    indicator: str = "ghg_emissions_by_sector",
    residents: str = "residents",
    include_pending: bool = False,
) -> pd.DataFrame:
    """One district's emissions per year and sector: value, share of the year's total, the
    residents that year and the value per resident (NULL where residents are not known), and
    whether the year is complete (see effective.district_figures_sql)."""
    sql = f"""
        WITH fig AS ({district_figures_sql(include_pending, True)}),
        sectors AS (SELECT * FROM fig WHERE indicator = $indicator AND breakdown <> ''),
        people AS (SELECT year, value AS residents FROM fig
                   WHERE indicator = $residents AND breakdown = '')
        SELECT s.year, s.breakdown AS sector, s.value, s.unit,
               s.value / nullif(sum(s.value) OVER (PARTITION BY s.year), 0) * 100 AS share,
               p.residents, s.value / nullif(p.residents, 0) AS per_resident,
               s.pending, s.synthetic, s.source, s.last_period AS period,
               s.complete, s.projects_reported, s.expected_projects
        FROM sectors s LEFT JOIN people p ON p.year = s.year
        ORDER BY s.year, s.breakdown
    """
    params = {
        "districts": [district],
        "indicators": [indicator, residents],
        "indicator": indicator,
        "residents": residents,
    }
    return query(con, sql, params)


def project_requirements(
    con: duckdb.DuckDBPyConnection,
    *,
    district: str | None = None,
    organisation: str | None = None,
    include_pending: bool = False,
) -> pd.DataFrame:
    """Each project requirement with the project's latest reported figure (NULL: not reported).

    A project's figure follows the indicator's rule over the project's rows of that year
    (ratio = sum(numerator) / sum(denominator) x scale); a requirement without a breakdown
    takes every breakdown of the project together. Who may see which organisation is decided
    in indicators.reporting.compliance, not here.
    """
    sql = f"""
        WITH req AS (
            SELECT t.id AS target_id, t.indicator, t.project_id, t.breakdown, t.value,
                   t.comparator, t.source, p.name AS project_name, p.district_id,
                   p.organisation_id, p.synthetic
            FROM target t JOIN project p ON p.id = t.project_id
            WHERE ($district IS NULL OR p.district_id = $district)
              AND ($org IS NULL OR p.organisation_id = $org)
        ),
        eff AS (
            SELECT * FROM ({effective_observations_sql(include_pending)}) e
            WHERE e.project_id IS NOT NULL AND e.series = ''
              AND ($district IS NULL OR e.district_id = $district)
        ),
        yearly AS (
            SELECT r.target_id, e.year, max(e.period) AS period,
                   sum(e.value) AS v_sum, avg(e.value) AS v_mean,
                   sum(e.numerator) AS numerator, sum(e.denominator) AS denominator,
                   bool_or(e.pending) AS pending
            FROM req r JOIN eff e ON e.project_id = r.project_id AND e.indicator = r.indicator
                 AND (r.breakdown = '' OR e.breakdown = r.breakdown)
            GROUP BY r.target_id, e.year
            QUALIFY row_number() OVER (PARTITION BY r.target_id ORDER BY e.year DESC) = 1
        )
        SELECT r.district_id AS district, d.name AS district_name,
               r.project_id AS project, r.project_name,
               r.organisation_id AS organisation, o.name AS organisation_name,
               r.indicator, r.breakdown, r.comparator, r.value AS requirement, r.source,
               i.unit, i.direction, y.year, y.period,
               CASE
                 WHEN i.aggregation = 'ratio' AND y.denominator IS NOT NULL AND y.denominator <> 0
                   THEN y.numerator / y.denominator * i.scale
                 WHEN i.aggregation = 'sum' THEN y.v_sum
                 ELSE y.v_mean
               END AS value,
               y.numerator, y.denominator, coalesce(y.pending, false) AS pending, r.synthetic
        FROM req r JOIN indicator i ON i.key = r.indicator
        LEFT JOIN yearly y ON y.target_id = r.target_id
        LEFT JOIN district d ON d.id = r.district_id
        LEFT JOIN organisation o ON o.id = r.organisation_id
        ORDER BY r.district_id, r.project_id, i.position, r.indicator, r.breakdown
    """
    return query(con, sql, {"district": district, "org": organisation})


def data_sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Where the approved figures come from: published figures per district, indicator and
    source (with the years and how many); synthetic figures rolled up per source."""
    sql = """
        WITH approved AS (
            SELECT o.* FROM observation o JOIN submission s ON s.id = o.submission_id
            WHERE s.status = 'approved'
        )
        SELECT a.district_id AS district, d.name AS district_name, a.indicator,
               coalesce(a.source, '') AS source, false AS synthetic, 1 AS districts,
               min(a.year) AS first_year, max(a.year) AS last_year, count(*) AS figures
        FROM approved a LEFT JOIN district d ON d.id = a.district_id
        WHERE NOT a.synthetic
        GROUP BY ALL
        UNION ALL
        SELECT NULL, NULL, NULL, coalesce(a.source, ''), true, count(DISTINCT a.district_id),
               min(a.year), max(a.year), count(*)
        FROM approved a WHERE a.synthetic
        GROUP BY ALL
        ORDER BY synthetic, district_name, indicator, source
    """
    return query(con, sql)


def districts_reporting(
    con: duckdb.DuckDBPyConnection, indicators: list[str], *, include_pending: bool = False
) -> list[str]:
    """The districts with any approved (or, if asked, pending) figure on these indicators."""
    statuses = "'approved', 'pending'" if include_pending else "'approved'"
    sql = f"""
        SELECT DISTINCT o.district_id FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status IN ({statuses}) AND list_contains($indicators, o.indicator)
        ORDER BY 1
    """
    return query(con, sql, {"indicators": list(indicators)})["district_id"].tolist()


def indicator_years(
    con: duckdb.DuckDBPyConnection, indicator: str, *, include_pending: bool = False
) -> list[int]:
    """The years with any approved (or, if asked, pending) figure of an indicator, newest first."""
    statuses = "'approved', 'pending'" if include_pending else "'approved'"
    sql = f"""
        SELECT DISTINCT o.year FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status IN ({statuses}) AND o.indicator = $indicator AND o.series = ''
        ORDER BY 1 DESC
    """
    return [int(y) for y in query(con, sql, {"indicator": indicator})["year"]]
