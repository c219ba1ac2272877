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


def effective_observations_sql(include_pending: bool = False) -> str:
    """The observations that count: per key, the latest approved row (or pending, if asked).

    A correction never overwrites; it wins here because it was approved later.
    """
    statuses = "'approved', 'pending'" if include_pending else "'approved'"
    return f"""
        SELECT o.*, s.status, s.status = 'pending' AS pending, s.organisation_id
        FROM observation o JOIN submission s ON s.id = o.submission_id
        WHERE s.status IN ({statuses})
        QUALIFY row_number() OVER (
            PARTITION BY o.indicator, o.district_id, o.project_id, o.period, o.breakdown, o.series
            ORDER BY s.status = 'pending' DESC, s.reviewed_at DESC NULLS LAST, o.id DESC) = 1
    """


def _district_series_sql(include_pending: bool) -> str:
    """Yearly district figures; parameters $indicator and $district (NULL for all)."""
    return f"""
        WITH eff AS ({effective_observations_sql(include_pending)}),
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
            WHERE ($indicator IS NULL OR e.indicator = $indicator)
              AND ($district IS NULL OR e.district_id = $district)
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
    sql = f"""{_district_series_sql(include_pending)}
        ORDER BY a.district, a.indicator, a.breakdown, a.series, a.year"""
    return query(con, sql, {"indicator": indicator, "district": district})


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
        WITH ds AS ({_district_series_sql(include_pending)}),
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
    return query(con, sql, {"indicator": indicator, "district": district, "base": base_year})


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
