"""Reference data: the catalog (themes, indicators, districts, targets) synced from
data/catalog.toml, and districts, organisations and projects added by name."""

from __future__ import annotations

import json

import duckdb
import pandas as pd

from .admin import TARGET_COLUMNS
from .connection import audit, next_id, transaction
from .obligations import (
    calendar_defaults_changed,
    calendar_defaults_frame,
    replace_calendar_defaults,
)

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
                "context": i.context,
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
        columns=TARGET_COLUMNS,
    )
    calendar = calendar_defaults_frame(catalog)
    with con.cursor() as cur:
        changed = {
            "themes": _count_changed(cur, "theme", themes, "key"),
            "indicators": _count_changed(cur, "indicator", indicators, "key"),
            "districts": _count_changed(cur, "district", districts, "id"),
            "targets": _missing_targets(cur, targets),
            "due dates": calendar_defaults_changed(cur, calendar),
        }
    if not any(changed.values()):
        return changed
    with transaction(con) as cur:
        _upsert(cur, "theme", themes)
        _upsert(cur, "indicator", indicators)
        _upsert(cur, "district", districts)
        _insert_missing_targets(cur, targets)
        replace_calendar_defaults(cur, calendar)
        audit(cur, actor, "catalog.sync", "catalog", changed)
    return changed


def _upsert(cur: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    cur.register("incoming", frame)
    columns = ", ".join(frame.columns)
    # replace by delete + insert: DuckLake has no INSERT OR REPLACE (no primary keys)
    key = frame.columns[0]
    cur.execute(f"DELETE FROM {table} WHERE {key} IN (SELECT {key} FROM incoming)")
    cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM incoming")
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
        f"INSERT INTO target (id, {columns}) SELECT ? + row_number() OVER (), {columns}"
        f" FROM incoming_targets i WHERE NOT EXISTS (SELECT 1 FROM target t WHERE {_TARGET_KEY})",
        [next_id(cur, "target") - 1],
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
