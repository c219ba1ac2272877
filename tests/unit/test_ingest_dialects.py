"""The spreadsheets people actually have: Finnish and Swedish Excel (`;`, decimal comma,
Windows-1252 or UTF-8 with BOM, CRLF), quoted text with commas and newlines, header names in
any case, blank lines at the end, the first sheet of an XLSX workbook. Each is read with the
right values, and line numbers stay the ones the spreadsheet shows."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from indicators import store
from tests.unit.ingest_helpers import OWN, OWN_2, csv, rejected, snapshot, submit

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

FI_HEADER = "project;indicator;period;breakdown;value;numerator;denominator;unit;comment"


def stored(con, result) -> list[dict]:
    assert result.stored, result.report.row_errors(10)
    return store.query(
        con,
        "SELECT project_id, indicator, period, breakdown, value, numerator, denominator, comment"
        " FROM observation WHERE submission_id = ? ORDER BY indicator, period, breakdown",
        [result.submission_id],
    ).to_dict("records")


def test_finnish_excel_with_semicolons_decimal_comma_bom_and_crlf_is_read(demo_con):
    data = (
        "\ufeff"
        + "\r\n".join(
            [
                FI_HEADER,
                f"{OWN};excavated_material_reused;2024;;65,5;655;1000;%;",
                f"{OWN};secondary_materials_infrastructure;2024-03;;1 234,5;;;t;",
                f"{OWN};ghg_emissions_by_sector;2024;transport;12.25;;;t CO2e;",
            ]
        )
        + "\r\n"
    ).encode("utf-8")
    rows = stored(demo_con, submit(demo_con, data))
    values = {r["indicator"]: r["value"] for r in rows}
    assert values["excavated_material_reused"] == pytest.approx(65.5)  # "65,5"
    assert values["secondary_materials_infrastructure"] == pytest.approx(1234.5)  # "1 234,5"
    assert values["ghg_emissions_by_sector"] == pytest.approx(12.25)  # a plain point too


def test_a_no_break_space_as_thousands_separator_is_accepted(demo_con):
    data = "\n".join(
        [FI_HEADER, f"{OWN};secondary_materials_infrastructure;2024-03;;12\u00a0345,5;;;t;"]
    ).encode("utf-8")
    assert stored(demo_con, submit(demo_con, data))[0]["value"] == pytest.approx(12345.5)


def test_swedish_excel_in_windows_1252_keeps_the_letters(demo_con):
    text = "\r\n".join(
        [
            FI_HEADER,
            f"{OWN};excavated_material_reused;2024;;;655,5;1000;%;Återvunnet på plats – ä/ö/å",
        ]
    )
    rows = stored(demo_con, submit(demo_con, text.encode("cp1252")))
    assert rows[0]["comment"] == "Återvunnet på plats – ä/ö/å"
    assert rows[0]["numerator"] == pytest.approx(655.5)
    assert rows[0]["value"] == pytest.approx(65.55)


def test_utf8_without_bom_with_finnish_letters_is_read(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,Kaivumaat hyödynnetty")
    assert stored(demo_con, submit(demo_con, data))[0]["comment"] == "Kaivumaat hyödynnetty"


def test_utf16_tab_separated_unicode_text_from_excel_is_read(demo_con):
    text = "\r\n".join(
        [
            FI_HEADER.replace(";", "\t"),
            f"{OWN}\texcavated_material_reused\t2024\t\t65,5\t655\t1000\t%\tÄä",
        ]
    )
    rows = stored(demo_con, submit(demo_con, text.encode("utf-16")))
    assert rows[0]["value"] == pytest.approx(65.5)


def test_quoted_text_with_delimiters_and_newlines_is_one_value(demo_con):
    data = csv(
        f'{OWN},excavated_material_reused,2024,,65.5,655,1000,%,"first line, with a comma\n'
        'second line with ""quotes"""',
    )
    comment = stored(demo_con, submit(demo_con, data))[0]["comment"]
    assert comment == 'first line, with a comma\nsecond line with "quotes"'


def test_line_numbers_after_quoted_newlines_are_the_spreadsheet_lines(demo_con):
    data = csv(
        f'{OWN},excavated_material_reused,2024,,65.5,655,1000,%,"one\ntwo\nthree"',  # lines 2-4
        f"{OWN_2},energy_use_buildings,2024,,62,62000,1000,,",  # line 5
        f"{OWN},secondary_materials_infrastructure,2024-03,,oops,,,t,",  # line 6
    )
    rejected(demo_con, data, 6, "value", "not a number")


def test_line_numbers_after_a_blank_line_in_the_middle_count_it(demo_con):
    data = csv(
        f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,",  # line 2
        "",  # line 3
        f"{OWN},secondary_materials_infrastructure,2024-03,,oops,,,t,",  # line 4
    )
    rejected(demo_con, data, 4, "value", "not a number")


def test_a_ragged_row_after_quoted_newlines_names_its_spreadsheet_line(demo_con):
    data = csv(
        f'{OWN},excavated_material_reused,2024,,65.5,655,1000,%,"one\ntwo"',  # lines 2-3
        f"{OWN_2},energy_use_buildings,2024",  # line 4
    )
    rejected(demo_con, data, 4, "breakdown", "has 3 columns but the header has 9")


def test_header_names_in_any_case_with_spaces_around_are_matched(demo_con):
    header = " Project ;INDICATOR; Period ;Breakdown;  VALUE;Numerator ;DENOMINATOR;Unit;Comment "
    data = "\n".join([header, f"{OWN};excavated_material_reused;2024;;65,5;655;1000;%;"])
    rows = stored(demo_con, submit(demo_con, data.encode("utf-8")))
    assert rows[0]["value"] == pytest.approx(65.5)


def test_blank_lines_and_empty_excel_rows_at_the_end_are_ignored(demo_con):
    data = (
        "\r\n".join(
            [FI_HEADER, f"{OWN};excavated_material_reused;2024;;65,5;655;1000;%;", ";;;;;;;;"]
        )
        + "\r\n\r\n\r\n"
    ).encode("utf-8")
    result = submit(demo_con, data)
    assert result.report.rows == 1
    assert len(stored(demo_con, result)) == 1


def test_blank_lines_and_an_excel_sep_line_before_the_header_move_the_line_numbers(demo_con):
    data = "\n".join(
        ["", "sep=;", FI_HEADER, f"{OWN};secondary_materials_infrastructure;2024-03;;x;;;t;"]
    ).encode("utf-8")
    rejected(demo_con, data, 4, "value", "not a number")


def test_a_decimal_comma_in_a_comma_separated_file_is_not_a_number(demo_con):
    data = csv(f'{OWN},secondary_materials_infrastructure,2024-03,,"65,5",,,t,')
    rejected(demo_con, data, 2, "value", "not a number")


def test_values_with_spaces_around_are_read(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024,, 65.5 , 655 ,1000 ,%,")
    assert stored(demo_con, submit(demo_con, data))[0]["value"] == pytest.approx(65.5)


def workbook(rows: list[list], *, first_sheet_title="Report") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = first_sheet_title
    for row in rows:
        sheet.append(row)
    other = book.create_sheet("Notes")
    other.append(["not", "read"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_first_sheet_of_an_xlsx_workbook_is_read(demo_con):
    data = workbook(
        [
            FI_HEADER.split(";"),
            [OWN, "excavated_material_reused", 2024, None, 65.5, 655, 1000, "%", "ok"],
            [OWN, "secondary_materials_infrastructure", datetime(2024, 3, 1), None, "3,5"],
        ]
    )
    result = submit(demo_con, data)
    rows = stored(demo_con, result)
    assert result.report.encoding == "xlsx"
    assert [(r["period"], r["value"]) for r in rows] == [("2024", 65.5), ("2024-03", 3.5)]


def test_xlsx_errors_name_the_worksheet_row(demo_con):
    data = workbook(
        [
            FI_HEADER.split(";"),
            [OWN, "excavated_material_reused", 2024, None, 65.5, 655, 1000, "%", "line\nbreak"],
            [],
            [OWN, "secondary_materials_infrastructure", "2024-03", None, "lots"],
        ]
    )
    rejected(demo_con, data, 4, "value", "not a number")


def test_a_broken_xlsx_is_rejected_whole(demo_con):
    before = snapshot(demo_con)
    result = submit(demo_con, b"PK\x03\x04 this is not really a workbook")
    assert not result.stored and not result.report.valid
    assert "workbook cannot be opened" in result.report.row_errors()[0].reason
    assert snapshot(demo_con) == before


def test_the_report_speaks_the_users_language_with_its_decimal_mark(demo_con):
    from indicators.reporting import ingest
    from tests.unit.ingest_helpers import TODAY, actor

    data = "\n".join([FI_HEADER, f"{OWN};excavated_material_reused;2024;;70;655,5;1000;%;"]).encode(
        "utf-8"
    )
    report = ingest.validate(demo_con, actor(demo_con), data, "f.csv", lang="fi", today=TODAY)
    (error,) = report.row_errors()
    assert (error.line, error.column) == (2, "value")
    assert error.reason == "Arvo 70 ei vastaa osoittajaa ja nimittäjää, joista tulee 65,55."
    assert report.error_csv().decode("utf-8-sig").splitlines()[0] == (
        "line;column;value;reason;severity"
    )
