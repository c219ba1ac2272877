"""Reporting obligations in SQL: who must report what by when, derived from the projects, the
indicators they report and the reporting calendar, never stored row by row.

An obligation is a project x an indicator that projects report x a period that is over, from
the project's `reporting_from` year (officials set it on the Targets page; when empty, its
first reported year, and this year for a project with no figure yet) to its `reporting_until`
year. Its due date comes from the calendar: the district's override, else
the catalog's default for the indicator. It is `received` when any figure for it arrived in a
submission that is approved or pending (the first one gives `received_at`), else `due` until
its due date has passed, then `overdue`.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from .connection import audit, query, transaction
from .effective import effective_observations_sql

OBLIGATION_STATUSES = ("received", "due", "overdue")
CALENDAR_COLUMNS = ["district", "indicator", "months_after", "due_day"]

# the calendar when neither a district nor the catalog says anything (models.ReportingCalendar)
_FALLBACK = "CASE WHEN {res} = 'month' THEN {month} ELSE {year} END"


def _obligations_cte() -> str:
    """The CTE `obligation`: one row per obligation of the projects chosen by $org and
    $district, periods over by $today, optionally only those of $year.

    Keys are integers (year, month; a yearly figure is month 12, its last month) until the
    end, and each district's due-date rule is worked out once per indicator, not per row."""
    months_after = _FALLBACK.format(res="ind.resolution", month=1, year=3)
    due_day = _FALLBACK.format(res="ind.resolution", month=15, year=31)
    return f"""
    proj AS (
        SELECT p.id AS project, p.district_id AS district, p.organisation_id AS organisation,
               p.reporting_from, p.reporting_until
        FROM project p
        WHERE ($org IS NULL OR p.organisation_id = $org)
          AND ($district IS NULL OR p.district_id = $district)),
    got AS (  -- each key's first arrival in a submission that counts (approved or pending)
        SELECT o.project_id AS project, o.indicator, CAST(o.year AS INTEGER) AS year,
               CAST(coalesce(o.month, 12) AS INTEGER) AS month,
               min(s.submitted_at) AS received_at,
               arg_min(s.kind, s.submitted_at) AS received_kind
        FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status IN ('approved', 'pending') AND o.project_id IS NOT NULL
          AND o.project_id IN (SELECT project FROM proj)
        GROUP BY ALL),
    span AS (
        SELECT proj.*,
               coalesce(proj.reporting_from, f.first_year, $this_year) AS first_year,
               least(coalesce(proj.reporting_until, $this_year), $this_year) AS last_year
        FROM proj LEFT JOIN (
            SELECT project, min(year) AS first_year FROM got GROUP BY project) f USING (project)),
    ind AS (
        SELECT key AS indicator, resolution, position
        FROM indicator WHERE aggregation <> 'reported'),
    rule AS (  -- the district's own due date, else the catalog's, per indicator
        SELECT d.district, ind.indicator, ind.resolution, ind.position,
               coalesce(o.months_after, c.months_after, {months_after}) AS months_after,
               coalesce(o.due_day, c.due_day, {due_day}) AS due_day
        FROM (SELECT DISTINCT district FROM proj) d CROSS JOIN ind
        LEFT JOIN reporting_calendar c
               ON c.indicator = ind.indicator AND c.district_id IS NULL
        LEFT JOIN reporting_calendar o
               ON o.indicator = ind.indicator AND o.district_id = d.district),
    months AS (
        SELECT 'year' AS resolution, 12 AS month
        UNION ALL SELECT 'month', unnest(range(1, 13))),
    years AS (
        SELECT project, district, organisation,
               CAST(unnest(range(first_year, last_year + 1)) AS INTEGER) AS year
        FROM span),
    keys AS (
        SELECT y.project, y.district, y.organisation, y.year, m.month, r.indicator,
               r.resolution, r.position, r.months_after, r.due_day
        FROM years y JOIN rule r USING (district) JOIN months m USING (resolution)
        WHERE y.year * 12 + m.month < $this_year * 12 + $this_month
          AND ($year IS NULL OR y.year = $year)),
    dated AS (
        SELECT keys.*, g.received_at, g.received_kind,
               make_date(keys.year, keys.month, 1) + to_months(keys.months_after) AS due_month
        FROM keys LEFT JOIN got g USING (project, indicator, year, month)),
    ob AS (
        SELECT organisation, project, district, indicator, position,
               CASE WHEN resolution = 'month' THEN printf('%04d-%02d', year, month)
                    ELSE CAST(year AS VARCHAR) END AS period,
               make_date(year(due_month), month(due_month),
                         least(due_day, day(last_day(due_month)))) AS due_date,
               received_at, received_kind
        FROM dated),
    obligation AS (
        SELECT ob.*,
               CASE WHEN received_at IS NOT NULL THEN 'received'
                    WHEN due_date >= $today THEN 'due' ELSE 'overdue' END AS status,
               -- figures loaded as history (demo data, earlier years) have no arrival date
               -- of their own, so they are left out of the on-time rate
               CASE WHEN received_kind = 'upload'
                    THEN CAST(received_at AS DATE) <= due_date END AS on_time
        FROM ob)
    """


def _params(
    *,
    today: date,
    organisation: str | None = None,
    district: str | None = None,
    year: int | None = None,
) -> dict:
    return {
        "org": organisation,
        "district": district,
        "year": year,
        "today": today,
        "this_year": today.year,
        "this_month": today.month,
    }


def obligations(
    con: duckdb.DuckDBPyConnection,
    *,
    today: date,
    organisation: str | None = None,
    district: str | None = None,
    year: int | None = None,
    statuses: tuple[str, ...] = OBLIGATION_STATUSES,
    due_within_days: int | None = None,
) -> pd.DataFrame:
    """Every obligation (or those with `statuses`; with `due_within_days`, `due` ones only up to
    that many days ahead), with the names of its organisation, project and district."""
    horizon = None if due_within_days is None else pd.Timestamp(today).date()
    return query(
        con,
        f"""
        WITH {_obligations_cte()}
        SELECT b.organisation, org.name AS organisation_name, b.project, p.name AS project_name,
               b.district, d.name AS district_name, b.indicator, b.period, b.due_date,
               b.status, b.received_at, b.on_time,
               coalesce(b.received_kind <> 'upload', false) AS history
        FROM obligation b
        JOIN project p ON p.id = b.project
        LEFT JOIN organisation org ON org.id = b.organisation
        LEFT JOIN district d ON d.id = b.district
        WHERE list_contains($statuses, b.status)
          AND ($horizon IS NULL OR b.status <> 'due'
               OR b.due_date <= CAST($horizon AS DATE) + to_days(CAST($days AS INTEGER)))
        ORDER BY b.organisation, b.district, b.project, b.position, b.indicator, b.period
        """,
        {
            **_params(today=today, organisation=organisation, district=district, year=year),
            "statuses": list(statuses),
            "horizon": horizon,
            "days": due_within_days or 0,
        },
    )


def obligations_json(
    con: duckdb.DuckDBPyConnection,
    *,
    today: date,
    organisation: str | None = None,
    district: str | None = None,
    statuses: tuple[str, ...] = OBLIGATION_STATUSES,
) -> list[str]:
    """Each obligation as one JSON object (organisation, project, district, indicator,
    period, due_date, status, received_at), made by DuckDB: `due --json` of a large
    organisation is ten thousand rows, and no Python loop touches them."""
    with con.cursor() as cur:
        rows = cur.execute(
            f"""
            WITH {_obligations_cte()}
            SELECT to_json({{
                'organisation': organisation, 'project': project, 'district': district,
                'indicator': indicator, 'period': period,
                'due_date': strftime(due_date, '%Y-%m-%d'), 'status': status,
                'received_at': strftime(received_at, '%Y-%m-%dT%H:%M:%S')}})
            FROM obligation
            WHERE list_contains($statuses, status)
            ORDER BY organisation, district, project, position, indicator, period
            """,
            {
                **_params(today=today, organisation=organisation, district=district),
                "statuses": list(statuses),
            },
        ).fetchall()
    return [row[0] for row in rows]


def obligation_summaries(
    con: duckdb.DuckDBPyConnection,
    *,
    today: date,
    organisation: str | None = None,
    district: str | None = None,
    year: int | None = None,
) -> dict[str, pd.DataFrame]:
    """Per organisation and per district (one pass over the obligations, GROUPING SETS):
    expected, received, missing, overdue, the reporting rate (received of expected) and the
    on-time rate (received by the due date, of those received with a known arrival date or
    overdue: history loads and what is not yet due are left out); `on_time` and `timed` are
    its counts. Organisations also say how many people could be reminded (`users`)."""
    frame = query(
        con,
        f"""
        WITH {_obligations_cte()},
        s AS (
            SELECT organisation, district, grouping(organisation) AS by_district,
                   count(*) AS expected,
                   count(*) FILTER (WHERE status = 'received') AS received,
                   count(*) FILTER (WHERE status <> 'received') AS missing,
                   count(*) FILTER (WHERE status = 'overdue') AS overdue,
                   count(*) FILTER (WHERE on_time) AS on_time,
                   count(*) FILTER (WHERE on_time IS NOT NULL OR status = 'overdue') AS timed
            FROM obligation GROUP BY GROUPING SETS ((organisation), (district)))
        SELECT s.by_district = 1 AS by_district, s.organisation, o.name AS organisation_name,
               s.district, d.name AS district_name, s.expected, s.received, s.missing,
               s.overdue, s.received / s.expected AS reporting_rate,
               CASE WHEN s.timed > 0 THEN s.on_time / s.timed END AS on_time_rate,
               s.on_time, s.timed,
               (SELECT count(*) FROM app_user u WHERE u.organisation_id = s.organisation)
                   AS users
        FROM s LEFT JOIN organisation o ON o.id = s.organisation
        LEFT JOIN district d ON d.id = s.district
        ORDER BY s.overdue DESC, coalesce(o.name, d.name), coalesce(s.organisation, s.district)
        """,
        _params(today=today, organisation=organisation, district=district, year=year),
    )
    common = ["expected", "received", "missing", "overdue", "reporting_rate", "on_time_rate"]
    common += ["on_time", "timed"]
    by_org = frame[~frame["by_district"]]
    by_district = frame[frame["by_district"]]
    return {
        "organisation": by_org[["organisation", "organisation_name", *common, "users"]].reset_index(
            drop=True
        ),
        "district": by_district[["district", "district_name", *common]].reset_index(drop=True),
    }


def obligation_summary(con: duckdb.DuckDBPyConnection, *, by: str, **selection) -> pd.DataFrame:
    """obligation_summaries' table by 'organisation' or 'district'."""
    if by not in ("organisation", "district"):
        raise ValueError(f"summary by {by!r}: use 'organisation' or 'district'")
    return obligation_summaries(con, **selection)[by]


def owed_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    today: date,
    organisation: str | None = None,
    district: str | None = None,
) -> pd.DataFrame:
    """The template rows of every obligation not yet received (due or overdue): one per
    breakdown, with the unit, which numbers the row needs, and the figure that counts for the
    latest earlier period of the same key (pending included) for comparison."""
    last = effective_observations_sql(
        include_pending=True,
        condition="o.project_id IN (SELECT project FROM proj) AND o.series = ''",
    )
    return query(
        con,
        f"""
        WITH {_obligations_cte()},
        owed AS (
            SELECT b.project, b.district, b.organisation, b.indicator, b.position, b.period,
                   b.due_date, b.status, i.unit, i.aggregation, br.breakdown
            FROM obligation b JOIN indicator i ON i.key = b.indicator,
                 unnest(CASE WHEN len(i.breakdowns) = 0 THEN [''] ELSE i.breakdowns END)
                     AS br(breakdown)
            WHERE b.status <> 'received'),
        last AS (
            SELECT project_id AS project, indicator, breakdown, period, value, numerator,
                   denominator
            FROM ({last}))
        SELECT owed.project, p.name AS project_name, owed.district, owed.organisation,
               owed.indicator, owed.period,
               owed.breakdown, owed.unit, owed.aggregation, owed.due_date, owed.status,
               last.period AS last_period, last.value AS last_value,
               last.numerator AS last_numerator, last.denominator AS last_denominator
        FROM owed ASOF LEFT JOIN last
          ON owed.project = last.project AND owed.indicator = last.indicator
         AND owed.breakdown = last.breakdown AND owed.period > last.period
        JOIN project p ON p.id = owed.project
        ORDER BY owed.project, owed.position, owed.indicator, owed.period, owed.breakdown
        """,
        _params(today=today, organisation=organisation, district=district),
    )


def organisations_without_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Organisations with projects but nobody in the user table: no one to remind."""
    return query(
        con,
        """
        SELECT o.id AS organisation, o.name AS organisation_name
        FROM organisation o
        WHERE EXISTS (SELECT 1 FROM project p WHERE p.organisation_id = o.id)
          AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.organisation_id = o.id)
        ORDER BY o.name
        """,
    )


# --------------------------------------------------------------------------- the calendar


def calendar_defaults_frame(catalog) -> pd.DataFrame:
    """The catalog's due date of every indicator that projects report."""
    rows = []
    for indicator in catalog.indicators:
        if indicator.level != "project":
            continue
        rule = catalog.calendar.rule(indicator)
        rows.append((indicator.key, rule.months_after, rule.day))
    return pd.DataFrame(rows, columns=["indicator", "months_after", "due_day"])


def calendar_defaults_changed(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    """How many catalog defaults differ from what the database holds (0: nothing to write)."""
    cur.register("incoming_calendar", frame)
    n = cur.execute(
        """
        SELECT count(*) FROM (
            (SELECT indicator, months_after, due_day FROM incoming_calendar
             EXCEPT SELECT indicator, months_after, due_day FROM reporting_calendar
                    WHERE district_id IS NULL)
            UNION ALL
            (SELECT indicator, months_after, due_day FROM reporting_calendar
             WHERE district_id IS NULL
             EXCEPT SELECT indicator, months_after, due_day FROM incoming_calendar))
        """
    ).fetchone()[0]
    cur.unregister("incoming_calendar")
    return n


def replace_calendar_defaults(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """The catalog's defaults, inside the catalog sync's transaction (districts' overrides stay)."""
    cur.execute("DELETE FROM reporting_calendar WHERE district_id IS NULL")
    cur.register("incoming_calendar", frame)
    cur.execute(
        "INSERT INTO reporting_calendar (indicator, district_id, months_after, due_day,"
        " changed_by, changed_at)"
        " SELECT indicator, NULL, months_after, due_day, 'catalog', current_timestamp"
        " FROM incoming_calendar"
    )
    cur.unregister("incoming_calendar")


def calendar(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The catalog's default due date of each indicator projects report."""
    return query(
        con,
        """
        SELECT i.key AS indicator, i.resolution,
               coalesce(c.months_after, CASE WHEN i.resolution = 'month' THEN 1 ELSE 3 END)
                   AS months_after,
               coalesce(c.due_day, CASE WHEN i.resolution = 'month' THEN 15 ELSE 31 END)
                   AS due_day
        FROM indicator i
        LEFT JOIN reporting_calendar c ON c.indicator = i.key AND c.district_id IS NULL
        WHERE i.aggregation <> 'reported'
        ORDER BY i.position, i.key
        """,
    )


def calendar_overrides(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The districts' own due dates, as officials edit them."""
    return query(
        con,
        """
        SELECT district_id AS district, indicator, months_after, due_day
        FROM reporting_calendar WHERE district_id IS NOT NULL
        ORDER BY district_id, indicator
        """,
    )


def replace_calendar_overrides(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, actor: str
) -> dict[str, int]:
    """Replace every district override with `frame` (validated by the caller), audited."""
    frame = frame[CALENDAR_COLUMNS].reset_index(drop=True)
    before = calendar_overrides(con)
    with transaction(con) as cur:
        cur.execute("DELETE FROM reporting_calendar WHERE district_id IS NOT NULL")
        if not frame.empty:
            cur.register("incoming_overrides", frame)
            cur.execute(
                "INSERT INTO reporting_calendar (indicator, district_id, months_after, due_day,"
                " changed_by, changed_at)"
                " SELECT indicator, district, months_after, due_day, $actor, $now"
                " FROM incoming_overrides",
                {"actor": actor, "now": datetime.now()},
            )
            cur.unregister("incoming_overrides")
        counts = {"before": len(before), "after": len(frame)}
        audit(cur, actor, "calendar.replace", "reporting_calendar", counts)
    return counts
