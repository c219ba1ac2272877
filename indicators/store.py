"""The one place that talks to DuckDB: connect, migrate, and queries that return DataFrames.

Conventions
- One read-write connection per process (the app holds it with st.cache_resource); every
  function takes that connection and works on its own `con.cursor()`, because a DuckDB
  connection is not safe across threads and cursors are.
- Observations are append-only. A correction is a new row; which row counts is derived
  (the latest approved one per key), so history stays readable.
- Every write goes through `transaction()`, which bumps the data version that caches key on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd

DEFAULT_DB = Path(__file__).resolve().parent.parent / "data" / "indicators.duckdb"


class ReadOnlyError(PermissionError):
    """A write was attempted on a database opened read-only (public mode)."""


def db_path() -> Path:
    return Path(os.environ.get("INDICATORS_DB") or DEFAULT_DB)


def public_mode() -> bool:
    return os.environ.get("INDICATORS_PUBLIC", "").strip().lower() in {"1", "true", "yes"}


# --------------------------------------------------------------------------- migrations
# Numbered, append-only: never edit a released migration, add the next one.
MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "core schema",
        """
        CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO meta VALUES ('data_version', 0) ON CONFLICT DO NOTHING;

        CREATE TABLE IF NOT EXISTS theme (
            key VARCHAR PRIMARY KEY, name_en VARCHAR NOT NULL, name_fi VARCHAR, name_sv VARCHAR,
            position INTEGER NOT NULL DEFAULT 0);

        CREATE TABLE IF NOT EXISTS indicator (
            key VARCHAR PRIMARY KEY, theme VARCHAR NOT NULL,
            name_en VARCHAR NOT NULL, name_fi VARCHAR, name_sv VARCHAR,
            unit VARCHAR NOT NULL, direction VARCHAR NOT NULL, aggregation VARCHAR NOT NULL,
            resolution VARCHAR NOT NULL DEFAULT 'year', breakdowns VARCHAR[] NOT NULL DEFAULT [],
            breakdown_names JSON, min_value DOUBLE, max_value DOUBLE, scale DOUBLE DEFAULT 1,
            numerator_en VARCHAR, denominator_en VARCHAR, labels JSON,
            definition_en VARCHAR, definition_fi VARCHAR, definition_sv VARCHAR,
            source VARCHAR, source_url VARCHAR, per_resident BOOLEAN DEFAULT false,
            position INTEGER NOT NULL DEFAULT 0);

        CREATE TABLE IF NOT EXISTS district (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, city VARCHAR, country VARCHAR,
            kind VARCHAR NOT NULL DEFAULT 'district', synthetic BOOLEAN NOT NULL DEFAULT false,
            description VARCHAR, source_url VARCHAR);

        CREATE TABLE IF NOT EXISTS organisation (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL,
            synthetic BOOLEAN NOT NULL DEFAULT false);

        CREATE TABLE IF NOT EXISTS project (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, district_id VARCHAR NOT NULL,
            organisation_id VARCHAR NOT NULL, gross_floor_area DOUBLE,
            synthetic BOOLEAN NOT NULL DEFAULT false);

        CREATE SEQUENCE IF NOT EXISTS target_seq;
        CREATE TABLE IF NOT EXISTS target (
            id BIGINT PRIMARY KEY DEFAULT nextval('target_seq'),
            indicator VARCHAR NOT NULL, district_id VARCHAR, project_id VARCHAR,
            breakdown VARCHAR NOT NULL DEFAULT '', year INTEGER, value DOUBLE NOT NULL,
            comparator VARCHAR NOT NULL DEFAULT '>=', baseline_year INTEGER,
            baseline_value DOUBLE, source VARCHAR);

        CREATE SEQUENCE IF NOT EXISTS submission_seq;
        CREATE TABLE IF NOT EXISTS submission (
            id BIGINT PRIMARY KEY DEFAULT nextval('submission_seq'),
            organisation_id VARCHAR, submitted_by VARCHAR NOT NULL,
            submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, row_count BIGINT NOT NULL,
            status VARCHAR NOT NULL DEFAULT 'pending', reviewer VARCHAR,
            reviewed_at TIMESTAMP, comment VARCHAR, kind VARCHAR NOT NULL DEFAULT 'upload');

        -- no primary key: observations are only ever appended, ids come from the sequence,
        -- and an index would slow the million-row imports down for nothing
        CREATE SEQUENCE IF NOT EXISTS observation_seq;
        CREATE TABLE IF NOT EXISTS observation (
            id BIGINT NOT NULL DEFAULT nextval('observation_seq'),
            submission_id BIGINT NOT NULL, indicator VARCHAR NOT NULL,
            district_id VARCHAR NOT NULL, project_id VARCHAR,
            period VARCHAR NOT NULL, year SMALLINT NOT NULL, month TINYINT,
            breakdown VARCHAR NOT NULL DEFAULT '', series VARCHAR NOT NULL DEFAULT '',
            value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit VARCHAR,
            comment VARCHAR, source VARCHAR, supersedes BIGINT,
            synthetic BOOLEAN NOT NULL DEFAULT false);

        CREATE TABLE IF NOT EXISTS app_user (
            email VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, organisation_id VARCHAR,
            name VARCHAR, added_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            added_by VARCHAR);

        CREATE SEQUENCE IF NOT EXISTS audit_seq;
        CREATE TABLE IF NOT EXISTS audit (
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
            "at" TIMESTAMP NOT NULL DEFAULT current_timestamp, actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL, entity VARCHAR, detail JSON);
        """,
    ),
    (
        2,
        "submission lookup by content hash",
        "CREATE INDEX IF NOT EXISTS submission_sha ON submission (sha256);",
    ),
]


def _ensure_migration_table(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    with con.cursor() as cur:
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migration'"
        ).fetchone()[0]
        if not exists:
            return 0
        return cur.execute("SELECT coalesce(max(version), 0) FROM schema_migration").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, migrations=None) -> list[int]:
    """Apply the migrations this database has not seen; return the versions applied."""
    migrations = MIGRATIONS if migrations is None else migrations
    applied = []
    with con.cursor() as cur:
        _ensure_migration_table(cur)
        done = {row[0] for row in cur.execute("SELECT version FROM schema_migration").fetchall()}
        for version, name, sql in migrations:
            if version in done:
                continue
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(sql)
                cur.execute(
                    "INSERT INTO schema_migration (version, name) VALUES (?, ?)", [version, name]
                )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            applied.append(version)
    return applied


def connect(
    path: Path | str | None = None, *, read_only: bool | None = None
) -> duckdb.DuckDBPyConnection:
    """Open (and, when writable, create and migrate) the database.

    Public mode (INDICATORS_PUBLIC=1) opens read-only unless told otherwise.
    """
    path = Path(path) if path is not None else db_path()
    if read_only is None:
        read_only = public_mode()
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"database {path} does not exist")
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    migrate(con)
    return con


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    with con.cursor() as cur:
        return cur.execute("SELECT current_setting('access_mode')").fetchone()[0] == "read_only"


# --------------------------------------------------------------------------- writes


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one transaction that bumps the data version; all or nothing."""
    if is_read_only(con):
        raise ReadOnlyError("the database is open read-only (public mode): nothing can be written")
    cur = con.cursor()
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):
            cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()


def audit(
    cur: duckdb.DuckDBPyConnection, actor: str, action: str, entity: str, detail: dict | None = None
) -> None:
    cur.execute(
        "INSERT INTO audit (actor, action, entity, detail) VALUES (?, ?, ?, ?)",
        [actor, action, entity, json.dumps(detail or {}, default=str, ensure_ascii=False)],
    )


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    with con.cursor() as cur:
        return cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]


def query(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
) -> pd.DataFrame:
    """Run a read on its own cursor and return a DataFrame.

    Goes through Arrow: several times faster than .df() for large results.
    """
    with con.cursor() as cur:
        return cur.execute(sql, params or []).arrow().read_all().to_pandas()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    with con.cursor() as cur:
        row = cur.execute(sql, params or []).fetchone()
        return row[0] if row else None


# --------------------------------------------------------------------------- reference data


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def sync_catalog(con: duckdb.DuckDBPyConnection, catalog, actor: str = "system") -> dict[str, int]:
    """Write the catalog's themes, indicators, districts and targets.

    Themes, indicators and districts follow the catalog (it is their definition). Targets are
    only added when missing, so an official's later edit in the app is never overwritten.
    Returns counts of what changed; nothing changed means no transaction and no version bump.
    """
    themes = pd.DataFrame(
        [
            {
                "key": t.key,
                "name_en": t.name.en,
                "name_fi": t.name.fi,
                "name_sv": t.name.sv,
                "position": t.position,
            }
            for t in catalog.themes
        ]
    )
    indicators = pd.DataFrame(
        [
            {
                "key": i.key,
                "theme": i.theme,
                "name_en": i.name.en,
                "name_fi": i.name.get("fi"),
                "name_sv": i.name.get("sv"),
                "unit": i.unit,
                "direction": i.direction,
                "aggregation": i.aggregation,
                "resolution": i.resolution,
                "breakdowns": list(i.breakdowns),
                "breakdown_names": _json({k: v.model_dump() for k, v in i.breakdowns.items()}),
                "min_value": i.min,
                "max_value": i.max,
                "scale": i.scale,
                "numerator_en": i.numerator.en if i.numerator else None,
                "denominator_en": i.denominator.en if i.denominator else None,
                "labels": _json(
                    {
                        "name": i.name.model_dump(),
                        "numerator": i.numerator.model_dump() if i.numerator else None,
                        "denominator": i.denominator.model_dump() if i.denominator else None,
                    }
                ),
                "definition_en": i.definition.en,
                "definition_fi": i.definition.get("fi"),
                "definition_sv": i.definition.get("sv"),
                "source": i.source,
                "source_url": i.source_url,
                "per_resident": i.per_resident,
                "position": n,
            }
            for n, i in enumerate(catalog.indicators)
        ]
    )
    districts = pd.DataFrame([d.model_dump() for d in catalog.districts])
    targets = pd.DataFrame(
        [
            {
                "indicator": t.indicator,
                "district_id": t.district,
                "project_id": t.project,
                "breakdown": t.breakdown,
                "year": t.year,
                "value": t.value,
                "comparator": t.comparator,
                "baseline_year": t.baseline_year,
                "baseline_value": t.baseline_value,
                "source": t.source,
            }
            for t in catalog.targets
        ],
        columns=[
            "indicator",
            "district_id",
            "project_id",
            "breakdown",
            "year",
            "value",
            "comparator",
            "baseline_year",
            "baseline_value",
            "source",
        ],
    )
    with con.cursor() as cur:
        changed = {
            "themes": _count_changed(cur, "theme", themes, "key"),
            "indicators": _count_changed(cur, "indicator", indicators, "key"),
            "districts": _count_changed(cur, "district", districts, "id"),
            "targets": _missing_targets(cur, targets),
        }
    if not any(changed.values()):
        return changed
    with transaction(con) as cur:
        _upsert(cur, "theme", themes)
        _upsert(cur, "indicator", indicators)
        _upsert(cur, "district", districts)
        _insert_missing_targets(cur, targets)
        audit(cur, actor, "catalog.sync", "catalog", changed)
    return changed


def _upsert(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cur.register("incoming", frame)
    columns = ", ".join(frame.columns)
    cur.execute(f"INSERT OR REPLACE INTO {table} ({columns}) SELECT {columns} FROM incoming")
    cur.unregister("incoming")


def _count_changed(
    cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, key: str
) -> int:
    """Rows of `frame` that are new or differ from what the table holds."""
    if frame.empty:
        return 0
    cur.register("incoming", frame)
    columns = ", ".join(frame.columns)
    n = cur.execute(
        f"SELECT count(*) FROM (SELECT {columns} FROM incoming EXCEPT SELECT {columns} FROM {table})"
    ).fetchone()[0]
    cur.unregister("incoming")
    return n


_TARGET_KEY = """
    t.indicator = i.indicator AND t.district_id IS NOT DISTINCT FROM i.district_id
    AND t.project_id IS NOT DISTINCT FROM i.project_id AND t.breakdown = i.breakdown
"""


def _missing_targets(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    cur.register("incoming_targets", frame)
    n = cur.execute(
        f"SELECT count(*) FROM incoming_targets i WHERE NOT EXISTS (SELECT 1 FROM target t WHERE {_TARGET_KEY})"
    ).fetchone()[0]
    cur.unregister("incoming_targets")
    return n


def _insert_missing_targets(cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> int:
    if frame.empty:
        return 0
    cur.register("incoming_targets", frame)
    columns = ", ".join(frame.columns)
    cur.execute(
        f"INSERT INTO target ({columns}) SELECT {columns} FROM incoming_targets i "
        f"WHERE NOT EXISTS (SELECT 1 FROM target t WHERE {_TARGET_KEY})"
    )
    cur.unregister("incoming_targets")
    return len(frame)


def add_reference(
    con: duckdb.DuckDBPyConnection,
    *,
    districts: pd.DataFrame | None = None,
    organisations: pd.DataFrame | None = None,
    projects: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    actor: str = "system",
) -> None:
    """Insert or replace districts, organisations and projects; add missing targets."""
    with transaction(con) as cur:
        for table, frame in (
            ("district", districts),
            ("organisation", organisations),
            ("project", projects),
        ):
            if frame is not None and not frame.empty:
                _upsert(cur, table, frame)
                audit(
                    cur,
                    actor,
                    f"{table}.upsert",
                    table,
                    {"ids": frame.iloc[:, 0].tolist()[:50], "count": len(frame)},
                )
        if targets is not None and not targets.empty:
            _insert_missing_targets(cur, targets)
            audit(cur, actor, "target.add", "target", {"count": len(targets)})


# --------------------------------------------------------------------------- submissions and observations

OBSERVATION_COLUMNS = [
    "indicator",
    "district_id",
    "project_id",
    "period",
    "year",
    "month",
    "breakdown",
    "series",
    "value",
    "numerator",
    "denominator",
    "unit",
    "comment",
    "source",
    "supersedes",
    "synthetic",
]


def submission_by_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> dict | None:
    with con.cursor() as cur:
        row = cur.execute(
            "SELECT id, status, submitted_by, submitted_at, file_name FROM submission "
            "WHERE sha256 = ? AND status <> 'rejected' ORDER BY id LIMIT 1",
            [sha256],
        ).fetchone()
    if row is None:
        return None
    return dict(
        zip(["id", "status", "submitted_by", "submitted_at", "file_name"], row, strict=True)
    )


def create_submission(
    cur: duckdb.DuckDBPyConnection,
    *,
    organisation: str | None,
    submitted_by: str,
    file_name: str,
    sha256: str,
    row_count: int,
    status: str = "pending",
    kind: str = "upload",
    reviewer: str | None = None,
    comment: str | None = None,
) -> int:
    """Inside a transaction: add a submission row and return its id."""
    return cur.execute(
        "INSERT INTO submission (organisation_id, submitted_by, file_name, sha256, row_count, status,"
        " kind, reviewer, reviewed_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
        " CASE WHEN ? = 'approved' THEN current_timestamp END, ?) RETURNING id",
        [
            organisation,
            submitted_by,
            file_name,
            sha256,
            row_count,
            status,
            kind,
            reviewer,
            status,
            comment,
        ],
    ).fetchone()[0]


def append_observations(
    cur: duckdb.DuckDBPyConnection, relation_name: str, submission_id: int
) -> int:
    """Inside a transaction: append the rows of a registered frame or table as observations.

    `relation_name` must have the OBSERVATION_COLUMNS (missing optional ones may be NULL).
    """
    columns = ", ".join(OBSERVATION_COLUMNS)
    return cur.execute(
        f"INSERT INTO observation (submission_id, {columns}) SELECT ?, {columns} FROM {relation_name}",
        [submission_id],
    ).fetchone()[0]


def load_observations(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    *,
    file_name: str,
    sha256: str,
    submitted_by: str,
    organisation: str | None = None,
    status: str = "approved",
    kind: str = "import",
) -> int | None:
    """Store a whole frame of observations as one submission, unless that content is already in.

    Returns the new submission id, or None when the same content was loaded before.
    """
    if submission_by_sha(con, sha256) is not None:
        return None
    frame = frame.reindex(columns=OBSERVATION_COLUMNS)
    with transaction(con) as cur:
        sid = create_submission(
            cur,
            organisation=organisation,
            submitted_by=submitted_by,
            file_name=file_name,
            sha256=sha256,
            row_count=len(frame),
            status=status,
            kind=kind,
            reviewer=submitted_by if status == "approved" else None,
        )
        cur.register("incoming_observations", frame)
        append_observations(cur, "incoming_observations", sid)
        cur.unregister("incoming_observations")
        audit(
            cur,
            submitted_by,
            f"submission.{kind}",
            f"submission:{sid}",
            {"file": file_name, "rows": len(frame)},
        )
    return sid


def review_submission(
    con: duckdb.DuckDBPyConnection,
    submission_id: int,
    *,
    approve: bool,
    reviewer: str,
    comment: str | None,
) -> None:
    """Approve or reject a pending submission (permission is checked in indicators.access)."""
    status = "approved" if approve else "rejected"
    with transaction(con) as cur:
        row = cur.execute("SELECT status FROM submission WHERE id = ?", [submission_id]).fetchone()
        if row is None:
            raise LookupError(f"submission {submission_id} does not exist")
        if row[0] != "pending":
            raise ValueError(f"submission {submission_id} is already {row[0]}")
        cur.execute(
            "UPDATE submission SET status = ?, reviewer = ?, reviewed_at = current_timestamp,"
            " comment = ? WHERE id = ?",
            [status, reviewer, comment, submission_id],
        )
        audit(
            cur,
            reviewer,
            f"submission.{status}",
            f"submission:{submission_id}",
            {"comment": comment},
        )


# --------------------------------------------------------------------------- users


def upsert_user(con: duckdb.DuckDBPyConnection, user, *, actor: str) -> None:
    with transaction(con) as cur:
        cur.execute(
            "INSERT OR REPLACE INTO app_user (email, role, organisation_id, name, added_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [user.email, user.role, user.organisation, user.name, actor],
        )
        audit(
            cur,
            actor,
            "user.set",
            f"user:{user.email}",
            {"role": user.role, "organisation": user.organisation},
        )


def remove_user(con: duckdb.DuckDBPyConnection, email: str, *, actor: str) -> bool:
    with transaction(con) as cur:
        gone = cur.execute(
            "DELETE FROM app_user WHERE email = ? RETURNING email", [email.lower()]
        ).fetchall()
        if gone:
            audit(cur, actor, "user.remove", f"user:{email.lower()}")
    return bool(gone)


def get_user(con: duckdb.DuckDBPyConnection, email: str) -> dict | None:
    with con.cursor() as cur:
        row = cur.execute(
            "SELECT email, role, organisation_id, name FROM app_user WHERE email = ?",
            [email.strip().lower()],
        ).fetchone()
    return (
        None
        if row is None
        else dict(zip(["email", "role", "organisation", "name"], row, strict=True))
    )


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(
        con,
        "SELECT email, role, organisation_id AS organisation, name, added_at, added_by"
        " FROM app_user ORDER BY role, email",
    )


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


def effective_observations_sql(include_pending: bool = False, condition: str | None = None) -> str:
    """The observations that count: per key, the latest approved row (or pending, if asked).

    A correction never overwrites; it wins here because it was approved later.
    """
    statuses = "'approved', 'pending'" if include_pending else "'approved'"
    return f"""
        SELECT o.*, s.status, s.status = 'pending' AS pending, s.organisation_id
        FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status IN ({statuses}) {f"AND ({condition})" if condition else ""}
        QUALIFY row_number() OVER (
            PARTITION BY o.indicator, o.district_id, o.project_id, o.period, o.breakdown, o.series
            ORDER BY s.status = 'pending' DESC, s.reviewed_at DESC NULLS LAST, o.id DESC) = 1
    """


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
        WITH ds AS ({_district_figures_sql(include_pending, headline_only=True)}),
        head AS (
            SELECT ds.*, i.aggregation = 'sum' AND ds.breakdown <> '' AS summed
            FROM ds JOIN indicator i ON i.key = ds.indicator
            WHERE ds.series = '' AND ds.value IS NOT NULL
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
                   e.breakdown, e.series, e.value, e.numerator, e.denominator, e.unit, e.comment,
                   e.source, e.synthetic, e.submission_id, e.status
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


# ---- administration (access, targets, audit, publish)
# Permission checks are indicators.access's job and validation indicators.editing's; these are
# the reads and writes. Every write is one transaction with one audit row per changed row.

ADMIN_TARGET_COLUMNS = [
    "indicator",
    "district_id",
    "project_id",
    "breakdown",
    "year",
    "value",
    "comparator",
    "baseline_year",
    "baseline_value",
    "source",
]
ADMIN_REFERENCE_COLUMNS: dict[str, list[str]] = {
    "district": [
        "id",
        "name",
        "city",
        "country",
        "kind",
        "synthetic",
        "description",
        "source_url",
    ],
    "organisation": ["id", "name", "synthetic"],
    "project": ["id", "name", "district_id", "organisation_id", "gross_floor_area", "synthetic"],
}


def audit_log(
    con: duckdb.DuckDBPyConnection,
    *,
    actor: str | None = None,
    actions: list[str] | None = None,
    entity: str | None = None,
    since=None,
    until=None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Audit rows, newest first. `entity` matches a part of the entity (case-insensitive);
    `since` and `until` are dates or timestamps (until a date = to the end of that day)."""
    until_exclusive = None
    if until is not None:
        until_exclusive = pd.Timestamp(until)
        if until_exclusive == until_exclusive.normalize():
            until_exclusive += pd.Timedelta(days=1)
    return query(
        con,
        'SELECT id, "at", actor, action, entity, CAST(detail AS VARCHAR) AS detail FROM audit'
        " WHERE ($actor IS NULL OR actor = $actor)"
        " AND ($no_actions OR list_contains($actions, action))"
        " AND ($entity IS NULL OR entity ILIKE '%' || $entity || '%')"
        ' AND ($since IS NULL OR "at" >= $since) AND ($until IS NULL OR "at" < $until)'
        " ORDER BY id DESC LIMIT $limit",
        {
            "actor": actor or None,
            "no_actions": not actions,
            "actions": list(actions or []),
            "entity": entity or None,
            "since": None if since is None else pd.Timestamp(since).to_pydatetime(),
            "until": None if until_exclusive is None else until_exclusive.to_pydatetime(),
            "limit": limit if limit is not None else 2**62,
        },
    )


def audit_facets(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The actors and actions the audit log holds (for filter choices)."""
    with con.cursor() as cur:
        actors = [
            r[0] for r in cur.execute("SELECT DISTINCT actor FROM audit ORDER BY 1").fetchall()
        ]
        actions = [
            r[0] for r in cur.execute("SELECT DISTINCT action FROM audit ORDER BY 1").fetchall()
        ]
    return {"actors": actors, "actions": actions}


def _plain(value):
    """A cell as a comparable, JSON-ready Python value (None for every kind of missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rows_by_id(frame: pd.DataFrame, id_column: str, columns: list[str]) -> dict:
    return {
        _plain(row[id_column]): {c: _plain(row[c]) for c in columns}
        for row in frame.to_dict("records")
    }


def replace_targets(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, requirements: bool, actor: str
) -> dict[str, int]:
    """Make the district targets (or project requirements) equal to `frame` (validated rows;
    `id` blank for new ones). Each added, changed and removed target gets its own audit row."""
    scope = "project_id IS NOT NULL" if requirements else "project_id IS NULL"
    columns = ADMIN_TARGET_COLUMNS
    kind = "requirement" if requirements else "target"
    edited = frame.reindex(columns=["id", *columns])
    with con.cursor() as cur:
        current = cur.execute(f"SELECT id, {', '.join(columns)} FROM target WHERE {scope}").df()
    before = _rows_by_id(current, "id", columns)
    new_rows = [
        {c: _plain(r[c]) for c in columns}
        for r in edited.to_dict("records")
        if _plain(r["id"]) is None or _plain(r["id"]) not in before
    ]
    after = {
        _plain(r["id"]): {c: _plain(r[c]) for c in columns}
        for r in edited.to_dict("records")
        if _plain(r["id"]) in before
    }
    changed = {i: row for i, row in after.items() if row != before[i]}
    removed = [i for i in before if i not in after]
    counts = {"added": len(new_rows), "changed": len(changed), "removed": len(removed)}
    if not any(counts.values()):
        return counts
    placeholders = ", ".join("?" for _ in columns)
    with transaction(con) as cur:
        for target_id in removed:
            cur.execute("DELETE FROM target WHERE id = ?", [target_id])
            audit(
                cur, actor, f"{kind}.remove", f"target:{target_id}", {"before": before[target_id]}
            )
        for target_id, row in changed.items():
            cur.execute(
                f"UPDATE target SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
                [row[c] for c in columns] + [target_id],
            )
            diff = {
                c: [before[target_id][c], row[c]] for c in columns if before[target_id][c] != row[c]
            }
            audit(cur, actor, f"{kind}.change", f"target:{target_id}", {"changed": diff})
        for row in new_rows:
            target_id = cur.execute(
                f"INSERT INTO target ({', '.join(columns)}) VALUES ({placeholders}) RETURNING id",
                [row[c] for c in columns],
            ).fetchone()[0]
            audit(cur, actor, f"{kind}.add", f"target:{target_id}", {"after": row})
    return counts


def replace_reference(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, actor: str
) -> dict[str, int]:
    """Make the districts, organisations or projects equal to `frame` (validated rows, keyed by
    id). A row still referred to is never removed (the transaction fails whole)."""
    columns = ADMIN_REFERENCE_COLUMNS[table]
    with con.cursor() as cur:
        current = cur.execute(f"SELECT {', '.join(columns)} FROM {table}").df()
    before = _rows_by_id(current, "id", columns)
    after = _rows_by_id(frame.reindex(columns=columns), "id", columns)
    added = [i for i in after if i not in before]
    changed = [i for i in after if i in before and after[i] != before[i]]
    removed = [i for i in before if i not in after]
    counts = {"added": len(added), "changed": len(changed), "removed": len(removed)}
    if not any(counts.values()):
        return counts
    placeholders = ", ".join("?" for _ in columns)
    with transaction(con) as cur:
        for row_id in removed:
            cur.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
            audit(cur, actor, f"{table}.remove", f"{table}:{row_id}", {"before": before[row_id]})
        for row_id in changed:
            row = after[row_id]
            cur.execute(
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in columns[1:])} WHERE id = ?",
                [row[c] for c in columns[1:]] + [row_id],
            )
            diff = {c: [before[row_id][c], row[c]] for c in columns if before[row_id][c] != row[c]}
            audit(cur, actor, f"{table}.change", f"{table}:{row_id}", {"changed": diff})
        for row_id in added:
            row = after[row_id]
            cur.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                [row[c] for c in columns],
            )
            audit(cur, actor, f"{table}.add", f"{table}:{row_id}", {"after": row})
    return counts


# What a public snapshot holds: the catalog, the districts, organisations and projects, the
# district targets, and only approved submissions and their observations. No user table, no
# pending or rejected data, no e-mail addresses, no review comments.
_SNAPSHOT_TABLES: list[tuple[str, str]] = [
    ("theme", "SELECT * FROM theme"),
    ("indicator", "SELECT * FROM indicator"),
    ("district", "SELECT * FROM district"),
    ("organisation", "SELECT * FROM organisation"),
    ("project", "SELECT * FROM project"),
    ("target", "SELECT * FROM target WHERE project_id IS NULL"),
    (
        "submission",
        "SELECT id, organisation_id, coalesce(organisation_id, 'city') AS submitted_by,"
        " submitted_at, CASE WHEN kind = 'upload' THEN 'upload' ELSE file_name END AS file_name,"
        " sha256, row_count, status, NULL AS reviewer, reviewed_at, NULL AS comment, kind"
        " FROM submission WHERE status = 'approved'",
    ),
    (
        "observation",
        "SELECT o.* FROM observation o JOIN submission s ON s.id = o.submission_id"
        " WHERE s.status = 'approved'",
    ),
]


def publish_snapshot(
    con: duckdb.DuckDBPyConnection, out: Path | str, *, actor: str = "system"
) -> dict[str, int]:
    """Write a new database file at `out` with what the public may see (see _SNAPSHOT_TABLES).

    Only reads `con`, so it works on a read-only (public) instance too. The file is built beside
    `out` and moved into place at the end, so a reader never sees half a snapshot. Returns the
    rows written per table.
    """
    out = Path(out)
    with con.cursor() as cur:
        source = cur.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()[0]
    if source and Path(source).resolve() == out.resolve():
        raise ValueError(f"{out} is the database being published; choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    snapshot = connect(partial, read_only=False)
    try:
        with con.cursor() as src, snapshot.cursor() as dst:
            dst.execute("BEGIN TRANSACTION")
            for table, sql in _SNAPSHOT_TABLES:
                dst.register("incoming", src.execute(sql).to_arrow_reader(100_000))
                counts[table] = dst.execute(
                    f"INSERT INTO {table} BY NAME SELECT * FROM incoming"
                ).fetchone()[0]
                dst.unregister("incoming")
            version = src.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
            dst.execute(
                "UPDATE meta SET value = ? WHERE key = 'data_version'",
                [version[0] if version else 0],
            )
            audit(dst, actor, "publish.snapshot", "database", {"rows": counts})
            dst.execute("COMMIT")
        snapshot.execute("CHECKPOINT")
    finally:
        snapshot.close()
    os.replace(partial, out)
    return counts


# ---- monitoring reads (pages)
# Reads behind the monitoring screens (overview, indicator, emissions, compare, projects,
# methodology). District figures follow district_series' rule exactly; these take lists of
# districts and indicators, so a page of 50 districts is one query, not 50.


def _district_figures_sql(
    include_pending: bool, headline_only: bool, one_year: bool = False
) -> str:
    """district_series' SQL with list filters ($districts, $indicators: NULL means all) and,
    with `one_year`, only the year $year (filtered before the window: one year stays small)."""
    series = "AND e.series = ''" if headline_only else ""
    condition = "o.year = $year" if one_year else None
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
                   CASE WHEN count(*) = 1 THEN min(e.comment) END AS note,
                   max(e.period) AS last_period
            FROM eff e
            WHERE ($indicators IS NULL OR list_contains($indicators, e.indicator))
              AND ($districts IS NULL OR list_contains($districts, e.district_id)) {series}
            GROUP BY ALL
        )
        SELECT a.district, a.indicator, a.year, a.breakdown, a.series,
               CASE
                 WHEN i.aggregation = 'ratio' AND a.denominator IS NOT NULL AND a.denominator <> 0
                   THEN a.numerator / a.denominator * i.scale
                 WHEN i.aggregation = 'sum' THEN a.v_sum
                 ELSE a.v_mean
               END AS value,
               a.numerator, a.denominator, a.projects, a.rows, a.district_level,
               a.pending, a.synthetic, a.source, a.note, a.last_period, i.unit
        FROM agg a JOIN indicator i ON i.key = a.indicator
        QUALIFY row_number() OVER (
            PARTITION BY a.district, a.indicator, a.year, a.breakdown, a.series
            ORDER BY a.district_level DESC) = 1
    """


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
        SELECT * FROM ({_district_figures_sql(include_pending, headline_only, year is not None)})
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
    residents that year and the value per resident (NULL where residents are not known)."""
    sql = f"""
        WITH fig AS ({_district_figures_sql(include_pending, True)}),
        sectors AS (SELECT * FROM fig WHERE indicator = $indicator AND breakdown <> ''),
        people AS (SELECT year, value AS residents FROM fig
                   WHERE indicator = $residents AND breakdown = '')
        SELECT s.year, s.breakdown AS sector, s.value, s.unit,
               s.value / nullif(sum(s.value) OVER (PARTITION BY s.year), 0) * 100 AS share,
               p.residents, s.value / nullif(p.residents, 0) AS per_resident,
               s.pending, s.synthetic, s.source, s.last_period AS period
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
    in indicators.compliance, not here.
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


# ---- ingest (compliance uploads)
# The SQL of indicators.ingest. A compliance file is read once into a temporary table of text
# (`ingest_raw`, one cursor's private temp schema), checked by set-based SQL (categorical rules
# on the few distinct values, numeric rules in one scan, duplicates by one GROUP BY) and stored
# with one INSERT ... SELECT inside one transaction. No Python loop touches a row.

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


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


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
    empty cells (Excel's trailing `;;;`). Without `capture_rejects` a malformed record raises
    duckdb.Error; with it, malformed records go to the temp table `ingest_rejects` and the rest
    is read.
    """
    numeric = {"value": "v0", "numerator": "n0", "denominator": "d0"}
    doubles = {positions[n] for n in numeric if n in positions} if typed else set()
    columns = ", ".join(
        f"'c{i}': '{'DOUBLE' if i in doubles else 'VARCHAR'}'" for i in range(n_columns)
    )
    options = [
        f"delim = {_sql_text(delimiter)}",
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
        source = f"SELECT {select}, {numbers} FROM read_csv({_sql_text(str(path))}, {', '.join(options)})"
    else:
        numbers = ", ".join(
            f"{_number_sql(name, decimal_comma)} AS {short}" for name, short in numeric.items()
        )
        source = (
            f"SELECT *, {numbers} FROM"
            f" (SELECT {select} FROM read_csv({_sql_text(str(path))}, {', '.join(options)}))"
        )
    empty = " AND ".join(f"{c} IS NULL" for c in [*text, "v0", "n0", "d0"])
    cur.execute("DROP VIEW IF EXISTS ingest_raw")
    records = cur.execute(f"CREATE OR REPLACE TEMP TABLE ingest_records AS {source}").fetchone()[0]
    cur.execute(
        "CREATE OR REPLACE TEMP VIEW ingest_raw AS SELECT rowid + 1 AS rid, * EXCLUDE (v0, n0, d0),"
        " CASE WHEN isfinite(v0) THEN v0 END AS v, CASE WHEN isfinite(n0) THEN n0 END AS n,"
        " CASE WHEN isfinite(d0) THEN d0 END AS d,"
        " v0 IS NOT NULL OR nullif(trim(value), '') IS NOT NULL AS has_v,"
        " n0 IS NOT NULL OR nullif(trim(numerator), '') IS NOT NULL AS has_n,"
        " d0 IS NOT NULL OR nullif(trim(denominator), '') IS NOT NULL AS has_d"
        f" FROM ingest_records WHERE NOT ({empty})"
    )
    return records


def ingest_rows(cur: duckdb.DuckDBPyConnection) -> int:
    """Data rows (records that are not all empty)."""
    return cur.execute("SELECT count(*) FROM ingest_raw").fetchone()[0]


def ingest_rejects(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The malformed records DuckDB's reader set aside (ragged rows, unterminated quotes)."""
    return cur.execute(
        "SELECT line_byte_position AS byte_position, column_idx, error_type, error_message,"
        " csv_line FROM ingest_rejects ORDER BY line_byte_position, column_idx"
    ).df()


def _number_sql(column: str, decimal_comma: bool) -> str:
    """Text -> DOUBLE or NULL: `65,5` (with decimal comma), `65.5`, `1 234,5` (NaN and
    infinity are read too; the view ingest_raw turns them into NULL)."""
    text = f"replace({column}, ',', '.')" if decimal_comma else column
    spaced = f"regexp_replace({text}, '[\\s\\x{{00A0}}\\x{{202F}}\\x{{2009}}]', '', 'g')"
    return f"coalesce(TRY_CAST({text} AS DOUBLE), TRY_CAST({spaced} AS DOUBLE))"


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
               r.denominator AS denominator_text, r.v, r.n, r.d, r.has_v, r.has_n, r.has_d
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


# every row with what its numbers must satisfy (see ingest_errors)
_NUMERIC_ROWS = """(
    SELECT r.rid, r.project, r.district, r.indicator, r.period, r.breakdown,
           r.value_text, r.numerator_text, r.denominator_text, r.v, r.n, r.d,
           i.key, i.aggregation, i.scale, i.min_value, i.max_value, i.share_capped, i.unit,
           r.has_v, r.has_n, r.has_d,
           CASE WHEN i.aggregation = 'ratio' AND r.v IS NULL AND r.d > 0
                THEN r.n / r.d * i.scale ELSE r.v END AS effective
    FROM ingest_parsed r LEFT JOIN ingest_dim_indicator i ON i.raw = r.indicator
)"""
# a row fails some numeric rule (the rules one by one: numeric_rules in ingest_errors)
_NUMERIC_BAD = """(
    (has_v AND v IS NULL) OR (has_n AND n IS NULL) OR (has_d AND d IS NULL)
    OR (key IS NOT NULL AND (
        (aggregation = 'ratio' AND (NOT has_n OR NOT has_d OR d <= 0 OR n < 0
            OR (share_capped AND n > d)
            OR (v IS NOT NULL AND d > 0
                AND abs(v - n / d * scale) > greatest(0.05, 0.005 * abs(n / d * scale)))))
        OR (aggregation <> 'ratio' AND (NOT has_v OR has_n OR has_d))
        OR effective < min_value OR effective > max_value))
)"""


def ingest_errors(cur: duckdb.DuckDBPyConnection, *, has_value_column: bool) -> pd.DataFrame:
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
        numeric_rules = [
            ("not_a_number", "value", "has_v AND v IS NULL", "NULL", "NULL"),
            ("not_a_number", "numerator", "has_n AND n IS NULL", "NULL", "NULL"),
            ("not_a_number", "denominator", "has_d AND d IS NULL", "NULL", "NULL"),
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
                " AND abs(v - n / d * scale) > greatest(0.05, 0.005 * abs(n / d * scale))",
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
        cur.execute(
            """
            CREATE OR REPLACE TEMP TABLE ingest_duplicates AS
            SELECT rid, first_rid FROM (
                SELECT rid, min(rid) OVER (
                    PARTITION BY project_id, district_id, indicator, period, breakdown) AS first_rid
                FROM ingest_obs)
            WHERE rid <> first_rid
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
    return cur.execute(
        "SELECT * FROM (" + " UNION ALL ".join(parts) + ") ORDER BY rid, col, code"
    ).df()


_INGEST_KEY_JOIN = """
    e.indicator = o.indicator AND e.district_id = o.district_id
    AND e.project_id IS NOT DISTINCT FROM o.project_id AND e.period = o.period
    AND e.breakdown = o.breakdown
"""


def _effective_for_sql(
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


_UPLOAD_KEYS = (
    "SELECT key FROM ingest_dim_indicator WHERE key IS NOT NULL",
    "SELECT norm FROM ingest_dim_period WHERE ok",
    "SELECT district_id FROM ingest_dim_project WHERE known UNION SELECT norm FROM ingest_dim_district",
)


def _submission_keys(submission_id: int) -> tuple[str, str, str]:
    rows = f"FROM observation WHERE submission_id = {int(submission_id)}"
    return (
        f"SELECT DISTINCT indicator {rows}",
        f"SELECT DISTINCT period {rows}",
        f"SELECT DISTINCT district_id {rows}",
    )


def _changes_sql(source: str, keys: tuple[str, str, str], exclude_submission: str = "NULL") -> str:
    """Per project (or district) and indicator: rows, how many are new and how many correct a
    stored figure, the period span, and for the latest period the figure now and as uploaded
    (breakdowns combined by the indicator's rule)."""
    return f"""
        WITH src AS (SELECT * FROM {source}),
        eff AS ({_effective_for_sql(*keys, exclude_submission)}),
        joined AS (
            SELECT o.*, e.id AS stored_id, e.value AS stored_value,
                   e.numerator AS stored_numerator, e.denominator AS stored_denominator
            FROM src o LEFT JOIN eff e ON {_INGEST_KEY_JOIN}
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


def ingest_preview(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(_changes_sql("ingest_obs", _UPLOAD_KEYS)).df()


def _requirement_failures_sql(source: str) -> str:
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


def ingest_requirement_failures(cur: duckdb.DuckDBPyConnection, limit: int = 1000) -> pd.DataFrame:
    return cur.execute(f"{_requirement_failures_sql('ingest_obs')} LIMIT {int(limit)}").df()


@contextmanager
def _transaction_on(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Like transaction(), on this very cursor (its temp tables are visible inside)."""
    if is_read_only(cur):
        raise ReadOnlyError("the database is open read-only (public mode): nothing can be written")
    cur.execute("BEGIN TRANSACTION")
    try:
        cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
        yield cur
        cur.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):
            cur.execute("ROLLBACK")
        raise


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
        with _transaction_on(cur):
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
                INSERT INTO observation (submission_id, indicator, district_id, project_id,
                    period, year, month, breakdown, series, value, numerator, denominator, unit,
                    comment, source, supersedes, synthetic)
                SELECT ?, o.indicator, o.district_id, o.project_id, o.period, o.year, o.month,
                       o.breakdown, '', o.value, o.numerator, o.denominator, o.unit, o.comment,
                       NULL, e.id, o.synthetic
                FROM ingest_obs o LEFT JOIN ({_effective_for_sql(*_UPLOAD_KEYS)}) e
                     ON {_INGEST_KEY_JOIN}
                ORDER BY o.rid
                """,
                [sid],
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


def submissions(
    con: duckdb.DuckDBPyConnection,
    *,
    organisation: str | None = None,
    status: str | None = None,
    kinds: tuple[str, ...] = ("upload",),
) -> pd.DataFrame:
    """Submissions newest first (optionally of one organisation or status), with the projects,
    indicators and periods they cover."""
    return query(
        con,
        """
        SELECT s.id, s.organisation_id AS organisation, s.submitted_by, s.submitted_at,
               s.file_name, s.row_count, s.status, s.reviewer, s.reviewed_at, s.comment,
               s.kind, s.sha256,
               (SELECT count(DISTINCT coalesce(o.project_id, o.district_id))
                  FROM observation o WHERE o.submission_id = s.id) AS places,
               (SELECT count(DISTINCT o.indicator) FROM observation o
                  WHERE o.submission_id = s.id) AS indicators,
               (SELECT min(o.period) || CASE WHEN min(o.period) <> max(o.period)
                                             THEN ' – ' || max(o.period) ELSE '' END
                  FROM observation o WHERE o.submission_id = s.id) AS periods
        FROM submission s
        WHERE list_contains($kinds, s.kind)
          AND ($org IS NULL OR s.organisation_id = $org)
          AND ($status IS NULL OR s.status = $status)
        ORDER BY s.status <> 'pending', s.id DESC
        """,
        {"kinds": list(kinds), "org": organisation, "status": status},
    )


def submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict | None:
    frame = query(
        con,
        "SELECT id, organisation_id AS organisation, submitted_by, submitted_at, file_name,"
        " sha256, row_count, status, reviewer, reviewed_at, comment, kind"
        " FROM submission WHERE id = ?",
        [submission_id],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def _submission_rows_sql(submission_id: int) -> str:
    return f"(SELECT * FROM observation WHERE submission_id = {int(submission_id)})"


def submission_changes(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """What approving this submission would change, against the figures that count now."""
    return query(
        con,
        _changes_sql(
            _submission_rows_sql(submission_id),
            _submission_keys(submission_id),
            str(int(submission_id)),
        ),
    )


def submission_requirement_failures(
    con: duckdb.DuckDBPyConnection, submission_id: int, limit: int = 1000
) -> pd.DataFrame:
    return query(
        con,
        f"{_requirement_failures_sql(_submission_rows_sql(submission_id))} LIMIT {int(limit)}",
    )


def submission_observations(
    con: duckdb.DuckDBPyConnection, submission_id: int, limit: int = 5000
) -> pd.DataFrame:
    return query(
        con,
        "SELECT project_id AS project, district_id AS district, indicator, period, breakdown,"
        " value, numerator, denominator, unit, comment, supersedes FROM observation"
        " WHERE submission_id = ? ORDER BY project_id, indicator, period, breakdown LIMIT ?",
        [submission_id, limit],
    )


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
            ) TO {_sql_text(str(path))} (HEADER, DELIMITER {_sql_text(delimiter)})
            """,
            {"org": organisation, "end": end_year, "years": years, "rows": rows, "seed": seed},
        )
    return rows
