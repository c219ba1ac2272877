"""The status engine (Open SDG's progress measure), checked against hand computations.

Notation in the comments: cagr = observed growth from base to current, required = growth
needed from base to the target by the target year, r = progress value.
"""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from indicators.progress import (
    REQUIREMENT_ICONS,
    STATUS_ICONS,
    STATUS_LABELS,
    STATUS_ORDER,
    Assessment,
    annualise,
    assess,
    cagr,
    combine,
    mean_score,
    progress_score,
    requirement_status,
    status_from_score,
)

approx = pytest.approx


def _with_score(score: float | None, status: str = "moderate_progress") -> Assessment:
    return Assessment(status=status, direction="higher", score=score)


# --------------------------------------------------------------------------- growth


def test_cagr_is_the_compound_annual_growth_rate():
    # (121/100)**(1/2) - 1 = 0.1
    assert cagr(121, 100, 2017, 2015) == approx(0.1)


# --------------------------------------------------------------------------- with a target, higher


def test_higher_is_better_series_rising_faster_than_needed_is_substantial_progress():
    # cagr = (80/40)**(1/8)-1 = 0.0905; required = (90/40)**(1/15)-1 = 0.0556; r = 1.63
    a = assess({2015: 40, 2023: 80}, direction="higher", target=90)
    assert a.status == "substantial_progress"
    assert a.observed_growth == approx(0.0905, abs=1e-4)
    assert a.required_growth == approx(0.0556, abs=1e-4)
    assert a.progress_value == approx(1.629, abs=1e-3)


def test_higher_is_better_series_rising_at_70_percent_of_the_needed_pace_is_moderate_progress():
    # cagr = (110/100)**(1/5)-1 = 0.01924; required = (150/100)**(1/15)-1 = 0.02740; r = 0.702
    a = assess({2015: 100, 2020: 110}, direction="higher", target=150)
    assert a.status == "moderate_progress"
    assert a.progress_value == approx(0.702, abs=1e-3)


def test_higher_is_better_series_rising_slowly_is_limited_progress():
    # cagr = (102/100)**(1/5)-1 = 0.00397; required = 0.02740; r = 0.145
    a = assess({2015: 100, 2020: 102}, direction="higher", target=150)
    assert a.status == "limited_progress"
    assert a.progress_value == approx(0.145, abs=1e-3)


def test_higher_is_better_series_falling_is_deterioration():
    # cagr = (90/100)**(1/5)-1 = -0.0209; required = 0.0274; r = -0.761
    a = assess({2015: 100, 2020: 90}, direction="higher", target=150)
    assert a.status == "deterioration"
    assert a.progress_value == approx(-0.761, abs=1e-3)


def test_higher_is_better_latest_value_equal_to_target_is_target_achieved():
    # 65 >= 65
    a = assess({2015: 40, 2020: 65}, direction="higher", target=65)
    assert a.status == "target_achieved"
    assert a.score == 5


# --------------------------------------------------------------------------- with a target, lower


def test_lower_is_better_series_falling_fast_enough_is_substantial_progress():
    # cagr = (120/200)**(1/5)-1 = -0.0971; required = (100/200)**(1/15)-1 = -0.0452
    # r = -1 * -0.0971 / 0.0452 = 2.15
    a = assess({2015: 200, 2020: 120}, direction="lower", target=100)
    assert a.status == "substantial_progress"
    assert a.progress_value == approx(2.151, abs=1e-3)


def test_lower_is_better_series_falling_at_70_percent_of_the_needed_pace_is_moderate_progress():
    # cagr = (170/200)**(1/5)-1 = -0.0320; required = -0.0452; r = 0.708
    a = assess({2015: 200, 2020: 170}, direction="lower", target=100)
    assert a.status == "moderate_progress"
    assert a.progress_value == approx(0.708, abs=1e-3)


def test_lower_is_better_series_falling_slowly_is_limited_progress():
    # cagr = (195/200)**(1/5)-1 = -0.00505; required = -0.0452; r = 0.112
    a = assess({2015: 200, 2020: 195}, direction="lower", target=100)
    assert a.status == "limited_progress"
    assert a.progress_value == approx(0.112, abs=1e-3)


def test_lower_is_better_series_rising_is_deterioration():
    # cagr = (210/200)**(1/5)-1 = +0.0098; r = -1 * 0.0098 / 0.0452 = -0.217
    a = assess({2015: 200, 2020: 210}, direction="lower", target=100)
    assert a.status == "deterioration"
    assert a.progress_value == approx(-0.217, abs=1e-3)


def test_lower_is_better_latest_value_below_target_is_target_achieved():
    # 90 <= 100
    a = assess({2015: 200, 2020: 90}, direction="lower", target=100)
    assert a.status == "target_achieved"


# --------------------------------------------------------------------------- without a target


def test_higher_is_better_without_target_growing_two_percent_a_year_is_substantial_progress():
    # cagr = (110/100)**(1/5)-1 = 0.0192 >= 0.015
    a = assess({2015: 100, 2020: 110}, direction="higher")
    assert a.status == "substantial_progress"
    assert a.progress_value == approx(0.0192, abs=1e-4)
    assert a.required_growth is None


def test_higher_is_better_without_target_growing_under_one_and_a_half_percent_is_moderate():
    # cagr = (104/100)**(1/5)-1 = 0.00787: 0.005 <= 0.00787 < 0.015
    a = assess({2015: 100, 2020: 104}, direction="higher")
    assert a.status == "moderate_progress"


def test_higher_is_better_without_target_growing_under_half_a_percent_is_limited_progress():
    # cagr = (101/100)**(1/5)-1 = 0.00199: 0 <= 0.00199 < 0.005
    a = assess({2015: 100, 2020: 101}, direction="higher")
    assert a.status == "limited_progress"


def test_higher_is_better_without_target_falling_slightly_is_deterioration():
    # cagr = (99/100)**(1/5)-1 = -0.00201 < 0
    a = assess({2015: 100, 2020: 99}, direction="higher")
    assert a.status == "deterioration"


def test_lower_is_better_without_target_falling_two_percent_a_year_is_substantial_progress():
    # cagr = (90/100)**(1/5)-1 = -0.0209; r = -1 * -0.0209 = 0.0209 >= 0.015
    a = assess({2015: 100, 2020: 90}, direction="lower")
    assert a.status == "substantial_progress"
    assert a.progress_value == approx(0.0209, abs=1e-4)


def test_lower_is_better_without_target_rising_slightly_is_deterioration():
    # cagr = (101/100)**(1/5)-1 = 0.00199; r = -0.00199 < 0
    a = assess({2015: 100, 2020: 101}, direction="lower")
    assert a.status == "deterioration"


def test_without_target_there_is_no_gap_and_no_trend_year():
    a = assess({2015: 100, 2020: 110}, direction="higher")
    assert a.target is None
    assert a.target_year is None
    assert a.gap is None
    assert a.trend_reaches_target_year is None


# --------------------------------------------------------------------------- base year


def test_base_is_the_first_later_year_when_there_is_no_2015_value():
    # 2014 is before the base year and ignored; base = 2017
    # cagr = (110/100)**(1/3)-1 = 0.0323
    a = assess({2014: 10, 2017: 100, 2020: 110}, direction="higher")
    assert a.base_year == 2017
    assert a.base_value == 100
    assert a.observed_growth == approx(0.0323, abs=1e-4)
    assert "2017" in str(a.note)


def test_an_explicit_base_year_is_used_when_present():
    # base 2018: cagr = (110/105)**(1/2)-1 = 0.0235
    a = assess({2015: 100, 2018: 105, 2020: 110}, direction="higher", base_year=2018)
    assert a.base_year == 2018
    assert a.observed_growth == approx(0.0235, abs=1e-4)


def test_current_is_the_latest_year_whatever_the_key_order():
    a = assess({2020: 110, 2015: 100, 2018: 1}, direction="higher")
    assert (a.current_year, a.current_value) == (2020, 110)


def test_missing_values_are_left_out():
    a = assess({2015: 100, 2019: 105, 2020: None}, direction="higher")
    assert a.current_year == 2019


# --------------------------------------------------------------------------- negative values


def test_negative_values_rising_toward_zero_are_progress_when_higher_is_better():
    # cagr = (-40/-50)**(1/5)-1 = -0.0436; sign = -1, d = +1 -> r = 0.0436 -> substantial
    a = assess({2015: -50, 2020: -40}, direction="higher")
    assert a.status == "substantial_progress"
    assert a.progress_value == approx(0.0436, abs=1e-4)


def test_negative_values_falling_are_progress_when_lower_is_better():
    # cagr = (-60/-50)**(1/5)-1 = +0.0371; sign = -1, d = -1 -> r = 0.0371 -> substantial
    a = assess({2015: -50, 2020: -60}, direction="lower")
    assert a.status == "substantial_progress"
    assert a.progress_value == approx(0.0371, abs=1e-4)


def test_negative_values_with_a_negative_target_use_the_flipped_sign():
    # cagr = -0.0436; required = (-20/-50)**(1/15)-1 = -0.0593
    # r = -1 * +1 * -0.0436 / 0.0593 = 0.737 -> moderate
    a = assess({2015: -50, 2020: -40}, direction="higher", target=-20)
    assert a.status == "moderate_progress"
    assert a.progress_value == approx(0.737, abs=1e-3)


# --------------------------------------------------------------------------- not available


def test_no_values_is_not_available():
    a = assess({}, direction="higher", target=10)
    assert a.status == "not_available"
    assert a.score is None


def test_a_single_value_without_target_is_not_available():
    a = assess({2020: 50}, direction="higher")
    assert a.status == "not_available"
    assert a.score is None
    assert a.note


def test_only_the_base_year_and_earlier_is_not_available():
    # from 2015 on there is only 2015 itself
    a = assess({2013: 5, 2015: 6}, direction="higher")
    assert a.status == "not_available"


def test_base_year_after_the_latest_year_is_not_available():
    a = assess({2010: 1, 2012: 2}, direction="higher")
    assert a.status == "not_available"
    assert a.base_year is None
    assert "2015" in str(a.note)


def test_base_and_current_of_different_signs_is_not_available():
    # (5 / -10) ** (1/5) has no real value
    a = assess({2015: -10, 2020: 5}, direction="higher")
    assert a.status == "not_available"
    assert a.observed_growth is None
    assert "signs" in str(a.note)


def test_target_year_at_the_base_year_is_not_available():
    a = assess({2015: 40, 2020: 50}, direction="higher", target=65, target_year=2015)
    assert a.status == "not_available"
    assert "target year" in str(a.note)


def test_target_of_a_different_sign_from_the_base_is_not_available():
    # required = (-5/10)**(1/15) has no real value
    a = assess({2015: 10, 2020: 5}, direction="lower", target=-5)
    assert a.status == "not_available"
    assert a.required_growth is None


# --------------------------------------------------------------------------- zero base / target


def test_zero_base_moves_the_base_to_the_first_later_non_zero_year():
    # 2015 = 0 -> base 2017 = 50; cagr = (60/50)**(1/3)-1 = 0.0627 -> substantial
    a = assess({2015: 0, 2017: 50, 2020: 60}, direction="higher")
    assert a.base_year == 2017
    assert a.status == "substantial_progress"
    assert a.observed_growth == approx(0.0627, abs=1e-4)
    assert "zero" in str(a.note)


def test_zero_base_with_no_later_non_zero_year_before_the_latest_is_not_available():
    a = assess({2015: 0, 2020: 5}, direction="higher")
    assert a.status == "not_available"
    assert "zero" in str(a.note)


def test_zero_base_with_only_zeros_is_not_available():
    a = assess({2015: 0, 2020: 0}, direction="lower")
    assert a.status == "not_available"


def test_latest_value_falling_to_zero_is_a_100_percent_fall():
    # cagr = (0/10)**(1/5)-1 = -1; lower is better: r = 1 -> substantial
    a = assess({2015: 10, 2020: 0}, direction="lower")
    assert a.observed_growth == -1
    assert a.status == "substantial_progress"


def test_zero_target_is_replaced_by_a_thousandth_when_the_required_growth_is_computed():
    # required = (0.001/100)**(1/15)-1 = -0.5358; cagr = (50/100)**(1/5)-1 = -0.1294
    # r = -1 * -0.1294 / 0.5358 = 0.2416 -> limited
    a = assess({2015: 100, 2020: 50}, direction="lower", target=0)
    assert a.required_growth == approx(-0.5358, abs=1e-4)
    assert a.status == "limited_progress"
    assert a.target == 0
    assert a.gap == 50
    assert "zero" in str(a.note)


def test_target_equal_to_base_and_latest_value_short_of_it_is_deterioration():
    # required = (50/50)**(1/15)-1 = 0: no division; 45 < 50 moved away -> deterioration, -5
    a = assess({2015: 50, 2020: 45}, direction="higher", target=50)
    assert a.required_growth == 0
    assert a.progress_value is None
    assert a.status == "deterioration"
    assert a.score == -5
    assert "equals the target" in str(a.note)


# --------------------------------------------------------------------------- target achieved first


def test_a_single_value_meeting_the_target_is_target_achieved():
    a = assess({2023: 80}, direction="higher", target=65)
    assert a.status == "target_achieved"
    assert a.score == 5
    assert a.trend_reaches_target_year == 2023


def test_target_achieved_is_decided_even_when_all_values_are_before_the_base_year():
    a = assess({2010: 70}, direction="higher", target=65)
    assert a.status == "target_achieved"


def test_target_achieved_wins_over_a_falling_trend():
    # 2015: 90 -> 2020: 70 is falling, but 70 >= 65
    a = assess({2015: 90, 2020: 70}, direction="higher", target=65)
    assert a.status == "target_achieved"
    assert a.observed_growth < 0


def test_strict_comparator_is_not_met_by_an_equal_value():
    # ">" 65: 65 is not above 65 -> progress is measured instead
    a = assess({2015: 40, 2020: 65}, direction="higher", target=65, comparator=">")
    assert a.status != "target_achieved"


def test_equals_comparator_is_read_by_direction():
    a = assess({2015: 200, 2020: 90}, direction="lower", target=100, comparator="=")
    assert a.status == "target_achieved"


def test_comparator_contradicting_direction_is_an_error():
    with pytest.raises(ValueError, match="contradicts"):
        assess({2015: 1, 2020: 2}, direction="lower", target=3, comparator=">=")


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError, match="direction"):
        assess({2015: 1, 2020: 2}, direction="up")  # type: ignore[arg-type]


def test_target_year_defaults_to_2030():
    a = assess({2015: 40, 2020: 50}, direction="higher", target=65)
    assert a.target_year == 2030


# --------------------------------------------------------------------------- gap


def test_gap_is_what_is_still_to_go_when_higher_is_better():
    # 65 - 40 = 25
    assert assess({2015: 30, 2020: 40}, direction="higher", target=65).gap == 25


def test_gap_is_what_is_still_to_go_when_lower_is_better():
    # 120 - 100 = 20 still to cut
    assert assess({2015: 200, 2020: 120}, direction="lower", target=100).gap == 20


def test_gap_is_negative_when_the_target_is_passed():
    # lower: 90 - 100 = -10
    assert assess({2015: 200, 2020: 90}, direction="lower", target=100).gap == -10


# --------------------------------------------------------------------------- trend year


def test_trend_year_is_when_the_current_growth_reaches_the_target():
    # g = 2**(1/8)-1 = 0.0905; n = ln(90/80) / ln(1.0905) = 1.36 years -> 2023 + 2 = 2025
    a = assess({2015: 40, 2023: 80}, direction="higher", target=90)
    assert a.trend_reaches_target_year == 2025


def test_trend_year_is_exact_when_the_trend_lands_on_the_target():
    # doubling every 5 years: 200 in 2020 -> 400 in 2025 exactly
    a = assess({2015: 100, 2020: 200}, direction="higher", target=400)
    assert a.trend_reaches_target_year == 2025


def test_trend_year_is_none_when_moving_away_from_the_target():
    a = assess({2015: 100, 2020: 90}, direction="higher", target=150)
    assert a.trend_reaches_target_year is None


def test_trend_year_is_none_for_a_flat_series():
    a = assess({2015: 40, 2020: 40}, direction="higher", target=65)
    assert a.trend_reaches_target_year is None


def test_trend_year_is_none_for_a_zero_target():
    # a percentage trend halves forever but never hits 0
    a = assess({2015: 100, 2020: 50}, direction="lower", target=0)
    assert a.trend_reaches_target_year is None


# --------------------------------------------------------------------------- projection


def test_projection_follows_the_observed_growth_through_base_and_current():
    # g = (121/100)**(1/2)-1 = 0.1: 100, 110, 121, 133.1
    a = assess({2015: 100, 2017: 121}, direction="higher")
    assert a.projection([2015, 2016, 2017, 2018]) == approx(
        {2015: 100, 2016: 110, 2017: 121, 2018: 133.1}
    )


def test_projection_is_empty_without_a_trend():
    assert assess({2020: 5}, direction="higher").projection(range(2015, 2031)) == {}


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize(
    ("r", "score"),
    [
        (-1.0, -5.0),  # max(4.1667 * -1 - 2.5, -5) = -5
        (-0.6, -5.0),  # 4.1667 * -0.6 - 2.5 = -5.00002 -> -5
        (0.0, -2.5),  # 4.1667 * 0 - 2.5
        (0.6, 0.0),  # 7.1429 * 0.6 - 4.2857 = 0.00004
        (0.95, 2.5),  # 7.1429 * 0.95 - 4.2857 = 2.50006
        (1.3, 5.0),  # 7.1429 * 1.3 - 4.2857 = 5.00007 -> 5
        (3.0, 5.0),
    ],
)
def test_score_with_a_target_maps_the_ratio_linearly_onto_minus_five_to_five(r, score):
    assert progress_score(r, has_target=True) == approx(score, abs=1e-3)


@pytest.mark.parametrize(
    ("r", "score"),
    [
        (-0.05, -5.0),  # max(125 * -0.05 - 2.5, -5) = -5
        (-0.02, -5.0),  # 125 * -0.02 - 2.5 = -5
        (-0.01, -3.75),  # 125 * -0.01 - 2.5
        (0.0, -2.5),  # 500 * 0 - 2.5
        (0.0025, -1.25),  # 500 * 0.0025 - 2.5
        (0.005, 0.0),  # 250 * 0.005 - 1.25
        (0.01, 1.25),  # 250 * 0.01 - 1.25
        (0.015, 2.5),  # 500 * 0.015 - 5
        (0.02, 5.0),  # 500 * 0.02 - 5
        (0.1, 5.0),  # capped
    ],
)
def test_score_without_a_target_maps_the_growth_rate_onto_minus_five_to_five(r, score):
    assert progress_score(r, has_target=False) == approx(score, abs=1e-9)


def test_an_achieved_target_scores_five():
    assert assess({2015: 90, 2020: 70}, direction="higher", target=65).score == 5


def test_score_of_an_assessed_series_follows_the_formula():
    # r = 0.702 -> 7.1429 * 0.702 - 4.2857 = 0.731
    a = assess({2015: 100, 2020: 110}, direction="higher", target=150)
    assert a.score == approx(0.731, abs=1e-3)


# --------------------------------------------------------------------------- combine


@pytest.mark.parametrize(
    ("score", "status"),
    [
        (5.0, "substantial_progress"),
        (2.5, "substantial_progress"),
        (2.4999, "moderate_progress"),
        (0.0, "moderate_progress"),
        (-0.0001, "limited_progress"),
        (-2.5, "limited_progress"),
        (-2.5001, "deterioration"),
        (-5.0, "deterioration"),
        (None, "not_available"),
    ],
)
def test_a_mean_score_maps_back_to_a_status(score, status):
    assert status_from_score(score) == status


def test_combine_averages_the_scores():
    # (5 + -5 + 3) / 3 = 1 -> moderate
    parts = [_with_score(5.0), _with_score(-5.0), _with_score(3.0)]
    assert mean_score(parts) == approx(1.0)
    assert combine(parts) == "moderate_progress"


def test_combine_ignores_series_that_are_not_available():
    # mean of 3 alone -> substantial
    parts = [_with_score(3.0), _with_score(None, "not_available")]
    assert combine(parts) == "substantial_progress"


def test_combine_gives_target_achieved_only_when_every_available_series_achieved_it():
    achieved = assess({2023: 80}, direction="higher", target=65)
    missing = assess({2023: 10}, direction="higher")
    assert combine([achieved, achieved, missing]) == "target_achieved"


def test_combine_of_an_achieved_and_a_substantial_series_is_substantial_progress():
    # (5 + 5) / 2 = 5, but not every series achieved its target
    achieved = assess({2023: 80}, direction="higher", target=65)
    rising = assess({2015: 100, 2020: 110}, direction="higher", target=150)
    assert combine([achieved, _with_score(5.0, "substantial_progress")]) == "substantial_progress"
    # (5 + 0.731) / 2 = 2.87 -> substantial
    assert combine([achieved, rising]) == "substantial_progress"


def test_combine_with_nothing_available_is_not_available():
    assert combine([_with_score(None, "not_available")]) == "not_available"
    assert combine([]) == "not_available"


# --------------------------------------------------------------------------- requirements


@pytest.mark.parametrize(
    ("value", "comparator", "expected"),
    [
        (100, ">=", "met"),
        (99, ">=", "not_met"),
        (100, "<=", "met"),
        (101, "<=", "not_met"),
        (101, ">", "met"),
        (100, ">", "not_met"),
        (99, "<", "met"),
        (100, "<", "not_met"),
    ],
)
def test_requirement_compares_the_value_with_the_target(value, comparator, expected):
    assert requirement_status(value, 100, comparator, "higher") == expected


def test_requirement_equals_means_at_least_when_higher_is_better():
    assert requirement_status(120, 100, "=", "higher") == "met"
    assert requirement_status(80, 100, "=", "higher") == "not_met"


def test_requirement_equals_means_at_most_when_lower_is_better():
    assert requirement_status(80, 100, "=", "lower") == "met"
    assert requirement_status(120, 100, "=", "lower") == "not_met"


def test_requirement_without_a_value_is_not_reported():
    assert requirement_status(None, 100, "<=", "lower") == "not_reported"
    assert requirement_status(math.nan, 100, "<=", "lower") == "not_reported"


def test_requirement_equals_without_direction_is_an_error():
    with pytest.raises(ValueError):
        requirement_status(1, 1, "=")


# --------------------------------------------------------------------------- monthly series


def test_annualise_takes_the_mean_of_the_months_by_default():
    assert annualise({"2020-01": 10, "2020-02": 20, "2021-01": 30}) == {2020: 15, 2021: 30}


def test_annualise_can_sum_or_take_the_last_month():
    months = {(2020, 2): 20, (2020, 1): 10}
    assert annualise(months, how="sum") == {2020: 30}
    assert annualise(months, how="last") == {2020: 20}


def test_annualise_leaves_an_annual_series_as_it_is():
    assert annualise({2021: 2.0, 2020: 1.0}) == {2020: 1.0, 2021: 2.0}


def test_monthly_series_is_assessed_on_its_annual_values():
    # 2015 mean = 100, 2020 mean = 110 -> cagr = 0.0192 -> substantial
    months = {"2015-01": 90, "2015-02": 110, "2020-01": 100, "2020-02": 120}
    a = assess(months, direction="higher")
    assert (a.base_value, a.current_value) == (100, 110)
    assert a.status == "substantial_progress"
    assert "Monthly" in str(a.note)
    assert "2020 (2 of 12 months)" in str(a.note)


def test_mixing_annual_and_monthly_keys_is_an_error():
    with pytest.raises(ValueError, match="mix"):
        assess({2015: 1, "2020-01": 2}, direction="higher")


def test_a_month_outside_one_to_twelve_is_an_error():
    with pytest.raises(ValueError, match="month"):
        annualise({"2020-13": 1})


# --------------------------------------------------------------------------- real series


def test_stockholm_royal_seaport_excavated_material_reuse_has_achieved_its_target():
    # reuse rate %, higher, target >= 65 by 2030: 2023 = 80 >= 65
    series = {2016: 40, 2021: 36, 2022: 40, 2023: 80}
    a = assess(series, direction="higher", target=65, target_year=2030, comparator=">=")
    assert a.status == "target_achieved"
    assert a.gap == -15


def test_stockholm_royal_seaport_excavated_material_reuse_up_to_2022_is_limited_progress():
    # no 2015 -> base 2016 = 40; current 2022 = 40; cagr = (40/40)**(1/6)-1 = 0
    # required = (65/40)**(1/14)-1 = 0.0353; r = 0 / 0.0353 = 0 -> limited, score -2.5
    series = {2016: 40, 2021: 36, 2022: 40}
    a = assess(series, direction="higher", target=65, target_year=2030, comparator=">=")
    assert a.base_year == 2016
    assert a.observed_growth == 0
    assert a.required_growth == approx(0.0353, abs=1e-4)
    assert a.progress_value == 0
    assert a.status == "limited_progress"
    assert a.score == approx(-2.5)


def test_stockholm_royal_seaport_residents_feeling_safe_is_deterioration():
    # higher, no target: base 2016 = 91, current 2023 = 90
    # cagr = (90/91)**(1/7)-1 = -0.00158 < 0 -> deterioration; score = 125 * -0.00158 - 2.5
    a = assess({2016: 91, 2019: 79, 2023: 90}, direction="higher")
    assert a.observed_growth == approx(-0.00158, abs=1e-5)
    assert a.status == "deterioration"
    assert a.score == approx(-2.697, abs=1e-3)


# --------------------------------------------------------------------------- presentation


def test_status_order_is_best_first_then_not_available():
    assert STATUS_ORDER[0] == "target_achieved"
    assert STATUS_ORDER[-2:] == ("deterioration", "not_available")
    assert set(STATUS_ORDER) == set(STATUS_ICONS) == set(STATUS_LABELS)


def test_every_status_has_its_own_icon():
    assert len(set(STATUS_ICONS.values())) == len(STATUS_ICONS)


def test_every_requirement_status_has_its_own_icon():
    assert set(REQUIREMENT_ICONS) == {"met", "not_met", "not_reported"}
    assert len(set(REQUIREMENT_ICONS.values())) == 3


def test_an_assessment_cannot_be_changed():
    a = assess({2015: 100, 2020: 110}, direction="higher")
    with pytest.raises(ValidationError):
        a.status = "deterioration"  # type: ignore[misc]
