"""The officials' Reporting status page, driven through the real dashboard.py (AppTest):
expected, received, missing and overdue per organisation and district, the overdue reports,
who no reminder reaches, filters in the address, and the reporting calendar."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import access, store
from indicators.reporting import obligations
from indicators.ui import data


def run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def status_page(make_app, role="official", **params):
    at = run(make_app(role, **params))
    at.switch_page("pages/reporting_status.py")
    return run(at)


def table_with(at, column: str):
    for table in at.dataframe:
        if column in table.value.columns:
            return table.value
    raise AssertionError(f"no table with a {column!r} column")


def test_official_sees_expected_received_and_overdue_per_organisation(make_app):
    at = status_page(make_app)
    by_org = table_with(at, "Reporting rate")
    assert set(by_org["Organisation"]) >= {
        "Aalto Rakennus Oy (synthetic)",
        "Kivi Kodit Oy (synthetic)",
    }
    assert (by_org["Expected"] == by_org["Received"] + by_org["Missing"]).all()
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Overdue"].replace(",", "")) > 0


def test_an_organisation_without_users_is_listed_as_no_one_to_remind(make_app):
    at = status_page(make_app)
    by_org = table_with(at, "People to remind").set_index("Organisation")
    assert "no one to remind" in by_org.loc["Kivi Kodit Oy (synthetic)", "People to remind"]
    assert by_org.loc["Aalto Rakennus Oy (synthetic)", "People to remind"] == "1"
    nobody = table_with(at, "Organisation")
    assert "Lehto Asunnot Oy (synthetic)" in set(nobody["Organisation"])


def test_developer_sees_own_due_rows_on_the_upload_page(make_app):
    at = run(make_app("developer"))
    at.switch_page("pages/upload.py")
    run(at)
    owed = table_with(at, "Due date")
    assert len(owed) > 0
    assert set(owed["Status"]) <= {"◷ due", "⚠ overdue"}
    # developer-a's organisation (Aalto Rakennus) has no project of Björk Bygg
    assert not owed["Project"].str.contains("plot 4").any()


def test_filters_are_read_from_and_written_to_the_address(make_app):
    at = status_page(make_app, organisation="aalto-rakennus", year="2026", lang="en")
    by_org = table_with(at, "Reporting rate")
    assert list(by_org["Organisation"]) == ["Aalto Rakennus Oy (synthetic)"]
    assert at.query_params["organisation"] in ("aalto-rakennus", ["aalto-rakennus"])
    overdue = table_with(at, "Days overdue")
    assert set(overdue["Period"].str[:4]) == {"2026"}
    assert set(overdue["Organisation"]) == {"Aalto Rakennus Oy (synthetic)"}


def test_the_page_speaks_finnish(make_app):
    at = status_page(make_app, lang="fi")
    assert at.title[0].value == "Raportoinnin tilanne"
    assert "Raportointiaste" in table_with(at, "Raportointiaste").columns


def test_the_reporting_status_page_is_not_given_to_developers(make_app):
    at = run(make_app("developer"))
    with pytest.raises(ValueError):
        at.switch_page("pages/reporting_status.py")


def test_an_official_sees_and_saves_the_districts_own_due_dates(make_app, demo_db):
    con = data.connection(str(demo_db))
    official = access.actor_for(con, "official@demo.city")
    override = pd.DataFrame(
        [
            {
                "district": "lakeview",
                "indicator": "secondary_materials_infrastructure",
                "months_after": 2,
                "due_day": 1,
            }
        ]
    )
    obligations.save_overrides(con, official, override)
    at = status_page(make_app)
    shown = table_with(at, "months_after")
    assert shown[["district", "months_after", "due_day"]].values.tolist() == [["lakeview", 2, 1]]
    at.button(key="obligations_calendar_save").click()
    run(at)
    assert [s.value for s in at.success] == ["Saved: 1 district overrides (before: 1)."]
    assert len(store.calendar_overrides(con)) == 1


def test_the_developers_projects_page_shows_every_district_at_once(make_app, demo_con):
    own = store.projects(demo_con, organisation="aalto-rakennus")
    at = run(make_app("developer", lang="en"))
    at.switch_page("pages/projects.py")
    run(at)
    table = table_with(at, "Requirement")
    assert set(table["Project"]) == set(own["name"])
    assert len(set(own["district"])) > 1


def test_an_official_sets_a_persons_e_mail_language_on_the_access_page(make_app, demo_db):
    at = run(make_app("official", lang="en"))
    at.switch_page("pages/access.py")
    run(at)
    at.selectbox(key="access_language_who").set_value("developer-b@demo.dev")
    at.selectbox(key="access_language_lang").set_value("sv")
    at.button(key="access_language_save").click()
    run(at)
    languages = store.user_languages(data.connection(str(demo_db)))
    assert (
        dict(zip(languages["email"], languages["language"], strict=True))["developer-b@demo.dev"]
        == "sv"
    )
