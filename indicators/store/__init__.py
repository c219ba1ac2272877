"""The one place that talks to DuckDB; callers use `from indicators import store` and the
names below. Each submodule holds one concern:

- connection: open, migrate, transactions that bump the data version, audit rows, query helpers
- lake, lake_schema: the DuckLake backend (PostgreSQL catalog, write lock, snapshot version,
  compaction) and its variant of the first migrations
- effective: which observation counts (latest approved per key) and yearly district figures
- reference: the catalog and named districts, organisations and projects
- submissions, users: submissions with their observations and review; the user table
- reads, monitoring: reads for the CLI and status engine; reads behind the monitoring screens
- admin: targets, requirements and reference tables edited by officials; audit log; snapshot
- changes, ingest_checks, ingest_store: compliance uploads, checked and stored in SQL
- obligations, mail_log: who must report what by when (derived); users' mail language and
  the log of every message sent

Conventions
- One read-write connection per process (the app holds it with st.cache_resource); every
  function takes that connection and works on its own `con.cursor()`, because a DuckDB
  connection is not safe across threads and cursors are.
- Observations are append-only. A correction is a new row; which row counts is derived
  (the latest approved one per key), so history stays readable.
- Every write goes through `transaction()`, which bumps the data version that caches key on.
"""

from .admin import (
    REFERENCE_COLUMNS,
    TARGET_COLUMNS,
    audit_facets,
    audit_log,
    editable_reference,
    editable_targets,
    publish_snapshot,
    reference_ids,
    references_to,
    replace_reference,
    replace_targets,
)
from .connection import (
    DEFAULT_DB,
    MIGRATIONS,
    OutdatedSchemaError,
    ReadOnlyError,
    audit,
    connect,
    data_version,
    database_exists,
    db_path,
    is_read_only,
    known_data_version,
    migrate,
    public_mode,
    query,
    scalar,
    schema_version,
    transaction,
)
from .effective import effective_observations_sql
from .files import DatabaseFileError
from .ingest_checks import (
    INGEST_COLUMNS,
    MAX_ERRORS,
    ingest_district_rows,
    ingest_errors,
    ingest_foreign,
    ingest_prepare,
    ingest_rejects,
    ingest_rows,
    ingest_stage,
)
from .ingest_store import (
    ingest_preview,
    ingest_requirement_failures,
    ingest_store,
    ingest_synthetic_csv,
    template_rows,
)
from .lake import LakeError, compact, is_lake
from .mail_log import (
    developer_recipients,
    last_reminded,
    log_mail,
    mail_log,
    set_user_language,
    submitter,
    user_languages,
)
from .monitoring import (
    data_sources,
    district_figures,
    districts_reporting,
    indicator_years,
    project_requirements,
    sector_emissions,
)
from .obligations import (
    CALENDAR_COLUMNS,
    OBLIGATION_STATUSES,
    calendar,
    calendar_overrides,
    obligation_summaries,
    obligation_summary,
    obligations,
    obligations_json,
    organisations_without_users,
    owed_rows,
    replace_calendar_overrides,
)
from .plausibility import ingest_flags, pending_flag_counts, submission_review_rows
from .reads import (
    district_series,
    districts,
    indicators,
    latest_district_values,
    observations_for_export,
    organisations,
    projects,
    series_endpoints,
    stats,
    targets,
    themes,
)
from .reference import add_reference, sync_catalog
from .report import requirements_in_year
from .submissions import (
    OBSERVATION_COLUMNS,
    FlaggedNeedsComment,
    append_observations,
    create_submission,
    load_observations,
    review_submission,
    submission,
    submission_by_sha,
    submission_changes,
    submission_observations,
    submission_requirement_failures,
    submissions,
)
from .users import get_user, remove_user, upsert_user, users

__all__ = [
    "DatabaseFileError",
    "OutdatedSchemaError",
    "MIGRATIONS",
    "DEFAULT_DB",
    "ReadOnlyError",
    "db_path",
    "database_exists",
    "LakeError",
    "compact",
    "is_lake",
    "public_mode",
    "schema_version",
    "migrate",
    "connect",
    "is_read_only",
    "transaction",
    "audit",
    "data_version",
    "known_data_version",
    "query",
    "scalar",
    "effective_observations_sql",
    "sync_catalog",
    "add_reference",
    "OBSERVATION_COLUMNS",
    "submission_by_sha",
    "create_submission",
    "append_observations",
    "load_observations",
    "review_submission",
    "submissions",
    "submission",
    "submission_changes",
    "submission_requirement_failures",
    "submission_observations",
    "upsert_user",
    "remove_user",
    "get_user",
    "users",
    "indicators",
    "themes",
    "districts",
    "organisations",
    "projects",
    "targets",
    "district_series",
    "series_endpoints",
    "latest_district_values",
    "stats",
    "observations_for_export",
    "district_figures",
    "sector_emissions",
    "project_requirements",
    "data_sources",
    "districts_reporting",
    "indicator_years",
    "REFERENCE_COLUMNS",
    "TARGET_COLUMNS",
    "editable_reference",
    "editable_targets",
    "reference_ids",
    "references_to",
    "audit_log",
    "audit_facets",
    "replace_targets",
    "replace_reference",
    "publish_snapshot",
    "INGEST_COLUMNS",
    "MAX_ERRORS",
    "ingest_stage",
    "ingest_rows",
    "ingest_rejects",
    "ingest_prepare",
    "ingest_foreign",
    "ingest_district_rows",
    "ingest_errors",
    "ingest_preview",
    "ingest_requirement_failures",
    "ingest_store",
    "template_rows",
    "ingest_synthetic_csv",
    "obligations",
    "obligations_json",
    "OBLIGATION_STATUSES",
    "CALENDAR_COLUMNS",
    "obligation_summary",
    "obligation_summaries",
    "organisations_without_users",
    "owed_rows",
    "calendar",
    "calendar_overrides",
    "replace_calendar_overrides",
    "set_user_language",
    "user_languages",
    "developer_recipients",
    "submitter",
    "last_reminded",
    "log_mail",
    "mail_log",
    "requirements_in_year",
    "ingest_flags",
    "pending_flag_counts",
    "submission_review_rows",
    "FlaggedNeedsComment",
]
