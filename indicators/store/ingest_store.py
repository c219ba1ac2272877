"""The SQL that previews, stores and templates compliance uploads."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from .changes import KEY_JOIN, changes_sql, effective_for_sql, requirement_failures_sql
from .connection import audit, next_id, query, transaction_on
from .effective import effective_observations_sql
from .ingest_checks import sql_text
from .submissions import create_submission

_UPLOAD_KEYS = (
    "SELECT key FROM ingest_dim_indicator WHERE key IS NOT NULL",
    "SELECT norm FROM ingest_dim_period WHERE ok",
    "SELECT district_id FROM ingest_dim_project WHERE known UNION SELECT norm FROM ingest_dim_district",
)


def ingest_preview(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(changes_sql("ingest_obs", _UPLOAD_KEYS)).df()


def ingest_requirement_failures(cur: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    return cur.execute(f"{requirement_failures_sql('ingest_obs')} LIMIT {int(limit)}").df()


class _SameContent(Exception):
    def __init__(self, earlier: dict):
        super().__init__("same content")
        self.earlier = earlier


def ingest_store(
    cur: duckdb.DuckDBPyConnection,
    *,
    organisation: str | None,
    submitted_by: str,
    file_name: str,
    sha256: str,
    rows: int,
) -> tuple[int | None, dict | None]:
    """Store `ingest_obs` as one pending submission, in one transaction.

    Returns (submission id, None), or (None, the earlier submission) when the same content is
    already stored (checked inside the transaction, so two identical uploads at the same moment
    cannot both get in). Each row supersedes the figure that counts now for its key, if any.
    The rows keep the file's order (ORDER BY rid): ids follow the file, and an ordered source
    lets DuckDB write row groups in parallel (its batch insert), faster than the joins' order.
    """
    try:
        with transaction_on(cur):
            earlier = cur.execute(
                "SELECT id, status, submitted_by, submitted_at, file_name FROM submission"
                " WHERE sha256 = ? AND status <> 'rejected' ORDER BY id LIMIT 1",
                [sha256],
            ).fetchone()
            if earlier is not None:
                keys = ["id", "status", "submitted_by", "submitted_at", "file_name"]
                raise _SameContent(dict(zip(keys, earlier, strict=True)))
            sid = create_submission(
                cur,
                organisation=organisation,
                submitted_by=submitted_by,
                file_name=file_name,
                sha256=sha256,
                row_count=rows,
            )
            cur.execute(
                f"""
                INSERT INTO observation (id, submission_id, indicator, district_id, project_id,
                    period, year, month, breakdown, series, value, numerator, denominator, unit,
                    comment, source, supersedes, synthetic)
                SELECT $base + o.rid, $sid, o.indicator, o.district_id, o.project_id, o.period, o.year, o.month,
                       o.breakdown, '', o.value, o.numerator, o.denominator, o.unit, o.comment,
                       NULL, e.id, o.synthetic
                FROM ingest_obs o LEFT JOIN ({effective_for_sql(*_UPLOAD_KEYS)}) e
                     ON {KEY_JOIN}
                ORDER BY o.rid
                """,
                {"base": next_id(cur, "observation") - 1, "sid": sid},
            )
            audit(
                cur,
                submitted_by,
                "submission.upload",
                f"submission:{sid}",
                {"file": file_name, "rows": rows, "sha256": sha256},
            )
    except _SameContent as same:
        return None, same.earlier
    return sid, None


def template_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    organisation: str | None,
    year: int,
    today,
    district_level: bool = False,
    only_missing: bool = True,
) -> pd.DataFrame:
    """The rows a reporter owes for `year`: each of the organisation's projects (or, for the
    city, each district) x each indicator it reports x each period of the year that is over
    by `today` x each breakdown; with `only_missing`, only keys without an approved or pending
    figure."""
    level = "i.aggregation = 'reported'" if district_level else "i.aggregation <> 'reported'"
    places = (
        "SELECT NULL::VARCHAR AS project, d.id AS district FROM district d"
        " WHERE d.kind = 'district' AND ($org IS NULL OR true)"
        if district_level
        else "SELECT p.id AS project, p.district_id AS district FROM project p"
        " WHERE $org IS NULL OR p.organisation_id = $org"
    )
    missing = (
        f"""AND NOT EXISTS (
            SELECT 1 FROM ({effective_observations_sql(include_pending=True)}) e
            WHERE e.indicator = k.indicator AND e.district_id = k.district
              AND e.project_id IS NOT DISTINCT FROM k.project AND e.period = k.period
              AND e.breakdown = k.breakdown)"""
        if only_missing
        else ""
    )
    return query(
        con,
        f"""
        WITH pl AS ({places}),
        ind AS (
            SELECT i.key AS indicator, i.unit, i.aggregation, i.resolution, i.position,
                   CASE WHEN len(i.breakdowns) = 0 THEN [''] ELSE i.breakdowns END AS breakdowns
            FROM indicator i WHERE {level}),
        k AS (
            SELECT pl.project, pl.district, ind.indicator, ind.unit, ind.aggregation,
                   ind.position, b.breakdown, pe.period
            FROM pl, ind, unnest(ind.breakdowns) AS b(breakdown),
                 unnest(CASE WHEN ind.resolution = 'month'
                             THEN [printf('%04d-%02d', $year, m) FOR m IN range(1, 13)]
                             ELSE [CAST($year AS VARCHAR)] END) AS pe(period))
        SELECT k.project, k.district, k.indicator, k.period, k.breakdown, k.unit, k.aggregation
        FROM k
        WHERE ((length(k.period) = 4 AND CAST(k.period AS INTEGER) < $this_year)
               OR (length(k.period) = 7 AND k.period < $this_month))
          {missing}
        ORDER BY k.project NULLS FIRST, k.district, k.position, k.indicator, k.period, k.breakdown
        """,
        {
            "org": organisation,
            "year": year,
            "this_year": today.year,
            "this_month": f"{today.year:04d}-{today.month:02d}",
        },
    )


def ingest_synthetic_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    rows: int,
    organisation: str | None = None,
    end_year: int = 2025,
    delimiter: str = ",",
    decimal_comma: bool = False,
    seed: int = 1,
) -> int:
    """Write a valid compliance CSV of `rows` rows for the organisation's projects (benchmarks
    and tests): newest years first, every project-level indicator, breakdown and month."""
    number = "replace(CAST({0} AS VARCHAR), '.', ',')" if decimal_comma else "CAST({0} AS VARCHAR)"
    numerator, denominator = number.format("numerator"), number.format("denominator")
    with con.cursor() as cur:
        keys = cur.execute(
            "SELECT sum(CASE WHEN resolution = 'month' THEN 12 ELSE 1 END"
            " * greatest(len(breakdowns), 1)) FROM indicator WHERE aggregation <> 'reported'"
        ).fetchone()[0]
        n_projects = cur.execute(
            "SELECT count(*) FROM project WHERE $org IS NULL OR organisation_id = $org",
            {"org": organisation},
        ).fetchone()[0]
        years = -(-rows // max(keys * n_projects, 1))
        cur.execute(
            f"""
            COPY (
                WITH ind AS (
                    SELECT key, unit, aggregation, resolution, scale, max_value, position,
                           CASE WHEN len(breakdowns) = 0 THEN [NULL::VARCHAR] ELSE breakdowns END
                               AS breakdowns
                    FROM indicator WHERE aggregation <> 'reported'),
                grid AS (
                    SELECT p.id AS project, ind.key AS indicator, ind.unit, ind.aggregation,
                           ind.scale, ind.max_value, b.breakdown, y.year, m.month, ind.position
                    FROM (SELECT id FROM project WHERE $org IS NULL OR organisation_id = $org) p,
                         ind, unnest(ind.breakdowns) AS b(breakdown),
                         range($end - $years + 1, $end + 1) AS y(year),
                         unnest(CASE WHEN ind.resolution = 'month' THEN range(1, 13)
                                     ELSE [NULL::BIGINT] END) AS m(month)
                    ORDER BY y.year DESC, p.id, ind.position, b.breakdown, m.month
                    LIMIT $rows),
                v AS (
                    SELECT *, (hash(project, indicator, breakdown, year, month, $seed) % 100000)
                                  / 100000.0 AS u
                    FROM grid),
                f AS (
                    SELECT project, indicator,
                           CASE WHEN month IS NULL THEN CAST(year AS VARCHAR)
                                ELSE printf('%04d-%02d', year, month) END AS period,
                           breakdown, unit, aggregation,
                           CASE WHEN aggregation = 'ratio' THEN round(500 + u * 9500, 1) END
                               AS denominator,
                           CASE WHEN aggregation = 'ratio' AND max_value <= scale
                                    THEN round((0.3 + 0.65 * u) * round(500 + u * 9500, 1), 1)
                                WHEN aggregation = 'ratio'
                                    THEN round((40 + 80 * u) * round(500 + u * 9500, 1), 1)
                           END AS numerator,
                           round(u * 1000, 2) AS plain, scale
                    FROM v)
                SELECT project, indicator, period, breakdown,
                       CASE WHEN aggregation = 'ratio'
                            THEN {number.format("round(numerator / denominator * scale, 4)")}
                            ELSE {number.format("plain")} END AS value,
                       {numerator} AS numerator, {denominator} AS denominator, unit,
                       NULL::VARCHAR AS comment
                FROM f
            ) TO {sql_text(str(path))} (HEADER, DELIMITER {sql_text(delimiter)})
            """,
            {"org": organisation, "end": end_year, "years": years, "rows": rows, "seed": seed},
        )
    return rows
