"""Administration: targets and requirements, districts, organisations and projects edited as
tables, the audit log, and the public snapshot."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from .connection import audit, connect, next_id, query, scalar, transaction
from .effective import PUBLIC_NOTE_SQL

# ---- administration (access, targets, audit, publish)
# Permission checks are indicators.access's job and validation indicators.editing's; these are
# the reads and writes. Every write is one transaction with one audit row per changed row.

TARGET_COLUMNS = [
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
REFERENCE_COLUMNS: dict[str, list[str]] = {
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
    "project": [
        "id",
        "name",
        "district_id",
        "organisation_id",
        "gross_floor_area",
        "reporting_from",
        "reporting_until",
        "synthetic",
    ],
}


def editable_targets(con: duckdb.DuckDBPyConnection, *, requirements: bool) -> pd.DataFrame:
    """District targets, or project requirements, as the officials' table shows them (with id)."""
    scope = "project_id IS NOT NULL" if requirements else "project_id IS NULL"
    return query(
        con,
        f"SELECT id, {', '.join(TARGET_COLUMNS)} FROM target WHERE {scope}"
        " ORDER BY coalesce(district_id, project_id), indicator, breakdown, year NULLS FIRST, id",
    )


def editable_reference(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    columns = REFERENCE_COLUMNS[table]  # also the allow-list of table names
    return query(con, f"SELECT {', '.join(columns)} FROM {table} ORDER BY id")


def reference_ids(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    REFERENCE_COLUMNS[table]  # the allow-list of table names
    return set(query(con, f"SELECT id FROM {table}")["id"])


def references_to(con: duckdb.DuckDBPyConnection, table: str, column: str, value: str) -> int:
    """How many rows of `table` point at `value` through `column` (a fixed pair, not user input)."""
    return scalar(con, f"SELECT count(*) FROM {table} WHERE {column} = ?", [value])


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
    columns = TARGET_COLUMNS
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
            target_id = next_id(cur, "target")
            cur.execute(
                f"INSERT INTO target (id, {', '.join(columns)}) VALUES (?, {placeholders})",
                [target_id, *(row[c] for c in columns)],
            )
            audit(cur, actor, f"{kind}.add", f"target:{target_id}", {"after": row})
    return counts


def replace_reference(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, *, actor: str
) -> dict[str, int]:
    """Make the districts, organisations or projects equal to `frame` (validated rows, keyed by
    id). A row still referred to is never removed (the transaction fails whole)."""
    columns = REFERENCE_COLUMNS[table]
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
# pending or rejected data, no e-mail addresses, no review comments, no developers' upload
# comments (effective.PUBLIC_NOTE_SQL).
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
        f"SELECT o.* REPLACE ({PUBLIC_NOTE_SQL} AS comment)"
        " FROM observation o JOIN submission s ON s.id = o.submission_id"
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
