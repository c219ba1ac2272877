"""What a file or a submission changes against the figures stored now, and which of its rows
fail a project requirement: shared by the upload preview and the review queue."""

from __future__ import annotations

KEY_JOIN = """
    e.indicator = o.indicator AND e.district_id = o.district_id
    AND e.project_id IS NOT DISTINCT FROM o.project_id AND e.period = o.period
    AND e.breakdown = o.breakdown
"""


def effective_for_sql(
    indicators: str, periods: str, districts: str, exclude_submission: str = "NULL"
) -> str:
    """The approved figure that counts now per key, among the given indicators, periods and
    districts (each a one-column SELECT); headline series only."""
    return f"""
        SELECT o.id, o.indicator, o.district_id, o.project_id, o.period, o.breakdown,
               o.value, o.numerator, o.denominator
        FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status = 'approved' AND o.series = ''
          AND o.submission_id IS DISTINCT FROM {exclude_submission}
          AND o.indicator IN ({indicators})
          AND o.period IN ({periods})
          AND o.district_id IN ({districts})
        QUALIFY row_number() OVER (
            PARTITION BY o.indicator, o.district_id, o.project_id, o.period, o.breakdown
            ORDER BY s.reviewed_at DESC NULLS LAST, o.id DESC) = 1
    """


def submission_keys(submission_id: int) -> tuple[str, str, str]:
    rows = f"FROM observation WHERE submission_id = {int(submission_id)}"
    return (
        f"SELECT DISTINCT indicator {rows}",
        f"SELECT DISTINCT period {rows}",
        f"SELECT DISTINCT district_id {rows}",
    )


def changes_sql(source: str, keys: tuple[str, str, str], exclude_submission: str = "NULL") -> str:
    """Per project (or district) and indicator: rows, how many are new and how many correct a
    stored figure, the period span, and for the latest period the figure now and as uploaded
    (breakdowns combined by the indicator's rule)."""
    return f"""
        WITH src AS (SELECT * FROM {source}),
        eff AS ({effective_for_sql(*keys, exclude_submission)}),
        joined AS (
            SELECT o.*, e.id AS stored_id, e.value AS stored_value,
                   e.numerator AS stored_numerator, e.denominator AS stored_denominator
            FROM src o LEFT JOIN eff e ON {KEY_JOIN}
        ),
        per_period AS (
            SELECT j.project_id, j.district_id, j.indicator, j.period, i.unit, i.aggregation,
                   count(*) AS rows, count(j.stored_id) AS replaces,
                   CASE i.aggregation
                       WHEN 'ratio' THEN sum(j.numerator) / nullif(sum(j.denominator), 0) * i.scale
                       WHEN 'sum' THEN sum(j.value) ELSE avg(j.value) END AS new_value,
                   CASE WHEN count(j.stored_id) = 0 THEN NULL
                        WHEN i.aggregation = 'ratio'
                            THEN sum(j.stored_numerator) / nullif(sum(j.stored_denominator), 0) * i.scale
                        WHEN i.aggregation = 'sum' THEN sum(j.stored_value)
                        ELSE avg(j.stored_value) END AS stored_value
            FROM joined j JOIN indicator i ON i.key = j.indicator
            GROUP BY j.project_id, j.district_id, j.indicator, j.period, i.unit, i.aggregation,
                     i.scale
        )
        SELECT coalesce(project_id, district_id) AS reported_for, project_id, district_id,
               indicator, unit, sum(rows)::BIGINT AS rows,
               (sum(rows) - sum(replaces))::BIGINT AS new_rows, sum(replaces)::BIGINT AS replaces,
               min(period) AS first_period, max(period) AS last_period,
               arg_max(new_value, period) AS latest_value,
               arg_max(stored_value, period) AS stored_value,
               arg_max(new_value, period) - arg_max(stored_value, period) AS change
        FROM per_period
        GROUP BY ALL
        ORDER BY reported_for, indicator
    """


def requirement_failures_sql(source: str) -> str:
    return f"""
        SELECT o.project_id AS project, o.indicator, o.period, o.breakdown, o.value, i.unit,
               t.comparator, t.value AS required
        FROM {source} o
        JOIN target t ON t.project_id = o.project_id AND t.indicator = o.indicator
             AND (t.breakdown = '' OR t.breakdown = o.breakdown)
             AND (t.year IS NULL OR t.year = o.year)
        JOIN indicator i ON i.key = o.indicator
        WHERE o.value IS NOT NULL AND NOT CASE t.comparator
            WHEN '>=' THEN o.value >= t.value WHEN '<=' THEN o.value <= t.value
            WHEN '>' THEN o.value > t.value WHEN '<' THEN o.value < t.value
            ELSE o.value = t.value END
        ORDER BY o.project_id, o.indicator, o.period, o.breakdown
    """
