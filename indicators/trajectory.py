"""The path behind a status: where the observed trend of a scorecard row leads, for drawing it
next to the target on a chart."""

from __future__ import annotations

import math

import pandas as pd

from indicators import progress


def _number(value) -> float | None:
    missing = value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
    return None if missing else float(value)


def path(row: dict, until: int | None = None) -> dict[int, float]:
    """Year -> value of the current trend, from the base year up to the target year (or
    `until`): Assessment.projection of the scorecard row's base value and observed growth.
    Empty without a target year or a trend."""
    end = _number(row.get("target_year")) if until is None else until
    base_year = _number(row.get("base_year"))
    if end is None or base_year is None:
        return {}
    assessment = progress.Assessment(
        status=row["status"],
        direction="higher",  # projection does not depend on the direction
        base_year=int(base_year),
        base_value=_number(row.get("base_value")),
        observed_growth=_number(row.get("observed_growth")),
    )
    return assessment.projection(range(int(base_year), int(end) + 1))


def within_range(path: dict[int, float], info: dict) -> dict[int, float]:
    """The trend's points inside the indicator's valid range (a share never passes 100 %);
    the app's chart and the yearly report draw the same path."""
    low, high = info.get("min_value"), info.get("max_value")
    return {
        year: value
        for year, value in path.items()
        if (low is None or low != low or value >= low)
        and (high is None or high != high or value <= high)
    }
