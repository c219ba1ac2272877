"""Numbers no measurement has are refused with a one-line reason naming the line and column,
and nothing is stored; template rows left without any number are skipped and counted."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from indicators import store
from indicators.reporting import ingest, templates
from tests.unit.ingest_helpers import OWN, OWN_2, actor, csv, rejected, snapshot, submit

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

GOOD = f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,"
GOOD_2 = f"{OWN_2},energy_use_buildings,2024,,62,62000,1000,kWh/m2/yr,"


# ----------------------------------------------------------------------------- blank template rows


def test_template_rows_left_without_any_number_are_skipped_and_counted(demo_con):
    blank = f"{OWN},secondary_materials_infrastructure,2024-0{{m}},,,,,t,"
    data = csv(GOOD, *[blank.format(m=m) for m in (1, 2, 3)], GOOD_2)
    before = snapshot(demo_con)
    result = submit(demo_con, data)
    assert result.stored
    assert (result.report.rows, result.report.blank_rows) == (2, 3)
    assert snapshot(demo_con)["pending"] == before["pending"] + 2
    assert store.submission(demo_con, result.submission_id)["row_count"] == 2


def test_a_downloaded_template_with_one_row_filled_in_is_accepted(demo_con):
    today = date(2026, 6, 15)
    developer = actor(demo_con)
    content, rows = templates.template_csv(demo_con, developer, year=2026, lang="fi", today=today)
    assert rows > 1
    lines = content.decode("utf-8-sig").splitlines()
    cells = lines[1].split(";")
    cells[4] = "25,5"  # the value column of the first row
    lines[1] = ";".join(cells)
    filled = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    result = ingest.submit(demo_con, developer, filled, "template.csv", today=today)
    assert result.stored
    assert (result.report.rows, result.report.blank_rows) == (1, rows - 1)


def test_blank_rows_do_not_hide_a_real_error(demo_con):
    data = csv(
        GOOD,
        f"{OWN},secondary_materials_infrastructure,2024-01,,,,,t,",
        f"{OWN},no_such_indicator,2024,,5,,,,",
    )
    rejected(demo_con, data, 4, "indicator", "Unknown indicator")


# ----------------------------------------------------------------------------- numbers


def test_an_infinite_ratio_from_a_huge_numerator_is_refused(demo_con):
    data = csv(GOOD, f"{OWN},car_parking_per_resident,2024,,,1e308,0.001,,")
    rejected(demo_con, data, 3, "numerator", "larger than any real measurement")


def test_an_overflowing_ratio_beside_a_given_value_is_refused(demo_con):
    # each number is modest, but 1e11 / 1e-300 is infinite, and inf > inf is false
    data = csv(GOOD, f"{OWN},car_parking_per_resident,2024,,5,1e11,1e-300,,")
    rejected(demo_con, data, 3, "denominator", "numerator / denominator gives a figure larger")


def test_a_magnitude_no_measurement_has_is_refused_where_the_catalog_has_no_maximum(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024-03,,1e300,,,t,")
    error = rejected(demo_con, data, 3, "value", "larger than any real measurement")
    assert error.value == "1e300"
    assert "1,000,000,000,000" in error.reason


def test_a_number_beyond_double_range_is_refused_as_too_large(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024-03,,1e400,,,t,")
    rejected(demo_con, data, 3, "value", "larger than any real measurement")


@pytest.mark.parametrize("dialect", ["en", "fi"])
def test_an_underscore_in_a_number_is_not_read_as_a_digit_separator(demo_con, dialect):
    if dialect == "en":
        data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024-03,,1_000,,,t,")
    else:
        header = "project;indicator;period;breakdown;value;numerator;denominator;unit;comment"
        data = csv(
            f"{OWN};secondary_materials_infrastructure;2024-02;;25,5;;;t;",
            f"{OWN};secondary_materials_infrastructure;2024-03;;1_000;;;t;",
            header=header,
        )
    error = rejected(demo_con, data, 3, "value", "is not a number")
    assert error.value == "1_000"


def workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER_CELLS = ["project", "indicator", "period", "breakdown", "value", "unit"]


def test_a_workbooks_text_1_000_is_refused_not_read_as_one(demo_con):
    data = workbook(
        [
            HEADER_CELLS,
            [OWN, "secondary_materials_infrastructure", "2024-02", None, 25.5, "t"],
            [OWN, "secondary_materials_infrastructure", "2024-03", None, "1,000", "t"],
        ]
    )
    error = rejected(demo_con, data, 3, "value", "could mean one thousand or one")
    assert error.value == "1,000"


def test_a_workbooks_number_cells_and_decimal_comma_text_are_still_read(demo_con):
    data = workbook(
        [
            HEADER_CELLS,
            [OWN, "secondary_materials_infrastructure", "2024-02", None, 1000, "t"],
            [OWN, "secondary_materials_infrastructure", "2024-03", None, "25,5", "t"],
        ]
    )
    result = submit(demo_con, data)
    assert result.stored
    values = store.query(
        demo_con,
        "SELECT value FROM observation WHERE submission_id = ? ORDER BY period",
        [result.submission_id],
    )["value"]
    assert list(values) == pytest.approx([1000.0, 25.5])


def test_a_short_row_is_reported_once_naming_its_first_missing_column(demo_con):
    data = csv(GOOD, f"{OWN_2},energy_use_buildings,2024", GOOD_2)
    result = submit(demo_con, data)
    errors = result.report.row_errors()
    assert [(e.line, e.column) for e in errors] == [(3, "breakdown")]
    assert "has 3 columns but the header has 9" in errors[0].reason
