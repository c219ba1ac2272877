"""Reminders and review decisions by e-mail, received by a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from datetime import date

import pytest

from indicators import access, store
from indicators.cli import main as cli_main
from indicators.reporting import ingest, mail, reminders
from tests import smtp_server as smtp

# the fixtures: a real SMTP server on 127.0.0.1, and no mail settings at all
smtp_server, no_mail = smtp.smtp_server, smtp.no_mail

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

DAY = date(2026, 4, 10)  # 2026-01 and 2026-02 monthly figures overdue, 2026-03 due on 15 April
A, B = "developer-a@demo.dev", "developer-b@demo.dev"


def remind(db, *args) -> int:
    return cli_main(["--db", str(db), "remind", *args])


def test_each_organisations_people_get_one_reminder_and_organisations_without_users_none(
    demo_db, smtp_server
):
    assert remind(demo_db, "--today", DAY.isoformat()) == 0
    assert sorted(smtp_server.recipients) == [A, B]


def test_a_reminder_names_the_overdue_rows_and_links_to_the_upload_page(demo_db, smtp_server):
    remind(demo_db, "--today", DAY.isoformat())
    (message,) = smtp_server.to(A)
    body = message.get_content()
    assert message["Subject"] == "Reporting reminder: 10 overdue, 5 due within 30 days"
    assert "Turku Science Park plot 1: Secondary materials used in infrastructure, 2026-01" in body
    assert "(due 2026-02-15)" in body
    assert "https://monitor.example-city.fi/upload?lang=en" in body
    assert "Björk" not in body  # another organisation's rows are never listed


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        (
            "fi",
            "Raportointimuistutus: 10 myöhässä, 5 erääntyy 30 päivän kuluessa",
            "eräpäivä 15.2.2026",
        ),
        (
            "sv",
            "Påminnelse om rapportering: 10 försenade, 5 förfaller inom 30 dagar",
            "förfaller 2026-02-15",
        ),
    ],
)
def test_a_reminder_is_written_in_the_persons_language(
    demo_db, smtp_server, language, subject, words
):
    con = store.connect(demo_db)
    access.set_language(con, access.SYSTEM, A, language)
    con.close()
    remind(demo_db, "--today", DAY.isoformat())
    (message,) = smtp_server.to(A)
    assert message["Subject"] == subject
    assert words in message.get_content()
    assert message["Content-Language"] == language
    (other,) = smtp_server.to(B)
    assert other["Subject"].startswith("Reporting reminder")


def test_nobody_is_reminded_twice_within_five_days(demo_db, smtp_server):
    remind(demo_db, "--today", "2026-04-10")
    remind(demo_db, "--today", "2026-04-14")
    assert len(smtp_server.to(A)) == 1
    remind(demo_db, "--today", "2026-04-15")
    assert len(smtp_server.to(A)) == 2


def test_a_person_no_longer_in_the_user_table_gets_nothing(demo_db, smtp_server):
    con = store.connect(demo_db)
    access.remove_user(con, access.SYSTEM, B)
    con.close()
    remind(demo_db, "--today", DAY.isoformat())
    assert smtp_server.recipients == [A]


def test_every_reminder_is_logged_in_the_database_and_the_audit_log(demo_db, smtp_server):
    remind(demo_db, "--today", DAY.isoformat())
    con = store.connect(demo_db)
    logged = store.mail_log(con, kind="reminder")
    audit = store.audit_log(con, actions=["mail.reminder"])
    con.close()
    assert sorted(logged["email"]) == [A, B]
    assert set(logged["for_date"]) == {DAY}
    assert (logged["items"] == 15).all()
    assert len(audit) == 2


def test_an_address_the_server_refuses_costs_nobody_else_their_reminder(
    demo_db, smtp_server, capsys
):
    smtp_server.refuse.add(A)
    assert remind(demo_db, "--today", DAY.isoformat()) == 0
    assert smtp_server.recipients == [B]
    assert f"not reminded: {A} (refused by the mail server" in capsys.readouterr().err
    con = store.connect(demo_db)
    assert list(store.mail_log(con)["email"]) == [B]
    con.close()


def test_dry_run_prints_the_messages_and_sends_nothing(demo_db, smtp_server, capsys):
    assert remind(demo_db, "--today", DAY.isoformat(), "--dry-run") == 0
    out = capsys.readouterr().out
    assert f"To: {A}" in out and "would be sent (--dry-run)" in out
    assert smtp_server.messages == []
    con = store.connect(demo_db)
    assert store.mail_log(con).empty
    con.close()


def test_remind_without_mail_settings_says_so_and_exits_non_zero(demo_db, no_mail, capsys):
    assert remind(demo_db, "--today", DAY.isoformat()) == 1
    assert "mail is not configured" in capsys.readouterr().err


def test_mail_settings_are_read_from_secrets_toml(no_mail, tmp_path):
    folder = tmp_path / ".streamlit"
    folder.mkdir()
    (folder / "secrets.toml").write_text(
        '[smtp]\nhost = "smtp.example-city.fi"\nsecurity = "tls"\nuser = "monitor"\n'
        'password = "x"\nsender = "monitor@example-city.fi"\n'
    )
    config = mail.settings()
    assert (config.host, config.port, config.security, config.user) == (
        "smtp.example-city.fi",
        465,
        "tls",
        "monitor",
    )


# ----------------------------------------------------------------------------- decisions


def pending_submission(con) -> int:
    pending = store.submissions(con, status="pending")
    return int(pending["id"].iloc[0])


def test_the_submitter_hears_of_a_rejection_with_the_officials_comment(demo_con, smtp_server):
    access.set_language(demo_con, access.SYSTEM, B, "fi")
    official = access.actor_for(demo_con, "official@demo.city")
    sid = pending_submission(demo_con)
    ingest.review(demo_con, official, sid, approve=False, comment="Energy figure is per year?")
    (message,) = smtp_server.to(B)
    assert message["Subject"] == f"Toimituksesi {sid} on hylätty"
    body = message.get_content()
    assert "Energy figure is per year?" in body
    assert "Virkailijan kommentti:" in body
    assert len(store.mail_log(demo_con, kind="decision")) == 1


def test_the_submitter_hears_of_an_approval(demo_con, smtp_server):
    official = access.actor_for(demo_con, "official@demo.city")
    sid = pending_submission(demo_con)
    ingest.review(demo_con, official, sid, approve=True, comment="Thanks")
    (message,) = smtp_server.to(B)
    assert message["Subject"] == f"Your submission {sid} was approved"
    assert "Thanks" in message.get_content()


def test_a_submitter_no_longer_in_the_user_table_hears_nothing(demo_con, smtp_server):
    access.remove_user(demo_con, access.SYSTEM, B)
    official = access.actor_for(demo_con, "official@demo.city")
    ingest.review(demo_con, official, pending_submission(demo_con), approve=True)
    assert smtp_server.messages == []


def test_a_review_without_mail_settings_works_as_before(demo_con, no_mail):
    official = access.actor_for(demo_con, "official@demo.city")
    sid = pending_submission(demo_con)
    ingest.review(demo_con, official, sid, approve=True)
    assert store.submission(demo_con, sid)["status"] == "approved"
    assert store.mail_log(demo_con).empty


def test_a_mail_server_that_is_down_never_blocks_a_review(demo_con, smtp_server, monkeypatch):
    monkeypatch.setenv("INDICATORS_SMTP_PORT", "1")  # nothing listens there
    official = access.actor_for(demo_con, "official@demo.city")
    sid = pending_submission(demo_con)
    ingest.review(demo_con, official, sid, approve=True)
    assert store.submission(demo_con, sid)["status"] == "approved"
    assert reminders.tell_submitter(demo_con, sid) is False
