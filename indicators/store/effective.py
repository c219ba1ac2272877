"""Which observation counts: the latest approved one per key (pending too when asked), and the
yearly district figure built from them by each indicator's aggregation rule."""

from __future__ import annotations

# A row's comment is public only when it was written for the public: a published figure's note,
# or an official's upload (no organisation). A developer's upload comment ("call dev-a at
# 040-...") is for the official who reviews it, never a public note, export or snapshot.
PUBLIC_NOTE_SQL = "CASE WHEN s.kind <> 'upload' OR s.organisation_id IS NULL THEN o.comment END"


def effective_observations_sql(include_pending: bool = False, condition: str | None = None) -> str:
    """The observations that count: per key, the latest approved row (or pending, if asked).

    A correction never overwrites; it wins here because it was approved later.
    """
    statuses = "'approved', 'pending'" if include_pending else "'approved'"
    return f"""
        SELECT o.*, s.status, s.status = 'pending' AS pending, s.organisation_id,
               {PUBLIC_NOTE_SQL} AS public_note
        FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status IN ({statuses}) {f"AND ({condition})" if condition else ""}
        QUALIFY row_number() OVER (
            PARTITION BY o.indicator, o.district_id, o.project_id, o.period, o.breakdown, o.series
            ORDER BY s.status = 'pending' DESC, s.reviewed_at DESC NULLS LAST, o.id DESC) = 1
    """


def district_figures_sql(include_pending: bool, headline_only: bool, one_year: bool = False) -> str:
    """district_series' SQL with list filters ($districts, $indicators: NULL means all) and,
    with `one_year`, only the year $year.

    A figure built from projects is `complete` when every project expected to report the
    indicator that year has a figure counted in it, in any breakdown (`projects_reported` of
    `expected_projects`). A project is expected from its first submitted year (pending
    included) up to its `reporting_until` year, if it has one. While one project's report waits
    for approval, the public total of that year would otherwise look smaller than it is."""
    # the filters go inside the window (it partitions by district and indicator, so they are
    # safe there): `eff` is used twice, and DuckDB does not push filters into a shared CTE
    condition = (
        "($indicators IS NULL OR list_contains($indicators, o.indicator))"
        " AND ($districts IS NULL OR list_contains($districts, o.district_id))"
        + (" AND o.series = ''" if headline_only else "")
        + (" AND o.year = $year" if one_year else "")
    )
    return f"""
        WITH eff AS ({effective_observations_sql(include_pending, condition)}),
        agg AS (
            SELECT e.district_id AS district, e.indicator, e.year, e.breakdown, e.series,
                   e.project_id IS NULL AS district_level,
                   sum(e.value) AS v_sum, avg(e.value) AS v_mean,
                   sum(e.numerator) AS numerator, sum(e.denominator) AS denominator,
                   count(DISTINCT e.project_id) AS projects, count(*) AS rows,
                   bool_or(e.pending) AS pending, bool_or(e.synthetic) AS synthetic,
                   min(e.source) AS source,
                   -- a note describes one published figure; an aggregate of projects has none
                   CASE WHEN count(*) = 1 THEN min(e.public_note) END AS note,
                   max(e.period) AS last_period
            FROM eff e
            GROUP BY ALL
        ),
        reporting AS (
            SELECT district_id AS district, indicator, year, count(DISTINCT project_id) AS n
            FROM eff WHERE project_id IS NOT NULL GROUP BY ALL
        ),
        begun AS (
            SELECT o.district_id AS district, o.indicator, o.project_id,
                   min(o.year) AS first_year, any_value(p.reporting_until) AS reporting_until
            FROM observation o JOIN submission s ON s.id = o.submission_id
            JOIN project p ON p.id = o.project_id
            WHERE s.status <> 'rejected'
              AND ($indicators IS NULL OR list_contains($indicators, o.indicator))
              AND ($districts IS NULL OR list_contains($districts, o.district_id))
            GROUP BY o.district_id, o.indicator, o.project_id
        ),
        started AS (  -- from each first year on: how many projects have begun by then
            SELECT DISTINCT district, indicator, first_year AS year,
                   count(*) OVER (PARTITION BY district, indicator ORDER BY first_year) AS n
            FROM begun
        ),
        ended AS (  -- from the year after each last reporting year: how many have stopped
            SELECT DISTINCT district, indicator, reporting_until + 1 AS year,
                   count(*) OVER (PARTITION BY district, indicator ORDER BY reporting_until) AS n
            FROM begun WHERE reporting_until >= first_year
        ),
        whole AS (  -- per district, indicator and year: projects counted of projects expected
            SELECT r.district, r.indicator, r.year, r.n AS reported,
                   coalesce(b.n, 0) - coalesce(f.n, 0) AS expected
            FROM reporting r
            ASOF LEFT JOIN started b
                   ON b.district = r.district AND b.indicator = r.indicator AND r.year >= b.year
            ASOF LEFT JOIN ended f
                   ON f.district = r.district AND f.indicator = r.indicator AND r.year >= f.year
        )
        SELECT a.district, a.indicator, a.year, a.breakdown, a.series,
               CASE
                 WHEN i.aggregation = 'ratio' AND a.denominator IS NOT NULL AND a.denominator <> 0
                   THEN a.numerator / a.denominator * i.scale
                 WHEN i.aggregation = 'sum' THEN a.v_sum
                 ELSE a.v_mean
               END AS value,
               a.numerator, a.denominator, a.projects, a.rows, a.district_level,
               a.pending, a.synthetic, a.source, a.note, a.last_period, i.unit,
               CASE WHEN NOT a.district_level THEN coalesce(w.reported, 0) END AS projects_reported,
               CASE WHEN NOT a.district_level THEN w.expected END AS expected_projects,
               a.district_level OR coalesce(w.reported, 0) >= w.expected AS complete
        FROM agg a JOIN indicator i ON i.key = a.indicator
        LEFT JOIN whole w
               ON w.district = a.district AND w.indicator = a.indicator AND w.year = a.year
        QUALIFY row_number() OVER (
            PARTITION BY a.district, a.indicator, a.year, a.breakdown, a.series
            ORDER BY a.district_level DESC) = 1
    """
