"""Who gets mail and what was sent: each user's language, the developers to remind, and the
log of every message (reminders and review decisions)."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pandas as pd

from .connection import audit, query, scalar, transaction


def set_user_language(
    con: duckdb.DuckDBPyConnection, email: str, language: str | None, *, actor: str
) -> bool:
    """The language a person's mail is written in (None: the app's default). False: no such user."""
    email = email.strip().lower()
    with transaction(con) as cur:
        # the count of rows updated, not RETURNING: DuckLake has no RETURNING
        found = cur.execute(
            "UPDATE app_user SET language = ? WHERE email = ?", [language, email]
        ).fetchone()[0]
        if found:
            audit(cur, actor, "user.language", f"user:{email}", {"language": language})
    return bool(found)


def user_languages(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(con, "SELECT email, language FROM app_user ORDER BY email")


def developer_recipients(
    con: duckdb.DuckDBPyConnection, organisation: str | None = None
) -> pd.DataFrame:
    """The people in the user table who report for an organisation, with their language."""
    return query(
        con,
        """
        SELECT u.email, u.name, u.organisation_id AS organisation, u.language
        FROM app_user u
        WHERE u.role = 'developer' AND u.organisation_id IS NOT NULL
          AND ($org IS NULL OR u.organisation_id = $org)
        ORDER BY u.organisation_id, u.email
        """,
        {"org": organisation},
    )


def submitter(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict | None:
    """A submission's submitter as the user table knows them now, with the decision; None when
    the submitter is no longer in the table (they get nothing)."""
    with con.cursor() as cur:
        row = cur.execute(
            """
            SELECT s.id, s.status, s.comment, s.file_name, s.row_count, s.reviewer,
                   s.submitted_at, u.email, u.language, u.organisation_id
            FROM submission s JOIN app_user u ON u.email = lower(s.submitted_by)
            WHERE s.id = ?
            """,
            [submission_id],
        ).fetchone()
    keys = [
        "id",
        "status",
        "comment",
        "file_name",
        "row_count",
        "reviewer",
        "submitted_at",
        "email",
        "language",
        "organisation",
    ]
    return None if row is None else dict(zip(keys, row, strict=True))


def last_reminded(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """Each person's latest reminder day (the day it was sent for)."""
    frame = query(
        con,
        "SELECT email, max(for_date) AS last FROM mail_log WHERE kind = 'reminder' GROUP BY email",
    )
    return {e: pd.Timestamp(d).date() for e, d in zip(frame["email"], frame["last"], strict=True)}


def log_mail(
    con: duckdb.DuckDBPyConnection,
    *,
    email: str,
    organisation: str | None,
    kind: str,
    subject: str,
    language: str,
    items: int,
    for_date: date,
    detail: dict,
    actor: str,
) -> int:
    """One message sent: a row in the mail log and one in the audit log, together."""
    with transaction(con) as cur:
        new_id = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM mail_log").fetchone()[0]
        cur.execute(
            "INSERT INTO mail_log (id, sent_at, for_date, email, organisation_id, kind, subject,"
            " language, items, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                new_id,
                datetime.now(),
                for_date,
                email,
                organisation,
                kind,
                subject,
                language,
                items,
                json.dumps(detail, ensure_ascii=False, default=str),
            ],
        )
        audit(
            cur,
            actor,
            f"mail.{kind}",
            f"user:{email}",
            {"subject": subject, "items": items, "mail_log": new_id},
        )
    return new_id


def mail_log(con: duckdb.DuckDBPyConnection, *, kind: str | None = None) -> pd.DataFrame:
    return query(
        con,
        "SELECT id, sent_at, for_date, email, organisation_id AS organisation, kind, subject,"
        " language, items, detail FROM mail_log WHERE $kind IS NULL OR kind = $kind"
        " ORDER BY id",
        {"kind": kind},
    )


def mail_count(con: duckdb.DuckDBPyConnection) -> int:
    return scalar(con, "SELECT count(*) FROM mail_log")
