"""Reporting obligations: the arithmetic (who owes what by when), who may see which, the `due`
command, the reporting calendar, and the people's XLSX template read back by the upload."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import pandas as pd
import pytest

from indicators import access, catalog, store
from indicators.cli import main as cli_main
from indicators.reporting import ingest, obligations

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

TODAY = date(2026, 11, 29)
MONTHLY = "secondary_materials_infrastructure"
TURKU_1 = "turku-science-park-plot-01"  # aalto-rakennus
BJORK = "bjork-bygg"


def new_project(con, project_id="turku-science-park-plot-99", **extra) -> str:
    frame = pd.DataFrame(
        [
            {
                "id": project_id,
                "name": "New plot",
                "district_id": "turku-science-park",
                "organisation_id": "aalto-rakennus",
                "synthetic": True,
                **extra,
            }
        ]
    )
    store.add_reference(con, projects=frame, actor="test")
    return project_id


def of(frame, **where) -> pd.DataFrame:
    for column, value in where.items():
        frame = frame[frame[column] == value]
    return frame


# ----------------------------------------------------------------------------- arithmetic


def test_a_monthly_figure_is_due_on_the_15th_of_the_next_month(demo_con):
    project = new_project(demo_con)
    rows = store.obligations(demo_con, today=date(2026, 3, 20), organisation="aalto-rakennus")
    mine = of(rows, project=project, indicator=MONTHLY)
    assert list(mine["period"]) == ["2026-01", "2026-02"]  # March is not over yet
    assert [d.isoformat() for d in pd.to_datetime(mine["due_date"]).dt.date] == [
        "2026-02-15",
        "2026-03-15",
    ]
    assert list(mine["status"]) == ["overdue", "overdue"]


def test_a_figure_is_due_until_its_due_date_and_overdue_the_day_after(demo_con):
    project = new_project(demo_con)
    on_the_day = store.obligations(demo_con, today=date(2026, 2, 15), organisation="aalto-rakennus")
    after = store.obligations(demo_con, today=date(2026, 2, 16), organisation="aalto-rakennus")
    assert of(on_the_day, project=project, period="2026-01")["status"].tolist() == ["due"]
    assert of(after, project=project, period="2026-01")["status"].tolist() == ["overdue"]


def test_a_yearly_figure_is_due_by_31_march_and_life_cycle_figures_by_30_june(demo_con):
    project = new_project(demo_con, reporting_from=2025)
    rows = of(
        store.obligations(demo_con, today=TODAY, organisation="aalto-rakennus"), project=project
    )
    due = dict(zip(rows["indicator"] + "@" + rows["period"], rows["due_date"], strict=True))
    assert due["energy_use_buildings@2025"] == date(2026, 3, 31)
    assert due["climate_impact_building_production@2025"] == date(2026, 6, 30)


def test_a_project_is_expected_from_its_first_reporting_year(demo_con):
    project = new_project(demo_con, reporting_from=2024)
    rows = of(
        store.obligations(demo_con, today=TODAY, organisation="aalto-rakennus"), project=project
    )
    assert set(rows["period"].str[:4]) == {"2024", "2025", "2026"}


def test_a_finished_project_is_not_expected_after_its_reporting_until_year(demo_con):
    with store.transaction(demo_con) as cur:
        cur.execute("UPDATE project SET reporting_until = 2020 WHERE id = ?", [TURKU_1])
    rows = of(store.obligations(demo_con, today=TODAY), project=TURKU_1)
    assert rows["period"].str[:4].astype(int).max() == 2020
    assert (rows["status"] == "received").all()


def test_a_pending_submission_counts_as_received_with_its_date(demo_con):
    rows = of(store.obligations(demo_con, today=TODAY, organisation=BJORK), period="2025")
    pending = store.submissions(demo_con, status="pending").iloc[0]
    assert (rows["status"] == "received").all()
    assert set(rows["received_at"]) == {pending["submitted_at"]}


def test_a_rejected_submission_does_not_count_as_received(demo_con):
    official = access.actor_for(demo_con, "official@demo.city")
    sid = int(store.submissions(demo_con, status="pending")["id"].iloc[0])
    ingest.review(demo_con, official, sid, approve=False, comment="wrong year")
    rows = of(store.obligations(demo_con, today=TODAY, organisation=BJORK), period="2025")
    assert (rows["status"] == "overdue").all()


def test_a_district_override_moves_the_due_date_and_a_short_month_clamps_the_day(demo_con):
    project = new_project(demo_con)
    official = access.actor_for(demo_con, "official@demo.city")
    override = pd.DataFrame(
        [{"district": "turku-science-park", "indicator": MONTHLY, "months_after": 1, "due_day": 31}]
    )
    obligations.save_overrides(demo_con, official, override)
    rows = of(
        store.obligations(demo_con, today=date(2026, 4, 1)), project=project, indicator=MONTHLY
    )
    assert [d.isoformat() for d in rows["due_date"]] == ["2026-02-28", "2026-03-31", "2026-04-30"]
    elsewhere = of(
        store.obligations(demo_con, today=date(2026, 4, 1)),
        district="harbourside",
        indicator=MONTHLY,
    )
    assert set(d.day for d in elsewhere["due_date"]) == {15}


def test_summary_counts_add_up_and_rates_are_shares(demo_con):
    by_org = store.obligation_summary(demo_con, by="organisation", today=TODAY)
    assert (by_org["expected"] == by_org["received"] + by_org["missing"]).all()
    assert (by_org["reporting_rate"] == by_org["received"] / by_org["expected"]).all()
    rows = store.obligations(demo_con, today=TODAY)
    assert by_org["expected"].sum() == len(rows)
    assert by_org["overdue"].sum() == (rows["status"] == "overdue").sum()


# ----------------------------------------------------------------------------- who sees what


def test_a_developer_sees_only_its_own_organisations_obligations(demo_con):
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    rows = obligations.due(demo_con, developer, today=TODAY)
    assert set(rows["organisation"]) == {"aalto-rakennus"}


def test_a_developer_asking_for_another_organisations_obligations_is_refused(demo_con):
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    with pytest.raises(access.PermissionDenied, match="only see the obligations of aalto"):
        obligations.due(demo_con, developer, organisation=BJORK, today=TODAY)


def test_only_officials_see_every_organisations_reporting_status(demo_con):
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    with pytest.raises(access.PermissionDenied):
        obligations.summary(demo_con, developer, by="organisation", today=TODAY)
    with pytest.raises(access.PermissionDenied):
        obligations.due(demo_con, access.PUBLIC, today=TODAY)


def test_only_officials_change_the_reporting_calendar(demo_con):
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    with pytest.raises(access.PermissionDenied):
        obligations.save_overrides(
            demo_con, developer, pd.DataFrame(columns=store.CALENDAR_COLUMNS)
        )


def test_an_edited_calendar_with_problems_is_refused_whole_naming_each_row(demo_con):
    official = access.actor_for(demo_con, "official@demo.city")
    edited = pd.DataFrame(
        [
            {
                "district": "turku-science-park",
                "indicator": MONTHLY,
                "months_after": 2,
                "due_day": 10,
            },
            {"district": "atlantis", "indicator": MONTHLY, "months_after": 1, "due_day": 40},
            {
                "district": "harbourside",
                "indicator": "residents",
                "months_after": 1.5,
                "due_day": 1,
            },
        ]
    )
    with pytest.raises(obligations.CalendarError) as refused:
        obligations.save_overrides(demo_con, official, edited)
    found = {(e.line, e.column) for e in refused.value.errors}
    assert found == {(2, "district"), (2, "due_day"), (3, "indicator"), (3, "months_after")}
    assert store.calendar_overrides(demo_con).empty


# ----------------------------------------------------------------------------- the due command


def test_due_json_lists_each_obligation_with_its_dates_and_status(demo_db, capsys):
    code = cli_main(
        ["--db", str(demo_db), "due", "--org", "aalto-rakennus", "--today", "2026-11-29", "--json"]
    )
    rows = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(rows[0]) == {
        "organisation",
        "project",
        "district",
        "indicator",
        "period",
        "due_date",
        "status",
        "received_at",
    }
    overdue = [r for r in rows if r["status"] == "overdue"]
    assert {r["organisation"] for r in rows} == {"aalto-rakennus"}
    assert overdue and all(r["received_at"] is None for r in overdue)
    assert {"period": "2026-01", "due_date": "2026-02-15"}.items() <= overdue[0].items()


def test_due_as_a_developer_for_another_organisation_is_not_permitted(demo_db, capsys):
    code = cli_main(
        ["--db", str(demo_db), "due", "--as", "developer-a@demo.dev", "--org", BJORK, "--json"]
    )
    assert code == 3
    assert "may only see the obligations of aalto-rakennus" in capsys.readouterr().err


def test_due_with_a_malformed_day_says_how_to_write_it(demo_db, capsys):
    assert cli_main(["--db", str(demo_db), "due", "--today", "29.11.2026", "--json"]) == 2
    assert "write YYYY-MM-DD" in capsys.readouterr().err


# ----------------------------------------------------------------------------- the catalog


def test_the_catalog_gives_each_reported_indicator_its_default_due_date():
    cat = catalog.load()
    assert cat.calendar.rule(cat.indicator("energy_use_buildings")).model_dump() == {
        "months_after": 3,
        "day": 31,
    }
    assert cat.calendar.rule(cat.indicator(MONTHLY)).model_dump() == {"months_after": 1, "day": 15}


def test_a_calendar_entry_for_an_indicator_projects_do_not_report_names_it():
    document = {"reporting_calendar": {"indicators": {"residents": {"months_after": 1, "day": 1}}}}
    with pytest.raises(catalog.CatalogError, match="'residents' is not an indicator that projects"):
        catalog.parse(document)


# ----------------------------------------------------------------------------- the workbook


def filled_workbook(content: bytes) -> bytes:
    """The workbook as a person fills it in: numbers where the 'fill in' column says."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    needs = header.index("Täytä") + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=needs).value == "value":
            sheet.cell(row=row, column=header.index("value") + 1, value=12.5)
        else:
            sheet.cell(row=row, column=header.index("numerator") + 1, value=40)
            sheet.cell(row=row, column=header.index("denominator") + 1, value=100)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_workbook_names_indicators_in_the_readers_language_with_a_guide(demo_con):
    new_project(demo_con, reporting_from=2025)
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    rows = obligations.owed(demo_con, developer, today=TODAY)
    book = openpyxl.load_workbook(
        io.BytesIO(obligations.owed_workbook(demo_con, developer, rows, lang="fi", today=TODAY))
    )
    assert book.sheetnames[:2] == ["Raportti", "Ohje"]
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["project", "indicator", "period", "breakdown"]
    names = {
        sheet.cell(row=r, column=header.index("Indikaattorin nimi") + 1).value
        for r in range(2, sheet.max_row + 1)
    }
    assert "Rakennusten energiankulutus" in names
    assert sheet.max_row - 1 == len(rows)
    assert book["Ohje"]["A1"].value == "Näin täytät työkirjan"


def test_the_workbook_offers_each_indicators_breakdowns_as_a_drop_down(demo_con):
    new_project(demo_con, reporting_from=2025)
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    rows = obligations.owed(demo_con, developer, today=TODAY)
    book = openpyxl.load_workbook(
        io.BytesIO(obligations.owed_workbook(demo_con, developer, rows, lang="en", today=TODAY))
    )
    sheet = book.worksheets[0]
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    sectors = [
        c.value
        for c in next(
            col for col in lists.iter_cols() if col[0].value == "ghg_emissions_by_sector"
        )[1:]
    ]
    assert "transport" in sectors
    assert any("Lists" in v.formula1 for v in sheet.data_validations.dataValidation)


def test_the_filled_workbook_is_accepted_by_the_upload_as_it_is(demo_con):
    project = new_project(demo_con, reporting_from=2025)
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    rows = obligations.owed(demo_con, developer, today=TODAY)
    assert {"ratio", "sum"} <= set(rows["aggregation"])
    workbook = obligations.owed_workbook(demo_con, developer, rows, lang="fi", today=TODAY)
    result = ingest.submit(demo_con, developer, filled_workbook(workbook), "due.xlsx", lang="fi")
    assert result.report.valid, [str(e) for e in result.report.row_errors(5)]
    assert result.report.rows == len(rows)
    after = store.obligations(demo_con, today=TODAY, organisation="aalto-rakennus")
    assert (of(after, project=project)["status"] == "received").all()


def test_the_csv_template_of_owed_rows_holds_exactly_those_rows(demo_con):
    developer = access.actor_for(demo_con, "developer-a@demo.dev")
    rows = obligations.owed(demo_con, developer, today=TODAY)
    text = obligations.owed_template_csv(rows, "fi").decode("utf-8-sig")
    lines = [line for line in text.splitlines() if line]
    assert lines[0].startswith("project;indicator;period")
    assert len(lines) - 1 == len(rows)
