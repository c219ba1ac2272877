"""Each validation rule of the compliance upload: a clear message naming the line and column
the user sees in the spreadsheet, the whole file refused, and the database unchanged."""

from __future__ import annotations

import pytest

from indicators import access, exports, store
from tests.unit.ingest_helpers import (
    FOREIGN,
    HEADER,
    OFFICIAL,
    OTHER_DEVELOPER,
    OWN,
    OWN_2,
    csv,
    rejected,
    snapshot,
    submit,
)

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

GOOD = f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,"
GOOD_2 = f"{OWN_2},energy_use_buildings,2024,,62,62000,1000,kWh/m2/yr,"


# ----------------------------------------------------------------------------- the file


def test_a_valid_file_is_stored_as_one_pending_submission(demo_con):
    before = snapshot(demo_con)
    result = submit(demo_con, csv(GOOD, GOOD_2))
    assert result.stored and result.status == "pending"
    after = snapshot(demo_con)
    assert after["pending"] == before["pending"] + 2
    assert after["submissions"] == before["submissions"] + 1
    stored = store.query(
        demo_con,
        "SELECT project_id, value, numerator, denominator, unit FROM observation"
        " WHERE submission_id = ? ORDER BY project_id",
        [result.submission_id],
    )
    assert stored["project_id"].tolist() == [OWN_2, OWN]
    assert stored["value"].tolist() == pytest.approx([62.0, 65.5])


def test_an_empty_file_is_rejected(demo_con):
    error = rejected(demo_con, b"", None, None, "empty")
    assert error.line is None


def test_a_file_of_only_blank_lines_is_rejected_as_empty(demo_con):
    rejected(demo_con, b"\r\n\r\n  \n", None, None, "empty")


def test_a_header_without_data_rows_is_rejected_naming_line_1(demo_con):
    rejected(demo_con, csv(), 1, None, "no data rows")


def test_a_binary_file_is_rejected_as_not_text(demo_con):
    rejected(demo_con, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, None, "not a text file")


def test_a_file_with_nul_bytes_is_rejected_as_not_text(demo_con):
    rejected(demo_con, csv(GOOD).replace(b"65.5", b"65\x005"), None, None, "not a text file")


def test_an_encoding_that_cannot_be_decoded_is_rejected(demo_con):
    # 0x81 and 0x8d are neither UTF-8 here nor defined in Windows-1252
    rejected(demo_con, csv(GOOD).replace(b"65.5", b"\x81\x8d"), None, None, "cannot be read")


# ----------------------------------------------------------------------------- the header


def test_a_missing_required_column_is_rejected_naming_line_1_and_the_column(demo_con):
    data = csv(
        f"{OWN},excavated_material_reused,,65.5,655,1000",
        header="project,indicator,breakdown,value,numerator,denominator",
    )
    rejected(demo_con, data, 1, "period", "required column 'period' is missing")


def test_a_missing_project_column_is_rejected(demo_con):
    data = csv(
        "excavated_material_reused,2024,65.5,655,1000",
        header="indicator,period,value,numerator,denominator",
    )
    rejected(demo_con, data, 1, "project", "project")


def test_an_unknown_harmless_column_is_a_warning_and_the_file_is_stored(demo_con):
    data = csv(f"{GOOD},site office", header=HEADER + ",notes")
    result = submit(demo_con, data)
    assert result.stored
    warnings = result.report.warnings
    assert [(w.line, w.column, w.severity) for w in warnings] == [(1, "notes", "warning")]
    assert "ignored" in warnings[0].reason


def test_an_unknown_column_that_looks_like_a_misspelt_one_is_rejected(demo_con):
    header = "project,indicator,period,value,numerater,denominator"
    data = csv(f"{OWN},excavated_material_reused,2024,65.5,655,1000", header=header)
    error = rejected(demo_con, data, 1, "numerater", "did you mean 'numerator'")
    assert error.value == "numerater"


def test_a_column_given_twice_is_rejected(demo_con):
    data = csv(
        f"{OWN},excavated_material_reused,2024,65.5,66",
        header="project,indicator,period,value,Value",
    )
    rejected(demo_con, data, 1, "value", "appears twice")


# ----------------------------------------------------------------------------- the rows


def test_a_ragged_row_is_rejected_naming_its_line(demo_con):
    data = csv(GOOD, f"{OWN_2},energy_use_buildings,2024,,62", GOOD_2)
    error = rejected(demo_con, data, 3, "numerator", "has 5 columns but the header has 9")
    assert OWN_2 in error.value


def test_a_row_with_too_many_columns_is_rejected_naming_its_line(demo_con):
    data = csv(GOOD, GOOD_2 + ",extra")
    rejected(demo_con, data, 3, "#10", "has 10 columns but the header has 9")


def test_an_unterminated_quote_is_rejected_naming_its_line(demo_con):
    data = csv(GOOD, f'{OWN_2},energy_use_buildings,2024,,62,62000,1000,kWh/m2/yr,"never closed')
    rejected(demo_con, data, 3, None, "never closed")


def test_an_unknown_project_is_rejected_naming_line_and_column(demo_con):
    data = csv(GOOD, "no-such-plot,excavated_material_reused,2024,,65.5,655,1000,%,")
    error = rejected(demo_con, data, 3, "project", "unknown project")
    assert error.value == "no-such-plot"


def test_a_project_of_another_organisation_is_a_permission_error_and_stores_nothing(demo_con):
    before = snapshot(demo_con)
    data = csv(GOOD, f"{FOREIGN},excavated_material_reused,2024,,65.5,655,1000,%,")
    with pytest.raises(access.PermissionDenied, match=FOREIGN):
        submit(demo_con, data)
    assert snapshot(demo_con) == before


def test_district_rows_from_a_developer_are_refused_and_store_nothing(demo_con):
    before = snapshot(demo_con)
    data = csv("turku-science-park,residents,2024,1200", header="district,indicator,period,value")
    with pytest.raises(access.PermissionDenied, match="line 2"):
        submit(demo_con, data)
    assert snapshot(demo_con) == before


def test_district_rows_from_an_official_are_stored(demo_con):
    data = csv(
        "turku-science-park,residents,2024,1200",
        "turku-science-park,blue_green_satisfaction,2024,87.5",
        header="district,indicator,period,value",
    )
    result = submit(demo_con, data, OFFICIAL)
    assert result.stored
    rows = store.query(
        demo_con,
        "SELECT district_id, project_id, indicator, value FROM observation WHERE submission_id = ?"
        " ORDER BY indicator",
        [result.submission_id],
    )
    assert rows["project_id"].isna().all()
    assert rows["value"].tolist() == [87.5, 1200.0]


def test_a_district_level_indicator_cannot_be_reported_for_a_project(demo_con):
    data = csv(GOOD, f"{OWN},blue_green_satisfaction,2024,,88,,,%,")
    rejected(demo_con, data, 3, "project", "district-level figure")


def test_an_unknown_indicator_is_rejected_naming_line_and_column(demo_con):
    data = csv(GOOD, f"{OWN},happiness,2024,,65.5,,,%,")
    rejected(demo_con, data, 3, "indicator", "unknown indicator 'happiness'")


def test_a_breakdown_the_indicator_does_not_allow_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN},ghg_emissions_by_sector,2024,aviation,12.5,,,t CO2e,")
    rejected(demo_con, data, 3, "breakdown", "not allowed")


def test_a_breakdown_on_an_indicator_without_breakdowns_is_rejected(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024,transport,65.5,655,1000,%,")
    rejected(demo_con, data, 2, "breakdown", "has no breakdowns")


def test_a_missing_breakdown_on_an_indicator_with_categories_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN},ghg_emissions_by_sector,2024,,12.5,,,t CO2e,")
    rejected(demo_con, data, 3, "breakdown", "give a breakdown")


def test_a_malformed_period_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN_2},energy_use_buildings,24/25,,62,62000,1000,,")
    rejected(demo_con, data, 3, "period", "not a year (YYYY) or a month")


def test_a_period_that_excel_turned_into_a_date_is_explained(demo_con):
    data = csv(f"{OWN},secondary_materials_infrastructure,1.3.2024,,3,,,t,")
    rejected(demo_con, data, 2, "period", "looks like a date")


def test_a_month_thirteen_is_rejected(demo_con):
    data = csv(f"{OWN},secondary_materials_infrastructure,2024-13,,3,,,t,")
    rejected(demo_con, data, 2, "period", "not a year")


def test_a_monthly_period_for_a_yearly_indicator_is_rejected(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024-05,,65.5,655,1000,%,")
    rejected(demo_con, data, 2, "period", "reported per year")


def test_a_yearly_period_for_a_monthly_indicator_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024,,3,,,t,")
    rejected(demo_con, data, 3, "period", "reported per month")


def test_a_period_in_the_future_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2025-07,,3,,,t,")
    rejected(demo_con, data, 3, "period", "in the future")


def test_the_current_month_is_not_in_the_future(demo_con):
    assert submit(demo_con, csv(f"{OWN},secondary_materials_infrastructure,2025-06,,3,,,t,")).stored


def test_a_value_that_is_not_a_number_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024-03,,three,,,t,")
    error = rejected(demo_con, data, 3, "value", "not a number")
    assert error.value == "three"


def test_nan_and_infinity_are_not_numbers(demo_con):
    data = csv(
        f"{OWN},secondary_materials_infrastructure,2024-03,,nan,,,t,",
        f"{OWN},secondary_materials_infrastructure,2024-04,,inf,,,t,",
    )
    rejected(demo_con, data, 2, "value", "not a number")
    rejected(demo_con, data, 3, "value", "not a number")


def test_a_share_above_100_percent_is_rejected_naming_line_and_column(demo_con):
    data = csv(
        "turku-science-park,blue_green_satisfaction,2024,101",
        header="district,indicator,period,value",
    )
    error = rejected(demo_con, data, 2, "value", "above the largest valid value, 100 %", OFFICIAL)
    assert error.value == "101"


def test_negative_tonnes_are_rejected_naming_line_and_column(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024-03,,-5,,,t,")
    rejected(demo_con, data, 3, "value", "below the smallest valid value, 0 t")


def test_a_ratio_indicator_without_numerator_and_denominator_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN_2},excavated_material_reused,2024,,65.5,,,%,")
    rejected(demo_con, data, 3, "numerator", "is a ratio")
    rejected(demo_con, data, 3, "denominator", "is a ratio")


def test_a_zero_denominator_is_rejected(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024,,,5,0,%,")
    rejected(demo_con, data, 2, "denominator", "zero")


def test_a_numerator_above_its_denominator_is_rejected_where_a_share_cannot_exceed_100(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024,,,1200,1000,%,")
    rejected(demo_con, data, 2, "numerator", "cannot exceed 100 %")


def test_a_numerator_above_its_denominator_is_fine_for_an_intensity(demo_con):
    assert submit(demo_con, csv(GOOD_2)).stored  # 62,000 kWh over 1,000 m2


def test_a_value_disagreeing_with_numerator_and_denominator_is_rejected(demo_con):
    data = csv(f"{OWN},excavated_material_reused,2024,,70,655,1000,%,")
    error = rejected(demo_con, data, 2, "value", "disagrees")
    assert "65.5" in error.reason


def test_a_value_within_rounding_of_numerator_and_denominator_is_accepted(demo_con):
    assert submit(demo_con, csv(f"{OWN},excavated_material_reused,2024,,65.52,655,1000,%,")).stored


def test_a_ratio_given_only_by_numerator_and_denominator_gets_its_value(demo_con):
    result = submit(demo_con, csv(f"{OWN},excavated_material_reused,2024,,,655,1000,%,"))
    value = store.scalar(
        demo_con, "SELECT value FROM observation WHERE submission_id = ?", [result.submission_id]
    )
    assert value == pytest.approx(65.5)


def test_a_sum_indicator_with_numerator_and_denominator_is_rejected(demo_con):
    data = csv(f"{OWN},secondary_materials_infrastructure,2024-03,,3,1,2,t,")
    rejected(demo_con, data, 2, "numerator", "not a ratio")


def test_a_file_of_only_rows_without_numbers_is_rejected_as_nothing_to_submit(demo_con):
    data = csv(f"{OWN},secondary_materials_infrastructure,2024-03,,,,,t,")
    rejected(demo_con, data, None, None, "all 1 rows are empty")


def test_a_unit_different_from_the_indicators_is_rejected(demo_con):
    data = csv(GOOD, f"{OWN},secondary_materials_infrastructure,2024-03,,3,,,kg,")
    error = rejected(demo_con, data, 3, "unit", "differs from the indicator's unit 't'")
    assert error.value == "kg"


def test_the_same_project_indicator_period_and_breakdown_twice_is_rejected(demo_con):
    data = csv(GOOD, GOOD_2, f"{OWN},excavated_material_reused,2024,,60,600,1000,%,")
    rejected(demo_con, data, 4, "period", "as line 2")


def test_duplicates_are_found_whatever_the_spelling_of_the_key(demo_con):
    data = csv(GOOD, f" {OWN.upper()} ,Excavated_Material_Reused, 2024 ,,60,600,1000,%,")
    rejected(demo_con, data, 3, "period", "as line 2")


def test_every_error_of_a_file_is_reported_not_only_the_first(demo_con):
    data = csv(
        "no-such-plot,excavated_material_reused,2024,,65.5,655,1000,%,",
        f"{OWN},happiness,2024,,1,,,,",
        f"{OWN},secondary_materials_infrastructure,2024-03,,x,,,t,",
    )
    result = submit(demo_con, data)
    assert {(e.line, e.column) for e in result.report.row_errors()} == {
        (2, "project"),
        (3, "indicator"),
        (4, "value"),
    }


# ----------------------------------------------------------------------------- same content


def test_submitting_the_same_content_again_names_the_earlier_submission_and_stores_nothing(
    demo_con,
):
    first = submit(demo_con, csv(GOOD))
    before = snapshot(demo_con)
    again = submit(demo_con, csv(GOOD))
    assert not again.stored
    assert again.report.duplicate_of["id"] == first.submission_id
    assert again.report.duplicate_of["status"] == "pending"
    assert snapshot(demo_con) == before


def test_a_corrected_file_supersedes_the_approved_figures_once_approved(demo_con):
    official = access.actor_for(demo_con, OFFICIAL)
    from indicators.reporting import ingest

    first = submit(demo_con, csv(GOOD))
    ingest.review(demo_con, official, first.submission_id, approve=True)
    first_id = store.scalar(
        demo_con, "SELECT id FROM observation WHERE submission_id = ?", [first.submission_id]
    )
    second = submit(demo_con, csv(f"{OWN},excavated_material_reused,2024,,70,700,1000,%,fixed"))
    row = store.query(
        demo_con,
        "SELECT supersedes FROM observation WHERE submission_id = ?",
        [second.submission_id],
    )
    assert row["supersedes"].tolist() == [first_id]
    ingest.review(demo_con, official, second.submission_id, approve=True)
    effective = store.query(
        demo_con,
        f"SELECT value FROM ({store.effective_observations_sql()}) WHERE project_id = ?"
        " AND indicator = 'excavated_material_reused' AND period = '2024'",
        [OWN],
    )
    assert effective["value"].tolist() == [70.0]
    history = store.scalar(
        demo_con,
        "SELECT count(*) FROM observation WHERE project_id = ?"
        " AND indicator = 'excavated_material_reused' AND period = '2024'",
        [OWN],
    )
    assert history >= 2  # the earlier figures stay readable


def test_a_rejected_submission_records_the_officials_comment(demo_con):
    from indicators.reporting import ingest

    official = access.actor_for(demo_con, OFFICIAL)
    result = submit(demo_con, csv(GOOD))
    with pytest.raises(ValueError, match="comment"):
        ingest.review(demo_con, official, result.submission_id, approve=False, comment=" ")
    ingest.review(demo_con, official, result.submission_id, approve=False, comment="wrong year")
    row = store.submission(demo_con, result.submission_id)
    assert (row["status"], row["comment"], row["reviewer"]) == ("rejected", "wrong year", OFFICIAL)


def test_a_developer_cannot_review(demo_con):
    from indicators.reporting import ingest

    result = submit(demo_con, csv(GOOD))
    developer = access.actor_for(demo_con, OTHER_DEVELOPER)
    with pytest.raises(access.PermissionDenied):
        ingest.review(demo_con, developer, result.submission_id, approve=True)


# ----------------------------------------------------------------------------- text is text


def test_comments_are_stored_literally_and_neutralised_in_exports(demo_con):
    data = csv(
        f'{OWN},excavated_material_reused,2024,,65.5,655,1000,%,"=HYPERLINK(""http://x"",""y"")"',
        f"{OWN_2},energy_use_buildings,2024,,62,62000,1000,,<script>alert(1)</script>",
    )
    result = submit(demo_con, data)
    comments = store.query(
        demo_con,
        "SELECT comment FROM observation WHERE submission_id = ? ORDER BY comment",
        [result.submission_id],
    )["comment"].tolist()
    assert comments == ["<script>alert(1)</script>", '=HYPERLINK("http://x","y")']
    exported = exports.exporter("csv").render(
        store.observations_for_export(demo_con, published_only=False)
    )
    assert b"'=HYPERLINK" in exported
    assert b"\n=HYPERLINK" not in exported and b",=HYPERLINK" not in exported


def test_the_error_report_csv_neutralises_formulas_in_values(demo_con):
    data = csv(f"{OWN},secondary_materials_infrastructure,2024-03,,=1+1,,,t,")
    result = submit(demo_con, data)
    report = result.report.error_csv().decode("utf-8-sig")
    assert "'=1+1" in report
    assert report.splitlines()[0] == "line,column,value,reason,severity"


def test_every_message_exists_in_english_finnish_and_swedish_with_the_same_placeholders():
    import re
    import tomllib
    from pathlib import Path

    from indicators import i18n

    def messages(lang):
        path = Path(i18n.LOCALES) / lang / "reporting.toml"
        return i18n._flatten(tomllib.loads(path.read_text(encoding="utf-8")))

    english = messages("en")
    for lang in ("fi", "sv"):
        other = messages(lang)
        assert set(other) == set(english), lang
        for key, text in english.items():
            assert set(re.findall(r"{(\w+)}", other[key])) == set(re.findall(r"{(\w+)}", text))
