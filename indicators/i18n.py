"""Interface text in English, Finnish and Swedish, and numbers formatted for the language.

Texts live in indicators/locales/<lang>/<area>.toml (one file per area of the app, flat
`key = "text"` tables); all files of a language are merged. A key missing in fi or sv falls
back to English, and a key missing everywhere shows as the key itself, so a gap is visible
but never breaks a page.
"""

from __future__ import annotations

import math
import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("en", "fi", "sv")
LANGUAGE_NAMES = {"en": "English", "fi": "Suomi", "sv": "Svenska"}
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"


def normalise(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


@cache
def messages(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        merged.update(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))
    return merged


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, full + "."))
        else:
            flat[full] = str(value)
    return flat


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for `key` in `lang`, with {placeholders} filled from `values`."""
    text = messages(normalise(lang)).get(key) or messages(DEFAULT_LANGUAGE).get(key) or key
    return text.format(**values) if values else text


def unit_name(unit: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A unit as readers of `lang` see it ('t/yr' -> 't/v' in Finnish), from the [unit] tables
    of the locales; the unit itself where none has it. The unit code in the data, the templates
    and the uploads stays as it is."""
    key = f"unit.{unit}"
    return messages(normalise(lang)).get(key) or messages(DEFAULT_LANGUAGE).get(key) or unit


def decimal_separator(lang: str) -> str:
    return "," if normalise(lang) in ("fi", "sv") else "."


def format_number(
    value: float | int | None, lang: str = DEFAULT_LANGUAGE, decimals: int | None = None
) -> str:
    """1234.5 -> '1,234.5' (en) or '1 234,5' (fi, sv); None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        magnitude = abs(value)
        decimals = (
            0 if magnitude >= 100 or float(value).is_integer() else (1 if magnitude >= 10 else 2)
        )
    text = f"{value:,.{decimals}f}"
    if normalise(lang) in ("fi", "sv"):
        # narrow no-break space groups thousands, comma marks decimals (as Excel in fi/sv shows)
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def format_exact(value: float | int | None, lang: str = DEFAULT_LANGUAGE, digits: int = 6) -> str:
    """A figure as it is, up to `digits` significant digits, no trailing zeros, the language's
    marks: 65.0 -> '65', 0.001 -> '0.001' (en) or '0,001' (fi, sv), 1234.5 -> '1,234.5' or
    '1 234,5'; None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    value = float(value)
    decimals = 0
    if value != 0 and not value.is_integer():
        decimals = min(15, max(0, digits - 1 - math.floor(math.log10(abs(value)))))
    text = format_number(value, lang, decimals)
    if decimals:
        text = text.rstrip("0").rstrip(".,")
    return "0" if text == "-0" else text
