"""The compliance template as an Excel workbook made for people, not machines.

The first sheet ("Report") is what the upload reads back (indicators/reporting/reading.py reads
the first sheet): the compliance columns first, exactly as in the CSV template, then grey helper
columns the upload ignores -- the indicator's name and unit in the reader's language, which
numbers the row needs (value, or numerator and denominator), the due date and the latest earlier
figure. Breakdowns have a drop-down list of the indicator's categories; periods are text, so
Excel never turns 2026-01 into a date. A second sheet is a short guide in the reader's language,
and a hidden third holds the drop-down lists.
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import exports, i18n
from indicators.reporting.templates import TEMPLATE_COLUMNS

HELPER = PatternFill("solid", fgColor="EEEEEE")
TO_FILL = PatternFill("solid", fgColor="FFF4CC")
HEADER = Font(bold=True)
HELPER_COLUMNS = ("name", "unit_name", "needs", "due", "last_period", "last_value")


def _safe(value):
    """Text that Excel would run as a formula is neutralised (indicators.exports' rule)."""
    return exports.neutralise(value) if isinstance(value, str) else value


def workbook(
    rows: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    lang: str,
    organisation: str,
    today: date | None = None,
) -> bytes:
    """The workbook of `rows` (store.owed_rows: project, indicator, period, breakdown, unit,
    aggregation, due_date, last_period, last_value, ...), with names from `indicators`
    (store.indicators)."""

    def t(key: str, **values) -> str:
        return i18n.t(f"obligations.xlsx.{key}", lang, **values)

    by_key = {row["key"]: row for row in indicators.to_dict("records")}
    book = Workbook()
    sheet = book.active
    sheet.title = t("sheet_rows")
    header = [*TEMPLATE_COLUMNS, *(t(f"col_{c}") for c in HELPER_COLUMNS)]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = HEADER
    first_helper = len(TEMPLATE_COLUMNS) + 1
    for column in range(first_helper, len(header) + 1):
        sheet.cell(row=1, column=column).fill = HELPER

    lists = book.create_sheet(t("sheet_lists"))
    lists.sheet_state = "hidden"
    validations: dict[str, DataValidation] = {}
    col = TEMPLATE_COLUMNS.index
    for number, row in enumerate(rows.to_dict("records"), start=2):
        meta = by_key.get(row["indicator"], {})
        ratio = row.get("aggregation") == "ratio"
        name = meta.get(f"name_{lang}") or meta.get("name_en") or row["indicator"]
        values = {
            "project": row["project"],
            "indicator": row["indicator"],
            "period": row["period"],
            "breakdown": row["breakdown"] or None,
            "unit": row["unit"],
        }
        for key, value in values.items():
            sheet.cell(row=number, column=col(key) + 1, value=_safe(value))
        sheet.cell(row=number, column=col("period") + 1).number_format = "@"
        for key in ("numerator", "denominator") if ratio else ("value",):
            sheet.cell(row=number, column=col(key) + 1).fill = TO_FILL
        last = row.get("last_value")
        helpers = [
            name,
            i18n.unit_name(row["unit"], lang),
            t("needs_ratio" if ratio else "needs_value"),
            pd.Timestamp(row["due_date"]).date() if pd.notna(row.get("due_date")) else None,
            row.get("last_period") if isinstance(row.get("last_period"), str) else None,
            None if last is None or pd.isna(last) else float(last),
        ]
        for offset, value in enumerate(helpers):
            cell = sheet.cell(row=number, column=first_helper + offset, value=_safe(value))
            cell.fill = HELPER
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
        found = meta.get("breakdowns")
        categories = [] if found is None else [str(c) for c in found]
        if categories:
            _breakdown_list(sheet, lists, validations, row["indicator"], categories).add(
                sheet.cell(row=number, column=col("breakdown") + 1)
            )
    for index, title in enumerate(header, start=1):
        width = max(len(str(title)), 12 if index <= len(TEMPLATE_COLUMNS) else 16)
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 48)
    sheet.freeze_panes = "A2"

    guide = book.create_sheet(t("sheet_guide"), 1)
    guide.column_dimensions["A"].width = 110
    guide.append([t("guide_title")])
    guide["A1"].font = Font(bold=True, size=14)
    for n in range(1, 7):
        guide.append([t(f"guide_{n}")])
    guide.append([])
    guide.append(
        [
            _safe(
                t(
                    "guide_generated",
                    date=(today or date.today()).isoformat(),
                    organisation=organisation,
                )
            )
        ]
    )
    for line in guide.iter_rows():
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _breakdown_list(sheet, lists, validations: dict, indicator: str, categories: list[str]):
    """The drop-down of one indicator's breakdowns (a column of the hidden list sheet)."""
    if indicator in validations:
        return validations[indicator]
    column = len(validations) + 1
    letter = get_column_letter(column)
    lists.cell(row=1, column=column, value=indicator)
    for n, category in enumerate(categories, start=2):
        lists.cell(row=n, column=column, value=_safe(category))
    source = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(categories) + 1}"
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.error = indicator
    validation.showErrorMessage = True
    sheet.add_data_validation(validation)
    validations[indicator] = validation
    return validation
