"""Plausibility flags in words: the developer's warnings (line, column, value, reason) and the
reviewer's reasons per row, and the thresholds as the methodology page explains them.

The flags themselves are SQL (indicators/store/plausibility.py, where the thresholds are
named); a flag never blocks an upload, and approving a flagged submission needs a comment.
"""

from __future__ import annotations

import pandas as pd

from indicators import i18n
from indicators.store import plausibility as sql

# warnings listed in a validation report; the rest are counted
WARNINGS_LISTED = 1000
WARNING_COLUMNS = ["line", "column", "value", "reason", "code", "severity"]


def _times(ratio: float, lang: str) -> str:
    """How many times larger (5.2 -> '5.2', 17.4 -> '17'), in the language's marks."""
    return i18n.format_number(ratio, lang, 1 if ratio < 10 else 0)


def reason(code: str, value: float, reference: float, ratio: float, year, lang: str) -> str:
    """One flag as a sentence: what the value is, against what, how many times."""
    up = ratio >= 1
    return i18n.t(
        f"review.flag_{code}",
        lang,
        value=i18n.format_exact(value, lang, 4),
        reference=i18n.format_exact(reference, lang, 4),
        times=_times(ratio if up else 1 / ratio, lang),
        year=int(year),
        previous=int(year) - 1,
    )


def reasons(flags, lang: str) -> str:
    """A row's flags (a list of structs from store.submission_review_rows) as one text."""
    if flags is None or isinstance(flags, float):  # no flags: None (or NaN from pandas)
        return ""
    return " ".join(
        reason(f["code"], f["value"], f["reference"], f["ratio"], f["year"], lang) for f in flags
    )


def _as_written(value: float, lang: str) -> str:
    """The row's figure as a spreadsheet would hold it: no thousands separator, the language's
    decimal mark (1020, 56.867 or 56,867)."""
    return f"{value:.10g}".replace(".", i18n.decimal_separator(lang))


def warnings(flags: pd.DataFrame, lines, lang: str) -> pd.DataFrame:
    """store.ingest_flags' rows -> the validation report's warnings (record -> spreadsheet
    line through `lines`)."""
    if flags.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS)
    return pd.DataFrame(
        {
            "line": lines(flags["rid"]).astype("int64"),
            "column": "value",
            "value": [_as_written(v, lang) for v in flags["row_value"]],
            "reason": [
                reason(r.code, r.value, r.reference, r.ratio, r.year, lang)
                for r in flags.itertuples()
            ],
            "code": flags["code"],
            "severity": "warning",
        }
    )[WARNING_COLUMNS]


def thresholds() -> dict[str, float | int]:
    return {
        "history_factor": sql.HISTORY_FACTOR,
        "history_min": sql.HISTORY_MIN_FIGURES,
        "peer_factor": sql.PEER_FACTOR,
        "peer_min": sql.PEER_MIN_OTHERS,
        "district_factor": sql.DISTRICT_JUMP_FACTOR,
    }


def method_text(lang: str) -> str:
    """The methodology page's section on plausibility flags, with the thresholds in use."""
    values = {k: i18n.format_exact(v, lang) for k, v in thresholds().items()}
    return i18n.t("review.method", lang, **values)
