"""Reminders by e-mail: each developer organisation's people get one message listing what is
overdue and what is due within 30 days, in their own language, at most once per 5 days; and
submitters hear when their submission is approved or rejected, with the official's comment.

Every message sent is logged in the database (mail_log) and the audit log. A person no longer in
the user table gets nothing: recipients come from the table, never from old submissions.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import pandas as pd

from indicators import access, i18n, store
from indicators.reporting import mail

REMIND_WITHIN_DAYS = 30
QUIET_DAYS = 5  # at most one reminder per person in this many days
LISTED = 40  # rows named in one message; the rest are counted

log = logging.getLogger(__name__)


@dataclass
class Reminder:
    email: str
    organisation: str
    language: str
    subject: str
    body: str
    overdue: int
    due: int


@dataclass
class Plan:
    today: date
    send: list[Reminder] = field(default_factory=list)
    # (email, reason) of the people who get nothing this time
    skipped: list[tuple[str, str]] = field(default_factory=list)


def plan(con: duckdb.DuckDBPyConnection, actor: access.Actor, today: date, app_url: str) -> Plan:
    """Who would get which reminder on `today` (nothing is sent or stored)."""
    access.require(actor, "read_all_obligations", "see every organisation's reporting status")
    rows = store.obligations(
        con, today=today, statuses=("due", "overdue"), due_within_days=REMIND_WITHIN_DAYS
    )
    names = _indicator_names(con)
    last = store.last_reminded(con)
    result = Plan(today=today)
    for person in store.developer_recipients(con).to_dict("records"):
        email, org = person["email"], person["organisation"]
        mine = rows[rows["organisation"] == org]
        if mine.empty:
            result.skipped.append((email, "nothing due or overdue"))
            continue
        previous = last.get(email)
        if previous is not None and today - previous < timedelta(days=QUIET_DAYS):
            result.skipped.append((email, f"reminded on {previous.isoformat()}"))
            continue
        lang = i18n.normalise(person["language"] if isinstance(person["language"], str) else None)
        result.send.append(_reminder(email, org, lang, mine, names, app_url))
    return result


def run(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    today: date | None = None,
    dry_run: bool = False,
) -> Plan:
    """Send today's reminders (or, with dry_run, only say what would be sent).

    Raises mail.MailNotConfigured without SMTP settings (a dry run needs none)."""
    today = today or date.today()
    config = mail.settings()
    if dry_run:
        return plan(con, actor, today, config.app_url if config else "http://localhost:8501")
    access.require(actor, "remind", "send reminders")
    config = mail.require_settings()
    planned = plan(con, actor, today, config.app_url)
    if not planned.send:
        return planned
    sent = []
    with mail.Connection(config) as smtp:
        for reminder in planned.send:
            try:
                smtp.send(
                    mail.message(
                        config, reminder.email, reminder.subject, reminder.body, reminder.language
                    )
                )
            except smtplib.SMTPRecipientsRefused as refused:
                # one address the server will not take must not cost everyone else their reminder
                reason = "; ".join(f"{code} {text!r}" for code, text in refused.recipients.values())
                planned.skipped.append((reminder.email, f"refused by the mail server: {reason}"))
                continue
            sent.append(reminder)
            # logged one by one: a failure later leaves the messages already sent on record
            store.log_mail(
                con,
                email=reminder.email,
                organisation=reminder.organisation,
                kind="reminder",
                subject=reminder.subject,
                language=reminder.language,
                items=reminder.overdue + reminder.due,
                for_date=today,
                detail={"overdue": reminder.overdue, "due": reminder.due},
                actor=actor.label,
            )
    planned.send = sent
    return planned


def _reminder(
    email: str,
    organisation: str,
    lang: str,
    rows: pd.DataFrame,
    names: dict[tuple[str, str], str],
    app_url: str,
) -> Reminder:
    overdue = rows[rows["status"] == "overdue"]
    due = rows[rows["status"] == "due"]

    def t(key: str, **values) -> str:
        return i18n.t(f"obligations.mail.{key}", lang, **values)

    def lines(part: pd.DataFrame) -> list[str]:
        shown = [
            "- "
            + t(
                "row",
                project=r.project_name,
                indicator=names.get((r.indicator, lang), r.indicator),
                period=r.period,
                due=format_date(r.due_date, lang),
            )
            for r in part.head(LISTED).itertuples()
        ]
        if len(part) > LISTED:
            shown.append("- " + t("more", count=len(part) - LISTED))
        return shown

    organisation_name = str(rows["organisation_name"].iloc[0] or organisation)
    body = [t("greeting"), "", t("intro", organisation=organisation_name), ""]
    if len(overdue):
        body += [t("overdue_header", count=len(overdue)), *lines(overdue), ""]
    if len(due):
        body += [t("due_header", count=len(due), days=REMIND_WITHIN_DAYS), *lines(due), ""]
    body += [
        t("link", url=f"{app_url}/upload?lang={lang}"),
        "",
        t("footer", days=QUIET_DAYS),
    ]
    return Reminder(
        email=email,
        organisation=organisation,
        language=lang,
        subject=t("subject", overdue=len(overdue), due=len(due)),
        body="\n".join(body) + "\n",
        overdue=len(overdue),
        due=len(due),
    )


def format_date(value, lang: str) -> str:
    day = pd.Timestamp(value).date()
    return f"{day.day}.{day.month}.{day.year}" if lang == "fi" else day.isoformat()


def _indicator_names(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    frame = store.indicators(con)
    names = {}
    for row in frame.to_dict("records"):
        for lang in i18n.LANGUAGES:
            names[(row["key"], lang)] = row.get(f"name_{lang}") or row["name_en"]
    return names


# --------------------------------------------------------------------------- review decisions


def tell_submitter(con: duckdb.DuckDBPyConnection, submission_id: int) -> bool:
    """Mail the submitter the official's decision on their submission, with the comment.

    Quietly nothing when mail is not configured or the submitter is no longer in the user
    table; a mail server that fails is logged, never undoes or blocks the review."""
    try:
        config = mail.settings()
    except mail.MailSettingsError as exc:
        log.warning("review decision not mailed: %s", exc)
        return False
    if config is None:
        return False
    person = store.submitter(con, submission_id)
    if person is None or person["status"] not in ("approved", "rejected"):
        return False
    lang = i18n.normalise(person["language"])

    def t(key: str, **values) -> str:
        return i18n.t(f"obligations.decision.{key}", lang, **values)

    status = t(person["status"])
    subject = t("subject", id=submission_id, status=status)
    body = [
        t("greeting"),
        "",
        t(
            "intro",
            id=submission_id,
            file=person["file_name"],
            rows=person["row_count"],
            status=status,
        ),
    ]
    if person["comment"]:
        body += ["", t("comment"), person["comment"]]
    body += ["", t("link", url=f"{config.app_url}/submissions?lang={lang}")]
    try:
        with mail.Connection(config) as smtp:
            smtp.send(mail.message(config, person["email"], subject, "\n".join(body) + "\n", lang))
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("review decision on submission %s not mailed: %s", submission_id, exc)
        return False
    store.log_mail(
        con,
        email=person["email"],
        organisation=person["organisation"],
        kind="decision",
        subject=subject,
        language=lang,
        items=1,
        for_date=date.today(),
        detail={"submission": submission_id, "status": person["status"]},
        actor="mail",
    )
    return True
