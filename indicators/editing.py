"""Validation of the tables officials edit in the app: targets, requirements, districts,
organisations and projects.

An edited table is checked whole before anything is stored: every problem becomes a RowError
(row number as the table shows it, column, value, reason) and any error refuses the table.
Pure checks on a DataFrame plus a few reads; permissions are indicators.access's job.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd
from pydantic import ValidationError

from indicators import store
from indicators.models import District, Organisation, Project, RowError, Target

TARGET_COLUMNS = ["id", *store.TARGET_COLUMNS]
REFERENCE_COLUMNS = store.REFERENCE_COLUMNS
_MODELS = {"district": District, "organisation": Organisation, "project": Project}
# what a row references, and what references a row (table, column), to refuse dangling links
_REFERENCED_BY: dict[str, list[tuple[str, str]]] = {
    "district": [
        ("project", "district_id"),
        ("target", "district_id"),
        ("observation", "district_id"),
    ],
    "organisation": [("project", "organisation_id"), ("app_user", "organisation_id")],
    "project": [("target", "project_id"), ("observation", "project_id")],
}


class EditError(ValueError):
    """An edited table was refused; `errors` says where and why, row by row."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(f"{len(errors)} problem(s), nothing was saved: {shown}{more}")


def _blank(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _clean(value):
    """A cell as a plain Python value: None for blanks, stripped text, numbers as they are."""
    if _blank(value):
        return None
    if isinstance(value, str):
        return value.strip()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    frame = frame.reindex(columns=columns)
    return [{c: _clean(v) for c, v in row.items()} for row in frame.to_dict("records")]


def _model_errors(row_number: int, exc: ValidationError, record: dict) -> list[RowError]:
    errors = []
    for err in exc.errors():
        column = ".".join(str(p) for p in err["loc"]) or None
        value = record.get(column) if column else None
        reason = err["msg"].removeprefix("Value error, ")
        errors.append(
            RowError(
                line=row_number,
                column=column,
                value=None if value is None else str(value),
                reason=reason,
            )
        )
    return errors


def _as_int(value):
    if value is None:
        return None
    number = float(value)
    if not number.is_integer():
        raise ValueError(f"{value!r} is not a whole number")
    return int(number)


def validate_targets(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, *, requirements: bool
) -> pd.DataFrame:
    """The edited district targets (or project requirements) as clean rows, or EditError."""
    indicators = store.indicators(con).set_index("key")
    districts = set(store.districts(con)["id"])
    projects = set(store.projects(con)["id"])
    errors: list[RowError] = []
    clean: list[dict] = []
    seen: dict[tuple, int] = {}
    for number, record in enumerate(_records(frame, TARGET_COLUMNS), start=1):
        if all(record[c] is None for c in TARGET_COLUMNS if c != "id"):
            continue  # an empty row the editor added and nobody filled
        row_errors: list[RowError] = []
        for column in ("year", "baseline_year", "id"):
            try:
                record[column] = _as_int(record[column])
            except (TypeError, ValueError):
                row_errors.append(
                    RowError(
                        line=number,
                        column=column,
                        value=str(record[column]),
                        reason="must be a whole number",
                    )
                )
        if requirements:
            record["district_id"] = None
        else:
            record["project_id"] = None
        record["breakdown"] = record["breakdown"] or ""
        if not row_errors:
            try:
                target = Target(
                    indicator=record["indicator"] or "",
                    district=record["district_id"],
                    project=record["project_id"],
                    value=record["value"],
                    comparator=record["comparator"] or _default_comparator(indicators, record),
                    year=record["year"],
                    baseline_year=record["baseline_year"],
                    baseline_value=record["baseline_value"],
                    breakdown=record["breakdown"],
                    source=record["source"] or "",
                )
                record["comparator"] = target.comparator
            except ValidationError as exc:
                row_errors += _model_errors(number, exc, record)
        if not row_errors:
            row_errors += _target_references(
                number, record, indicators, districts, projects, requirements
            )
        key = (
            record["indicator"],
            record["district_id"],
            record["project_id"],
            record["breakdown"],
            record["year"],
        )
        if not row_errors and key in seen:
            row_errors.append(
                RowError(
                    line=number,
                    reason=f"the same target as row {seen[key]} (indicator, scope, breakdown, year)",
                )
            )
        seen.setdefault(key, number)
        errors += row_errors
        clean.append(record)
    if errors:
        raise EditError(errors)
    return pd.DataFrame(clean, columns=TARGET_COLUMNS)


def _default_comparator(indicators: pd.DataFrame, record: dict) -> str:
    """A blank comparator follows the indicator: at least for higher-is-better, else at most."""
    key = record["indicator"]
    if key in indicators.index and indicators.loc[key, "direction"] == "lower":
        return "<="
    return ">="


def _target_references(number, record, indicators, districts, projects, requirements):
    errors = []
    key = record["indicator"]
    if key not in indicators.index:
        return [RowError(line=number, column="indicator", value=key, reason="not in the catalog")]
    if requirements:
        if record["project_id"] not in projects:
            errors.append(
                RowError(
                    line=number,
                    column="project_id",
                    value=record["project_id"],
                    reason="no such project",
                )
            )
    elif record["district_id"] not in districts:
        errors.append(
            RowError(
                line=number,
                column="district_id",
                value=record["district_id"],
                reason="no such district",
            )
        )
    indicator = indicators.loc[key]
    allowed = list(indicator["breakdowns"]) if indicator["breakdowns"] is not None else []
    if record["breakdown"] and record["breakdown"] not in allowed:
        errors.append(
            RowError(
                line=number,
                column="breakdown",
                value=record["breakdown"],
                reason=f"{key} has no breakdown {record['breakdown']!r}"
                + (f"; use one of {', '.join(allowed)}" if allowed else ""),
            )
        )
    low, high = indicator["min_value"], indicator["max_value"]
    for column in ("value", "baseline_value"):
        value = record[column]
        if value is None:
            continue
        if (not pd.isna(low) and value < low) or (not pd.isna(high) and value > high):
            errors.append(
                RowError(
                    line=number,
                    column=column,
                    value=str(value),
                    reason=f"outside the indicator's valid range {low:g} … {high:g} {indicator['unit']}"
                    if not pd.isna(low) and not pd.isna(high)
                    else f"outside the indicator's valid range ({indicator['unit']})",
                )
            )
    for column in ("year", "baseline_year"):
        year = record[column]
        if year is not None and not 1900 <= year <= 2100:
            errors.append(
                RowError(line=number, column=column, value=str(year), reason="not a plausible year")
            )
    if (
        record["year"] is not None
        and record["baseline_year"] is not None
        and record["baseline_year"] > record["year"]
    ):
        errors.append(
            RowError(
                line=number,
                column="baseline_year",
                value=str(record["baseline_year"]),
                reason="the baseline year is after the target year",
            )
        )
    return errors


def validate_reference(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame
) -> pd.DataFrame:
    """The edited districts, organisations or projects as clean rows, or EditError.

    Refuses a row whose id is repeated, a project whose district or organisation does not exist,
    and removing a row that something still refers to (a district with projects or figures, ...).
    """
    if table not in REFERENCE_COLUMNS:
        raise KeyError(f"unknown table {table!r}")
    columns = REFERENCE_COLUMNS[table]
    model = _MODELS[table]
    errors: list[RowError] = []
    clean: list[dict] = []
    seen: dict[str, int] = {}
    districts = set(store.districts(con)["id"])
    organisations = set(store.organisations(con)["id"])
    for number, record in enumerate(_records(frame, columns), start=1):
        if all(record[c] is None for c in columns):
            continue
        record["synthetic"] = (
            bool(record["synthetic"]) if record["synthetic"] is not None else False
        )
        fields = {k: v for k, v in record.items() if v is not None}
        if table == "project":
            fields["district"] = fields.pop("district_id", "")
            fields["organisation"] = fields.pop("organisation_id", "")
        row_errors: list[RowError] = []
        try:
            model(**fields)
        except ValidationError as exc:
            row_errors += _model_errors(number, exc, record)
        if table == "project" and not row_errors:
            if record["district_id"] not in districts:
                row_errors.append(
                    RowError(
                        line=number,
                        column="district_id",
                        value=record["district_id"],
                        reason="no such district",
                    )
                )
            if record["organisation_id"] not in organisations:
                row_errors.append(
                    RowError(
                        line=number,
                        column="organisation_id",
                        value=record["organisation_id"],
                        reason="no such organisation",
                    )
                )
        if record["id"] in seen:
            row_errors.append(
                RowError(
                    line=number,
                    column="id",
                    value=record["id"],
                    reason=f"the same id as row {seen[record['id']]}",
                )
            )
        seen.setdefault(record["id"], number)
        errors += row_errors
        clean.append(record)
    existing = store.reference_ids(con, table)
    for gone in sorted(existing - set(seen)):
        for other, column in _REFERENCED_BY[table]:
            uses = store.references_to(con, other, column, gone)
            if uses:
                errors.append(
                    RowError(
                        column="id",
                        value=gone,
                        reason=f"cannot remove {table} {gone}: {uses} {other} row(s) refer to it",
                    )
                )
                break
    if errors:
        raise EditError(errors)
    return pd.DataFrame(clean, columns=columns)
