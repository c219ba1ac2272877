"""Open, migrate and write to the database: connections, the migration list, transactions
that bump the data version, the audit row, and the two read helpers every other module uses.

This is the store's one door: a file path opens a DuckDB file, `ducklake:postgres:<libpq>` a
DuckLake with a PostgreSQL catalog (see lake.py); everything above runs the same SQL on both.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import duckdb
import pandas as pd

from . import lake
from .files import check_database_file
from .lake_schema import MIGRATION_TABLE, for_lake

DEFAULT_DB = Path(__file__).resolve().parents[2] / "data" / "indicators.duckdb"


class ReadOnlyError(PermissionError):
    """A write was attempted on a database opened read-only (public mode)."""


def db_path(value: str | Path | None = None) -> Path | str:
    """The database to open: `value` (a --db argument), else INDICATORS_DB, else the default
    file. A `ducklake:` address stays a string; anything else is a file path."""
    value = value or os.environ.get("INDICATORS_DB") or DEFAULT_DB
    return value if lake.is_lake(value) else Path(value)


def database_exists(target: Path | str) -> bool:
    """Whether there is a database to read: a lake is asked when opened, a file is checked."""
    return lake.is_lake(target) or Path(target).exists()


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
    (
        3,
        "project's last reporting year",
        # NULL: still reporting. After this year the project is no longer expected to report,
        # so a district total without it is whole (see effective.district_figures_sql).
        "ALTER TABLE project ADD COLUMN IF NOT EXISTS reporting_until INTEGER;",
    ),
    (
        4,
        "context indicators and district names per language",
        # context: a plan, the population, a count without a desired direction -- shown as a
        # fact, never given a progress status. name_fi/name_sv: the name readers of that
        # language know a district by (Norra Djurgårdsstaden); NULL falls back to `name`.
        """
        ALTER TABLE indicator ADD COLUMN IF NOT EXISTS context BOOLEAN DEFAULT false;
        ALTER TABLE district ADD COLUMN IF NOT EXISTS name_fi VARCHAR;
        ALTER TABLE district ADD COLUMN IF NOT EXISTS name_sv VARCHAR;
        """,
    ),
    (
        5,
        "reporting calendar, mail log, each user's language",
        # Written the way DuckLake can run it: no keys, sequences or indexes; ids are
        # coalesce(max(id), 0) + 1 inside the writing transaction (store/mail_log.py).
        """
        -- when a period's figure is due: `months_after` the period's last month, on `due_day`
        -- (clamped to the month's length). district_id NULL: the catalog's default.
        CREATE TABLE IF NOT EXISTS reporting_calendar (
            indicator VARCHAR NOT NULL, district_id VARCHAR,
            months_after INTEGER NOT NULL, due_day INTEGER NOT NULL,
            changed_by VARCHAR, changed_at TIMESTAMP);
        -- every message sent (reminders and review decisions): who, when, what
        CREATE TABLE IF NOT EXISTS mail_log (
            id BIGINT NOT NULL, sent_at TIMESTAMP NOT NULL, for_date DATE NOT NULL,
            email VARCHAR NOT NULL, organisation_id VARCHAR, kind VARCHAR NOT NULL,
            subject VARCHAR NOT NULL, language VARCHAR, items INTEGER NOT NULL DEFAULT 0,
            detail JSON);
        ALTER TABLE app_user ADD COLUMN IF NOT EXISTS language VARCHAR;
        -- the first year a project must report (NULL: its first reported year, else this year)
        ALTER TABLE project ADD COLUMN IF NOT EXISTS reporting_from INTEGER;
        """,
    ),
]


def _ensure_migration_table(cur: duckdb.DuckDBPyConnection) -> None:
    if lake.lake_of(cur) is not None:
        cur.execute(MIGRATION_TABLE)
        return
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    with con.cursor() as cur:
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables"
            " WHERE table_name = 'schema_migration' AND table_catalog = current_database()"
        ).fetchone()[0]
        if not exists:
            return 0
        return cur.execute("SELECT coalesce(max(version), 0) FROM schema_migration").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, migrations=None) -> list[int]:
    """Apply the migrations this database has not seen; return the versions applied.

    Under the write lock: of several replicas starting together one migrates, the others wait
    and then find nothing left to do. On a lake, migrations 1-2 run their DuckLake variant.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    applied = []
    with con.cursor() as cur, _write_lock(cur):
        on_lake = lake.lake_of(cur) is not None
        _ensure_migration_table(cur)
        done = {row[0] for row in cur.execute("SELECT version FROM schema_migration").fetchall()}
        for version, name, sql in migrations:
            if version in done:
                continue
            if on_lake:
                sql = for_lake(version, sql)
            cur.execute("BEGIN TRANSACTION")
            try:
                if sql.strip():
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
    """Open (and, when writable, create and migrate) the database: a DuckDB file, or a lake
    when `path` (or INDICATORS_DB) is `ducklake:postgres:<libpq string>`.

    Public mode (INDICATORS_PUBLIC=1) opens read-only unless told otherwise.
    """
    path = db_path(path)
    if read_only is None:
        read_only = public_mode()
    if lake.is_lake(path):
        con = lake.open_lake(path, read_only=read_only)
        if read_only:
            _require_current_schema(con, path)
        else:
            migrate(con)
        return con
    check_database_file(path, create=not read_only)
    if read_only:
        if not path.exists():
            raise FileNotFoundError(f"database {path} does not exist")
        con = duckdb.connect(str(path), read_only=True)
        _require_current_schema(con, path)
        return con
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    migrate(con)
    return con


class OutdatedSchemaError(RuntimeError):
    """A read-only database was written by an older version of the app (it cannot migrate)."""


def _require_current_schema(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    have, need = schema_version(con), max(version for version, _, _ in MIGRATIONS)
    if have < need:
        con.close()
        raise OutdatedSchemaError(
            f"database {path} has schema version {have} and this app needs {need}: publish a new"
            " snapshot with `python -m indicators publish --out PATH`, or open it once writable"
            " (without INDICATORS_PUBLIC) to migrate it"
        )


def is_read_only(con: duckdb.DuckDBPyConnection) -> bool:
    if (store := lake.lake_of(con)) is not None:
        return store.read_only
    with con.cursor() as cur:
        return cur.execute("SELECT current_setting('access_mode')").fetchone()[0] == "read_only"


# --------------------------------------------------------------------------- writes


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside one transaction that bumps the data version; all or nothing."""
    with con.cursor() as cur, transaction_on(cur):
        yield cur


@contextmanager
def transaction_on(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Like transaction(), on this very cursor: for work whose temp tables live on the cursor.

    Writes are serialised (a process lock; on a lake also PostgreSQL's advisory lock across
    replicas), so ids worked out as max + 1 and uniqueness checks inside hold until COMMIT.
    On a lake the snapshot id is the data version, so the meta row is left alone.
    """
    if is_read_only(cur):
        raise ReadOnlyError("the database is open read-only (public mode): nothing can be written")
    with _write_lock(cur):
        cur.execute("BEGIN TRANSACTION")
        try:
            if lake.lake_of(cur) is None:
                cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
        finally:
            _wrote()


# one DuckDB file belongs to one process: its writers queue here (re-entrant for nested use)
_FILE_WRITES = threading.RLock()


def _write_lock(cur: duckdb.DuckDBPyConnection):
    store = lake.lake_of(cur)
    return _FILE_WRITES if store is None else store.lock.held()


def next_id(cur: duckdb.DuckDBPyConnection, table: str) -> int:
    """Inside a write transaction: the next id of `table` (its ids are max + 1, on both
    backends, because DuckLake has no sequences; the write lock keeps them unique)."""
    return cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0]


def audit(
    cur: duckdb.DuckDBPyConnection, actor: str, action: str, entity: str, detail: dict | None = None
) -> None:
    cur.execute(
        "INSERT INTO audit (id, actor, action, entity, detail)"
        " SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ? FROM audit",
        [actor, action, entity, json.dumps(detail or {}, default=str, ensure_ascii=False)],
    )


# The data version of a file is read once per write, not once per request (a query costs about
# a millisecond; the API and every rerun ask for it). A DuckDB file is written by one process
# only, the one holding it (another cannot even open it for reading meanwhile), and its meta
# row changes only in transaction_on(), which moves `_writes` on once the write has ended. So
# while `_writes` stands still the row does too: the version read under the same `_writes`
# value for the same connection is still the version. A lake is written by other replicas too:
# its snapshot is always asked.
_write_count = itertools.count()
_writes = next(_write_count)
_known: tuple | None = None  # (weak reference to the connection, _writes then, the version)


def _wrote() -> None:
    global _writes, _known
    _writes = next(_write_count)
    _known = None


def known_data_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """data_version() when it is at hand without a query (a file not written since it was
    last read on this connection), else None."""
    known = _known
    if known is not None and known[1] == _writes and known[0]() is con:
        return known[2]
    return None


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes with every write: the meta row of a file, the snapshot of a lake
    (so every replica's caches see another replica's write on their next run)."""
    global _known
    if lake.lake_of(con) is not None:
        return lake.snapshot_id(con)
    version = known_data_version(con)
    if version is not None:
        return version
    writes = _writes  # read before the row: a write ending meanwhile makes this entry stale
    with con.cursor() as cur:
        version = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
    _known = (weakref.ref(con), writes, version)
    return version


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
