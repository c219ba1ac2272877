"""Plausibility flags: a figure far from the project's own history, far from its peers, or a
district total that would jump year on year is flagged; an ordinary year is not. A flag is a
warning that never blocks an upload; approving a flagged submission needs a comment."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from indicators import access, i18n, store
from indicators.reporting import ingest, plausibility
from indicators.store import plausibility as thresholds
from tests.unit.ingest_helpers import DEVELOPER, OFFICIAL, OWN, actor, csv, snapshot, submit

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

DISTRICT = "turku-science-park"
HEADER = "project,indicator,period,breakdown,value,numerator,denominator,unit,comment"


def stored_figure(con, project: str, indicator: str, period: str) -> dict:
    return (
        store.query(
            con,
            "SELECT value, numerator, denominator FROM observation WHERE project_id = ?"
            " AND indicator = ? AND period = ? ORDER BY id DESC LIMIT 1",
            [project, indicator, period],
        )
        .iloc[0]
        .to_dict()
    )


def energy_row(project: str, period: str, numerator: float, denominator: float) -> str:
    value = round(numerator / denominator, 4)
    return f"{project},energy_use_buildings,{period},,{value},{numerator},{denominator},kWh/m2/yr,"


def validate(con, data: bytes, email: str = DEVELOPER) -> ingest.Report:
    from tests.unit.ingest_helpers import TODAY

    return ingest.validate(con, actor(con, email), data, "upload.csv", today=TODAY)


def codes(report: ingest.Report) -> list[str]:
    return list(report.flags["code"])


# ----------------------------------------------------------------------------- the flags


def test_a_seventeen_fold_jump_is_flagged_against_the_projects_own_history(demo_con):
    report = validate(demo_con, csv(energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4)))
    assert report.valid and "history_high" in codes(report)
    flag = report.flags[report.flags["code"] == "history_high"].iloc[0]
    assert (flag.line, flag.column) == (2, "value")
    assert "times this project's typical figure" in flag.reason


def test_an_ordinary_year_raises_no_flag(demo_con):
    figure = stored_figure(demo_con, OWN, "energy_use_buildings", "2024")
    numerator = round(figure["numerator"] * 1.08, 1)  # 8 % more than last time
    report = validate(demo_con, csv(energy_row(OWN, "2024", numerator, figure["denominator"])))
    assert report.valid
    assert report.flag_count == 0 and report.flags.empty


def test_a_fall_to_a_tenth_is_flagged_like_a_tenfold_rise(demo_con):
    report = validate(demo_con, csv(energy_row(OWN, "2024", 6.0 * 12594.4, 12594.4)))
    assert "history_low" in codes(report)
    assert "1/" in report.flags.iloc[0].reason


def test_a_project_far_from_its_peers_is_flagged_without_any_history(demo_con):
    store.add_reference(
        demo_con,
        projects=pd.DataFrame(
            {
                "id": ["turku-science-park-plot-99"],
                "name": ["New plot (synthetic)"],
                "district_id": [DISTRICT],
                "organisation_id": ["aalto-rakennus"],
                "gross_floor_area": [5000.0],
                "synthetic": [True],
            }
        ),
        actor="test",
    )
    report = validate(
        demo_con, csv(energy_row("turku-science-park-plot-99", "2024", 900.0 * 5000, 5000.0))
    )
    assert codes(report) == ["peers_high"]
    assert "district's projects" in report.flags.iloc[0].reason


def test_a_district_total_that_would_jump_is_flagged_once(demo_con):
    # every project of the district four times its last figure: within each project's own
    # history threshold and its peers' (they all rose), but the district total quadruples
    rows = []
    for project in [f"{DISTRICT}-plot-{i:02d}" for i in range(1, 7)]:
        figure = stored_figure(demo_con, project, "energy_use_buildings", "2024")
        rows.append(
            energy_row(project, "2024", round(figure["numerator"] * 4, 1), figure["denominator"])
        )
    report = validate(demo_con, csv(*rows), email=OFFICIAL)
    assert codes(report) == ["district_up"]
    assert "district's figure for 2024" in report.flags.iloc[0].reason
    assert report.flags.iloc[0].line == 2


def test_the_first_month_of_a_new_year_is_not_taken_for_a_fall_of_the_district_total(demo_con):
    # one figure of 2026 so far against twelve months of six projects in 2025: a total of
    # everything reported would fall fortyfold; per figure reported it is an ordinary month
    data = csv(f"{OWN},secondary_materials_infrastructure,2026-01,,25,,,t,")
    report = ingest.validate(
        demo_con, actor(demo_con), data, "upload.csv", today=pd.Timestamp("2026-02-15")
    )
    assert report.valid and report.flag_count == 0


def test_flags_name_their_reason_in_the_readers_language(demo_con):
    data = csv(energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4))
    report = ingest.validate(
        demo_con, actor(demo_con), data, "upload.csv", lang="fi", today=pd.Timestamp("2025-06-15")
    )
    assert any("tyypilliseen lukuun" in reason for reason in report.flags["reason"])


# ----------------------------------------------------------------------------- never blocking


def test_a_warning_never_blocks_a_valid_file(demo_con):
    before = snapshot(demo_con)
    result = submit(
        demo_con, csv(energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4)), flags=True
    )
    assert result.stored and result.status == "pending"
    assert result.report.flag_count >= 1
    assert snapshot(demo_con)["pending"] == before["pending"] + 1


def test_an_error_still_refuses_a_file_that_also_has_a_jump(demo_con):
    before = snapshot(demo_con)
    data = csv(
        energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4),
        f"{OWN},no_such_indicator,2024,,5,,,,",
    )
    result = submit(demo_con, data)
    assert not result.stored and result.report.error_count == 1
    assert snapshot(demo_con) == before


def test_the_report_lists_the_warnings_after_the_errors_and_downloads_them(demo_con):
    report = validate(demo_con, csv(energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4)))
    table = report.table()
    assert set(table["severity"]) == {"warning"}
    assert "typical figure" in report.error_csv().decode("utf-8-sig")


# ----------------------------------------------------------------------------- the review


def jumped_submission(con) -> int:
    result = submit(con, csv(energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4)))
    assert result.stored
    return result.submission_id


def test_approving_a_flagged_submission_without_a_comment_is_refused(demo_con):
    sid = jumped_submission(demo_con)
    before = snapshot(demo_con)
    with pytest.raises(store.FlaggedNeedsComment) as refused:
        ingest.review(demo_con, actor(demo_con, OFFICIAL), sid, approve=True, comment="  ")
    assert refused.value.flags >= 1
    assert snapshot(demo_con) == before
    assert store.submission(demo_con, sid)["status"] == "pending"


def test_approving_a_flagged_submission_with_a_comment_is_recorded_in_the_audit_log(demo_con):
    sid = jumped_submission(demo_con)
    official = actor(demo_con, OFFICIAL)
    ingest.review(demo_con, official, sid, approve=True, comment="new heat pumps, checked")
    assert store.submission(demo_con, sid)["status"] == "approved"
    detail = json.loads(
        store.scalar(
            demo_con,
            "SELECT detail FROM audit WHERE action = 'submission.approved' AND entity = ?",
            [f"submission:{sid}"],
        )
    )
    assert detail["comment"] == "new heat pumps, checked"
    assert detail["plausibility_flags"] >= 1


def test_approving_an_unflagged_submission_needs_no_comment(demo_con):
    figure = stored_figure(demo_con, OWN, "energy_use_buildings", "2024")
    row = energy_row(OWN, "2024", round(figure["numerator"] * 1.05, 1), figure["denominator"])
    sid = submit(demo_con, csv(row)).submission_id
    ingest.review(demo_con, actor(demo_con, OFFICIAL), sid, approve=True)
    assert store.submission(demo_con, sid)["status"] == "approved"


def test_the_reviewer_sees_each_row_before_and_after_with_flagged_rows_first(demo_con):
    before_2023 = stored_figure(demo_con, OWN, "energy_use_buildings", "2023")
    data = csv(
        energy_row(
            OWN, "2023", round(before_2023["numerator"] * 1.02, 1), before_2023["denominator"]
        ),
        energy_row(OWN, "2024", 17 * 60.0 * 12594.4, 12594.4),
    )
    sid = submit(demo_con, data).submission_id
    detail = ingest.submission_detail(demo_con, actor(demo_con, OFFICIAL), sid)
    rows = detail["review_rows"]
    assert list(rows["period"]) == ["2024", "2023"]  # the flagged row first
    assert detail["flagged_rows"] == 1 and detail["flag_count"] >= 1
    ordinary = rows.iloc[1]
    assert ordinary["now"] == pytest.approx(before_2023["value"])
    assert ordinary["after"] == pytest.approx(before_2023["value"] * 1.02, rel=1e-3)
    assert ordinary["change"] == pytest.approx(ordinary["after"] - ordinary["now"])
    words = plausibility.reasons(rows.iloc[0]["flags"], "en")
    assert "typical figure" in words
    assert plausibility.reasons(ordinary["flags"], "en") == ""


def test_the_demo_review_queue_has_no_false_alarm(demo_con):
    pending = store.submissions(demo_con, status="pending")
    for sid in pending["id"]:
        detail = ingest.submission_detail(demo_con, actor(demo_con, OFFICIAL), int(sid))
        assert detail["flag_count"] == 0


# ----------------------------------------------------------------------------- the method


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_methodology_page_states_every_threshold_in_use(lang):
    text = plausibility.method_text(lang)
    for value in (
        thresholds.HISTORY_FACTOR,
        thresholds.HISTORY_MIN_FIGURES,
        thresholds.PEER_FACTOR,
        thresholds.PEER_MIN_OTHERS,
        thresholds.DISTRICT_JUMP_FACTOR,
    ):
        assert i18n.format_exact(value, lang) in text
    assert "{" not in text


def test_every_review_text_exists_in_each_language_with_the_same_placeholders():
    import re
    import tomllib
    from pathlib import Path

    def messages(lang):
        path = Path(i18n.LOCALES) / lang / "review.toml"
        return i18n._flatten(tomllib.loads(path.read_text(encoding="utf-8")))

    english = messages("en")
    for lang in ("fi", "sv"):
        other = messages(lang)
        assert set(other) == set(english), lang
        for key, text in english.items():
            assert set(re.findall(r"{(\w+)}", other[key])) == set(re.findall(r"{(\w+)}", text))


def test_a_permission_is_still_checked_before_any_flag(demo_con):
    data = csv(energy_row("turku-science-park-plot-02", "2024", 1.0e6, 1000.0))
    with pytest.raises(access.PermissionDenied):
        validate(demo_con, data)
