"""CSV / XLSX / JSON / Parquet exports, safe against formula injection.

A text cell that a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or a
carriage return) is prefixed with a single quote in CSV and XLSX, so `=HYPERLINK(...)` from an
upload is shown as text, never executed. Numbers stay numbers. Each format is one small class.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# what a spreadsheet reader of each language expects for a yes / no cell
BOOLEANS = {"en": ("True", "False"), "fi": ("kyllä", "ei"), "sv": ("ja", "nej")}
# a figure computed in floating point (0.1 - 0.2) carries noise past the 12th digit, which no
# measurement has: exports round it away (-0.10000000000000009 -> -0.1, and -0.0 -> 0)
SIGNIFICANT_DIGITS = 12


def clean_number(value: float) -> float:
    """The float rounded to SIGNIFICANT_DIGITS significant digits, without a negative zero."""
    if value != value or value in (float("inf"), float("-inf")):
        return value
    rounded = float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    return rounded + 0.0  # -0.0 + 0.0 is 0.0


def _number_text(value: float, decimal: str) -> str:
    if value != value:
        return ""
    text = repr(clean_number(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal)


def _float_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c])]


def _bool_columns(frame: pd.DataFrame) -> list:
    return [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell that could run as a formula is neutralised."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_string_dtype(series) or series.dtype == object:
            out[column] = series.map(neutralise, na_action="ignore")
    return out


class CsvExport:
    suffix = "csv"
    media_type = "text/csv"

    def __init__(self, sep: str = ",", decimal: str = ".", lang: str = "en"):
        self.sep, self.decimal = sep, decimal
        self.booleans = BOOLEANS.get(lang, BOOLEANS["en"])

    def render(self, frame: pd.DataFrame) -> bytes:
        safe = formula_safe(frame)
        # numbers and yes/no written here, after the formula check: "-0,1" is a number
        for column in _float_columns(safe):
            safe[column] = [_number_text(v, self.decimal) for v in safe[column]]
        yes, no = self.booleans
        for column in _bool_columns(safe):
            safe[column] = safe[column].map(
                lambda v: "" if pd.isna(v) else (yes if v else no), na_action=None
            )
        text = safe.to_csv(index=False, sep=self.sep, decimal=self.decimal)
        # BOM so that Excel opens the UTF-8 file with the right letters (ä, ö, å)
        return ("\ufeff" + text).encode("utf-8")


class XlsxExport:
    suffix = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def __init__(self, sheet_name: str = "data"):
        self.sheet_name = sheet_name[:31]

    def render(self, frame: pd.DataFrame) -> bytes:
        buffer = io.BytesIO()
        safe = formula_safe(frame)
        for column in safe.columns:  # Excel has no time zones
            if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
                safe[column] = safe[column].dt.tz_localize(None)
        for column in _float_columns(safe):
            safe[column] = safe[column].map(clean_number)
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            safe.to_excel(writer, index=False, sheet_name=self.sheet_name)
        return buffer.getvalue()


class JsonExport:
    suffix = "json"
    media_type = "application/json"

    def render(self, frame: pd.DataFrame) -> bytes:
        return frame.to_json(
            orient="records", date_format="iso", force_ascii=False, indent=1
        ).encode("utf-8")


class ParquetExport:
    suffix = "parquet"
    media_type = "application/vnd.apache.parquet"

    def render(self, frame: pd.DataFrame) -> bytes:
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()


FORMATS = {"csv": CsvExport, "xlsx": XlsxExport, "json": JsonExport, "parquet": ParquetExport}


def exporter(fmt: str, **options):
    try:
        return FORMATS[fmt](**options)
    except KeyError:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}"
        ) from None


def write(frame: pd.DataFrame, fmt: str, path: Path | str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(exporter(fmt).render(frame))
    return path
