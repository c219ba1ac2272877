"""The released migrations 1-2 as DuckLake runs them: the same tables and columns, without
what DuckLake lacks (primary keys, sequences, indexes, ON CONFLICT, list defaults).

Ids are given by the writers (max + 1 inside the write lock, see connection.next_id), key
uniqueness is kept by the writers' checks inside that lock. Migrations from 3 on are written so
that both backends run the same text; only these two needed a variant.
"""

from __future__ import annotations

import re

LAKE_VARIANTS: dict[int, str] = {
    1: """
        CREATE TABLE IF NOT EXISTS meta (key VARCHAR NOT NULL, value BIGINT NOT NULL);
        INSERT INTO meta SELECT 'data_version', 0
            WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'data_version');

        CREATE TABLE IF NOT EXISTS theme (
            key VARCHAR NOT NULL, name_en VARCHAR NOT NULL, name_fi VARCHAR, name_sv VARCHAR,
            position INTEGER NOT NULL DEFAULT 0);

        CREATE TABLE IF NOT EXISTS indicator (
            key VARCHAR NOT NULL, theme VARCHAR NOT NULL,
            name_en VARCHAR NOT NULL, name_fi VARCHAR, name_sv VARCHAR,
            unit VARCHAR NOT NULL, direction VARCHAR NOT NULL, aggregation VARCHAR NOT NULL,
            resolution VARCHAR NOT NULL DEFAULT 'year', breakdowns VARCHAR[] NOT NULL,
            breakdown_names JSON, min_value DOUBLE, max_value DOUBLE, scale DOUBLE DEFAULT 1,
            numerator_en VARCHAR, denominator_en VARCHAR, labels JSON,
            definition_en VARCHAR, definition_fi VARCHAR, definition_sv VARCHAR,
            source VARCHAR, source_url VARCHAR, per_resident BOOLEAN DEFAULT false,
            position INTEGER NOT NULL DEFAULT 0);

        CREATE TABLE IF NOT EXISTS district (
            id VARCHAR NOT NULL, name VARCHAR NOT NULL, city VARCHAR, country VARCHAR,
            kind VARCHAR NOT NULL DEFAULT 'district', synthetic BOOLEAN NOT NULL DEFAULT false,
            description VARCHAR, source_url VARCHAR);

        CREATE TABLE IF NOT EXISTS organisation (
            id VARCHAR NOT NULL, name VARCHAR NOT NULL,
            synthetic BOOLEAN NOT NULL DEFAULT false);

        CREATE TABLE IF NOT EXISTS project (
            id VARCHAR NOT NULL, name VARCHAR NOT NULL, district_id VARCHAR NOT NULL,
            organisation_id VARCHAR NOT NULL, gross_floor_area DOUBLE,
            synthetic BOOLEAN NOT NULL DEFAULT false);

        CREATE TABLE IF NOT EXISTS target (
            id BIGINT NOT NULL,
            indicator VARCHAR NOT NULL, district_id VARCHAR, project_id VARCHAR,
            breakdown VARCHAR NOT NULL DEFAULT '', year INTEGER, value DOUBLE NOT NULL,
            comparator VARCHAR NOT NULL DEFAULT '>=', baseline_year INTEGER,
            baseline_value DOUBLE, source VARCHAR);

        CREATE TABLE IF NOT EXISTS submission (
            id BIGINT NOT NULL,
            organisation_id VARCHAR, submitted_by VARCHAR NOT NULL,
            submitted_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, row_count BIGINT NOT NULL,
            status VARCHAR NOT NULL DEFAULT 'pending', reviewer VARCHAR,
            reviewed_at TIMESTAMP, comment VARCHAR, kind VARCHAR NOT NULL DEFAULT 'upload');

        CREATE TABLE IF NOT EXISTS observation (
            id BIGINT NOT NULL,
            submission_id BIGINT NOT NULL, indicator VARCHAR NOT NULL,
            district_id VARCHAR NOT NULL, project_id VARCHAR,
            period VARCHAR NOT NULL, year SMALLINT NOT NULL, month TINYINT,
            breakdown VARCHAR NOT NULL DEFAULT '', series VARCHAR NOT NULL DEFAULT '',
            value DOUBLE, numerator DOUBLE, denominator DOUBLE, unit VARCHAR,
            comment VARCHAR, source VARCHAR, supersedes BIGINT,
            synthetic BOOLEAN NOT NULL DEFAULT false);

        CREATE TABLE IF NOT EXISTS app_user (
            email VARCHAR NOT NULL, role VARCHAR NOT NULL, organisation_id VARCHAR,
            name VARCHAR, added_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            added_by VARCHAR);

        CREATE TABLE IF NOT EXISTS audit (
            id BIGINT NOT NULL,
            "at" TIMESTAMP NOT NULL DEFAULT current_timestamp, actor VARCHAR NOT NULL,
            action VARCHAR NOT NULL, entity VARCHAR, detail JSON);
        """,
    # an index on the content hash: DuckLake has none (its files' min/max statistics prune)
    2: "",
}

MIGRATION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migration ("
    " version INTEGER NOT NULL, name VARCHAR NOT NULL,"
    " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
)


_BOOLEAN_DEFAULT = re.compile(r"\b(BOOLEAN\s+DEFAULT\s+)(TRUE|FALSE)\b", re.IGNORECASE)


def for_lake(version: int, sql: str) -> str:
    """The text a migration runs on a lake: its variant above, else its own text with boolean
    defaults spelt as strings ('false'): DuckLake 1.5.5 refuses `ADD COLUMN ... DEFAULT false`
    as "non-literal" but takes 'false', which DuckDB casts to the same value."""
    if version in LAKE_VARIANTS:
        return LAKE_VARIANTS[version]
    return _BOOLEAN_DEFAULT.sub(lambda m: f"{m.group(1)}'{m.group(2).lower()}'", sql)
