"""Projects against their requirements, as each actor may see them.

A developer sees only the projects of its own organisation; an official sees every project
(and may narrow to one organisation); the public sees none. This is decided here, with
indicators.access, for every caller -- the projects page only shows what this returns.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from indicators import access, progress, store


def visible_organisation(actor: access.Actor, organisation: str | None = None) -> str | None:
    """The organisation whose projects `actor` may see (None: every organisation)."""
    access.require(actor, "read_own_projects", "see projects against their requirements")
    if actor.role == "official":
        return organisation
    if not actor.organisation:
        raise access.PermissionDenied(f"{actor.label} belongs to no organisation")
    return actor.organisation


def project_requirements(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    district: str | None = None,
    organisation: str | None = None,
    include_pending: bool = False,
) -> pd.DataFrame:
    """Every requirement of the projects `actor` may see, with the latest reported figure and
    its status (met / not_met / not_reported, from progress.requirement_status).

    Pending figures only for those who may read them (officials), whatever is asked.
    """
    org = visible_organisation(actor, organisation)
    include_pending = include_pending and access.can(actor, "read_pending")
    frame = store.project_requirements(
        con, district=district, organisation=org, include_pending=include_pending
    )
    frame["status"] = [
        progress.requirement_status(value, target, comparator, direction)
        for value, target, comparator, direction in zip(
            frame["value"],
            frame["requirement"],
            frame["comparator"],
            frame["direction"],
            strict=True,
        )
    ]
    return frame


def project_districts(
    con: duckdb.DuckDBPyConnection, actor: access.Actor, organisation: str | None = None
) -> pd.DataFrame:
    """The districts in which `actor` may see projects, with how many."""
    org = visible_organisation(actor, organisation)
    projects = store.projects(con, organisation=org)
    if projects.empty:
        return pd.DataFrame(columns=["district", "district_name", "projects"])
    return (
        projects.groupby(["district", "district_name"], as_index=False, dropna=False)
        .agg(projects=("id", "count"))
        .sort_values("district_name")
        .reset_index(drop=True)
    )


def summary(frame: pd.DataFrame) -> dict[str, int]:
    """How many requirements are met, not met and not reported."""
    seen = frame["status"].value_counts().to_dict() if not frame.empty else {}
    return {status: int(seen.get(status, 0)) for status in progress.REQUIREMENT_ORDER}
