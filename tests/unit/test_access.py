"""Who may do what: the role of each identity, and every action checked for every role."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from indicators import access, editing, store
from indicators.models import User
from indicators.reporting import ingest

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

OFFICIAL = "official@demo.city"
DEVELOPER_A = "developer-a@demo.dev"  # aalto-rakennus
DEVELOPER_B = "developer-b@demo.dev"  # bjork-bygg

# the rule, written out: action -> roles that may do it
EXPECTED = {
    "read_published": {"public", "developer", "official"},
    "read_pending": {"official"},
    "read_own_projects": {"developer", "official"},
    "submit": {"developer", "official"},
    "submit_district": {"official"},
    "review": {"official"},
    "manage_targets": {"official"},
    "manage_reference": {"official"},
    "manage_users": {"official"},
    "read_audit": {"official"},
    "export_all": {"official"},
    "publish": {"official"},
    "read_obligations": {"developer", "official"},
    "read_all_obligations": {"official"},
    "manage_calendar": {"official"},
    "remind": {"official"},
}
ROLES = ["public", "developer", "official"]


@pytest.fixture
def official(demo_con):
    return access.actor_for(demo_con, OFFICIAL)


@pytest.fixture
def developer(demo_con):
    return access.actor_for(demo_con, DEVELOPER_A)


def snapshot(con) -> dict:
    """What the database holds, to check that a refused action stored nothing."""
    return {
        **store.stats(con),
        "version": store.data_version(con),
        "audit": store.scalar(con, "SELECT count(*) FROM audit"),
    }


def own_and_foreign_project(con, organisation: str) -> tuple[str, str]:
    projects = store.projects(con)
    own = projects[projects["organisation"] == organisation]["id"].iloc[0]
    foreign = projects[projects["organisation"] != organisation]["id"].iloc[0]
    return own, foreign


def pending_submission(con) -> int:
    return int(store.scalar(con, "SELECT min(id) FROM submission WHERE status = 'pending'"))


# ----------------------------------------------------------------------------- who is who


def test_nobody_logged_in_is_the_public(demo_con):
    assert access.actor_for(demo_con, None) == access.PUBLIC


def test_official_in_the_user_table_is_an_official(demo_con):
    actor = access.actor_for(demo_con, OFFICIAL)
    assert (actor.role, actor.organisation, actor.unknown_login) == ("official", None, False)


def test_developer_gets_the_organisation_from_the_user_table(demo_con):
    actor = access.actor_for(demo_con, DEVELOPER_A)
    assert (actor.role, actor.organisation) == ("developer", "aalto-rakennus")


def test_e_mail_claim_is_matched_without_regard_to_case_or_spaces(demo_con):
    assert access.actor_for(demo_con, "  Official@Demo.CITY ").role == "official"


def test_log_in_not_in_the_user_table_sees_the_public_view(demo_con):
    actor = access.actor_for(demo_con, "stranger@example.org")
    assert actor.role == "public"
    assert actor.unknown_login
    assert not access.can(actor, "read_own_projects")


# ----------------------------------------------------------------------------- the rule


def test_every_action_of_the_rule_is_specified_here():
    assert set(access.PERMISSIONS) == set(EXPECTED)


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_may_do_exactly_its_actions(role, action):
    actor = access.Actor(role=role, email=None if role == "public" else f"{role}@x.fi")
    assert access.can(actor, action) == (role in EXPECTED[action])


@pytest.mark.parametrize(
    "action", sorted(a for a, roles in EXPECTED.items() if "public" not in roles)
)
def test_require_refuses_the_public_with_a_plain_message(action):
    with pytest.raises(access.PermissionDenied, match="the public"):
        access.require(access.PUBLIC, action)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        access.can(access.PUBLIC, "launch_rockets")


# ----------------------------------------------------------------------------- projects


def test_developer_sees_only_its_own_organisations_projects(demo_con, developer):
    visible = access.visible_projects(demo_con, developer)
    assert not visible.empty
    assert set(visible["organisation"]) == {"aalto-rakennus"}


def test_official_sees_every_project(demo_con, official):
    assert len(access.visible_projects(demo_con, official)) == len(store.projects(demo_con))


def test_public_sees_no_project_reports(demo_con):
    with pytest.raises(access.PermissionDenied):
        access.visible_projects(demo_con, access.PUBLIC)


def test_developer_may_not_read_another_organisations_project(demo_con, developer):
    own, foreign = own_and_foreign_project(demo_con, "aalto-rakennus")
    access.require_project_access(demo_con, developer, own)
    with pytest.raises(access.PermissionDenied, match=foreign):
        access.require_project_access(demo_con, developer, foreign)


def test_developer_may_submit_for_its_own_projects(demo_con, developer):
    own, _ = own_and_foreign_project(demo_con, "aalto-rakennus")
    access.require_own_projects(demo_con, developer, [own])


def test_developer_submitting_a_file_naming_another_organisations_project_is_refused_and_nothing_stored(
    demo_con, developer
):
    own, foreign = own_and_foreign_project(demo_con, "aalto-rakennus")
    data = (
        "project,indicator,period,numerator,denominator\n"
        f"{own},excavated_material_reused,2024,650,1000\n"
        f"{foreign},excavated_material_reused,2024,650,1000\n"
    ).encode()
    before = snapshot(demo_con)
    with pytest.raises(access.PermissionDenied, match=foreign):
        ingest.submit(demo_con, developer, data, "mixed.csv", today=date(2025, 6, 15))
    assert snapshot(demo_con) == before


def test_the_same_file_with_only_own_projects_is_stored(demo_con, developer):
    own, _ = own_and_foreign_project(demo_con, "aalto-rakennus")
    data = (
        "project,indicator,period,numerator,denominator\n"
        f"{own},excavated_material_reused,2024,650,1000\n"
    ).encode()
    result = ingest.submit(demo_con, developer, data, "own.csv", today=date(2025, 6, 15))
    assert result.report.ok, result.report.errors.to_dict("records")
    assert store.stats(demo_con)["pending"] > 0


def test_official_may_submit_for_any_project(demo_con, official):
    _, foreign = own_and_foreign_project(demo_con, "aalto-rakennus")
    access.require_own_projects(demo_con, official, [foreign])


def test_public_may_not_submit(demo_con):
    own, _ = own_and_foreign_project(demo_con, "aalto-rakennus")
    with pytest.raises(access.PermissionDenied):
        access.require_own_projects(demo_con, access.PUBLIC, [own])


def test_only_officials_report_district_level_figures(developer, official):
    with pytest.raises(access.PermissionDenied):
        access.require(developer, "submit_district")
    access.require(official, "submit_district")


# ----------------------------------------------------------------------------- review


def test_developer_approving_a_submission_is_refused_and_nothing_changes(demo_con, developer):
    sid = pending_submission(demo_con)
    before = snapshot(demo_con)
    with pytest.raises(access.PermissionDenied):
        access.review(demo_con, developer, sid, approve=True, comment=None)
    assert snapshot(demo_con) == before
    assert store.scalar(demo_con, "SELECT status FROM submission WHERE id = ?", [sid]) == "pending"


def test_public_may_not_review(demo_con):
    with pytest.raises(access.PermissionDenied):
        access.review(
            demo_con, access.PUBLIC, pending_submission(demo_con), approve=False, comment=""
        )


def test_official_approves_and_the_review_is_audited(demo_con, official):
    sid = pending_submission(demo_con)
    access.review(demo_con, official, sid, approve=True, comment="checked")
    assert store.scalar(demo_con, "SELECT status FROM submission WHERE id = ?", [sid]) == "approved"
    log = store.audit_log(demo_con, actions=["submission.approved"])
    assert (log["actor"] == OFFICIAL).any()


# ----------------------------------------------------------------------------- users


def test_official_gives_access_and_the_new_person_gets_the_role(demo_con, official):
    access.set_user(
        demo_con, official, User(email="new@dev.fi", role="developer", organisation="bjork-bygg")
    )
    actor = access.actor_for(demo_con, "new@dev.fi")
    assert (actor.role, actor.organisation) == ("developer", "bjork-bygg")
    assert store.audit_log(demo_con, entity="new@dev.fi")["actor"].tolist() == [OFFICIAL]


def test_official_changes_a_role(demo_con, official):
    access.set_user(demo_con, official, User(email=DEVELOPER_B, role="official"))
    assert access.actor_for(demo_con, DEVELOPER_B).role == "official"


def test_official_removes_access_and_the_person_sees_the_public_view(demo_con, official):
    assert access.remove_user(demo_con, official, DEVELOPER_B)
    assert access.actor_for(demo_con, DEVELOPER_B).role == "public"


@pytest.mark.parametrize("email", [None, DEVELOPER_A])
def test_only_officials_manage_users(demo_con, email):
    actor = access.actor_for(demo_con, email)
    before = snapshot(demo_con)
    with pytest.raises(access.PermissionDenied):
        access.set_user(demo_con, actor, User(email="me@x.fi", role="official"))
    with pytest.raises(access.PermissionDenied):
        access.remove_user(demo_con, actor, OFFICIAL)
    assert snapshot(demo_con) == before


def test_developer_may_not_make_itself_an_official(demo_con, developer):
    with pytest.raises(access.PermissionDenied):
        access.set_user(demo_con, developer, User(email=DEVELOPER_A, role="official"))
    assert access.actor_for(demo_con, DEVELOPER_A).role == "developer"


def test_official_cannot_remove_its_own_access(demo_con, official):
    with pytest.raises(access.PermissionDenied, match="own access"):
        access.remove_user(demo_con, official, OFFICIAL)


def test_the_last_official_cannot_be_removed(demo_con):
    with pytest.raises(access.PermissionDenied, match="last official"):
        access.remove_user(demo_con, access.SYSTEM, OFFICIAL)


def test_a_developer_needs_an_existing_organisation(demo_con, official):
    with pytest.raises(ValueError, match="unknown organisation"):
        access.set_user(
            demo_con, official, User(email="x@dev.fi", role="developer", organisation="nobody")
        )


# ----------------------------------------------------------------------------- targets and reference


def test_official_edits_a_district_target_and_the_change_is_audited(demo_con, official):
    targets = store.query(demo_con, "SELECT * FROM target WHERE project_id IS NULL ORDER BY id")
    targets.loc[0, "value"] = 70.0
    counts = access.save_targets(demo_con, official, targets, requirements=False)
    assert counts == {"added": 0, "changed": 1, "removed": 0}
    first = int(targets.loc[0, "id"])
    assert store.scalar(demo_con, "SELECT value FROM target WHERE id = ?", [first]) == 70.0
    log = store.audit_log(demo_con, actions=["target.change"])
    assert log["entity"].tolist() == [f"target:{first}"]
    assert log["actor"].tolist() == [OFFICIAL]


def test_official_adds_and_removes_project_requirements(demo_con, official):
    requirements = store.query(demo_con, "SELECT * FROM target WHERE project_id IS NOT NULL")
    own, _ = own_and_foreign_project(demo_con, "aalto-rakennus")
    kept = requirements.iloc[1:]
    new = pd.DataFrame(
        [
            {
                "indicator": "energy_use_buildings",
                "project_id": own,
                "year": 2035,
                "value": 50.0,
                "comparator": "<=",
                "source": "plot agreement",
            }
        ]
    )
    counts = access.save_targets(
        demo_con, official, pd.concat([kept, new], ignore_index=True), requirements=True
    )
    assert counts == {"added": 1, "changed": 0, "removed": 1}
    actions = set(store.audit_log(demo_con)["action"])
    assert {"requirement.add", "requirement.remove"} <= actions


def test_an_invalid_target_table_is_refused_whole_with_every_problem(demo_con, official):
    targets = store.query(demo_con, "SELECT * FROM target WHERE project_id IS NULL ORDER BY id")
    targets.loc[0, "value"] = 60.0  # a valid change that must not be stored either
    targets.loc[1, "indicator"] = "no_such_indicator"
    targets.loc[2, "district_id"] = "atlantis"
    before = snapshot(demo_con)
    with pytest.raises(editing.EditError) as refused:
        access.save_targets(demo_con, official, targets, requirements=False)
    problems = {(e.line, e.column) for e in refused.value.errors}
    assert problems == {(2, "indicator"), (3, "district_id")}
    assert snapshot(demo_con) == before


@pytest.mark.parametrize("email", [None, DEVELOPER_A])
def test_only_officials_edit_targets_and_requirements(demo_con, email):
    actor = access.actor_for(demo_con, email)
    targets = store.query(demo_con, "SELECT * FROM target WHERE project_id IS NULL")
    for requirements in (False, True):
        with pytest.raises(access.PermissionDenied):
            access.save_targets(demo_con, actor, targets.iloc[:0], requirements=requirements)
    assert len(store.query(demo_con, "SELECT * FROM target WHERE project_id IS NULL")) == len(
        targets
    )


def test_official_adds_a_district(demo_con, official):
    districts = store.query(demo_con, "SELECT * FROM district")
    new = pd.DataFrame(
        [{"id": "kupittaa", "name": "Kupittaa", "city": "Turku", "kind": "district"}]
    )
    counts = access.save_reference(
        demo_con, official, "district", pd.concat([districts, new], ignore_index=True)
    )
    assert counts["added"] == 1
    assert "kupittaa" in set(store.districts(demo_con)["id"])
    assert store.audit_log(demo_con, actions=["district.add"])["entity"].tolist() == [
        "district:kupittaa"
    ]


def test_a_district_with_projects_cannot_be_removed(demo_con, official):
    districts = store.query(demo_con, "SELECT * FROM district")
    before = snapshot(demo_con)
    with pytest.raises(editing.EditError, match="harbourside"):
        access.save_reference(
            demo_con, official, "district", districts[districts["id"] != "harbourside"]
        )
    assert snapshot(demo_con) == before


def test_official_moves_a_project_to_another_organisation(demo_con, official):
    projects = store.query(demo_con, "SELECT * FROM project ORDER BY id")
    projects.loc[0, "organisation_id"] = "bjork-bygg"
    access.save_reference(demo_con, official, "project", projects)
    moved = projects.loc[0, "id"]
    assert store.scalar(demo_con, "SELECT organisation_id FROM project WHERE id = ?", [moved]) == (
        "bjork-bygg"
    )


@pytest.mark.parametrize("table", ["district", "organisation", "project"])
def test_developer_may_not_edit_reference_data(demo_con, developer, table):
    frame = store.query(demo_con, f"SELECT * FROM {table}")
    with pytest.raises(access.PermissionDenied):
        access.save_reference(demo_con, developer, table, frame)


# ----------------------------------------------------------------------------- audit and publish


def test_only_officials_read_the_audit_log(demo_con, official, developer):
    assert not access.audit_log(demo_con, official).empty
    for actor in (developer, access.PUBLIC):
        with pytest.raises(access.PermissionDenied):
            access.audit_log(demo_con, actor)


def test_audit_log_filters_by_who_and_what(demo_con):
    log = store.audit_log(demo_con, actor="demo", actions=["user.set"])
    assert len(log) == 3
    assert set(log["entity"]) == {f"user:{e}" for e in (OFFICIAL, DEVELOPER_A, DEVELOPER_B)}


def test_only_officials_publish(demo_con, developer, tmp_path):
    with pytest.raises(access.PermissionDenied):
        access.publish(demo_con, developer, tmp_path / "public.duckdb")
    assert not (tmp_path / "public.duckdb").exists()
