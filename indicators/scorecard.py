"""Each district's indicators against their targets: series from the store, status from progress.

Pages and the CLI read statuses from here and never compute them themselves.
- An indicator without breakdowns is assessed on its yearly headline series.
- A `sum` indicator with breakdowns (emissions by sector) is assessed on the total.
- Any other indicator with breakdowns is assessed per breakdown and the scores combined.

Two ways in, one way to a row: `build` takes the whole yearly history (the pages' cached read),
`district_scorecard` / `from_endpoints` only the points a status depends on, read in SQL
(store.series_endpoints). Both reduce each district, indicator and breakdown to a "part" (the
points progress.assess looks at and the latest figure) and `_row` turns a district's parts of
one indicator into its scorecard row. Rows are walked as plain lists, never as a pandas group
per district: 1,000 districts x 20 indicators are 20,000 assessments.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator

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
    "direction",
    "context",
    "reason",
]
_YEARS = ("year", "target_year", "trend_year", "base_year")
_HISTORY = ["district", "indicator", "breakdown", "year", "value"]
_LATEST = ["year", "value", "last_period", "unit", "source"]  # then pending, synthetic
_ENDPOINT_LATEST = ["current_year", "current_value", "period", "unit", "source"]
_ENDPOINT_LATEST += ["pending", "synthetic"]


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


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
            **({"complete": ("complete", "all")} if "complete" in head else {}),
        )
    )
    summed["breakdown"] = ""
    return pd.concat([head[~is_sum], summed], ignore_index=True)


def is_whole(frame: pd.DataFrame) -> pd.Series:
    """Per row: is its year whole? A year still waiting for some project's approved report
    (store's `complete` false) would make a total look smaller than it is; a frame without
    the column (a district-level read) is whole throughout."""
    if "complete" not in frame:
        return pd.Series(True, index=frame.index)
    return frame["complete"].fillna(True).astype(bool)


def whole_years(series: pd.DataFrame) -> pd.DataFrame:
    """The figures of whole years: statuses are worked out without a provisional year (as
    store.series_endpoints does); charts show it, marked."""
    return series[is_whole(series)]


def relevant_points(points: dict[int, float]) -> dict[int, float]:
    """The points progress.assess looks at, for a yearly series: the years from the base year
    up to the first non-zero value (the base, and any zeros it skips) and the latest year.
    The assessment of these is the same as of the whole series (a test holds them equal);
    a 30-year series becomes two or three points."""
    if len(points) <= 2:
        return points
    years = sorted(points)
    keep = {years[-1]: points[years[-1]]}
    for year in years:
        if year < progress.DEFAULT_BASE_YEAR:
            continue
        keep[year] = points[year]
        if points[year] != 0:
            break
    return keep


def build(series: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per district and indicator with data (columns COLUMNS), from the whole yearly
    history (store.district_figures / district_series; alternative series are left out)."""
    if series.empty:
        return _frame([])
    frame = totals(whole_years(series), indicators)
    frame = frame.sort_values(["district", "indicator", "breakdown", "year"])
    return _table(_history_parts(frame), indicators, targets)


def _history_parts(frame: pd.DataFrame) -> Iterator[dict]:
    """A part per district, indicator and breakdown of `frame` (sorted so, then by year)."""
    col = {name: frame[name].tolist() for name in [*_HISTORY, *_LATEST, "pending", "synthetic"]}
    district, indicator, breakdown, year, value = (col[name] for name in _HISTORY)
    n, i = len(year), 0
    while i < n:
        key = (district[i], indicator[i], breakdown[i])
        points, last, j = {}, i, i
        while j < n and (district[j], indicator[j], breakdown[j]) == key:
            if year[j] > year[last]:
                last = j  # the first row of the latest year
            if not _missing(value[j]):
                points[int(year[j])] = float(value[j])
            j += 1
        latest = [col[name][last] for name in _LATEST]
        flags = [any(col["pending"][i:j]), any(col["synthetic"][i:j])]
        yield _part(key, relevant_points(points), latest + flags)
        i = j


def from_endpoints(
    endpoints: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame
) -> pd.DataFrame:
    """The scorecard from store.series_endpoints (base, first non-zero and latest point of
    each series): the same rows as `build` of the whole history, which stays in the database."""
    if endpoints.empty:
        return _frame([])
    return _table(_endpoint_parts(endpoints), indicators, targets)


def _endpoint_parts(endpoints: pd.DataFrame) -> Iterator[dict]:
    """A part per row of store.series_endpoints."""
    col = {name: endpoints[name].tolist() for name in endpoints.columns}
    for k in range(len(endpoints)):
        points = {}
        for year, value in (
            (col["base_year"][k], col["base_value"][k]),
            (col["nonzero_year"][k], col["nonzero_value"][k]),
            (col["current_year"][k], col["current_value"][k]),
        ):
            if not _missing(year) and not _missing(value):
                points[int(year)] = float(value)
        key = (col["district"][k], col["indicator"][k], col["breakdown"][k])
        yield _part(key, points, [col[name][k] for name in _ENDPOINT_LATEST])


def _part(key: tuple, points: dict[int, float], latest: list) -> dict:
    """One district, indicator and breakdown: the points to assess and its latest figure
    (`latest`: year, value, period, unit, source, pending, synthetic)."""
    year, value, period, unit, source, pending, synthetic = latest
    return {
        "district": key[0],
        "indicator": key[1],
        "breakdown": key[2],
        "points": points,
        "year": int(year),
        "value": None if _missing(value) else float(value),
        "period": period,
        "unit": unit,
        "source": source,
        "pending": bool(pending),
        "synthetic": bool(synthetic),
    }


def _table(parts: Iterable[dict], indicators: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """A row per run of parts with the same district and indicator."""
    direction_of = dict(zip(indicators["key"], indicators["direction"], strict=True))
    context = context_keys(indicators)
    target_of = _target_lookup(targets)
    rows, group, indicator = [], [], None
    for part in parts:
        if group and (part["district"], part["indicator"]) != (group[0]["district"], indicator):
            rows.append(_row(group, direction_of[indicator], target_of, indicator in context))
            group = []
        indicator = part["indicator"]
        group.append(part)
    if group:
        rows.append(_row(group, direction_of[indicator], target_of, indicator in context))
    return _frame(rows)


def context_keys(indicators: pd.DataFrame) -> set[str]:
    """The catalog's context indicators (plans, population, counts without a desired
    direction): facts that never get a progress status."""
    if "context" not in indicators:
        return set()
    flags = indicators["context"].fillna(False).astype(bool)
    return set(indicators.loc[flags, "key"])


def _frame(rows: list[dict]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=COLUMNS)
    for column in _YEARS:
        out[column] = out[column].astype("Int64")
    return out


def _target_lookup(targets: pd.DataFrame) -> dict[tuple[str, str, str], dict]:
    """(district, indicator, breakdown) -> {value, year, comparator} of the district target."""
    columns = ("district_id", "indicator", "breakdown", "value", "year", "comparator")
    return {
        (district, indicator, breakdown): {"value": value, "year": year, "comparator": comparator}
        for district, indicator, breakdown, value, year, comparator in zip(
            *(targets[c].tolist() for c in columns), strict=True
        )
    }


def _assess(points, direction, target_row) -> progress.Assessment:
    if target_row is None:
        return progress.assess(points, direction=direction)
    year = None if _missing(target_row["year"]) else int(target_row["year"])
    target = float(target_row["value"])
    try:
        return progress.assess(
            points,
            direction=direction,
            target=target,
            target_year=year,
            comparator=target_row["comparator"],
        )
    except ValueError:
        # a comparator that contradicts the direction: read the target by direction instead
        return progress.assess(points, direction=direction, target=target, target_year=year)


def _row(parts: list[dict], direction: str, target_of: dict, context: bool = False) -> dict:
    """The scorecard row of one district and indicator from its parts (one per breakdown).
    A context indicator's row has its facts only: no target, no status, no trend."""
    district, indicator = parts[0]["district"], parts[0]["indicator"]
    latest = max(parts, key=lambda p: p["year"])  # the first breakdown of the latest year
    single = len(parts) == 1
    facts = {
        "district": district,
        "indicator": indicator,
        "period": latest["period"],
        "year": latest["year"],
        # several breakdowns of a non-additive figure have no single value
        "value": latest["value"] if single else None,
        "unit": latest["unit"],
        "pending": any(p["pending"] for p in parts),
        "synthetic": any(p["synthetic"] for p in parts),
        "source": latest["source"],
        "breakdowns": [p["breakdown"] for p in parts if p["breakdown"]],
        "direction": direction,
        "context": context,
    }
    if context:
        return {**dict.fromkeys(COLUMNS), **facts, "note": progress.Notes(())}
    results = []
    for part in parts:
        breakdown = part["breakdown"]
        target_row = target_of.get((district, indicator, breakdown)) or (
            target_of.get((district, indicator, "")) if breakdown == "" else None
        )
        results.append(_assess(part["points"], direction, target_row))
    if single:
        result = results[0]
    else:
        target_row = target_of.get((district, indicator, ""))
        result = max(results, key=lambda a: a.current_year or 0)
    status = result.status if single else progress.combine(results)
    reason = None
    if status == "not_available":
        reason = next((a.reason for a in results if a.reason), None)
    return {
        **facts,
        "target": None if target_row is None else float(target_row["value"]),
        "comparator": None if target_row is None else target_row["comparator"],
        "target_year": result.target_year if target_row is not None else None,
        "status": status,
        "gap": result.gap if single else None,
        "trend_year": result.trend_reaches_target_year if single else None,
        "base_year": result.base_year,
        "base_value": result.base_value,
        "observed_growth": result.observed_growth,
        "required_growth": result.required_growth,
        "progress_value": result.progress_value,
        "score": result.score if single else progress.mean_score(results),
        "note": result.note,
        "reason": reason,
    }


def district_scorecard(
    con: duckdb.DuckDBPyConnection, *, district: str | None = None, include_pending: bool = False
) -> pd.DataFrame:
    """The scorecard of one district (or all), read from the endpoints of each series."""
    endpoints = store.series_endpoints(con, district=district, include_pending=include_pending)
    return from_endpoints(endpoints, store.indicators(con), store.targets(con, district=district))


def context_count(card: pd.DataFrame) -> int:
    """How many rows of a scorecard are context figures (facts without a status)."""
    if "context" not in card:
        return 0
    return int(card["context"].astype("boolean").fillna(False).sum())


def counts(statuses: Iterable[str | None]) -> dict[str, int]:
    """How many of each status, in progress.STATUS_ORDER (statuses that do not occur: 0);
    context indicators (no status) are not counted."""
    seen = Counter(s for s in statuses if isinstance(s, str))
    return {status: seen.get(status, 0) for status in progress.STATUS_ORDER}
