"""Statuses for the monitoring screens: the scorecard of many districts at once, counts per
status, and the trajectory behind a status.

`build` gives exactly what `indicators.scorecard.build` gives (the same rows and columns; a
test holds them equal on the demo database) and uses scorecard's own rules -- `totals`, the
target lookup and `_assess` -- and `indicators.progress` for every status. It only walks the
rows as plain lists instead of a pandas group per district and indicator, which is what makes
a page of 1,000 districts x 20 indicators (20,000 assessments) take a fraction of a second
instead of a minute.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import pandas as pd

from indicators import progress, scorecard

COLUMNS = scorecard.COLUMNS
_ROW = ["district", "indicator", "breakdown", "year", "value"]
_META = ["last_period", "unit", "pending", "synthetic", "source"]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def build(series: pd.DataFrame, indicators: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """One row per district and indicator with data: latest figure, target and status."""
    if series.empty:
        return pd.DataFrame(columns=COLUMNS)
    direction_of = dict(zip(indicators["key"], indicators["direction"], strict=True))
    # only the targets of these districts and indicators: the lookup is built per call
    target_of = scorecard._target_lookup(
        targets[
            targets["district_id"].isin(series["district"].unique())
            & targets["indicator"].isin(series["indicator"].unique())
        ]
    )
    frame = scorecard.totals(series, indicators).sort_values(
        ["district", "indicator", "breakdown", "year"]
    )
    col = {name: frame[name].tolist() for name in _ROW + _META}
    n = len(frame)
    rows = []
    start = 0
    while start < n:
        district, indicator = col["district"][start], col["indicator"][start]
        end = start
        while end < n and col["district"][end] == district and col["indicator"][end] == indicator:
            end += 1
        rows.append(_row(col, start, end, direction_of[indicator], target_of))
        start = end
    return pd.DataFrame(rows, columns=COLUMNS)


def _row(col: dict, start: int, end: int, direction: str, target_of: dict) -> dict:
    """scorecard.build's row for the group col[start:end] (one district and indicator)."""
    district, indicator = col["district"][start], col["indicator"][start]
    parts = []  # (breakdown, first, last, target row, assessment)
    i = start
    while i < end:
        breakdown = col["breakdown"][i]
        j = i
        points = {}
        while j < end and col["breakdown"][j] == breakdown:
            if not _missing(col["value"][j]):
                points[int(col["year"][j])] = float(col["value"][j])
            j += 1
        points = relevant_points(points)
        target_row = target_of.get((district, indicator, breakdown)) or (
            target_of.get((district, indicator, "")) if breakdown == "" else None
        )
        result = scorecard._assess(points, direction, target_row)
        parts.append((breakdown, i, j, target_row, result))
        i = j
    latest_year = int(max(col["year"][start:end]))
    if len(parts) == 1:
        _, first, last_index, target_row, result = parts[0]
        years = col["year"][first:last_index]
        last = first + years.index(max(years))
        status = result.status
        value = None if _missing(col["value"][last]) else float(col["value"][last])
        gap, trend_year, score = result.gap, result.trend_reaches_target_year, result.score
    else:
        results = [p[4] for p in parts]
        status = progress.combine(results)
        target_row = target_of.get((district, indicator, ""))
        result = max(results, key=lambda a: a.current_year or 0)
        last = start + col["year"][start:end].index(latest_year)
        value = None  # several breakdowns of a non-additive figure have no single value
        gap, trend_year, score = None, None, progress.mean_score(results)
    return {
        "district": district,
        "indicator": indicator,
        "period": col["last_period"][last],
        "year": latest_year,
        "value": value,
        "unit": col["unit"][last],
        "target": None if target_row is None else float(target_row["value"]),
        "comparator": None if target_row is None else target_row["comparator"],
        "target_year": result.target_year if target_row is not None else None,
        "status": status,
        "gap": gap,
        "trend_year": trend_year,
        "base_year": result.base_year,
        "base_value": result.base_value,
        "observed_growth": result.observed_growth,
        "required_growth": result.required_growth,
        "progress_value": result.progress_value,
        "score": score,
        "note": result.note,
        "pending": any(col["pending"][start:end]),
        "synthetic": any(col["synthetic"][start:end]),
        "source": col["source"][last],
        "breakdowns": [p[0] for p in parts if p[0]],
    }


def relevant_points(points: dict[int, float]) -> dict[int, float]:
    """The points progress.assess looks at, for a yearly series: the years from the base year
    up to the first non-zero value (the base, and any zeros it skips) and the latest year.
    The assessment of these is the same as of the whole series (a test holds them equal);
    a 30-year series becomes two or three points, which is what makes 20,000 series fast."""
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


def counts(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, in progress.STATUS_ORDER (statuses that do not occur: 0)."""
    seen = Counter(statuses)
    return {status: seen.get(status, 0) for status in progress.STATUS_ORDER}


def matrix(card: pd.DataFrame) -> pd.DataFrame:
    """Districts x indicators, each cell a status (empty where a district has no data)."""
    if card.empty:
        return pd.DataFrame()
    return card.pivot(index="district", columns="indicator", values="status")


def _int(value) -> int | None:
    return None if _missing(value) else int(value)


def _float(value) -> float | None:
    return None if _missing(value) else float(value)


def trajectory(row: dict, until: int | None = None) -> dict[int, float]:
    """The path the current trend implies, from the base year up to the target year (or
    `until`): Assessment.projection of the scorecard row's base value and observed growth.
    Empty without a target year or a trend."""
    until = until if until is not None else _int(row.get("target_year"))
    base_year = _int(row.get("base_year"))
    if until is None or base_year is None:
        return {}
    assessment = progress.Assessment(
        status=row["status"],
        direction="higher",  # projection does not depend on the direction
        base_year=base_year,
        base_value=_float(row.get("base_value")),
        observed_growth=_float(row.get("observed_growth")),
    )
    return assessment.projection(range(base_year, until + 1))
