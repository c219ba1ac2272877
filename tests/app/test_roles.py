"""Each role gets exactly its pages (st.navigation is given nothing else), a forbidden page
cannot be switched to, and the role is decided again on every rerun."""

from __future__ import annotations

import pytest

from indicators import store
from indicators.ui import data, navigation
from tests.app.conftest import AUTH_SECRETS, DEMO_IDENTITIES

# pages the role rules decide; the monitoring pages may be added to the tree meanwhile
REPORTING = ["pages/upload.py", "pages/submissions.py", "pages/projects.py"]
ADMINISTRATION = ["pages/targets.py", "pages/access.py", "pages/audit.py"]
EXISTING = [s.path for s in navigation.SCREENS if (navigation.ROOT / s.path).exists()]


def opens(at, path: str) -> bool:
    """Whether `path` is among the pages the session was given (switching to it is possible)."""
    try:
        at.switch_page(path)
    except ValueError:
        return False
    return True


def run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_buttons(at) -> set[str]:
    return {b.label for b in at.sidebar.button}


# ----------------------------------------------------------------------------- public


@pytest.mark.parametrize("path", REPORTING + ADMINISTRATION)
def test_public_is_not_given_reporting_or_administration_pages(make_app, path):
    at = run(make_app())
    assert not opens(at, path)


def test_public_is_given_every_public_page_that_exists(make_app):
    at = run(make_app())
    public = [s.path for s in navigation.screens_for("public")]
    assert all(opens(at, path) for path in public)


def test_without_an_auth_section_there_is_no_log_in_button(make_app):
    at = run(make_app())
    assert "Log in" not in sidebar_buttons(at)
    assert "Log out" not in sidebar_buttons(at)


def test_with_an_auth_section_the_public_gets_a_log_in_button(make_app):
    at = make_app()
    at.secrets["auth"] = AUTH_SECRETS
    run(at)
    assert sidebar_buttons(at) >= {"Log in"}
    assert "Log out" not in sidebar_buttons(at)


def test_a_logged_in_user_without_auth_configured_is_still_the_public(make_app):
    at = make_app()
    at.user = {"is_logged_in": True, "email": DEMO_IDENTITIES["official"]}
    run(at)
    assert not opens(at, "pages/access.py")


# ----------------------------------------------------------------------------- developer


@pytest.mark.parametrize("path", ADMINISTRATION)
def test_developer_cannot_switch_to_an_administration_page(make_app, path):
    at = run(make_app("developer"))
    assert not opens(at, path)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(path)


def test_developer_is_given_the_reporting_pages_that_exist(make_app):
    at = run(make_app("developer"))
    for path in REPORTING:
        assert opens(at, path) == (path in EXISTING), path


def test_developer_sees_who_is_logged_in_and_a_log_out_button(make_app):
    at = run(make_app("developer"))
    assert "Log out" in sidebar_buttons(at)
    assert "Log in" not in sidebar_buttons(at)
    assert any("developer-a@demo.dev" in c.value for c in at.sidebar.caption)


# ----------------------------------------------------------------------------- official


@pytest.mark.parametrize("path", ADMINISTRATION)
def test_official_is_given_each_administration_page_and_it_opens(make_app, path):
    at = run(make_app("official"))
    assert opens(at, path)
    run(at)
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value != ""


def test_official_is_given_every_page_that_exists(make_app):
    at = run(make_app("official"))
    assert all(opens(at, path) for path in EXISTING)


def test_official_gives_access_on_the_access_page_and_the_audit_log_lists_it(make_app, demo_db):
    at = run(make_app("official"))
    at.switch_page("pages/access.py")
    run(at)
    at.text_input(key="access_add_email").input("new.engineer@bjork.example")
    at.selectbox(key="access_add_role").select("developer")
    at.selectbox(key="access_add_org").select("bjork-bygg")
    at.button(key="access_add").click()
    run(at)
    assert not at.error, [e.value for e in at.error]
    assert any("new.engineer@bjork.example" in s.value for s in at.success)

    at.switch_page("pages/audit.py")
    run(at)
    log = at.dataframe[0].value
    added = log[log["entity"] == "user:new.engineer@bjork.example"]
    assert added["actor"].tolist() == ["official@demo.city"]


def test_official_cannot_remove_its_own_access_on_the_access_page(make_app):
    at = run(make_app("official"))
    at.switch_page("pages/access.py")
    run(at)
    at.selectbox(key="access_remove_who").select("official@demo.city")
    at.checkbox(key="access_remove_sure").check()
    at.button(key="access_remove").click()
    run(at)
    assert any("own access" in e.value for e in at.error)


# ----------------------------------------------------------------------------- unknown log-ins


def test_unknown_log_in_sees_the_public_view_and_whom_to_ask(make_app):
    at = make_app()
    at.secrets["auth"] = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": "stranger@example.org", "name": "Stranger"}
    run(at)
    for path in REPORTING + ADMINISTRATION:
        assert not opens(at, path)
    warning = " ".join(w.value for w in at.sidebar.warning)
    assert "stranger@example.org" in warning and "official@demo.city" in warning
    assert "Log out" in sidebar_buttons(at)


# ----------------------------------------------------------------------------- every rerun


def test_removing_an_officials_access_takes_effect_on_the_next_rerun(make_app, demo_db):
    before = run(make_app("official"))
    assert opens(before, "pages/access.py")
    at = run(make_app("official"))
    # through the app's own connection, as another official's session would
    store.upsert_user(
        data.connection(str(demo_db)), _developer(DEMO_IDENTITIES["official"]), actor="test"
    )
    run(at)
    assert not opens(at, "pages/access.py")


def _developer(email):
    from indicators.models import User

    return User(email=email, role="developer", organisation="aalto-rakennus")


# ----------------------------------------------------------------------------- public mode


def test_public_instance_serves_only_public_pages_even_to_an_official(make_app, monkeypatch):
    monkeypatch.setenv("INDICATORS_PUBLIC", "1")
    at = run(make_app("official"))
    for path in REPORTING + ADMINISTRATION:
        assert not opens(at, path)
    assert not sidebar_buttons(at) & {"Log in", "Log out"}


# ----------------------------------------------------------------------------- audit page


def test_audit_log_is_filtered_by_what_and_offers_the_download(make_app):
    at = run(make_app("official"))
    at.switch_page("pages/audit.py")
    run(at)
    at.multiselect(key="action").select("user.set")
    run(at)
    log = at.dataframe[0].value
    assert not log.empty
    # the action in words, not its code
    assert set(log["action"]) == {"User access: granted or changed"}
    assert at.get("download_button")


def test_audit_log_filter_can_come_from_a_shared_address(make_app):
    at = run(make_app("official"))
    at.switch_page("pages/audit.py")
    at.query_params["who"] = "demo"
    run(at)
    log = at.dataframe[0].value
    assert not log.empty
    assert set(log["actor"]) == {"demo"}
