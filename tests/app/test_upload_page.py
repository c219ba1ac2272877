"""The upload page and the review queue, driven through the real dashboard.py (AppTest):
a developer uploads a real CSV, sees the report, submits and gets the id; an official
approves it on the submissions page."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators import store
from indicators.ui import data

pytestmark = (
    pytest.mark.both_backends
)  # the upload and review pages, and their caches, on a lake too

PROJECT = "turku-science-park-plot-01"  # aalto-rakennus, developer-a's organisation

VALID = (
    "\ufeffproject;indicator;period;breakdown;value;numerator;denominator;unit;comment\r\n"
    f"{PROJECT};excavated_material_reused;2024;;65,5;655;1000;%;sorted on site\r\n"
    f'{PROJECT};ghg_emissions_by_sector;2024;transport;12,5;;;t CO2e;"<script>alert(1)</script>"\r\n'
    f'{PROJECT};secondary_materials_infrastructure;2024-03;;3;;;t;=HYPERLINK("http://x")\r\n'
).encode()

INVALID = (
    "project,indicator,period,value,numerator,denominator\n"
    f"{PROJECT},excavated_material_reused,2024,120,120,100\n"
    f"{PROJECT},energy_use_buildings,2024,abc,,\n"
).encode()


def run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def upload_page(make_app, role="developer"):
    at = run(make_app(role))
    at.switch_page("pages/upload.py")
    return run(at)


def frame_with(at, column: str):
    """The table on the page that has `column` (AppTest finds tables by content, not key)."""
    for table in at.dataframe:
        if column in table.value.columns:
            return table.value
    raise AssertionError(f"no table with a {column!r} column")


def app_con(db: Path):
    """The app's own connection (one DuckDB file is opened once per process)."""
    return data.connection(str(db))


def counts(db: Path) -> dict:
    con = app_con(db)
    return {**store.stats(con), "version": store.data_version(con)}


def test_developer_uploads_a_csv_sees_the_preview_submits_and_gets_the_id(make_app, demo_db):
    at = upload_page(make_app)
    assert at.file_uploader(key="upload_file")
    at.file_uploader(key="upload_file").set_value(("plots.csv", VALID, "text/csv"))
    run(at)
    assert not at.error, [e.value for e in at.error]
    assert any("3 rows are valid" in s.value for s in at.success)
    preview = frame_with(at, "latest_value")
    assert set(preview["indicator"]) == {
        "excavated_material_reused",
        "ghg_emissions_by_sector",
        "secondary_materials_infrastructure",
    }
    assert preview.loc[preview["indicator"] == "excavated_material_reused", "latest_value"].iloc[
        0
    ] == pytest.approx(65.5)
    before = counts(demo_db)

    at.button(key="upload_submit").click()
    run(at)
    stored = [s.value for s in at.success if "Stored as submission" in s.value]
    assert stored, [s.value for s in at.success]
    after = counts(demo_db)
    assert after["pending"] == before["pending"] + 3
    sid = int(stored[0].split("submission ")[1].split(" ")[0])
    comments = store.query(
        app_con(demo_db),
        "SELECT comment FROM observation WHERE submission_id = ? ORDER BY id",
        [sid],
    )["comment"].tolist()
    assert sorted(comments) == sorted(
        ["sorted on site", "<script>alert(1)</script>", '=HYPERLINK("http://x")']
    )

    # the same file again: recognised, nothing new to store
    run(at)
    assert any(f"submission {sid}" in i.value for i in at.info)
    assert counts(demo_db)["observations"] == after["observations"]


def test_invalid_upload_lists_every_error_and_stores_nothing(make_app, demo_db):
    before = counts(demo_db)
    at = upload_page(make_app)
    at.file_uploader(key="upload_file").set_value(("bad.csv", INVALID, "text/csv"))
    run(at)
    assert any("rejected" in e.value for e in at.error)
    errors = frame_with(at, "reason")
    assert {(int(r.line), r.column) for r in errors.itertuples()} >= {
        (2, "numerator"),
        (3, "value"),
    }
    assert at.download_button(key="upload_errors_download")
    assert not [b for b in at.button if b.key == "upload_submit"]
    assert counts(demo_db) == before


def test_another_organisations_project_is_a_permission_error(make_app, demo_db):
    before = counts(demo_db)
    at = upload_page(make_app, "developer_b")
    at.file_uploader(key="upload_file").set_value(("plots.csv", VALID, "text/csv"))
    run(at)
    assert any("Not permitted" in e.value and PROJECT in e.value for e in at.error)
    assert counts(demo_db) == before


def test_the_template_is_offered_for_download(make_app):
    at = upload_page(make_app)
    assert at.download_button(key="tpl_download")
    assert at.selectbox(key="tpl_year").value in (2025, 2026) or at.selectbox(key="tpl_year").value


def test_official_approves_a_submission_in_the_review_queue(make_app, demo_db):
    at = upload_page(make_app)
    at.file_uploader(key="upload_file").set_value(("plots.csv", VALID, "text/csv"))
    run(at)
    at.button(key="upload_submit").click()
    run(at)
    stored = [s.value for s in at.success if "Stored as submission" in s.value][0]
    sid = int(stored.split("submission ")[1].split(" ")[0])

    official = run(make_app("official", submission=str(sid)))
    official.switch_page("pages/submissions.py")
    run(official)
    assert official.selectbox(key="submission_choice").value == sid
    changes = frame_with(official, "latest_value")
    assert "excavated_material_reused" in set(changes["indicator"])
    official.text_area(key=f"review_comment_{sid}").input("checked against the site log")
    official.button(key="review_approve").click()
    run(official)
    assert any(f"Submission {sid} approved" in s.value for s in official.success)
    con = app_con(demo_db)
    status, reviewer, comment = store.query(
        con, "SELECT status, reviewer, comment FROM submission WHERE id = ?", [sid]
    ).iloc[0]
    audited = store.scalar(
        con,
        "SELECT count(*) FROM audit WHERE action = 'submission.approved' AND entity = ?",
        [f"submission:{sid}"],
    )
    assert (status, reviewer, comment) == (
        "approved",
        "official@demo.city",
        "checked against the site log",
    )
    assert audited == 1


def test_developer_follows_its_submissions_and_sees_the_officials_comment(make_app, demo_db):
    from indicators import access
    from indicators.reporting import ingest

    con = app_con(demo_db)
    developer = access.actor_for(con, "developer-a@demo.dev")
    official = access.actor_for(con, "official@demo.city")
    sid = ingest.submit(con, developer, VALID, "plots.csv").submission_id
    ingest.review(con, official, sid, approve=False, comment="**numerator** <b>missing</b>")
    at = run(make_app("developer"))
    at.switch_page("pages/submissions.py")
    run(at)
    table = frame_with(at, "submitted_by")
    assert sid in set(table["id"])
    assert set(table["submitted_by"]) == {"developer-a@demo.dev"}  # only its own organisation
    assert at.selectbox(key="submission_choice").value == sid
    assert any(t.value == "**numerator** <b>missing</b>" for t in at.text)  # literally


def test_the_preview_names_each_indicator_and_unit_in_the_developers_language(make_app):
    at = run(make_app("developer", lang="sv"))
    at.switch_page("pages/upload.py")
    run(at)
    energy = (  # kWh/m2/yr: a unit whose Swedish name differs from its code
        "project;indicator;period;value;numerator;denominator;unit\r\n"
        f"{PROJECT};energy_use_buildings;2024;55;550000;10000;kWh/m2/yr\r\n"
    ).encode()
    at.file_uploader(key="upload_file").set_value(("energy.csv", energy, "text/csv"))
    run(at)
    preview = frame_with(at, "latest_value").set_index("indicator")
    assert preview.loc["energy_use_buildings", "indicator_name"] == "Byggnadernas energianvändning"
    assert preview.loc["energy_use_buildings", "unit"] == "kWh/m²/år"
