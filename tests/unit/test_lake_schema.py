"""Migrations on both backends: the released ones, and a later one written the portable way."""

from __future__ import annotations

import pytest

from indicators import store

pytestmark = pytest.mark.both_backends

LATER = (
    99,
    "a flag with a boolean default, as later migrations add columns",
    "ALTER TABLE indicator ADD COLUMN IF NOT EXISTS flagged BOOLEAN DEFAULT false;",
)


def test_every_released_migration_is_applied_once(empty_con):
    versions = store.query(empty_con, "SELECT version FROM schema_migration ORDER BY version")
    assert versions["version"].tolist() == [v for v, _, _ in store.MIGRATIONS]
    assert store.migrate(empty_con) == []


def test_a_later_migration_adding_a_boolean_column_runs_and_fills_existing_rows(demo_con):
    assert store.migrate(demo_con, [*store.MIGRATIONS, LATER]) == [99]
    assert store.scalar(demo_con, "SELECT count(*) FROM indicator WHERE flagged") == 0
    assert store.scalar(demo_con, "SELECT count(*) FROM indicator WHERE flagged IS NULL") == 0


def test_new_ids_follow_the_largest_id_so_far(demo_con):
    before = store.scalar(demo_con, "SELECT max(id) FROM audit")
    with store.transaction(demo_con) as cur:
        store.audit(cur, "test", "test.one", "x")
        store.audit(cur, "test", "test.two", "x")
    ids = store.query(demo_con, "SELECT id FROM audit WHERE actor = 'test' ORDER BY id")["id"]
    assert ids.tolist() == [before + 1, before + 2]
