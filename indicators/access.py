"""Who may do what. Every write and every non-public read is checked here, so the pages, the
CLI and any later interface share one rule; hiding a page is only a convenience on top.

The rules, in words:
- the public (nobody logged in, or a log-in that is not in the user table) reads approved
  figures only;
- a developer reads and reports for its own organisation's projects, nothing else;
- an official reads everything, reviews submissions, edits districts, projects, organisations,
  targets and requirements, manages who may log in, reads the audit log;
- a public instance (INDICATORS_PUBLIC=1) changes nothing, whoever asks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import duckdb

from indicators import store

ActorRole = Literal["public", "developer", "official"]

# action -> roles allowed
PERMISSIONS: dict[str, frozenset[str]] = {
    "read_published": frozenset({"public", "developer", "official"}),
    "read_pending": frozenset({"official"}),
    "read_own_projects": frozenset({"developer", "official"}),
    "submit": frozenset({"developer", "official"}),
    "submit_district": frozenset({"official"}),
    "review": frozenset({"official"}),
    "manage_targets": frozenset({"official"}),
    "manage_reference": frozenset({"official"}),
    "manage_users": frozenset({"official"}),
    "read_audit": frozenset({"official"}),
    "export_all": frozenset({"official"}),
    "publish": frozenset({"official"}),
    # reporting obligations: a developer its own organisation's, an official everyone's
    "read_obligations": frozenset({"developer", "official"}),
    "read_all_obligations": frozenset({"official"}),
    "manage_calendar": frozenset({"official"}),
    "remind": frozenset({"official"}),
}

# actions that change the database: refused on a public instance, whatever the role
WRITES = frozenset(
    {
        "submit",
        "submit_district",
        "review",
        "manage_targets",
        "manage_reference",
        "manage_users",
        "manage_calendar",
        "remind",
    }
)


class PermissionDenied(PermissionError):
    """The actor may not do this; the message says what and why, in plain words."""


@dataclass(frozen=True)
class Actor:
    role: ActorRole = "public"
    email: str | None = None
    organisation: str | None = None
    # logged in through the identity provider but not in the user table
    unknown_login: bool = False
    # logged in, but the provider says the e-mail address was never verified: not matched
    unverified_email: bool = False

    @property
    def label(self) -> str:
        return self.email or "public"


PUBLIC = Actor()


def actor_for(con: duckdb.DuckDBPyConnection, email: str | None) -> Actor:
    """The app's own user table decides the role; an unknown e-mail gets the public view."""
    if not email:
        return PUBLIC
    user = store.get_user(con, email)
    if user is None:
        return Actor(role="public", email=email.strip().lower(), unknown_login=True)
    return Actor(role=user["role"], email=user["email"], organisation=user["organisation"])


def actor_for_claims(con: duckdb.DuckDBPyConnection, claims: Mapping) -> Actor:
    """The actor behind an OpenID Connect log-in. Where the provider lets people set their own
    e-mail address, its `email_verified` claim says whether anyone checked it: a sign-in whose
    claim is false is never matched to the user table (anyone could type an official's
    address). A provider that sends no such claim (Entra ID) is trusted for its e-mail."""
    email = claims.get("email")
    verified = claims.get("email_verified")
    if email and (verified is False or str(verified).strip().lower() == "false"):
        return Actor(email=str(email).strip().lower(), unknown_login=True, unverified_email=True)
    return actor_for(con, email)


def can(actor: Actor, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return actor.role in PERMISSIONS[action]


def require(actor: Actor, action: str, what: str | None = None) -> None:
    if action in WRITES and store.public_mode():
        raise PermissionDenied(
            "this is a public, read-only instance (INDICATORS_PUBLIC=1): "
            f"nobody may {what or action.replace('_', ' ')} here"
        )
    if not can(actor, action):
        who = actor.email or "the public"
        raise PermissionDenied(f"{who} ({actor.role}) may not {what or action.replace('_', ' ')}")


def organisation_scope(actor: Actor) -> str | None:
    """Whose project data the actor may read: None = every organisation (officials), else the
    developer's own organisation. The public reads no project-level data beyond published figures."""
    require(actor, "read_own_projects", "see projects' reports")
    if actor.role == "official":
        return None
    if not actor.organisation:
        raise PermissionDenied(f"{actor.email} belongs to no organisation")
    return actor.organisation


def obligations_scope(actor: Actor, organisation: str | None = None) -> str | None:
    """Whose reporting obligations the actor may read: an official any organisation's (None:
    all of them), a developer only its own; asking for another organisation is refused."""
    require(actor, "read_obligations", "see reporting obligations")
    if can(actor, "read_all_obligations"):
        return organisation
    if not actor.organisation:
        raise PermissionDenied(f"{actor.label} belongs to no organisation")
    if organisation is not None and organisation != actor.organisation:
        raise PermissionDenied(
            f"{actor.label} may only see the obligations of {actor.organisation},"
            f" not of {organisation}"
        )
    return actor.organisation


def visible_projects(con: duckdb.DuckDBPyConnection, actor: Actor):
    """The projects the actor may see and report for: a developer's own, an official's all."""
    return store.projects(con, organisation=organisation_scope(actor))


def require_project_access(con: duckdb.DuckDBPyConnection, actor: Actor, project_id: str) -> None:
    """Reading one project's reports: its organisation, or an official."""
    scope = organisation_scope(actor)
    if scope is None:
        return
    owner = store.scalar(con, "SELECT organisation_id FROM project WHERE id = ?", [project_id])
    if owner != scope:
        raise PermissionDenied(f"{actor.email} may not see project {project_id}")


def foreign_projects(
    con: duckdb.DuckDBPyConnection, actor: Actor, project_ids: list[str]
) -> list[str]:
    """The projects among `project_ids` that exist but belong to another organisation."""
    if actor.role == "official" or not project_ids:
        return []
    projects = store.projects(con)
    owner = dict(zip(projects["id"], projects["organisation"], strict=True))
    return sorted({p for p in project_ids if p in owner and owner[p] != actor.organisation})


def require_own_projects(
    con: duckdb.DuckDBPyConnection, actor: Actor, project_ids: list[str]
) -> None:
    require(actor, "submit", "submit figures")
    others = foreign_projects(con, actor, project_ids)
    if others:
        shown = ", ".join(others[:10]) + (
            f" and {len(others) - 10} more" if len(others) > 10 else ""
        )
        raise PermissionDenied(
            f"{actor.email} may only report for projects of {actor.organisation}; not for {shown}"
        )


def review(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    submission_id: int,
    *,
    approve: bool,
    comment: str | None,
) -> None:
    require(actor, "review", "approve or reject submissions")
    store.review_submission(
        con, submission_id, approve=approve, reviewer=actor.email, comment=comment
    )


def set_user(con: duckdb.DuckDBPyConnection, actor: Actor, user) -> None:
    """Give `user` (a models.User) access, or change their role or organisation."""
    require(actor, "manage_users", "manage who may log in")
    if user.organisation and user.organisation not in set(store.organisations(con)["id"]):
        raise ValueError(f"unknown organisation {user.organisation!r}")
    if user.email == actor.email and user.role != actor.role:
        raise PermissionDenied("you cannot change your own role; ask another official")
    if user.role != "official":
        _keep_an_official(con, user.email)
    store.upsert_user(con, user, actor=actor.label)


def remove_user(con: duckdb.DuckDBPyConnection, actor: Actor, email: str) -> bool:
    require(actor, "manage_users", "manage who may log in")
    email = email.strip().lower()
    if email == actor.email:
        raise PermissionDenied("you cannot remove your own access; ask another official")
    _keep_an_official(con, email)
    return store.remove_user(con, email, actor=actor.label)


def _keep_an_official(con: duckdb.DuckDBPyConnection, email: str) -> None:
    """Someone must still be able to manage access after `email` stops being an official."""
    current = store.get_user(con, email)
    if current is None or current["role"] != "official":
        return
    officials = store.scalar(con, "SELECT count(*) FROM app_user WHERE role = 'official'")
    if officials <= 1:
        raise PermissionDenied(f"{email} is the last official; add another official first")


# --------------------------------------------------------------------------- administration


def audit_log(con: duckdb.DuckDBPyConnection, actor: Actor, **filters):
    """The audit log (filters: see store.audit_log); officials only."""
    require(actor, "read_audit", "read the audit log")
    return store.audit_log(con, **filters)


def save_targets(con: duckdb.DuckDBPyConnection, actor: Actor, frame, *, requirements: bool):
    """Replace the district targets (or project requirements) with an edited table.

    Every row is validated first (editing.validate_targets); any error refuses the whole table
    with a RowError per problem and nothing is stored. Returns counts of added/changed/removed.
    """
    from indicators import editing

    what = "edit project requirements" if requirements else "edit district targets"
    require(actor, "manage_targets", what)
    clean = editing.validate_targets(con, frame, requirements=requirements)
    return store.replace_targets(con, clean, requirements=requirements, actor=actor.label)


def save_reference(con: duckdb.DuckDBPyConnection, actor: Actor, table: str, frame):
    """Replace the districts, organisations or projects with an edited table (validated)."""
    from indicators import editing

    require(actor, "manage_reference", f"edit {table}s")
    clean = editing.validate_reference(con, table, frame)
    return store.replace_reference(con, table, clean, actor=actor.label)


def publish(con: duckdb.DuckDBPyConnection, actor: Actor, out) -> dict[str, int]:
    """Write a public snapshot (catalog and approved figures) to a new database file `out`.

    Reads the source only, so it also runs on a public instance; the snapshot is a new file."""
    require(actor, "publish", "publish a snapshot")
    return store.publish_snapshot(con, out, actor=actor.label)


def set_language(con: duckdb.DuckDBPyConnection, actor: Actor, email: str, language) -> None:
    """The language a person's e-mail (reminders, review decisions) is written in; None: the
    app's default. Officials, like every other change to the user table."""
    from indicators import i18n

    require(actor, "manage_users", "manage who may log in")
    if language is not None and language not in i18n.LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(i18n.LANGUAGES)}")
    if not store.set_user_language(con, email, language, actor=actor.label):
        raise ValueError(f"{email} is not in the user table")


# The CLI acts for the person at the terminal, who already has the database file: an official.
SYSTEM = Actor(role="official", email="cli")
