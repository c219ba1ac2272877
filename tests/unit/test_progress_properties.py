"""Properties of the status engine that must hold for any steady series.

A series that moves steadily (geometric steps) toward a target it has not reached yet can be
too slow, but it is never `deterioration`; one that moves steadily away is never
`substantial_progress` nor `target_achieved`. Both directions, and mirrored into negative
values (where the method flips the sign of the growth rate).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.progress import assess

BASE_YEAR = 2015

bases = st.floats(min_value=1.0, max_value=1000.0)
# per-year growth factors, kept away from 1 so "steady" really moves
rises = st.floats(min_value=1.001, max_value=1.5)
falls = st.floats(min_value=0.6, max_value=0.999)
offsets = st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=6, unique=True)
beyond = st.floats(min_value=0.001, max_value=3.0)  # how far the target lies past the latest
target_years = st.integers(min_value=BASE_YEAR + 1, max_value=2050)


def _series(base: float, factor: float, years: list[int]) -> dict[int, float]:
    points = {BASE_YEAR: base}
    for offset in years:
        points[BASE_YEAR + offset] = base * factor**offset
    return points


def _assess(points, direction, target, target_year, mirror):
    """Assess; with `mirror`, the same story told in negative numbers."""
    if mirror:
        points = {year: -value for year, value in points.items()}
        target = None if target is None else -target
        direction = "lower" if direction == "higher" else "higher"
    return assess(points, direction=direction, target=target, target_year=target_year)


def _latest(points: dict[int, float]) -> float:
    return points[max(points)]


@settings(max_examples=150, deadline=None)
@given(bases, rises, offsets, beyond, target_years, st.booleans())
def test_higher_is_better_series_rising_toward_its_target_never_deteriorates(
    base, factor, years, margin, target_year, mirror
):
    points = _series(base, factor, years)
    target = _latest(points) * (1 + margin)  # above the latest value: not reached yet
    a = _assess(points, "higher", target, target_year, mirror)
    assert a.status not in ("deterioration", "target_achieved", "not_available")


@settings(max_examples=150, deadline=None)
@given(bases, falls, offsets, beyond, target_years, st.booleans())
def test_lower_is_better_series_falling_toward_its_target_never_deteriorates(
    base, factor, years, margin, target_year, mirror
):
    points = _series(base, factor, years)
    target = _latest(points) / (1 + margin)  # below the latest value: not reached yet
    a = _assess(points, "lower", target, target_year, mirror)
    assert a.status not in ("deterioration", "target_achieved", "not_available")


@settings(max_examples=150, deadline=None)
@given(bases, falls, offsets, beyond, target_years, st.booleans())
def test_higher_is_better_series_falling_away_from_its_target_is_never_substantial(
    base, factor, years, margin, target_year, mirror
):
    points = _series(base, factor, years)
    target = _latest(points) * (1 + margin)
    a = _assess(points, "higher", target, target_year, mirror)
    assert a.status not in ("substantial_progress", "target_achieved")


@settings(max_examples=150, deadline=None)
@given(bases, rises, offsets, beyond, target_years, st.booleans())
def test_lower_is_better_series_rising_away_from_its_target_is_never_substantial(
    base, factor, years, margin, target_year, mirror
):
    points = _series(base, factor, years)
    target = _latest(points) / (1 + margin)
    a = _assess(points, "lower", target, target_year, mirror)
    assert a.status not in ("substantial_progress", "target_achieved")


@settings(max_examples=100, deadline=None)
@given(bases, rises, offsets, st.booleans())
def test_without_target_moving_the_right_way_never_deteriorates_and_the_wrong_way_always_does(
    base, factor, years, mirror
):
    rising = _series(base, factor, years)
    falling = _series(base, 1 / factor, years)
    assert _assess(rising, "higher", None, None, mirror).status != "deterioration"
    assert _assess(falling, "lower", None, None, mirror).status != "deterioration"
    assert _assess(falling, "higher", None, None, mirror).status == "deterioration"
    assert _assess(rising, "lower", None, None, mirror).status == "deterioration"
