"""Exports show figures as a person would write them: no floating-point noise, no negative
zero, and yes / no in the reader's language."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from indicators import exports

FRAME = pd.DataFrame(
    {
        "change": [-0.10000000000000009, -0.0, 1234567.5, None],
        "synthetic": [True, False, True, False],
    }
)


def test_finnish_csv_rounds_float_noise_and_writes_kyllä_and_ei():
    lines = exports.CsvExport(sep=";", decimal=",", lang="fi").render(FRAME)
    assert lines.decode("utf-8-sig").splitlines() == [
        "change;synthetic",
        "-0,1;kyllä",
        "0;ei",
        "1234567,5;kyllä",
        ";ei",
    ]


def test_swedish_csv_writes_ja_and_nej():
    text = exports.CsvExport(sep=";", decimal=",", lang="sv").render(FRAME).decode("utf-8-sig")
    assert "-0,1;ja" in text and "0;nej" in text


def test_a_negative_number_is_not_taken_for_a_formula():
    text = exports.CsvExport().render(pd.DataFrame({"v": [-2.5]})).decode("utf-8-sig")
    assert text.splitlines()[1] == "-2.5"


def test_xlsx_numbers_stay_numbers_without_noise():
    book = openpyxl.load_workbook(io.BytesIO(exports.XlsxExport().render(FRAME)))
    values = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert values[:3] == [-0.1, 0, 1234567.5]
