"""The app's user table: who may log in with which role and organisation."""

from __future__ import annotations

import duckdb
import pandas as pd

from .connection import audit, query, transaction

# --------------------------------------------------------------------------- users


def upsert_user(con: duckdb.DuckDBPyConnection, user, *, actor: str) -> None:
    with transaction(con) as cur:
        # replace by delete + insert: DuckLake has no INSERT OR REPLACE (no primary keys)
        cur.execute("DELETE FROM app_user WHERE email = ?", [user.email])
        cur.execute(
            "INSERT INTO app_user (email, role, organisation_id, name, added_by)"
            " VALUES (?, ?, ?, ?, ?)",
            [user.email, user.role, user.organisation, user.name, actor],
        )
        audit(
            cur,
            actor,
            "user.set",
            f"user:{user.email}",
            {"role": user.role, "organisation": user.organisation},
        )


def remove_user(con: duckdb.DuckDBPyConnection, email: str, *, actor: str) -> bool:
    with transaction(con) as cur:
        gone = cur.execute("DELETE FROM app_user WHERE email = ?", [email.lower()]).fetchone()[0]
        if gone:
            audit(cur, actor, "user.remove", f"user:{email.lower()}")
    return bool(gone)


def get_user(con: duckdb.DuckDBPyConnection, email: str) -> dict | None:
    with con.cursor() as cur:
        row = cur.execute(
            "SELECT email, role, organisation_id, name FROM app_user WHERE email = ?",
            [email.strip().lower()],
        ).fetchone()
    return (
        None
        if row is None
        else dict(zip(["email", "role", "organisation", "name"], row, strict=True))
    )


def users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return query(
        con,
        "SELECT email, role, organisation_id AS organisation, name, added_at, added_by"
        " FROM app_user ORDER BY role, email",
    )
