"""Plausibility flags: the rows of an upload or a submission whose figures look wrong against
the project's own history, its peers, or the district total of the year before.

A flag is a warning, never an error: the developer sees it before submitting, the official sees
flagged rows first and must say in a comment why approving them is right. Every flag is worked
out in one set-based query over the whole upload (no loop per row), so a million-row file costs
about a second more. The thresholds are named here and explained on the methodology page
(indicators/locales/*/review.toml, `review.method`).

Each comparison is on a log scale (how many times larger or smaller), so a tenfold jump and a
fall to a tenth weigh the same. Zero and negative figures are not compared: a ratio of them says
nothing.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .changes import KEY_JOIN, effective_for_sql
from .connection import query

# A figure more than this many times its project's typical figure (the median of its approved
# figures for the same indicator and breakdown), or less than 1/this of it.
HISTORY_FACTOR = 5.0
# ... compared only when the project has at least this many approved figures for it.
HISTORY_MIN_FIGURES = 2
# A project's figure more than this many times the median of the district's projects for the
# same indicator, period and breakdown (or less than 1/this): wider than HISTORY_FACTOR, since
# projects differ in size more than one project differs from year to year.
PEER_FACTOR = 10.0
# ... compared only when at least this many other projects have a figure for that period.
PEER_MIN_OTHERS = 3
# The district's figure for a year would change from the year before by more than this
# factor, up or down: a ratio as sum(numerator) / sum(denominator), a total per figure reported
# (so a year with fewer projects or months reported so far is not taken for a fall).
DISTRICT_JUMP_FACTOR = 3.0

FLAG_COLUMNS = [
    "rid",
    "code",
    "indicator",
    "district_id",
    "project_id",
    "period",
    "year",
    "value",
    "reference",
    "ratio",
    "row_value",
]


def plausibility_sql(source: str, exclude_submission: str = "NULL") -> str:
    """Flags of the rows in `source` (a relation with rid, indicator, district_id, project_id,
    period, year, month, breakdown, value, numerator, denominator): one row per flag with
    FLAG_COLUMNS. `value` is the figure flagged (the row's, or the district total it makes),
    `reference` what it is compared with (the typical figure, the district total of the year
    before), `ratio` = value / reference, `row_value` the row's own figure. The figures that count
    now are the approved ones, without `exclude_submission` (the submission under review)."""
    log_history = f"ln({HISTORY_FACTOR!r})"
    log_peer = f"ln({PEER_FACTOR!r})"
    log_jump = f"ln({DISTRICT_JUMP_FACTOR!r})"
    return f"""
        WITH src AS MATERIALIZED (
            SELECT rid, indicator, district_id, project_id, coalesce(project_id, '') AS place,
                   period, year, month, breakdown, value, numerator, denominator
            FROM {source}
        ),
        -- the indicators, districts and years the upload reports (one pass over it)
        touched AS MATERIALIZED (SELECT DISTINCT indicator, district_id, year FROM src),
        scope AS (SELECT DISTINCT indicator, district_id FROM touched),
        stored AS MATERIALIZED (  -- the approved figure that counts now, per key
            SELECT o.indicator, o.district_id, o.project_id, coalesce(o.project_id, '') AS place,
                   o.period, o.year, o.month, o.breakdown, o.value, o.numerator, o.denominator
            FROM observation o JOIN submission s ON s.id = o.submission_id
            SEMI JOIN scope ON scope.indicator = o.indicator AND scope.district_id = o.district_id
            WHERE s.status = 'approved' AND o.series = ''
              AND o.submission_id IS DISTINCT FROM {exclude_submission}
            QUALIFY row_number() OVER (
                PARTITION BY o.indicator, o.district_id, o.project_id, o.period, o.breakdown
                ORDER BY s.reviewed_at DESC NULLS LAST, o.id DESC) = 1
        ),
        -- the figures as they would count after approval: the upload's rows replace the
        -- stored ones with the same key (only the few stored rows kept are copied; the
        -- upload's rows are read where they are)
        kept AS MATERIALIZED (
            SELECT NULL::BIGINT AS rid, s.indicator, s.district_id, s.project_id, s.place,
                   s.period, s.year, s.month, s.breakdown, s.value, s.numerator, s.denominator
            FROM stored s ANTI JOIN src o
                 ON o.indicator = s.indicator AND o.district_id = s.district_id
                AND o.place = s.place AND o.period = s.period AND o.breakdown = s.breakdown
        ),
        -- read twice (peers, levels) but never materialised: a copy of a million-row upload
        -- cost +120 MB, reading the upload again costs less than copying it
        after AS NOT MATERIALIZED (
            SELECT * FROM kept
            UNION ALL
            SELECT rid, indicator, district_id, project_id, place, period, year, month,
                   breakdown, value, numerator, denominator
            FROM src
        ),
        history AS (
            SELECT indicator, district_id, place, breakdown, median(value) AS typical,
                   count(*) AS figures
            FROM stored WHERE value IS NOT NULL
            GROUP BY ALL
        ),
        history_flags AS (
            SELECT o.rid, CASE WHEN o.value > h.typical THEN 'history_high' ELSE 'history_low' END
                       AS code,
                   o.indicator, o.district_id, o.project_id, o.period, o.year, o.value,
                   h.typical AS reference, o.value AS row_value
            FROM src o JOIN history h
                 ON h.indicator = o.indicator AND h.district_id = o.district_id
                AND h.place = o.place AND h.breakdown = o.breakdown
            WHERE h.figures >= {int(HISTORY_MIN_FIGURES)} AND o.value > 0 AND h.typical > 0
              AND abs(ln(o.value / h.typical)) > {log_history}
        ),
        peers AS (  -- one figure per project and key, so count(*) counts projects
            SELECT indicator, district_id, period, breakdown, median(value) AS typical,
                   count(*) AS projects
            FROM after
            WHERE project_id IS NOT NULL AND value IS NOT NULL
            GROUP BY ALL
        ),
        peer_flags AS (
            SELECT o.rid, CASE WHEN o.value > g.typical THEN 'peers_high' ELSE 'peers_low' END,
                   o.indicator, o.district_id, o.project_id, o.period, o.year, o.value,
                   g.typical, o.value
            FROM src o JOIN peers g
                 ON g.indicator = o.indicator AND g.district_id = o.district_id
                AND g.period = o.period AND g.breakdown = o.breakdown
            WHERE o.project_id IS NOT NULL AND g.projects - 1 >= {int(PEER_MIN_OTHERS)}
              AND o.value > 0 AND g.typical > 0 AND abs(ln(o.value / g.typical)) > {log_peer}
        ),
        -- the district's figure per year, as comparable across years as one pass allows: a
        -- ratio as sum(numerator) / sum(denominator), a sum per figure reported (so a year
        -- with fewer projects or months reported so far is not taken for a fall), a mean as
        -- it is; district-level figures apart from project figures
        levels AS (
            SELECT a.indicator, a.district_id, a.year, a.place = '' AS district_level,
                   sum(a.value) AS v, count(a.value) AS nv, sum(a.numerator) AS n,
                   sum(a.denominator) AS d, min(a.rid) AS rid
            FROM after a SEMI JOIN touched t
                 ON t.indicator = a.indicator AND t.district_id = a.district_id
                AND (a.year = t.year OR a.year = t.year - 1)
            GROUP BY ALL
        ),
        totals AS (
            SELECT c.indicator, c.district_id, c.year, c.rid,
                   CASE i.aggregation WHEN 'ratio' THEN c.n / nullif(c.d, 0) * i.scale
                        ELSE c.v / nullif(c.nv, 0) END AS total,
                   CASE i.aggregation WHEN 'ratio' THEN p.n / nullif(p.d, 0) * i.scale
                        ELSE p.v / nullif(p.nv, 0) END AS previous
            FROM levels c
            JOIN levels p
                 ON p.indicator = c.indicator AND p.district_id = c.district_id
                AND p.district_level = c.district_level AND p.year = c.year - 1
            JOIN indicator i ON i.key = c.indicator
            WHERE c.rid IS NOT NULL
        ),
        district_flags AS (
            SELECT t.rid,
                   CASE WHEN t.total > t.previous THEN 'district_up' ELSE 'district_down' END,
                   t.indicator, t.district_id, o.project_id, o.period, t.year, t.total,
                   t.previous, o.value
            FROM totals t JOIN src o ON o.rid = t.rid
            WHERE t.total > 0 AND t.previous > 0 AND abs(ln(t.total / t.previous)) > {log_jump}
        )
        SELECT rid, code, indicator, district_id, project_id, period, year, value, reference,
               value / reference AS ratio, row_value
        FROM (
            SELECT * FROM history_flags
            UNION ALL SELECT * FROM peer_flags
            UNION ALL SELECT * FROM district_flags)
    """


def ingest_flags(cur: duckdb.DuckDBPyConnection, limit: int) -> tuple[pd.DataFrame, int]:
    """The flags of the staged upload (`ingest_obs`): the first `limit` by record, and how many
    there are in all."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE ingest_flags AS"
        f" {plausibility_sql('ingest_obs')} ORDER BY rid, code"
    )
    total = cur.execute("SELECT count(*) FROM ingest_flags").fetchone()[0]
    frame = cur.execute("SELECT * FROM ingest_flags ORDER BY rid, code LIMIT ?", [limit]).df()
    return frame, int(total)


def _submission_source(submission_id: int) -> str:
    return (
        "(SELECT id AS rid, indicator, district_id, project_id, period, year, month, breakdown,"
        " value, numerator, denominator FROM observation"
        f" WHERE submission_id = {int(submission_id)} AND series = '')"
    )


def submission_flag_count(cur: duckdb.DuckDBPyConnection, submission_id: int) -> int:
    """How many flags the submission's rows raise against the figures that count now (on the
    caller's cursor, so a review counts them inside its own transaction)."""
    sql = plausibility_sql(_submission_source(submission_id), str(int(submission_id)))
    return int(cur.execute(f"SELECT count(*) FROM ({sql})").fetchone()[0])


def pending_flag_counts(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Submission id -> its plausibility flags, for every pending upload (the review queue)."""
    pending = con.execute(
        "SELECT id FROM submission WHERE status = 'pending' AND kind = 'upload' ORDER BY id"
    ).fetchall()
    cur = con.cursor()
    try:
        return {sid: submission_flag_count(cur, sid) for (sid,) in pending}
    finally:
        cur.close()


def submission_review_rows(
    con: duckdb.DuckDBPyConnection, submission_id: int, limit: int = 5000
) -> tuple[pd.DataFrame, int, int]:
    """Every row of a submission as the reviewer reads it: the figure that counts now for its
    key (if any), the new figure, the change, and its flags (a list of structs with
    FLAG_COLUMNS' code, value, reference, ratio, year); flagged rows first. Returns the first
    `limit` rows, how many rows are flagged, and how many flags there are."""
    sid = int(submission_id)
    source = _submission_source(sid)
    keys = (
        f"SELECT DISTINCT indicator FROM observation WHERE submission_id = {sid}",
        f"SELECT DISTINCT period FROM observation WHERE submission_id = {sid}",
        f"SELECT DISTINCT district_id FROM observation WHERE submission_id = {sid}",
    )
    frame = query(
        con,
        f"""
        WITH flags AS MATERIALIZED ({plausibility_sql(source, str(sid))}),
        per_row AS (
            SELECT rid, list({{'code': code, 'value': value, 'reference': reference,
                               'ratio': ratio, 'year': year}} ORDER BY code) AS flags
            FROM flags GROUP BY rid
        ),
        rows AS (
            SELECT o.id, coalesce(o.project_id, o.district_id) AS reported_for, o.indicator,
                   o.period, o.breakdown, o.unit, e.value AS now, o.value AS after,
                   o.value - e.value AS change, f.flags, o.comment
            FROM observation o
            LEFT JOIN ({effective_for_sql(*keys, str(sid))}) e ON {KEY_JOIN}
            LEFT JOIN per_row f ON f.rid = o.id
            WHERE o.submission_id = {sid}
        )
        SELECT *, count(flags) OVER () AS flagged_rows,
               (SELECT count(*) FROM flags) AS flag_count
        FROM rows
        ORDER BY flags IS NULL, reported_for, indicator, period, breakdown
        LIMIT {int(limit)}
        """,
    )
    if frame.empty:
        return frame, 0, 0
    flagged, total = int(frame["flagged_rows"].iloc[0]), int(frame["flag_count"].iloc[0])
    return frame.drop(columns=["flagged_rows", "flag_count"]), flagged, total
