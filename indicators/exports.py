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

    def __init__(self, sep: str = ",", decimal: str = "."):
        self.sep, self.decimal = sep, decimal

    def render(self, frame: pd.DataFrame) -> bytes:
        # BOM so that Excel opens the UTF-8 file with the right letters (ä, ö, å)
        text = formula_safe(frame).to_csv(index=False, sep=self.sep, decimal=self.decimal)
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
