"""The officials' Reporting status page, driven through the real dashboard.py (AppTest):
expected, received, missing and overdue per organisation and district, the overdue reports,
who no reminder reaches, filters in the address, and the reporting calendar."""

from __future__ import annotations


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
