"""Submissions and their observations: create, append, load published figures, review, and
the reads behind the submission queue. Observations are append-only; status lives on the
submission."""

from __future__ import annotations

import duckdb
import pandas as pd

from .changes import changes_sql, requirement_failures_sql, submission_keys
from .connection import audit, next_id, query, transaction
from .plausibility import submission_flag_count


class FlaggedNeedsComment(ValueError):
    """Approving a submission with plausibility flags needs a comment saying why."""

    def __init__(self, submission_id: int, flags: int):
        super().__init__(
            f"submission {submission_id} has {flags} plausibility flags: approving it needs a"
            " comment saying why the figures are right"
        )
        self.submission_id, self.flags = submission_id, flags


# --------------------------------------------------------------------------- submissions and observations

OBSERVATION_COLUMNS = [
    "indicator",
    "district_id",
    "project_id",
    "period",
    "year",
    "month",
    "breakdown",
    "series",
    "value",
    "numerator",
    "denominator",
    "unit",
    "comment",
    "source",
    "supersedes",
    "synthetic",
]


def submission_by_sha(con: duckdb.DuckDBPyConnection, sha256: str) -> dict | None:
    with con.cursor() as cur:
        row = cur.execute(
            "SELECT id, status, submitted_by, submitted_at, file_name FROM submission "
            "WHERE sha256 = ? AND status <> 'rejected' ORDER BY id LIMIT 1",
            [sha256],
        ).fetchone()
    if row is None:
        return None
    return dict(
        zip(["id", "status", "submitted_by", "submitted_at", "file_name"], row, strict=True)
    )


def create_submission(
    cur: duckdb.DuckDBPyConnection,
    *,
    organisation: str | None,
    submitted_by: str,
    file_name: str,
    sha256: str,
    row_count: int,
    status: str = "pending",
    kind: str = "upload",
    reviewer: str | None = None,
    comment: str | None = None,
) -> int:
    """Inside a transaction: add a submission row and return its id."""
    sid = next_id(cur, "submission")
    cur.execute(
        "INSERT INTO submission (id, organisation_id, submitted_by, file_name, sha256, row_count,"
        " status, kind, reviewer, reviewed_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " CASE WHEN ? = 'approved' THEN current_timestamp END, ?)",
        [
            sid,
            organisation,
            submitted_by,
            file_name,
            sha256,
            row_count,
            status,
            kind,
            reviewer,
            status,
            comment,
        ],
    )
    return sid


def append_observations(
    cur: duckdb.DuckDBPyConnection, relation_name: str, submission_id: int
) -> int:
    """Inside a transaction: append the rows of a registered frame or table as observations.

    `relation_name` must have the OBSERVATION_COLUMNS (missing optional ones may be NULL).
    """
    columns = ", ".join(OBSERVATION_COLUMNS)
    return cur.execute(
        f"INSERT INTO observation (id, submission_id, {columns})"
        f" SELECT ? + row_number() OVER (), ?, {columns} FROM {relation_name}",
        [next_id(cur, "observation") - 1, submission_id],
    ).fetchone()[0]


def load_observations(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    *,
    file_name: str,
    sha256: str,
    submitted_by: str,
    organisation: str | None = None,
    status: str = "approved",
    kind: str = "import",
) -> int | None:
    """Store a whole frame of observations as one submission, unless that content is already in.

    Returns the new submission id, or None when the same content was loaded before.
    """
    if submission_by_sha(con, sha256) is not None:
        return None
    frame = frame.reindex(columns=OBSERVATION_COLUMNS)
    with transaction(con) as cur:
        sid = create_submission(
            cur,
            organisation=organisation,
            submitted_by=submitted_by,
            file_name=file_name,
            sha256=sha256,
            row_count=len(frame),
            status=status,
            kind=kind,
            reviewer=submitted_by if status == "approved" else None,
        )
        cur.register("incoming_observations", frame)
        append_observations(cur, "incoming_observations", sid)
        cur.unregister("incoming_observations")
        audit(
            cur,
            submitted_by,
            f"submission.{kind}",
            f"submission:{sid}",
            {"file": file_name, "rows": len(frame)},
        )
    return sid


def review_submission(
    con: duckdb.DuckDBPyConnection,
    submission_id: int,
    *,
    approve: bool,
    reviewer: str,
    comment: str | None,
) -> None:
    """Approve or reject a pending submission (permission is checked in indicators.access).

    Approving one whose rows raise plausibility flags (counted inside the transaction, against
    the figures that count at that moment) needs a comment: FlaggedNeedsComment otherwise. The
    audit entry records the comment and the number of flags."""
    status = "approved" if approve else "rejected"
    comment = (comment or "").strip() or None
    with transaction(con) as cur:
        row = cur.execute("SELECT status FROM submission WHERE id = ?", [submission_id]).fetchone()
        if row is None:
            raise LookupError(f"submission {submission_id} does not exist")
        if row[0] != "pending":
            raise ValueError(f"submission {submission_id} is already {row[0]}")
        flags = submission_flag_count(cur, submission_id)
        if approve and flags and comment is None:
            raise FlaggedNeedsComment(submission_id, flags)
        cur.execute(
            "UPDATE submission SET status = ?, reviewer = ?, reviewed_at = current_timestamp,"
            " comment = ? WHERE id = ?",
            [status, reviewer, comment, submission_id],
        )
        audit(
            cur,
            reviewer,
            f"submission.{status}",
            f"submission:{submission_id}",
            {"comment": comment, "plausibility_flags": flags},
        )


def submissions(
    con: duckdb.DuckDBPyConnection,
    *,
    organisation: str | None = None,
    status: str | None = None,
    kinds: tuple[str, ...] = ("upload",),
) -> pd.DataFrame:
    """Submissions newest first (optionally of one organisation or status), with the projects,
    indicators and periods they cover."""
    return query(
        con,
        """
        SELECT s.id, s.organisation_id AS organisation, s.submitted_by, s.submitted_at,
               s.file_name, s.row_count, s.status, s.reviewer, s.reviewed_at, s.comment,
               s.kind, s.sha256,
               (SELECT count(DISTINCT coalesce(o.project_id, o.district_id))
                  FROM observation o WHERE o.submission_id = s.id) AS places,
               (SELECT count(DISTINCT o.indicator) FROM observation o
                  WHERE o.submission_id = s.id) AS indicators,
               (SELECT min(o.period) || CASE WHEN min(o.period) <> max(o.period)
                                             THEN ' – ' || max(o.period) ELSE '' END
                  FROM observation o WHERE o.submission_id = s.id) AS periods
        FROM submission s
        WHERE list_contains($kinds, s.kind)
          AND ($org IS NULL OR s.organisation_id = $org)
          AND ($status IS NULL OR s.status = $status)
        ORDER BY s.status <> 'pending', s.id DESC
        """,
        {"kinds": list(kinds), "org": organisation, "status": status},
    )


def submission(con: duckdb.DuckDBPyConnection, submission_id: int) -> dict | None:
    frame = query(
        con,
        "SELECT id, organisation_id AS organisation, submitted_by, submitted_at, file_name,"
        " sha256, row_count, status, reviewer, reviewed_at, comment, kind"
        " FROM submission WHERE id = ?",
        [submission_id],
    )
    return None if frame.empty else frame.iloc[0].to_dict()


def _submission_rows_sql(submission_id: int) -> str:
    return f"(SELECT * FROM observation WHERE submission_id = {int(submission_id)})"


def submission_changes(con: duckdb.DuckDBPyConnection, submission_id: int) -> pd.DataFrame:
    """What approving this submission would change, against the figures that count now."""
    return query(
        con,
        changes_sql(
            _submission_rows_sql(submission_id),
            submission_keys(submission_id),
            str(int(submission_id)),
        ),
    )


def submission_requirement_failures(
    con: duckdb.DuckDBPyConnection, submission_id: int, limit: int = 1000
) -> pd.DataFrame:
    return query(
        con,
        f"{requirement_failures_sql(_submission_rows_sql(submission_id))} LIMIT {int(limit)}",
    )


def submission_observations(
    con: duckdb.DuckDBPyConnection, submission_id: int, limit: int = 5000
) -> pd.DataFrame:
    return query(
        con,
        "SELECT project_id AS project, district_id AS district, indicator, period, breakdown,"
        " value, numerator, denominator, unit, comment, supersedes FROM observation"
        " WHERE submission_id = ? ORDER BY project_id, indicator, period, breakdown LIMIT ?",
        [submission_id, limit],
    )
