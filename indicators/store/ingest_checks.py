"""The SQL that stages a compliance file and checks it: every rule a set-based query."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

# ---- ingest (compliance uploads)
# The SQL of indicators.reporting.ingest. A compliance file is read once into a temporary table of text
# (`ingest_raw`, one cursor's private temp schema), checked by set-based SQL (categorical rules
# on the few distinct values, numeric rules in one scan, duplicates by one GROUP BY) and stored
# with one INSERT ... SELECT inside one transaction. No Python loop touches a row.

# No real measurement of a district or a building reaches a trillion in any unit the catalog
# uses (the published figures stay below 10^8): a larger number is a typo or an attack, and
# sums of such numbers overflow to infinity. Applies where the catalog gives no maximum.
MAX_MAGNITUDE = 1e12

INGEST_COLUMNS = (
    "project",
    "district",
    "indicator",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "unit",
    "comment",
)


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


MAX_REJECTS = 1_000
# The problems a report lists (the first, by line). Not more than 5,000: up to there DuckDB
# always plans ORDER BY + LIMIT as a top-N (a heap of that many rows); past it, it may sort
# every failing cell of a million-row file, which cost +300 MB.
MAX_ERRORS = 5_000


def ingest_stage(
    cur: duckdb.DuckDBPyConnection,
    path: Path | str,
    *,
    delimiter: str,
    positions: dict[str, int],
    n_columns: int,
    skip_lines: int,
    decimal_comma: bool = False,
    capture_rejects: bool = False,
    typed: bool = False,
) -> int:
    """Read a CSV into a temp table, every column as text; return its record count.

    `positions` maps our column names to their index in the file; absent columns are NULL.
    The numbers are read once here too (`v0`, `n0`, `d0`: DOUBLE or NULL, see _number_sql).
    With `typed`, DuckDB's reader parses the number columns itself (the language's decimal
    mark only, no thousands separators) and their text is not kept: faster, and any cell that is
    not such a number fails the whole read, so the caller reads again as text.
    The view `ingest_raw` shows the records with `rid`, the record's number in the file (1 = the
    first record after the header; the table keeps the file's order), leaving out records of only
    empty cells (Excel's trailing `;;;`) and blank template rows (no value, numerator or
    denominator: "not reported yet", counted by ingest_rows).
    Without `capture_rejects` a malformed record raises
    duckdb.Error; with it, malformed records go to the temp table `ingest_rejects` and the rest
    is read.
    """
    numeric = {"value": "v0", "numerator": "n0", "denominator": "d0"}
    doubles = {positions[n] for n in numeric if n in positions} if typed else set()
    columns = ", ".join(
        f"'c{i}': '{'DOUBLE' if i in doubles else 'VARCHAR'}'" for i in range(n_columns)
    )
    options = [
        f"delim = {sql_text(delimiter)}",
        "quote = '\"'",
        "escape = '\"'",
        "header = true",
        "auto_detect = false",
        f"skip = {int(skip_lines)}",
        f"columns = {{{columns}}}",
        "null_padding = false",
    ]
    if typed and decimal_comma:
        options.append("decimal_separator = ','")
    if capture_rejects:
        cur.execute("DROP TABLE IF EXISTS ingest_rejects; DROP TABLE IF EXISTS ingest_scans")
        options += [
            "store_rejects = true",
            "rejects_table = 'ingest_rejects'",
            "rejects_scan = 'ingest_scans'",
            # a file of millions of malformed lines would otherwise keep every one of them
            f"rejects_limit = {MAX_REJECTS}",
        ]
    text = [
        name for name in INGEST_COLUMNS if name in positions and not (typed and name in numeric)
    ]
    select = ", ".join(
        f"c{positions[name]} AS {name}" if name in text else f"NULL::VARCHAR AS {name}"
        for name in INGEST_COLUMNS
    )
    if typed:
        numbers = ", ".join(
            f"c{positions[name]} AS {short}" if name in positions else f"NULL::DOUBLE AS {short}"
            for name, short in numeric.items()
        )
        source = (
            f"SELECT {select}, {numbers} FROM read_csv({sql_text(str(path))}, {', '.join(options)})"
        )
    else:
        numbers = ", ".join(
            f"{_number_sql(name, decimal_comma)} AS {short}" for name, short in numeric.items()
        )
        source = (
            f"SELECT *, {numbers} FROM"
            f" (SELECT {select} FROM read_csv({sql_text(str(path))}, {', '.join(options)}))"
        )
    empty = " AND ".join(f"{c} IS NULL" for c in [*text, "v0", "n0", "d0"])
    # the earlier read's table goes first: a second read never holds two copies of the file
    cur.execute(
        "DROP VIEW IF EXISTS ingest_raw; DROP VIEW IF EXISTS ingest_all;"
        " DROP TABLE IF EXISTS ingest_records"
    )
    records = cur.execute(f"CREATE TEMP TABLE ingest_records AS {source}").fetchone()[0]
    cur.execute(
        "CREATE OR REPLACE TEMP VIEW ingest_all AS SELECT rowid + 1 AS rid, *,"
        " v0 IS NOT NULL OR nullif(trim(value), '') IS NOT NULL AS has_v,"
        " n0 IS NOT NULL OR nullif(trim(numerator), '') IS NOT NULL AS has_n,"
        " d0 IS NOT NULL OR nullif(trim(denominator), '') IS NOT NULL AS has_d"
        f" FROM ingest_records WHERE NOT ({empty})"
    )
    cur.execute(
        "CREATE OR REPLACE TEMP VIEW ingest_raw AS SELECT *,"
        " CASE WHEN isfinite(v0) THEN v0 END AS v, CASE WHEN isfinite(n0) THEN n0 END AS n,"
        " CASE WHEN isfinite(d0) THEN d0 END AS d"
        " FROM ingest_all WHERE has_v OR has_n OR has_d"
    )
    return records


def ingest_rows(cur: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(data rows, blank template rows): records that are not all empty, split by whether
    they give any number (a template row left without one is "not reported yet")."""
    rows, blank = cur.execute(
        "SELECT count(*) FILTER (WHERE has_v OR has_n OR has_d),"
        " count(*) FILTER (WHERE NOT (has_v OR has_n OR has_d)) FROM ingest_all"
    ).fetchone()
    return int(rows), int(blank)


def ingest_rejects(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The malformed records DuckDB's reader set aside (ragged rows, unterminated quotes)."""
    return cur.execute(
        "SELECT line_byte_position AS byte_position, column_idx, error_type, error_message,"
        " csv_line FROM ingest_rejects ORDER BY line_byte_position, column_idx"
    ).df()


def _number_sql(column: str, decimal_comma: bool) -> str:
    """Text -> DOUBLE or NULL: `65,5` (with decimal comma), `65.5`, `1 234,5` (NaN and
    infinity are read too; the view ingest_raw turns them into NULL). Never `1_000`, which
    DuckDB's cast would read as 1000 (no spreadsheet writes it)."""
    text = f"replace({column}, ',', '.')" if decimal_comma else column
    spaced = f"regexp_replace({text}, '[\\s\\x{{00A0}}\\x{{202F}}\\x{{2009}}]', '', 'g')"
    refused = f"contains({column}, '_')"
    parsed = f"coalesce(TRY_CAST({text} AS DOUBLE), TRY_CAST({spaced} AS DOUBLE))"
    return f"CASE WHEN {refused} THEN NULL ELSE {parsed} END"


def ingest_prepare(cur: duckdb.DuckDBPyConnection, *, today) -> None:
    """One GROUP BY over the rows gives the distinct values of each column, paired with the
    indicator (`ingest_pairs`); each distinct value is then looked up once (`ingest_dim_*`).
    The views `ingest_parsed` (numbers read) and `ingest_obs` (every row as the observation it
    would become) are defined on top."""
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE ingest_pairs AS
        SELECT CASE WHEN grouping(period) = 0 THEN 'period'
                    WHEN grouping(breakdown) = 0 THEN 'breakdown'
                    WHEN grouping(unit) = 0 THEN 'unit' ELSE 'place' END AS kind,
               indicator, period, breakdown, unit, project, district, count(*) AS n
        FROM ingest_raw
        GROUP BY GROUPING SETS ((indicator, period), (indicator, breakdown), (indicator, unit),
                                (indicator, project, district))
        """
    )
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE ingest_dim_project AS
        SELECT d.raw, d.norm, p.id IS NOT NULL AS known, p.district_id, p.organisation_id,
               coalesce(p.synthetic, false) OR coalesce(ds.synthetic, false) AS synthetic
        FROM (SELECT raw, nullif(lower(trim(raw)), '') AS norm
              FROM (SELECT DISTINCT project AS raw FROM ingest_pairs
                    WHERE kind = 'place' AND project IS NOT NULL)) d
        LEFT JOIN project p ON p.id = d.norm
        LEFT JOIN district ds ON ds.id = p.district_id;

        CREATE OR REPLACE TEMP TABLE ingest_dim_district AS
        SELECT d.raw, d.norm, ds.id IS NOT NULL AS known, coalesce(ds.synthetic, false) AS synthetic
        FROM (SELECT raw, nullif(lower(trim(raw)), '') AS norm
              FROM (SELECT DISTINCT district AS raw FROM ingest_pairs
                    WHERE kind = 'place' AND district IS NOT NULL)) d
        LEFT JOIN district ds ON ds.id = d.norm;

        CREATE OR REPLACE TEMP TABLE ingest_dim_indicator AS
        SELECT d.raw, d.norm, i.key, i.unit, i.aggregation, i.resolution, i.min_value,
               i.max_value, coalesce(i.scale, 1) AS scale, i.breakdowns,
               coalesce(i.aggregation = 'ratio' AND i.max_value IS NOT NULL
                   AND i.max_value <= coalesce(i.scale, 1), false) AS share_capped
        FROM (SELECT raw, nullif(lower(trim(raw)), '') AS norm
              FROM (SELECT DISTINCT indicator AS raw FROM ingest_pairs)) d
        LEFT JOIN indicator i ON i.key = d.norm;

        CREATE OR REPLACE TEMP TABLE ingest_dim_breakdown AS
        SELECT raw, coalesce(nullif(lower(trim(raw)), ''), '') AS norm
        FROM (SELECT DISTINCT breakdown AS raw FROM ingest_pairs WHERE kind = 'breakdown');

        CREATE OR REPLACE TEMP TABLE ingest_dim_unit AS
        SELECT raw, nullif(trim(raw), '') AS norm
        FROM (SELECT DISTINCT unit AS raw FROM ingest_pairs
              WHERE kind = 'unit' AND unit IS NOT NULL);
        """
    )
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE ingest_dim_period AS
        SELECT raw, norm, ok, year, month,
               ok AND (year > $year OR (month IS NOT NULL AND year = $year AND month > $month))
                   AS future,
               ok AND year < 1900 AS too_old,
               regexp_full_match(coalesce(norm, ''), '\\d{1,2}[./]\\d{1,2}[./]\\d{2,4}')
                   OR regexp_full_match(coalesce(norm, ''), '\\d{4}-\\d{2}-\\d{2}.*')
                   OR regexp_full_match(coalesce(norm, ''), '[A-Za-z]{3,9}[- ]\\d{2,4}')
                   AS looks_like_date
        FROM (
            SELECT raw, norm, ok,
                   CASE WHEN ok THEN TRY_CAST(left(norm, 4) AS INTEGER) END AS year,
                   CASE WHEN ok AND length(norm) = 7
                        THEN TRY_CAST(right(norm, 2) AS INTEGER) END AS month
            FROM (SELECT raw, norm,
                         regexp_full_match(coalesce(norm, ''), '\\d{4}(-(0[1-9]|1[0-2]))?') AS ok
                  FROM (SELECT raw, nullif(trim(raw), '') AS norm
                        FROM (SELECT DISTINCT period AS raw FROM ingest_pairs
                              WHERE kind = 'period'))))
        """,
        {"year": today.year, "month": today.month},
    )
    cur.execute(
        """
        CREATE OR REPLACE TEMP VIEW ingest_parsed AS
        SELECT r.rid, r.project, r.district, r.indicator, r.period, r.breakdown, r.unit,
               r.comment, r.value AS value_text, r.numerator AS numerator_text,
               r.denominator AS denominator_text, r.v, r.n, r.d, r.has_v, r.has_n, r.has_d,
               r.v0, r.n0, r.d0
        FROM ingest_raw r
        """
    )
    cur.execute(
        """
        CREATE OR REPLACE TEMP VIEW ingest_obs AS
        SELECT r.rid, i.key AS indicator,
               coalesce(p.district_id, ds.norm) AS district_id, p.norm AS project_id,
               pe.norm AS period, pe.year, pe.month, coalesce(b.norm, '') AS breakdown,
               CASE WHEN i.aggregation = 'ratio' AND r.v IS NULL THEN r.n / r.d * i.scale
                    ELSE r.v END AS value,
               r.n AS numerator, r.d AS denominator, i.unit, r.comment,
               coalesce(p.synthetic, ds.synthetic, false) AS synthetic
        FROM ingest_parsed r
        JOIN ingest_dim_indicator i ON i.raw = r.indicator
        JOIN ingest_dim_period pe ON pe.raw = r.period
        LEFT JOIN ingest_dim_breakdown b ON b.raw IS NOT DISTINCT FROM r.breakdown
        LEFT JOIN ingest_dim_project p ON p.raw = r.project
        LEFT JOIN ingest_dim_district ds ON ds.raw = r.district
        """
    )


def ingest_foreign(cur: duckdb.DuckDBPyConnection, organisation: str | None) -> list[str]:
    """Registered projects in the file that belong to another organisation than `organisation`."""
    return [
        row[0]
        for row in cur.execute(
            "SELECT DISTINCT norm FROM ingest_dim_project WHERE known"
            " AND organisation_id IS DISTINCT FROM ? ORDER BY norm",
            [organisation],
        ).fetchall()
    ]


def ingest_district_rows(cur: duckdb.DuckDBPyConnection, limit: int = 5) -> tuple[int, list[int]]:
    """How many rows name a district, and the record numbers of the first few."""
    total = cur.execute(
        "SELECT coalesce(sum(x.n), 0) FROM ingest_pairs x JOIN ingest_dim_district d"
        " ON d.raw = x.district WHERE x.kind = 'place' AND d.norm IS NOT NULL"
    ).fetchone()[0]
    first = cur.execute(
        "SELECT r.rid FROM ingest_raw r JOIN ingest_dim_district d ON d.raw = r.district"
        " WHERE d.norm IS NOT NULL ORDER BY r.rid LIMIT ?",
        [limit],
    ).fetchall()
    return int(total), [row[0] for row in first]


def _ingest_part(column: str, value: str, code: str, p1: str, p2: str, rest: str) -> str:
    return (
        f"SELECT r.rid, '{column}' AS col, {value} AS value, '{code}' AS code,"
        f" CAST({p1} AS VARCHAR) AS p1, CAST({p2} AS VARCHAR) AS p2 {rest}"
    )


# categorical rules, decided on one dimension table: (code, column, dimension, failing condition)
_DIMENSION_RULES = [
    ("project_unknown", "project", "ingest_dim_project", "x.norm IS NOT NULL AND NOT x.known"),
    ("district_unknown", "district", "ingest_dim_district", "x.norm IS NOT NULL AND NOT x.known"),
    ("indicator_missing", "indicator", "ingest_dim_indicator", "x.norm IS NULL"),
    (
        "indicator_unknown",
        "indicator",
        "ingest_dim_indicator",
        "x.norm IS NOT NULL AND x.key IS NULL",
    ),
    ("period_missing", "period", "ingest_dim_period", "x.norm IS NULL"),
    (
        "period_date",
        "period",
        "ingest_dim_period",
        "x.norm IS NOT NULL AND NOT x.ok AND x.looks_like_date",
    ),
    (
        "period_malformed",
        "period",
        "ingest_dim_period",
        "x.norm IS NOT NULL AND NOT x.ok AND NOT x.looks_like_date",
    ),
    ("period_future", "period", "ingest_dim_period", "x.future"),
    ("period_too_old", "period", "ingest_dim_period", "x.too_old"),
]

# rules on an indicator paired with another column: (code, kind, failing condition, p1)
_PAIR_RULES = [
    (
        "resolution_month",
        "period",
        "i.resolution = 'month' AND pe.ok AND pe.month IS NULL",
        "i.key",
    ),
    (
        "resolution_year",
        "period",
        "i.resolution = 'year' AND pe.ok AND pe.month IS NOT NULL",
        "i.key",
    ),
    (
        "breakdown_missing",
        "breakdown",
        "b.norm = '' AND len(i.breakdowns) > 0",
        "array_to_string(i.breakdowns, ', ')",
    ),
    ("breakdown_not_allowed", "breakdown", "b.norm <> '' AND len(i.breakdowns) = 0", "i.key"),
    (
        "breakdown_unknown",
        "breakdown",
        "b.norm <> '' AND len(i.breakdowns) > 0 AND NOT list_contains(i.breakdowns, b.norm)",
        "array_to_string(i.breakdowns, ', ')",
    ),
    ("unit_mismatch", "unit", "u.norm IS NOT NULL AND u.norm <> i.unit", "i.unit"),
    ("place_missing", "place", "p.norm IS NULL AND ds.norm IS NULL", "NULL"),
    ("place_both", "place", "p.norm IS NOT NULL AND ds.norm IS NOT NULL", "NULL"),
    (
        "district_level_indicator",
        "place",
        "p.norm IS NOT NULL AND i.aggregation = 'reported'",
        "i.key",
    ),
]
_PAIR_COLUMN = {"period": "period", "breakdown": "breakdown", "unit": "unit"}
_PLACE_COLUMN = {
    "place_missing": "project",
    "place_both": "district",
    "district_level_indicator": "project",
}


def _too_large(parsed: str, text: str, bounded: str = "false") -> str:
    """A number no measurement has: beyond MAX_MAGNITUDE (or overflowing to infinity, as
    1e400 does), unless the catalog's own bound (`bounded`) already refuses it, and not the
    word inf or nan, which is simply not a number."""
    return (
        f"({parsed} IS NOT NULL AND NOT isnan({parsed}) AND abs({parsed}) > {MAX_MAGNITUDE:g}"
        f" AND NOT (isfinite({parsed}) AND {bounded})"
        f" AND NOT coalesce(regexp_matches(lower({text}), 'inf|nan'), false))"
    )


_BIG_V = _too_large(
    "r.v0",
    "r.value_text",
    "((r.v0 > 0 AND i.max_value IS NOT NULL) OR (r.v0 < 0 AND i.min_value IS NOT NULL))",
)
# every row with what its numbers must satisfy (see ingest_errors). big_ratio: numerator /
# denominator beyond any measurement (1e308 / 0.001 is infinite), also when a value is given
# beside it (inf > inf is false: the consistency check alone would let it pass)
_NUMERIC_ROWS = f"""(
    SELECT *, has_v AND v IS NULL AND NOT big_v AS nan_v,
           has_n AND n IS NULL AND NOT big_n AS nan_n, has_d AND d IS NULL AND NOT big_d AS nan_d,
           coalesce(aggregation = 'ratio' AND d > 0 AND n >= 0 AND NOT big_n AND NOT big_d
               AND NOT (share_capped AND n > d) AND (max_value IS NULL OR v IS NOT NULL)
               AND abs(n / d * scale) > {MAX_MAGNITUDE:g}, false) AS big_ratio
    FROM (
        SELECT r.rid, r.project, r.district, r.indicator, r.period, r.breakdown,
               r.value_text, r.numerator_text, r.denominator_text, r.v, r.n, r.d,
               i.key, i.aggregation, i.scale, i.min_value, i.max_value, i.share_capped, i.unit,
               r.has_v, r.has_n, r.has_d,
               CASE WHEN i.aggregation = 'ratio' AND r.v IS NULL AND r.d > 0
                    THEN r.n / r.d * i.scale ELSE r.v END AS effective,
               r.has_v AND {_BIG_V} AS big_v,
               r.has_n AND {_too_large("r.n0", "r.numerator_text")} AS big_n,
               r.has_d AND {_too_large("r.d0", "r.denominator_text")} AS big_d
        FROM ingest_parsed r LEFT JOIN ingest_dim_indicator i ON i.raw = r.indicator)
)"""
# a row fails some numeric rule (the rules one by one: numeric_rules in ingest_errors)
_NUMERIC_BAD = """(
    (has_v AND v IS NULL) OR (has_n AND n IS NULL) OR (has_d AND d IS NULL) OR big_ratio
    OR big_v OR big_n OR big_d
    OR (key IS NOT NULL AND (
        (aggregation = 'ratio' AND (NOT has_n OR NOT has_d OR d <= 0 OR n < 0
            OR (share_capped AND n > d)
            OR (v IS NOT NULL AND d > 0
                AND abs(v - n / d * scale) > greatest(0.05, 0.005 * abs(n / d * scale)))))
        OR (aggregation <> 'ratio' AND (NOT has_v OR has_n OR has_d))
        OR effective < min_value OR effective > max_value))
)"""


def ingest_errors(
    cur: duckdb.DuckDBPyConnection,
    *,
    has_value_column: bool,
) -> pd.DataFrame:
    """Every failing (record, column): rid, col, value (as written), code, and the parameters
    its message needs (p1, p2). Categorical rules are decided on the distinct values, so only
    failing values cost a pass over the rows; numbers take one scan, duplicates one GROUP BY."""
    parts = []
    for code, column, table, condition in _DIMENSION_RULES:
        if cur.execute(f"SELECT count(*) FROM {table} x WHERE {condition}").fetchone()[0]:
            parts.append(
                _ingest_part(
                    column,
                    f"r.{column}",
                    code,
                    "NULL",
                    "NULL",
                    f"FROM ingest_raw r JOIN {table} x"
                    f" ON r.{column} IS NOT DISTINCT FROM x.raw WHERE {condition}",
                )
            )
    base = """
        FROM ingest_pairs x
        JOIN ingest_dim_indicator i ON i.raw IS NOT DISTINCT FROM x.indicator AND i.key IS NOT NULL
        LEFT JOIN ingest_dim_period pe ON pe.raw = x.period
        LEFT JOIN ingest_dim_breakdown b ON b.raw IS NOT DISTINCT FROM x.breakdown
        LEFT JOIN ingest_dim_unit u ON u.raw = x.unit
        LEFT JOIN ingest_dim_project p ON p.raw = x.project
        LEFT JOIN ingest_dim_district ds ON ds.raw = x.district
    """
    for code, kind, condition, p1 in _PAIR_RULES:
        where = f"x.kind = '{kind}' AND ({condition})"
        if not cur.execute(f"SELECT count(*) {base} WHERE {where}").fetchone()[0]:
            continue
        if kind == "place":
            column = _PLACE_COLUMN[code]
            match = (
                "r.project IS NOT DISTINCT FROM x.project"
                " AND r.district IS NOT DISTINCT FROM x.district"
            )
        else:
            column = _PAIR_COLUMN[kind]
            match = f"r.{column} IS NOT DISTINCT FROM x.{column}"
        parts.append(
            _ingest_part(
                column,
                f"r.{column}",
                code,
                p1,
                "NULL",
                f"{base} JOIN ingest_raw r ON r.indicator IS NOT DISTINCT FROM"
                f" x.indicator AND {match} WHERE {where}",
            )
        )

    # numbers and duplicates: one scan of every row says whether any row fails; only then are
    # the failing rows picked out, rule by rule. Duplicates: when every distinct value is
    # already written as it is stored, counting distinct hashes of the text rules them out
    # (a hash collision only costs the exact check below); otherwise the normalised keys count.
    written_as_stored = not cur.execute(
        """
        SELECT (SELECT count(*) FROM ingest_dim_project WHERE raw IS DISTINCT FROM norm)
             + (SELECT count(*) FROM ingest_dim_district WHERE raw IS DISTINCT FROM norm)
             + (SELECT count(*) FROM ingest_dim_indicator WHERE raw IS DISTINCT FROM norm)
             + (SELECT count(*) FROM ingest_dim_period WHERE raw IS DISTINCT FROM norm)
             + (SELECT count(*) FROM ingest_dim_breakdown WHERE raw IS NOT NULL AND raw <> norm)
             + (SELECT greatest(count(*) - 1, 0) FROM ingest_dim_breakdown WHERE norm = '')
        """
    ).fetchone()[0]
    text_duplicates = (
        "count(*) - count(DISTINCT hash(project, district, indicator, period, breakdown))"
        if written_as_stored
        else "0"
    )
    bad_numbers, duplicated = cur.execute(
        f"SELECT count(*) FILTER (WHERE {_NUMERIC_BAD}), {text_duplicates} FROM {_NUMERIC_ROWS}"
    ).fetchone()
    if not written_as_stored:
        duplicated = cur.execute(
            "SELECT count(*) FROM (SELECT 1 FROM ingest_obs"
            " GROUP BY project_id, district_id, indicator, period, breakdown HAVING count(*) > 1)"
        ).fetchone()[0]
    if bad_numbers:
        cur.execute(
            f"CREATE OR REPLACE TEMP TABLE ingest_numeric AS"
            f" SELECT * FROM {_NUMERIC_ROWS} WHERE {_NUMERIC_BAD}"
        )
        ratio = "key IS NOT NULL AND aggregation = 'ratio'"
        not_ratio = "key IS NOT NULL AND aggregation <> 'ratio'"
        capped = f"{ratio} AND share_capped AND d > 0 AND n >= 0 AND n > d"

        big = f"'{MAX_MAGNITUDE:g}'"
        numeric_rules = []
        for column, short in (("value", "v"), ("numerator", "n"), ("denominator", "d")):
            numeric_rules += [
                ("not_a_number", column, f"nan_{short}", "NULL", "NULL"),
                ("too_large", column, f"big_{short}", big, "NULL"),
            ]
        numeric_rules += [
            ("ratio_too_large", "denominator", "big_ratio", big, "NULL"),
            ("ratio_needs_numerator", "numerator", f"{ratio} AND NOT has_n", "key", "NULL"),
            ("ratio_needs_denominator", "denominator", f"{ratio} AND NOT has_d", "key", "NULL"),
            ("denominator_zero", "denominator", f"{ratio} AND d = 0", "NULL", "NULL"),
            ("negative", "numerator", f"{ratio} AND n < 0", "NULL", "NULL"),
            ("negative", "denominator", f"{ratio} AND d < 0", "NULL", "NULL"),
            ("numerator_above_denominator", "numerator", capped, "d", "NULL"),
            (
                "value_disagrees",
                "value",
                f"{ratio} AND v IS NOT NULL AND d > 0 AND n >= 0 AND NOT ({capped})"
                " AND NOT big_ratio AND abs(v - n / d * scale) > greatest(0.05, 0.005 * abs(n / d * scale))",
                "n / d * scale",
                "NULL",
            ),
            ("not_ratio", "numerator", f"{not_ratio} AND has_n", "key", "NULL"),
            ("not_ratio", "denominator", f"{not_ratio} AND has_d", "key", "NULL"),
            (
                "below_min",
                "value",
                "key IS NOT NULL AND effective < min_value AND NOT (aggregation = 'ratio'"
                " AND (n < 0 OR d < 0))",
                "min_value",
                "unit",
            ),
            (
                "above_max",
                "value",
                f"key IS NOT NULL AND effective > max_value AND NOT ({capped})",
                "max_value",
                "unit",
            ),
        ]
        if has_value_column:
            numeric_rules.append(
                ("value_missing", "value", f"{not_ratio} AND NOT has_v", "key", "NULL")
            )
        else:
            numeric_rules.append(("value_column_missing", "value", f"{not_ratio}", "key", "NULL"))
        texts = {
            "value": "value_text",
            "numerator": "numerator_text",
            "denominator": "denominator_text",
        }
        for code, column, condition, p1, p2 in numeric_rules:
            parts.append(
                _ingest_part(
                    column,
                    f"r.{texts[column]}",
                    code,
                    p1,
                    p2,
                    f"FROM ingest_numeric r WHERE {condition}",
                )
            )

    if duplicated:
        # grouped by key (memory for the distinct keys, not a window over every row), and only
        # the first MAX_ERRORS duplicates are kept: the report lists no more
        cur.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE ingest_duplicates AS
            WITH firsts AS (
                SELECT project_id, district_id, indicator, period, breakdown,
                       min(rid) AS first_rid
                FROM ingest_obs
                GROUP BY ALL HAVING count(*) > 1)
            SELECT o.rid, f.first_rid
            FROM ingest_obs o
            JOIN firsts f
              ON o.project_id IS NOT DISTINCT FROM f.project_id
             AND o.district_id IS NOT DISTINCT FROM f.district_id
             AND o.indicator IS NOT DISTINCT FROM f.indicator
             AND o.period IS NOT DISTINCT FROM f.period
             AND o.breakdown IS NOT DISTINCT FROM f.breakdown
            WHERE o.rid <> f.first_rid
            ORDER BY o.rid LIMIT {MAX_ERRORS}
            """
        )
        parts.append(
            _ingest_part(
                "period",
                "r.period",
                "duplicate",
                "x.first_rid",
                "NULL",
                "FROM ingest_duplicates x JOIN ingest_raw r ON r.rid = x.rid",
            )
        )
    if not parts:
        return pd.DataFrame(columns=["rid", "col", "value", "code", "p1", "p2"])
    # a file of millions of wrong rows is answered with its first MAX_ERRORS problems, not
    # with gigabytes of messages
    return cur.execute(
        "SELECT * FROM (" + " UNION ALL ".join(parts) + ") ORDER BY rid, col, code"
        f" LIMIT {MAX_ERRORS}"
    ).df()
