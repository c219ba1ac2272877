"""Plausibility on screen (AppTest through the real dashboard.py): the developer sees the
warnings and may still submit; the official sees every row before -> after with flagged rows
first and cannot approve a flagged submission without a comment; the methodology page states
the thresholds."""

from __future__ import annotations

import pytest

from indicators import store
from tests.app.test_upload_page import app_con, counts, frame_with, run, upload_page
from tests.app.views import METHODOLOGY, open_view, texts

pytestmark = (
    pytest.mark.both_backends
)  # the upload and review pages, and their caches, on a lake too

PROJECT = "turku-science-park-plot-01"
HEADER = "project,indicator,period,breakdown,value,numerator,denominator,unit,comment\n"
JUMP = f"{PROJECT},energy_use_buildings,2024,,1020,12846288,12594.4,kWh/m2/yr,\n"  # 17x
ORDINARY = f"{PROJECT},energy_use_buildings,2023,,63,793447.2,12594.4,kWh/m2/yr,\n"
BLANK = f"{PROJECT},secondary_materials_infrastructure,2024-01,,,,,t,\n"


def test_the_developer_sees_plausibility_warnings_and_may_still_submit(make_app, demo_db):
    at = upload_page(make_app)
    data = (HEADER + JUMP + BLANK).encode()
    at.file_uploader(key="upload_file").set_value(("jump.csv", data, "text/csv"))
    run(at)
    assert any("look unusual" in w.value for w in at.warning)
    warnings = frame_with(at, "reason")
    assert set(warnings["line"]) == {2}
    assert any("typical figure" in r for r in warnings["reason"])
    assert any("1 empty rows" in i.value for i in at.info)
    before = counts(demo_db)
    at.button(key="upload_submit").click()
    run(at)
    assert any("Stored as submission" in s.value for s in at.success)
    assert counts(demo_db)["pending"] == before["pending"] + 1


def review_screen(make_app, demo_db, content: bytes):
    from indicators import access
    from indicators.reporting import ingest

    con = app_con(demo_db)
    developer = access.actor_for(con, "developer-a@demo.dev")
    sid = ingest.submit(con, developer, content, "jump.csv").submission_id
    official = run(make_app("official", submission=str(sid)))
    official.switch_page("pages/submissions.py")
    return run(official), sid


def test_the_official_sees_every_row_before_and_after_flagged_rows_first(make_app, demo_db):
    at, sid = review_screen(make_app, demo_db, (HEADER + ORDINARY + JUMP).encode())
    assert any("plausibility flags" in w.value for w in at.warning)
    rows = frame_with(at, "after")
    assert list(rows["period"]) == ["2024", "2023"]
    assert "typical figure" in rows["flags"].iloc[0]
    assert rows["flags"].iloc[1] == ""
    assert rows["after"].iloc[1] == 63
    assert rows["change"].iloc[1] == rows["after"].iloc[1] - rows["now"].iloc[1]


def test_a_flagged_submission_is_not_approved_without_a_comment(make_app, demo_db):
    at, sid = review_screen(make_app, demo_db, (HEADER + JUMP).encode())
    at.button(key="review_approve").click()
    run(at)
    assert any("write a comment" in e.value for e in at.error)
    assert store.submission(app_con(demo_db), sid)["status"] == "pending"

    at.text_area(key=f"review_comment_{sid}").input("confirmed with the meter readings")
    at.button(key="review_approve").click()
    run(at)
    assert any(f"Submission {sid} approved" in s.value for s in at.success)
    assert store.submission(app_con(demo_db), sid)["status"] == "approved"


def test_an_ordinary_submission_is_approved_without_a_comment(make_app, demo_db):
    at, sid = review_screen(make_app, demo_db, (HEADER + ORDINARY).encode())
    assert not at.warning
    at.button(key="review_approve").click()
    run(at)
    assert store.submission(app_con(demo_db), sid)["status"] == "approved"


def test_the_methodology_page_explains_the_plausibility_thresholds(make_app):
    at = open_view(make_app, METHODOLOGY, lang="sv")
    text = texts(at)
    assert "Rimlighetskontroll" in text and "5 gånger" in text


def test_the_queue_marks_how_many_flags_each_pending_submission_raises(make_app, demo_db):
    from indicators import access
    from indicators.reporting import ingest

    developer = access.actor_for(app_con(demo_db), "developer-a@demo.dev")
    ordinary = ingest.submit(app_con(demo_db), developer, (HEADER + ORDINARY).encode(), "a.csv")
    at, jump = review_screen(make_app, demo_db, (HEADER + JUMP).encode())
    queue = frame_with(at, "file_name").set_index("id")
    assert queue.loc[jump, "flags"] >= 1
    assert queue.loc[ordinary.submission_id, "flags"] == 0
    assert queue[queue["status"].str.contains("approved")]["flags"].isna().all()
