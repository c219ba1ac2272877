"""Each district's indicators against their targets: series from the store, status from progress.

Pages and the CLI read statuses from here and never compute them themselves.
- An indicator without breakdowns is assessed on its yearly headline series.
- A `sum` indicator with breakdowns (emissions by sector) is assessed on the total.
- Any other indicator with breakdowns is assessed per breakdown and the scores combined.
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from indicators import progress, store

COLUMNS = [
    "district",
    "indicator",
    "period",
    "year",
    "value",
    "unit",
    "target",
    "comparator",
    "target_year",
    "status",
    "gap",
    "trend_year",
    "base_year",
    "base_value",
    "observed_growth",
    "required_growth",
    "progress_value",
    "score",
    "note",
    "pending",
    "synthetic",
    "source",
    "breakdowns",
]


def _points(frame: pd.DataFrame) -> dict[int, float]:
    return {
        int(y): float(v)
        for y, v in zip(frame["year"], frame["value"], strict=True)
        if not pd.isna(v)
    }


def totals(series: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Headline (series '') figures per district, indicator and year, breakdowns summed where
    the indicator adds up (`sum`); other indicators keep one row per breakdown."""
    head = series[series["series"] == ""]
    additive = set(indicators.loc[indicators["aggregation"] == "sum", "key"])
    is_sum = head["indicator"].isin(additive) & (head["breakdown"] != "")
    summed = (
        head[is_sum]
        .groupby(["district", "indicator", "year"], as_index=False)
        .agg(
            value=("value", "sum"),
            pending=("pending", "any"),
            synthetic=("synthetic", "any"),
            last_period=("last_period", "max"),
            source=("source", "first"),
            unit=("unit", "first"),
        )
    )
    summed["breakdown"] = ""
    return pd.concat([head[~is_sum], summed], ignore_index=True)


def _target_lookup(targets: pd.DataFrame) -> dict[tuple[str, str, str], dict]:
    return {
        (r["district_id"], r["indicator"], r["breakdown"]): r for r in targets.to_dict("records")
    }


def _assess(points, direction, target_row) -> progress.Assessment:
    if target_row is None:
        return progress.assess(points, direction=direction)
    year = target_row.get("year")
    year = None if year is None or (isinstance(year, float) and math.isnan(year)) else int(year)
    comparator = target_row.get("comparator")
    try:
        return progress.assess(
            points,
            direction=direction,
            target=float(target_row["value"]),
            target_year=year,
            comparator=comparator,
        )
    except ValueError:
        # a comparator that contradicts the direction: read the target by direction instead
        return progress.assess(
            points, direction=direction, target=float(target_row["value"]), target_year=year
        )


def build(series: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per district and indicator with data: latest figure, target and status."""
    if series.empty:
        return pd.DataFrame(columns=COLUMNS)
    direction_of = dict(zip(indicators["key"], indicators["direction"], strict=True))
    target_of = _target_lookup(targets)
    rows = []
    frame = totals(series, indicators).sort_values(["district", "indicator", "breakdown", "year"])
    for (district, indicator), group in frame.groupby(["district", "indicator"], sort=False):
        direction = direction_of[indicator]
        parts = []
        for breakdown, part in group.groupby("breakdown", sort=False):
            target_row = target_of.get((district, indicator, breakdown)) or (
                target_of.get((district, indicator, "")) if breakdown == "" else None
            )
            parts.append(
                (breakdown, part, target_row, _assess(_points(part), direction, target_row))
            )
        latest_year = int(group["year"].max())
        if len(parts) == 1:
            breakdown, part, target_row, result = parts[0]
            status = result.status
            last = part[part["year"] == part["year"].max()].iloc[0]
            value = float(last["value"]) if not pd.isna(last["value"]) else None
        else:
            results = [p[3] for p in parts]
            status = progress.combine(results)
            target_row = target_of.get((district, indicator, ""))
            result = max(results, key=lambda a: a.current_year or 0)
            last = group[group["year"] == latest_year].iloc[0]
            value = None  # several breakdowns of a non-additive figure have no single value
        rows.append(
            {
                "district": district,
                "indicator": indicator,
                "period": last["last_period"],
                "year": latest_year,
                "value": value,
                "unit": last["unit"],
                "target": None if target_row is None else float(target_row["value"]),
                "comparator": None if target_row is None else target_row["comparator"],
                "target_year": result.target_year if target_row is not None else None,
                "status": status,
                "gap": result.gap if len(parts) == 1 else None,
                "trend_year": result.trend_reaches_target_year if len(parts) == 1 else None,
                "base_year": result.base_year,
                "base_value": result.base_value,
                "observed_growth": result.observed_growth,
                "required_growth": result.required_growth,
                "progress_value": result.progress_value,
                "score": result.score
                if len(parts) == 1
                else progress.mean_score(p[3] for p in parts),
                "note": result.note,
                "pending": bool(group["pending"].any()),
                "synthetic": bool(group["synthetic"].any()),
                "source": last["source"],
                "breakdowns": [p[0] for p in parts if p[0]],
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("year", "target_year", "trend_year", "base_year"):
        out[column] = out[column].astype("Int64")
    return out


def _endpoint_points(row: dict) -> dict[int, float]:
    """The (at most three) points that decide a status: base, first non-zero, latest."""
    points = {}
    for year, value in (
        (row["base_year"], row["base_value"]),
        (row["nonzero_year"], row["nonzero_value"]),
        (row["current_year"], row["current_value"]),
    ):
        if not _missing(year) and not _missing(value):
            points[int(year)] = float(value)
    return points


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def from_endpoints(
    endpoints: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame
) -> pd.DataFrame:
    """The scorecard from store.series_endpoints: same rows and columns as `build`, but the
    history stays in the database; a thousand districts take a fraction of a second."""
    if endpoints.empty:
        return pd.DataFrame(columns=COLUMNS)
    direction_of = dict(zip(indicators["key"], indicators["direction"], strict=True))
    target_of = _target_lookup(targets)
    rows = []
    records = endpoints.to_dict("records")
    start = 0
    while start < len(records):
        first = records[start]
        end = start
        while (
            end < len(records)
            and records[end]["district"] == first["district"]
            and records[end]["indicator"] == first["indicator"]
        ):
            end += 1
        rows.append(_endpoint_row(records[start:end], direction_of[first["indicator"]], target_of))
        start = end
    out = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("year", "target_year", "trend_year", "base_year"):
        out[column] = out[column].astype("Int64")
    return out


def _endpoint_row(group: list[dict], direction: str, target_of: dict) -> dict:
    district, indicator = group[0]["district"], group[0]["indicator"]
    parts = []
    for row in group:
        breakdown = row["breakdown"]
        target_row = target_of.get((district, indicator, breakdown)) or (
            target_of.get((district, indicator, "")) if breakdown == "" else None
        )
        parts.append((row, target_row, _assess(_endpoint_points(row), direction, target_row)))
    latest = max(parts, key=lambda p: p[0]["current_year"])
    single = len(parts) == 1
    row, target_row, result = parts[0] if single else latest
    if not single:
        target_row = target_of.get((district, indicator, ""))
    return {
        "district": district,
        "indicator": indicator,
        "period": latest[0]["period"],
        "year": int(latest[0]["current_year"]),
        # several breakdowns of a non-additive figure have no single value
        "value": float(row["current_value"]) if single else None,
        "unit": row["unit"],
        "target": None if target_row is None else float(target_row["value"]),
        "comparator": None if target_row is None else target_row["comparator"],
        "target_year": result.target_year if target_row is not None else None,
        "status": result.status if single else progress.combine(p[2] for p in parts),
        "gap": result.gap if single else None,
        "trend_year": result.trend_reaches_target_year if single else None,
        "base_year": result.base_year,
        "base_value": result.base_value,
        "observed_growth": result.observed_growth,
        "required_growth": result.required_growth,
        "progress_value": result.progress_value,
        "score": result.score if single else progress.mean_score(p[2] for p in parts),
        "note": result.note,
        "pending": any(bool(p[0]["pending"]) for p in parts),
        "synthetic": any(bool(p[0]["synthetic"]) for p in parts),
        "source": latest[0]["source"],
        "breakdowns": [p[0]["breakdown"] for p in parts if p[0]["breakdown"]],
    }


def district_scorecard(
    con: duckdb.DuckDBPyConnection, *, district: str | None = None, include_pending: bool = False
) -> pd.DataFrame:
    endpoints = store.series_endpoints(con, district=district, include_pending=include_pending)
    return from_endpoints(endpoints, store.indicators(con), store.targets(con, district=district))
