"""The status engine: how far a series has come, and is it on its way to the target?

This follows the progress measure of Open SDG / sdg-build (Statistics Canada's method), so a
status here means the same as on an Open SDG reporting platform:

* base = the value in ``base_year`` (2015), or in the first later year with data;
  current = the value in the latest year;
* observed growth = the compound annual growth rate (CAGR) from base to current;
* with a target: if the latest value already meets it, the status is ``target_achieved``
  (decided first, from the latest value alone). Otherwise the progress value is
  ``r = sign * d * observed / |required|`` where ``required`` is the CAGR needed to get from the
  base to the target by ``target_year`` (2030), ``d`` is +1 when higher is better and -1 when
  lower is better, ``sign`` is -1 when the base value is negative. ``r >= 0.95`` substantial,
  ``>= 0.6`` moderate, ``>= 0`` limited, below 0 deterioration;
* without a target: ``r = sign * d * observed``; ``>= 0.015`` substantial, ``>= 0.005``
  moderate, ``>= 0`` limited, below 0 deterioration;
* each series also gets a score in [-5, 5] so several series can be averaged (`combine`).

Where this module decides something the published method leaves open, it says so in the
assessment's notes (``Assessment.notes``: message keys with their values, shown in the reader's
language from indicators/locales/*/assessment.toml; ``str(a.note)`` is the English text):

* **zero base value** (Open SDG would replace it by 0.001): the first later year with a
  non-zero value becomes the base; if there is none before the latest year, not_available;
* **zero target**: as in Open SDG, 0.001 (with the base's sign) stands in for 0 when the
  required growth is calculated -- a percentage trend can never reach exactly zero;
* **target equal to the base** (required growth zero): no division; falling short of the
  target again counts as deterioration (score -5), holding still as limited progress (-2.5);
* base and current (or base and target) of different signs, a target year at or before the
  base year, fewer than two years from the base on: not_available.

Input: ``points`` maps a year (int) to a value. Monthly series -- keys ``"YYYY-MM"``, ``(year,
month)`` tuples or ``datetime.date`` -- are first turned into annual values by `annualise`
(``how="mean"`` unless ``annualise_how`` says otherwise); the method itself only ever sees
int years. Missing values (None, NaN) are left out.

Pure: no I/O, no database, no pandas (a note reads the locale texts only when it is rendered).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from numbers import Integral, Real
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, SkipValidation

from indicators import i18n
from indicators.models import Comparator, Direction

__all__ = [
    "DEFAULT_BASE_YEAR",
    "DEFAULT_TARGET_YEAR",
    "REQUIREMENT_ICONS",
    "REASON_PREFIX",
    "REQUIREMENT_ORDER",
    "STATUS_ICONS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "AnnualiseHow",
    "Assessment",
    "Note",
    "NOTES",
    "NOTE_PREFIX",
    "Notes",
    "RequirementStatus",
    "Status",
    "annualise",
    "assess",
    "cagr",
    "combine",
    "mean_score",
    "progress_score",
    "reason_text",
    "requirement_status",
    "status_from_score",
]

Status = Literal[
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
]
RequirementStatus = Literal["met", "not_met", "not_reported"]
AnnualiseHow = Literal["mean", "sum", "last"]

STATUS_ORDER: tuple[Status, ...] = (
    "target_achieved",
    "substantial_progress",
    "moderate_progress",
    "limited_progress",
    "deterioration",
    "not_available",
)
# Shapes that differ without colour; pages always show the word next to the icon.
STATUS_ICONS: dict[Status, str] = {
    "target_achieved": "✔",
    "substantial_progress": "▲",
    "moderate_progress": "►",
    "limited_progress": "◆",
    "deterioration": "▼",
    "not_available": "?",
}
STATUS_LABELS: dict[Status, str] = {
    "target_achieved": "Target achieved",
    "substantial_progress": "Substantial progress",
    "moderate_progress": "Moderate progress",
    "limited_progress": "Limited progress",
    "deterioration": "Deterioration",
    "not_available": "Not available",
}
REQUIREMENT_ORDER: tuple[RequirementStatus, ...] = ("met", "not_met", "not_reported")
REQUIREMENT_ICONS: dict[RequirementStatus, str] = {
    "met": "✔",
    "not_met": "✘",
    "not_reported": "?",
}

DEFAULT_BASE_YEAR = 2015
DEFAULT_TARGET_YEAR = 2030
# Open SDG's stand-in for a target of zero (an exponential trend never reaches zero).
ZERO_TARGET_STAND_IN = 0.001

# progress-value thresholds: (substantial, moderate, limited)
_TARGET_THRESHOLDS = (0.95, 0.6, 0.0)
_NO_TARGET_THRESHOLDS = (0.015, 0.005, 0.0)

_MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR_KEY = re.compile(r"^\d{4}$")


# --------------------------------------------------------------------------- helpers


def cagr(value: float, base_value: float, year: int, base_year: int) -> float:
    """Compound annual growth rate from (base_year, base_value) to (year, value).

    ``(value / base_value) ** (1 / (year - base_year)) - 1``. The caller makes sure the base
    is non-zero, the years differ and the two values do not have different signs.
    """
    return (value / base_value) ** (1 / (year - base_year)) - 1


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, Real) and math.isnan(float(value)))


def _as_float(value: object, key: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"value for {key!r} is not a number: {value!r}")
    number = float(value)
    if math.isinf(number):
        raise ValueError(f"value for {key!r} is infinite")
    return number


def _year_key(key: object) -> int | None:
    """The year of an annual key, or None if the key is not annual."""
    if isinstance(key, bool):
        return None
    if isinstance(key, Integral):
        return int(key)
    if isinstance(key, float) and key.is_integer():
        return int(key)
    if isinstance(key, str) and _YEAR_KEY.match(key.strip()):
        return int(key.strip())
    return None


def _month_key(key: object) -> tuple[int, int] | None:
    """(year, month) of a monthly key, or None if the key is not monthly."""
    year = month = None
    if isinstance(key, date):
        year, month = key.year, key.month
    elif isinstance(key, str) and (match := _MONTH_KEY.match(key.strip())):
        year, month = int(match.group(1)), int(match.group(2))
    elif (
        isinstance(key, tuple)
        and len(key) == 2
        and all(isinstance(part, Integral) and not isinstance(part, bool) for part in key)
    ):
        year, month = int(key[0]), int(key[1])
    if year is None or month is None:
        return None
    if not 1 <= month <= 12:
        raise ValueError(f"{key!r}: month must be 1-12")
    return year, month


def _split(points: Mapping) -> tuple[dict[int, float], dict[tuple[int, int], float]]:
    """Sort the keys into annual and monthly values, dropping missing values."""
    annual: dict[int, float] = {}
    monthly: dict[tuple[int, int], float] = {}
    for key, raw in points.items():
        if _is_missing(raw):
            continue
        year = _year_key(key)
        if year is not None:
            if year in annual:
                raise ValueError(f"year {year} is given twice")
            annual[year] = _as_float(raw, key)
            continue
        ym = _month_key(key)
        if ym is None:
            raise ValueError(
                f"{key!r} is neither a year (int) nor a month ('YYYY-MM', (year, month), date)"
            )
        if ym in monthly:
            raise ValueError(f"month {ym[0]}-{ym[1]:02d} is given twice")
        monthly[ym] = _as_float(raw, key)
    if annual and monthly:
        raise ValueError("points mix annual and monthly keys; give one or the other")
    return annual, monthly


def _annual_from_monthly(
    monthly: Mapping[tuple[int, int], float], how: AnnualiseHow
) -> dict[int, float]:
    by_year: dict[int, list[tuple[int, float]]] = {}
    for (year, month), value in monthly.items():
        by_year.setdefault(year, []).append((month, value))
    result: dict[int, float] = {}
    for year in sorted(by_year):
        months = sorted(by_year[year])
        values = [value for _, value in months]
        if how == "mean":
            result[year] = math.fsum(values) / len(values)
        elif how == "sum":
            result[year] = math.fsum(values)
        else:  # last
            result[year] = values[-1]
    return result


def annualise(points: Mapping, how: AnnualiseHow = "mean") -> dict[int, float]:
    """Turn a monthly series into annual values, keyed by int year, in year order.

    Keys may be ``"YYYY-MM"`` strings, ``(year, month)`` tuples or dates. ``how``: ``"mean"``
    (the average of the months present -- a rate, or a level), ``"sum"`` (a flow such as tonnes
    per month; an incomplete year then sums fewer months) or ``"last"`` (the latest month
    present -- a stock or a cumulative count). Missing values (None, NaN) are left out.
    A series that is already annual (int year keys) is returned as it is, sorted.
    """
    if how not in ("mean", "sum", "last"):
        raise ValueError(f"how must be 'mean', 'sum' or 'last', not {how!r}")
    annual, monthly = _split(points)
    if monthly:
        return _annual_from_monthly(monthly, how)
    return dict(sorted(annual.items()))


# --------------------------------------------------------------------------- notes

NOTE_PREFIX = "assessment.note."
# Every note assess() can write: its key (the text is NOTE_PREFIX + key in each language's
# assessment.toml) and the names of its placeholders. Years and counts are ints (shown as
# written); figures are floats (shown with the language's decimal mark).
NOTES: dict[str, tuple[str, ...]] = {
    "monthly_mean": (),
    "monthly_sum": (),
    "monthly_last": (),
    "incomplete_year": ("year", "months"),
    "no_values": (),
    "target_met": ("value", "year", "target"),
    "all_before_base": ("base_year",),
    "base_moved": ("base_year", "first_year"),
    "zero_base_unusable": ("year",),
    "zero_base_moved": ("year", "first_year"),
    "one_year": ("year",),
    "signs_base_latest": ("base", "latest"),
    "negative_values": (),
    "target_year_not_after_base": ("target_year", "base_year"),
    "zero_target": ("stand_in",),
    "signs_base_target": ("base", "target"),
    "base_equals_target": ("target",),
    "moved_away": (),
}

NoteValue = int | float | str


class Note(NamedTuple):
    """One sentence of how a status was worked out, in no language yet: a key of `NOTES` and
    the values of its placeholders as (name, value) pairs."""

    key: str
    values: tuple[tuple[str, NoteValue], ...] = ()

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The sentence in `lang`: years as written, figures with the language's marks."""
        return i18n.t(
            NOTE_PREFIX + self.key,
            lang,
            **{name: _shown(value, lang) for name, value in self.values},
        )


def _shown(value: NoteValue, lang: str) -> str:
    if isinstance(value, float):
        return i18n.format_exact(value, lang)
    return str(value)  # a year or a count (int), or a word


def _note(key: str, **values: NoteValue) -> Note:
    if set(values) != set(NOTES[key]):
        raise ValueError(f"note {key!r} takes {NOTES[key]}, not {tuple(values)}")
    return Note(key, tuple((name, _plain(value)) for name, value in values.items()))


def _plain(value: NoteValue) -> NoteValue:
    """A year stays an int and a figure a float (numpy's kinds included)."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    return str(value)


REASON_PREFIX = "public.reason."


def reason_text(reason: Note | tuple | None, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """A not-available reason (a `Note`) as the short line a card shows, in `lang`: the
    locales' `public.reason.<key>` with the note's values; '' for no reason."""
    if not isinstance(reason, tuple) or not reason:
        return ""  # None, or NaN from a table
    key, values = Note(*reason)
    return i18n.t(REASON_PREFIX + key, lang, **{n: _shown(v, lang) for n, v in values})


class Notes(tuple):
    """An assessment's notes, in order, as one value (a tuple of `Note`) that a scorecard row
    carries to the page: ``text(lang)`` in the reader's language, ``str()`` in English,
    empty (false) when there is nothing to say."""

    __slots__ = ()

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return " ".join(Note(*note).text(lang) for note in self)

    def __str__(self) -> str:
        return self.text()


# --------------------------------------------------------------------------- scores


def progress_score(progress_value: float, *, has_target: bool) -> float:
    """The score in [-5, 5] for a progress value (Open SDG's linear transformation).

    With a target (r = observed / required growth): ``min(7.1429 r - 4.2857, 5)`` for
    r >= 0.6, else ``max(4.1667 r - 2.5, -5)``. Without a target (r = observed growth):
    ``max(125 r - 2.5, -5)`` below 0, ``500 r - 2.5`` below 0.005, ``250 r - 1.25`` below
    0.015, else ``min(500 r - 5, 5)``. (An achieved target scores 5 regardless.)
    """
    r = progress_value
    if has_target:
        if r >= 0.6:
            return min(7.1429 * r - 4.2857, 5.0)
        return max(4.1667 * r - 2.5, -5.0)
    if r < 0:
        return max(125 * r - 2.5, -5.0)
    if r < 0.005:
        return 500 * r - 2.5
    if r < 0.015:
        return 250 * r - 1.25
    return min(500 * r - 5, 5.0)


def _status_from_progress(progress_value: float, *, has_target: bool) -> Status:
    substantial, moderate, limited = _TARGET_THRESHOLDS if has_target else _NO_TARGET_THRESHOLDS
    if progress_value >= substantial:
        return "substantial_progress"
    if progress_value >= moderate:
        return "moderate_progress"
    if progress_value >= limited:
        return "limited_progress"
    return "deterioration"


def status_from_score(score: float | None) -> Status:
    """A mean score back to a status: >= 2.5 substantial, >= 0 moderate, >= -2.5 limited."""
    if score is None:
        return "not_available"
    if score >= 2.5:
        return "substantial_progress"
    if score >= 0:
        return "moderate_progress"
    if score >= -2.5:
        return "limited_progress"
    return "deterioration"


# --------------------------------------------------------------------------- the model


class Assessment(BaseModel):
    """One series assessed: the status and every number that led to it."""

    model_config = ConfigDict(frozen=True)

    status: Status
    direction: Direction
    base_year: int | None = None
    base_value: float | None = None
    current_year: int | None = None
    current_value: float | None = None
    observed_growth: float | None = None
    required_growth: float | None = None
    progress_value: float | None = None
    score: float | None = None
    target: float | None = None
    target_year: int | None = None
    comparator: Comparator | None = None
    gap: float | None = None
    trend_reaches_target_year: int | None = None
    notes: SkipValidation[tuple[Note, ...]] = ()  # built by assess() through _note
    # not_available only: the note that says why (e.g. one_year), worded short for a card
    reason: SkipValidation[Note | None] = None

    def reason_text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """Why there is no status, short ('only one year of data, 2021'); '' with a status."""
        return reason_text(self.reason, lang)

    @property
    def note(self) -> Notes:
        """How the status was worked out: ``note.text("fi")`` in Finnish, ``str(note)`` in
        English (what a scorecard row's "note" holds)."""
        return Notes(self.notes)

    @property
    def available(self) -> bool:
        return self.score is not None

    @property
    def target_achieved(self) -> bool:
        return self.status == "target_achieved"

    def projection(self, years: Iterable[int]) -> dict[int, float]:
        """The observed trend (constant CAGR through base and current) in the given years.

        ``value(t) = base_value * (1 + observed_growth) ** (t - base_year)`` -- for drawing a
        trajectory line, e.g. ``a.projection(range(a.base_year, 2031))``. Empty when there is
        no observed growth; years where the trend is undefined or overflows are left out.
        """
        if self.observed_growth is None or self.base_value is None or self.base_year is None:
            return {}
        factor = 1 + self.observed_growth
        result: dict[int, float] = {}
        for year in years:
            try:
                result[int(year)] = self.base_value * factor ** (int(year) - self.base_year)
            except (ZeroDivisionError, OverflowError):
                continue
        return result


# --------------------------------------------------------------------------- assess


def _achieved(current: float, target: float, comparator: Comparator | None, d: int) -> bool:
    if comparator == ">":
        return current > target
    if comparator == "<":
        return current < target
    # ">=", "<=", "=" and None: by direction
    return current >= target if d == 1 else current <= target


def _check_comparator(comparator: Comparator | None, direction: Direction) -> None:
    if comparator is None or comparator == "=":
        return
    if comparator not in (">=", "<=", ">", "<"):
        raise ValueError(f"comparator must be one of >=, <=, >, <, =, not {comparator!r}")
    if (comparator in (">=", ">")) != (direction == "higher"):
        raise ValueError(
            f"comparator {comparator!r} contradicts direction {direction!r}: a target to stay "
            f"{'above' if comparator in ('>=', '>') else 'below'} must go with "
            f"{'higher' if comparator in ('>=', '>') else 'lower'} is better"
        )


def _trend_year(
    current_year: int, current: float, target: float, growth: float | None
) -> int | None:
    """First year the constant-growth trend from the current value reaches the target."""
    if growth is None or growth == 0 or growth <= -1 or current == 0:
        return None
    ratio = target / current
    if ratio <= 0:
        return None  # a percentage trend never reaches zero nor crosses it
    years = math.log(ratio) / math.log1p(growth)
    if not math.isfinite(years) or years <= 0:
        return None  # moving away from the target
    return current_year + math.ceil(years - 1e-9)


def assess(
    points: Mapping,
    *,
    direction: Direction,
    target: float | None = None,
    target_year: int | None = None,
    base_year: int = DEFAULT_BASE_YEAR,
    comparator: Comparator | None = None,
    annualise_how: AnnualiseHow = "mean",
) -> Assessment:
    """Assess one series with Open SDG's progress measure. See the module docstring.

    ``points``: year (int) -> value, or a monthly series (annualised first, ``annualise_how``).
    ``direction``: "higher" or "lower" is better. ``target``/``target_year`` (default 2030):
    the value to reach; ``comparator`` (">=", "<=", ">", "<", "=") how the target is met --
    None and "=" mean by direction (higher: >=, lower: <=); a comparator that contradicts the
    direction is a ValueError. ``base_year`` (default 2015): falls forward to the first later
    year with data.
    """
    if direction not in ("higher", "lower"):
        raise ValueError(f"direction must be 'higher' or 'lower', not {direction!r}")
    _check_comparator(comparator, direction)
    if annualise_how not in ("mean", "sum", "last"):
        raise ValueError(f"annualise_how must be 'mean', 'sum' or 'last', not {annualise_how!r}")
    if target is not None:
        target = _as_float(target, "target")
        if math.isnan(target):
            target = None
    d = 1 if direction == "higher" else -1
    eff_target_year = (
        (DEFAULT_TARGET_YEAR if target_year is None else int(target_year))
        if target is not None
        else None
    )

    annual, monthly = _split(points)
    notes: list[Note] = []
    if monthly:
        annual = _annual_from_monthly(monthly, annualise_how)
        notes.append(_note(f"monthly_{annualise_how}"))
        counts: dict[int, int] = {}
        for year, _ in monthly:
            counts[year] = counts.get(year, 0) + 1
        notes += [
            _note("incomplete_year", year=y, months=n) for y, n in sorted(counts.items()) if n < 12
        ]
    series = dict(sorted(annual.items()))

    fields: dict = {
        "direction": direction,
        "target": target,
        "target_year": eff_target_year,
        "comparator": comparator,
    }

    def done(status: Status, **extra) -> Assessment:
        fields.update(extra)
        reason = notes[-1] if status == "not_available" and notes else None
        return Assessment(status=status, notes=tuple(notes), reason=reason, **fields)

    if not series:
        notes.append(_note("no_values"))
        return done("not_available")

    current_year = max(series)
    current = series[current_year]
    fields.update(current_year=current_year, current_value=current)
    achieved = False
    if target is not None:
        fields["gap"] = d * (target - current)
        achieved = _achieved(current, target, comparator, d)
        if achieved:
            fields["trend_reaches_target_year"] = current_year
            notes.append(_note("target_met", value=current, year=current_year, target=target))

    def finish_unavailable(reason: Note) -> Assessment:
        """not_available -- unless the target is achieved, which needs no trend."""
        notes.append(reason)
        if achieved:
            return done("target_achieved", score=5.0)
        return done("not_available")

    # -- the base
    later = [year for year in series if year >= base_year]
    if not later:
        return finish_unavailable(_note("all_before_base", base_year=base_year))
    eff_base_year = later[0]
    if eff_base_year != base_year:
        notes.append(_note("base_moved", base_year=base_year, first_year=eff_base_year))
    if series[eff_base_year] == 0:
        non_zero = [year for year in later if series[year] != 0]
        if not non_zero or non_zero[0] == current_year:
            fields.update(base_year=eff_base_year, base_value=0.0)
            return finish_unavailable(_note("zero_base_unusable", year=eff_base_year))
        notes.append(_note("zero_base_moved", year=eff_base_year, first_year=non_zero[0]))
        eff_base_year = non_zero[0]
    base = series[eff_base_year]
    fields.update(base_year=eff_base_year, base_value=base)

    if eff_base_year >= current_year:
        return finish_unavailable(_note("one_year", year=eff_base_year))
    if (base > 0 and current < 0) or (base < 0 and current > 0):
        return finish_unavailable(_note("signs_base_latest", base=base, latest=current))

    observed = cagr(current, base, current_year, eff_base_year)
    sign = -1 if base < 0 else 1
    fields["observed_growth"] = observed
    if sign < 0:
        notes.append(_note("negative_values"))

    # -- without a target
    if target is None:
        progress = sign * d * observed
        return done(
            _status_from_progress(progress, has_target=False),
            progress_value=progress,
            score=progress_score(progress, has_target=False),
        )

    # -- with a target
    assert eff_target_year is not None
    if achieved:
        fields["trend_reaches_target_year"] = current_year
    else:
        fields["trend_reaches_target_year"] = _trend_year(current_year, current, target, observed)
    if eff_target_year <= eff_base_year:
        return finish_unavailable(
            _note(
                "target_year_not_after_base", target_year=eff_target_year, base_year=eff_base_year
            )
        )
    target_for_growth = target
    if target == 0:
        target_for_growth = math.copysign(ZERO_TARGET_STAND_IN, base)
        notes.append(_note("zero_target", stand_in=target_for_growth))
    if (base > 0) != (target_for_growth > 0):
        return finish_unavailable(_note("signs_base_target", base=base, target=target))
    required = cagr(target_for_growth, base, eff_target_year, eff_base_year)
    fields["required_growth"] = required

    if achieved:
        progress = sign * d * observed / abs(required) if required != 0 else None
        return done("target_achieved", progress_value=progress, score=5.0)

    if required == 0:
        desired = sign * d * observed
        notes.append(_note("base_equals_target", target=target))
        if desired < 0:
            notes.append(_note("moved_away"))
            return done("deterioration", score=-5.0)
        if desired > 0:
            return done("substantial_progress", score=5.0)
        return done("limited_progress", progress_value=0.0, score=-2.5)

    progress = sign * d * observed / abs(required)
    return done(
        _status_from_progress(progress, has_target=True),
        progress_value=progress,
        score=progress_score(progress, has_target=True),
    )


# --------------------------------------------------------------------------- several series


def mean_score(assessments: Iterable[Assessment]) -> float | None:
    """The mean score of the available assessments, None if none is available."""
    scores = [a.score for a in assessments if a.score is not None]
    return math.fsum(scores) / len(scores) if scores else None


def combine(assessments: Iterable[Assessment]) -> Status:
    """One status for several series (breakdowns of an indicator, projects of a district).

    The mean score of the available series maps back to a status (>= 2.5 substantial, >= 0
    moderate, >= -2.5 limited, else deterioration); ``target_achieved`` only when every
    available series has achieved its target; ``not_available`` when none is available.
    """
    available = [a for a in assessments if a.score is not None]
    if not available:
        return "not_available"
    if all(a.status == "target_achieved" for a in available):
        return "target_achieved"
    return status_from_score(mean_score(available))


# --------------------------------------------------------------------------- requirements


def requirement_status(
    value: float | None,
    target: float,
    comparator: Comparator | None = None,
    direction: Direction | None = None,
) -> RequirementStatus:
    """Is a project requirement met? ``value`` None (or NaN) -> ``not_reported``.

    ``comparator`` ">=", "<=", ">", "<" compare ``value`` with ``target``; "=" (or None) is
    read by ``direction``: higher is better means >=, lower is better means <=.
    """
    if comparator in (None, "="):
        if direction == "higher":
            comparator = ">="
        elif direction == "lower":
            comparator = "<="
        else:
            raise ValueError("comparator '=' is read by direction: give 'higher' or 'lower'")
    if comparator not in (">=", "<=", ">", "<"):
        raise ValueError(f"comparator must be one of >=, <=, >, <, =, not {comparator!r}")
    if target is None or _is_missing(target):
        raise ValueError("a requirement needs a target value")
    if _is_missing(value):
        return "not_reported"
    assert value is not None
    met = {
        ">=": value >= target,
        "<=": value <= target,
        ">": value > target,
        "<": value < target,
    }[comparator]
    return "met" if met else "not_met"
