"""How a target is worded: the one place every screen, export and the CLI turns a stored
comparator, value, unit and year into words ("at least 65 % by 2030").

A comparator is read as the status engine reads it (indicators.progress): `>=`, `<=`, `>` and
`<` say themselves; `=` (and no comparator) means "reach the value" and is read by the
indicator's direction -- higher is better: at least; lower is better: at most. Wording `=` as
"at most" on a higher-is-better indicator told residents the opposite of the target.

Pure: no streamlit, no database; the texts are the locales' `mon.comparator.*` keys.
"""

from __future__ import annotations

import math

from indicators import i18n

COMPARATOR_KEYS = {">=": "ge", "<=": "le", ">": "gt", "<": "lt"}
COMPARATORS = (">=", "<=", ">", "<", "=")


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, pandas' NA raises
    except (TypeError, ValueError):
        return True


def effective_comparator(comparator: str | None, direction: str | None) -> str:
    """The comparator a target is met by: `=` or none read by direction (higher: `>=`,
    lower: `<=`); an unknown direction counts as higher is better, the catalog's default."""
    if _missing(comparator) or comparator in ("", "="):
        return "<=" if direction == "lower" else ">="
    if comparator not in COMPARATOR_KEYS:
        raise ValueError(f"comparator must be one of {', '.join(COMPARATORS)}, not {comparator!r}")
    return str(comparator)


def comparator_text(comparator: str | None, direction: str | None, lang: str = "en") -> str:
    """'at least', 'vähintään', 'minst' ... for a comparator and the indicator's direction."""
    key = COMPARATOR_KEYS[effective_comparator(comparator, direction)]
    return i18n.t(f"mon.comparator.{key}", lang)


def amount(value: float, unit: str | None = None, lang: str = "en") -> str:
    """A target's figure as written (no rounding: 2.5 stays 2.5) with the unit's name."""
    text = i18n.format_exact(float(value), lang)
    name = i18n.unit_name(str(unit), lang) if not _missing(unit) and unit else ""
    return f"{text} {name}" if name else text


def target(
    value: float | None,
    *,
    comparator: str | None,
    direction: str | None,
    lang: str = "en",
    unit: str | None = None,
    year: int | None = None,
) -> str:
    """'at least 65 % by 2030', 'vähintään 65 % vuoteen 2030 mennessä', 'högst 70 kWh/m²'
    (without 'by' when the target has no year); 'no target set' without a value."""
    if _missing(value) or not math.isfinite(float(value)):
        return i18n.t("mon.no_target", lang)
    text = f"{comparator_text(comparator, direction, lang)} {amount(value, unit, lang)}"
    if _missing(year):
        return text
    return i18n.t("mon.target_by", lang, target=text, year=int(year))
