"""DuckLake with a PostgreSQL catalog: the backend for several app replicas sharing one store.

`INDICATORS_DB=ducklake:postgres:<libpq string>` (or `--db`) opens it; the Parquet files go to
`INDICATORS_LAKE_DATA`, a directory every replica sees (an object store URL in production).
The same DuckDB runs the same SQL: the lake is attached as the catalog `lake` and made the
default of the connection and of every cursor taken from it.

DuckLake has no primary keys, unique constraints, indexes or sequences, and concurrent writers
on one catalog can clash over ids. Writes are rare (uploads, approvals, edits), so they are
serialised across replicas with a PostgreSQL advisory lock held around each write transaction;
ids (max + 1) and uniqueness checks are worked out inside it. A replica that dies mid-write
loses its session, PostgreSQL lets go of the lock, and DuckLake's commit is one PostgreSQL
transaction: all of the write or none of it.

The extensions are LOADed from the files the pinned `duckdb-extension-ducklake` and
`duckdb-extension-postgres-scanner` packages ship; nothing is downloaded at run time.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PREFIX = "ducklake:"
CATALOG = "lake"
# any fixed 64-bit number all replicas agree on: the key of the write lock in pg_locks
LOCK_KEY = 0x1D1C_A70B_5EED

_EXTENSIONS = {
    "postgres_scanner": "duckdb_extension_postgres_scanner",
    "ducklake": "duckdb_extension_ducklake",
}


class LakeError(RuntimeError):
    """The lake cannot be opened: a missing setting, extension or catalog; says which."""


def is_lake(target: object) -> bool:
    return isinstance(target, str) and target.startswith(PREFIX)


def catalog_dsn(target: str) -> str:
    """The libpq string of `ducklake:postgres:<libpq>`."""
    rest = target[len(PREFIX) :]
    if not rest.startswith("postgres:"):
        raise LakeError(
            f"{target!r}: only a PostgreSQL catalog is supported, as ducklake:postgres:<libpq string>"
        )
    return rest[len("postgres:") :]


def extension_files() -> list[Path]:
    """The extension files the pinned packages ship for this DuckDB version."""
    files = []
    for name, module_name in _EXTENSIONS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            raise LakeError(
                f"the DuckLake backend needs the package {module_name.replace('_', '-')}=="
                f"{duckdb.__version__}: pip install -r requirements.txt"
            ) from None
        path = (
            Path(module.__file__).parent
            / "extensions"
            / f"v{duckdb.__version__}"
            / f"{name}.duckdb_extension"
        )
        if not path.is_file():
            raise LakeError(
                f"{path} is missing: reinstall {module_name} for DuckDB {duckdb.__version__}"
            )
        files.append(path)
    return files


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# --------------------------------------------------------------------------- the write lock


@dataclass
class WriteLock:
    """One PostgreSQL session per process holding the advisory lock while a write runs.

    Threads of the process queue on `_local` first (an advisory lock is re-entrant within one
    session, so it cannot tell this process's threads apart); the outermost holder takes the
    PostgreSQL lock and lets go of it at the end.
    """

    dsn: str
    _local: threading.RLock = field(default_factory=threading.RLock)
    _depth: int = 0
    _session: object = None

    @contextmanager
    def held(self):
        with self._local:
            if self._depth == 0:
                self._lock()
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._unlock()

    def _connect(self):
        import psycopg  # only the lake needs it

        if self._session is None or self._session.closed:
            self._session = psycopg.connect(self.dsn, autocommit=True)
        return self._session

    def _lock(self) -> None:
        try:
            self._connect().execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        except Exception:
            # a dropped session (catalog restarted): one fresh try, then the error stands
            self.close()
            self._connect().execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])

    def _unlock(self) -> None:
        try:
            self._session.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
        except Exception:
            self.close()  # the session is gone, and with it the lock

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session = None


@dataclass
class Lake:
    target: str
    data_path: str
    read_only: bool
    lock: WriteLock


# --------------------------------------------------------------------------- the connection


class LakeConnection:
    """A DuckDB connection (or cursor) whose default catalog is the lake.

    DuckDB cursors start in the in-memory catalog, so `cursor()` sets the lake on each new one;
    everything else is the DuckDB connection's own.
    """

    def __init__(self, raw: duckdb.DuckDBPyConnection, lake: Lake, *, root: bool = False):
        self._raw = raw
        self.lake = lake
        self._root = root

    def cursor(self) -> LakeConnection:
        cur = self._raw.cursor()
        cur.execute(f"USE {CATALOG}")
        return LakeConnection(cur, self.lake)

    def close(self) -> None:
        self._raw.close()
        if self._root:
            self.lake.lock.close()

    def __enter__(self) -> LakeConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __getattr__(self, name):
        return getattr(self._raw, name)


def lake_of(con) -> Lake | None:
    """The lake behind a connection or cursor; None for a DuckDB file."""
    return con.lake if isinstance(con, LakeConnection) else None


def data_path() -> str:
    path = os.environ.get("INDICATORS_LAKE_DATA", "").strip()
    if not path:
        raise LakeError(
            "INDICATORS_LAKE_DATA is not set: the DuckLake backend needs the directory (or object"
            " store URL) its Parquet files live in, the same for every replica"
        )
    return path


def open_lake(target: str, *, read_only: bool) -> LakeConnection:
    """Attach the lake (created on first use when writable) and make it the default catalog."""
    dsn = catalog_dsn(target)
    files = extension_files()
    path = data_path()
    if "://" not in path:
        Path(path).mkdir(parents=True, exist_ok=True)
        path = str(Path(path).resolve()) + os.sep
    raw = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    lock = WriteLock(dsn)
    options = [f"DATA_PATH {_sql_text(path)}"] + (["READ_ONLY"] if read_only else [])
    try:
        for file in files:
            raw.execute(f"LOAD {_sql_text(str(file))}")
        # the first ATTACH of an empty catalog creates DuckLake's tables: one replica at a time
        with contextlib.nullcontext() if read_only else lock.held():
            raw.execute(
                f"ATTACH {_sql_text(PREFIX + 'postgres:' + dsn)} AS {CATALOG}"
                f" ({', '.join(options)})"
            )
        raw.execute(f"USE {CATALOG}")
    except Exception as exc:
        raw.close()
        lock.close()
        raise LakeError(f"cannot open the lake {target}: {exc}") from None
    return LakeConnection(raw, Lake(target, path, read_only, lock), root=True)


def snapshot_id(con) -> int:
    """The lake's current snapshot: a new number after every commit of any replica."""
    with con.cursor() as cur:
        return cur.execute(f"SELECT id FROM {CATALOG}.current_snapshot()").fetchone()[0]


def compact(con) -> dict[str, int]:
    """Merge the small Parquet files uploads leave behind, then delete the files no snapshot
    needs any more. Runs under the write lock, so it never races a write."""
    lake = lake_of(con)
    if lake is None:
        return {}
    with lake.lock.held(), con.cursor() as cur:
        before = _file_count(cur)
        cur.execute(f"CALL ducklake_merge_adjacent_files('{CATALOG}')")
        cur.execute(f"CALL ducklake_expire_snapshots('{CATALOG}', older_than => now())")
        cur.execute(f"CALL ducklake_cleanup_old_files('{CATALOG}', cleanup_all => true)")
        after = _file_count(cur)
    return {"files_before": before, "files_after": after}


def _file_count(cur) -> int:
    """Data files in the current snapshot (DuckLake's own catalog table)."""
    return cur.execute(
        f"SELECT count(*) FROM __ducklake_metadata_{CATALOG}.ducklake_data_file"
        " WHERE end_snapshot IS NULL"
    ).fetchone()[0]
