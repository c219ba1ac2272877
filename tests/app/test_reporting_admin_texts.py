"""What a Finnish or Swedish reader of the reporting and administration screens sees: their own
language where Streamlit would show English, times with their zone, actions in words, and an
Access form that keeps what was typed when it is refused."""

from __future__ import annotations

from indicators.ui import navigation
from tests import hostile_files
from tests.app.test_upload_page import INVALID, frame_with, run


def _page(make_app, role: str, path: str, **query):
    at = run(make_app(role, **query))
    at.switch_page(path)
    return run(at)


def test_the_finnish_upload_page_says_upload_not_download(make_app):
    at = _page(make_app, "developer", "pages/upload.py", lang="fi")
    assert at.title[0].value.startswith("Lähetä")
    assert at.file_uploader(key="upload_file").label == "Raporttitiedosto (CSV tai XLSX)"
    captions = " ".join(c.value for c in at.caption)
    assert "enintään 50 Mt tiedostoa kohden" in captions
    headers = [h.value for h in at.subheader]
    assert any(h.startswith("2. Tuo") for h in headers)


def test_the_validation_report_names_its_severity_in_swedish(make_app):
    at = _page(make_app, "developer", "pages/upload.py", lang="sv")
    at.file_uploader(key="upload_file").set_value(("bad.csv", INVALID, "text/csv"))
    run(at)
    report = frame_with(at, "severity")
    assert set(report["severity"]) == {"Fel"}


def test_an_odd_workbook_is_answered_on_the_page_with_its_line(make_app):
    at = _page(make_app, "developer", "pages/upload.py")
    book = hostile_files.xlsx_bad_shared_string_index()
    at.file_uploader(key="upload_file").set_value(("bad.xlsx", book, "application/zip"))
    run(at)
    report = frame_with(at, "reason")
    assert report["line"].tolist() == [2]
    assert "text number 99999" in report["reason"].iloc[0]


def test_audit_times_carry_their_zone_and_actions_read_as_words(make_app):
    at = _page(make_app, "official", "pages/audit.py", lang="fi")
    log = at.dataframe[0].value
    assert str(log["at"].dt.tz) != "None"
    assert "user.set" not in set(log["action"])
    assert "Käyttöoikeus: myönnetty tai muutettu" in set(log["action"])


def test_a_refused_access_form_keeps_the_typed_email_and_names_no_command_line_flag(make_app):
    at = _page(make_app, "official", "pages/access.py")
    at.text_input(key="access_add_email").input("new.developer@demo.dev")
    at.selectbox(key="access_add_role").select("developer")
    at.button(key="access_add").click()
    run(at)
    (error,) = at.error
    assert error.value == "A developer belongs to an organisation: choose one."
    assert at.text_input(key="access_add_email").value == "new.developer@demo.dev"


def test_the_address_of_a_page_for_other_roles_is_named_as_refused():
    assert navigation.refused("/targets", "developer").url_path == "targets"
    assert navigation.refused("/base/targets", "public").url_path == "targets"
    assert navigation.refused("/targets", "official") is None
    assert navigation.refused("/", "developer") is None
