"""Exports neutralise spreadsheet formulas in text, and keep numbers as numbers."""

import io

import openpyxl
import pandas as pd
import pytest

from indicators import exports

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_text_cell_that_would_run_as_formula_is_neutralised(text):
    out = exports.exporter("csv").render(pd.DataFrame({"comment": [text], "value": [-5.0]}))
    frame = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig")
    assert frame["comment"][0] == "'" + text
    assert frame["value"][0] == -5.0


@pytest.mark.parametrize("text", DANGEROUS)
def test_xlsx_text_cell_is_stored_as_text_not_formula(text):
    out = exports.exporter("xlsx").render(pd.DataFrame({"comment": [text]}))
    cell = openpyxl.load_workbook(io.BytesIO(out)).active["A2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text


def test_plain_text_and_negative_numbers_are_untouched():
    frame = pd.DataFrame({"comment": ["<script>alert(1)</script>", "ok"], "value": [-27.0, 3.5]})
    assert exports.formula_safe(frame).equals(frame)


def test_csv_in_finnish_excel_dialect_uses_semicolon_and_decimal_comma():
    out = exports.CsvExport(sep=";", decimal=",").render(pd.DataFrame({"value": [65.5]}))
    assert out.decode("utf-8-sig").splitlines() == ["value", "65,5"]


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_machine_formats_round_trip(fmt, tmp_path):
    frame = pd.DataFrame({"indicator": ["residents"], "value": [1.5]})
    path = exports.write(frame, fmt, tmp_path / f"out.{fmt}")
    back = pd.read_json(path) if fmt == "json" else pd.read_parquet(path)
    assert back["value"].tolist() == [1.5]
