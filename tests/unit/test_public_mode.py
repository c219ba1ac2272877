"""A public instance (INDICATORS_PUBLIC=1) cannot write: every write refuses, the CLI's writing
commands refuse with a clear line, and the database file stays byte for byte the same (a lake:
its snapshot stays the same). The refusals and publishing run on both backends; what is about a
database file (missing, from an older version, overwritten by publish) on the file."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import pytest

from indicators import access, catalog, store
from indicators.cli import main as cli_main
from indicators.models import User
from indicators.reporting import ingest


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(db) -> str:
    """What any write would change: a file's bytes, a lake's snapshot (one per commit)."""
    if store.is_lake(db):
        con = store.connect(db, read_only=True)
        try:
            return f"snapshot {store.data_version(con)}"
        finally:
            con.close()
    assert not db.with_suffix(db.suffix + ".wal").exists()
    return digest(db)


@pytest.fixture
def public_db(demo_db, monkeypatch):
    """The demo database on a public instance; checks afterwards that it is unchanged."""
    monkeypatch.setenv("INDICATORS_PUBLIC", "1")
    monkeypatch.setenv("INDICATORS_DB", str(demo_db))
    before = fingerprint(demo_db)
    yield demo_db
    assert fingerprint(demo_db) == before, "the public instance changed the database"


@pytest.fixture
def public_con(public_db):
    con = store.connect(public_db)
    yield con
    con.close()


@pytest.mark.both_backends
def test_public_mode_opens_the_database_read_only(public_con):
    assert store.is_read_only(public_con)


def test_public_mode_refuses_to_open_a_missing_database(public_db, tmp_path):
    with pytest.raises(FileNotFoundError):
        store.connect(tmp_path / "missing.duckdb")
    assert not (tmp_path / "missing.duckdb").exists()


def test_public_mode_names_a_database_from_an_older_version_instead_of_failing_later(
    public_db, tmp_path
):
    old = tmp_path / "old.duckdb"
    with store.connect(old, read_only=False) as con:
        con.execute(
            "DELETE FROM schema_migration WHERE version = (SELECT max(version) FROM schema_migration)"
        )
    with pytest.raises(store.OutdatedSchemaError, match="publish a new snapshot"):
        store.connect(old)


def _requirements(con):
    return store.query(con, "SELECT * FROM target WHERE project_id IS NOT NULL")


def _some_project(con) -> str:
    return store.projects(con)["id"].iloc[0]


# every write of the access layer, done by an official (the role that may do everything)
ACCESS_WRITES = {
    "set_user": lambda con, who: access.set_user(con, who, User(email="x@y.fi", role="official")),
    "remove_user": lambda con, who: access.remove_user(con, who, "developer-a@demo.dev"),
    "review": lambda con, who: access.review(
        con,
        who,
        store.scalar(con, "SELECT min(id) FROM submission WHERE status = 'pending'"),
        approve=True,
        comment=None,
    ),
    "submit": lambda con, who: access.require_own_projects(con, who, [_some_project(con)]),
    "submit_district": lambda con, who: access.require(who, "submit_district"),
    "save_targets": lambda con, who: access.save_targets(
        con,
        who,
        store.query(con, "SELECT * FROM target WHERE project_id IS NULL").iloc[1:],
        requirements=False,
    ),
    "save_requirements": lambda con, who: access.save_targets(
        con, who, _requirements(con).iloc[1:], requirements=True
    ),
    "save_districts": lambda con, who: access.save_reference(
        con, who, "district", store.query(con, "SELECT * FROM district")
    ),
}

# every write of the store itself, as a caller that skipped the access layer would do it
STORE_WRITES = {
    "transaction": lambda con: store.transaction(con).__enter__(),
    "upsert_user": lambda con: store.upsert_user(
        con, User(email="x@y.fi", role="official"), actor="t"
    ),
    "remove_user": lambda con: store.remove_user(con, "developer-a@demo.dev", actor="t"),
    "review_submission": lambda con: store.review_submission(
        con,
        store.scalar(con, "SELECT min(id) FROM submission WHERE status = 'pending'"),
        approve=True,
        reviewer="t",
        comment=None,
    ),
    "load_observations": lambda con: store.load_observations(
        con,
        pd.DataFrame({"indicator": ["residents"], "district_id": ["espoo"], "period": ["2020"]}),
        file_name="x.csv",
        sha256="f" * 64,
        submitted_by="t",
    ),
    "add_reference": lambda con: store.add_reference(
        con, organisations=pd.DataFrame([{"id": "o", "name": "O", "synthetic": False}])
    ),
    "sync_catalog": lambda con: store.sync_catalog(con, _changed_catalog(), actor="t"),
    "replace_targets": lambda con: store.replace_targets(
        con, _requirements(con).iloc[1:], requirements=True, actor="t"
    ),
    "replace_reference": lambda con: store.replace_reference(
        con, "organisation", store.organisations(con).iloc[1:], actor="t"
    ),
}


# the upload path (indicators.reporting.ingest), as the upload page and the CLI's import use it
INGEST_WRITES = {
    "submit": lambda con, who: ingest.submit(
        con,
        who,
        (
            "project,indicator,period,numerator,denominator\n"
            f"{_some_project(con)},excavated_material_reused,2024,650,1000\n"
        ).encode(),
        "plots.csv",
        today=date(2025, 6, 15),
    ),
    "review": lambda con, who: ingest.review(
        con,
        who,
        store.scalar(con, "SELECT min(id) FROM submission WHERE status = 'pending'"),
        approve=False,
        comment="no",
    ),
}


def _changed_catalog():
    """The catalog with one district renamed, so syncing it would have to write."""
    cat = catalog.load()
    first = cat.districts[0].model_copy(update={"name": "Renamed"})
    return cat.model_copy(update={"districts": (first, *cat.districts[1:])})


@pytest.mark.both_backends
@pytest.mark.parametrize("name", sorted(ACCESS_WRITES))
def test_every_access_write_refuses_on_a_public_instance(public_con, name):
    with pytest.raises(access.PermissionDenied, match="public, read-only"):
        ACCESS_WRITES[name](public_con, access.SYSTEM)


@pytest.mark.both_backends
@pytest.mark.parametrize("name", sorted(INGEST_WRITES))
@pytest.mark.parametrize("email", ["official@demo.city", "developer-a@demo.dev"])
def test_every_upload_and_review_refuses_on_a_public_instance(public_con, name, email):
    with pytest.raises((access.PermissionDenied, store.ReadOnlyError)):
        INGEST_WRITES[name](public_con, access.actor_for(public_con, email))


@pytest.mark.both_backends
@pytest.mark.parametrize("name", sorted(STORE_WRITES))
def test_every_store_write_refuses_on_a_public_instance(public_con, name):
    with pytest.raises(store.ReadOnlyError):
        STORE_WRITES[name](public_con)


@pytest.mark.both_backends
@pytest.mark.parametrize(
    "argv",
    [
        ["init"],
        ["init", "--demo"],
        ["demo", "--districts", "2", "--years", "2"],
        ["users", "add", "x@y.fi", "--role", "official"],
        ["users", "remove", "developer-a@demo.dev"],
        ["review", "3", "--as", "official@demo.city", "--approve", "--wait", "0"],
        ["import", "{file}", "--as", "developer-a@demo.dev", "--wait", "0"],
    ],
    ids=" ".join,
)
def test_every_writing_command_refuses_with_a_clear_line(public_db, capsys, argv, tmp_path):
    upload = tmp_path / "plots.csv"
    upload.write_text(
        "project,indicator,period,numerator,denominator\n"
        "turku-science-park-plot-01,excavated_material_reused,2024,650,1000\n"
    )
    code = cli_main(["--db", str(public_db), *(a.format(file=upload) for a in argv)])
    err = capsys.readouterr().err
    assert code == 3
    assert "public mode" in err and "read-only" in err
    assert "Traceback" not in err


@pytest.mark.both_backends
def test_reading_commands_still_work_on_a_public_instance(public_db, capsys):
    assert cli_main(["--db", str(public_db), "stats", "--json"]) == 0
    assert '"observations"' in capsys.readouterr().out


@pytest.mark.both_backends
def test_publish_runs_on_a_public_instance_and_writes_only_the_snapshot(
    public_db, tmp_path, capsys
):
    out = tmp_path / "public.duckdb"
    assert cli_main(["--db", str(public_db), "publish", "--out", str(out)]) == 0
    assert out.exists()


# ----------------------------------------------------------------------------- publish


@pytest.fixture
def snapshot(demo_db, tmp_path):
    out = tmp_path / "public.duckdb"
    assert cli_main(["--db", str(demo_db), "publish", "--out", str(out)]) == 0
    con = store.connect(out, read_only=True)
    yield con
    con.close()


@pytest.mark.both_backends
def test_snapshot_holds_the_catalog_and_every_approved_figure(demo_con, snapshot):
    for table in ("indicator", "theme", "district", "project"):
        count = f"SELECT count(*) FROM {table}"
        assert store.scalar(snapshot, count) == store.scalar(demo_con, count)
    assert store.stats(snapshot)["approved"] == store.stats(demo_con)["approved"]
    pd.testing.assert_frame_equal(
        store.latest_district_values(snapshot), store.latest_district_values(demo_con)
    )


@pytest.mark.both_backends
def test_snapshot_holds_nothing_unpublished(snapshot):
    numbers = store.stats(snapshot)
    assert (numbers["pending"], numbers["rejected"], numbers["users"]) == (0, 0, 0)
    assert store.scalar(snapshot, "SELECT count(*) FROM target WHERE project_id IS NOT NULL") == 0


@pytest.mark.both_backends
def test_snapshot_holds_no_e_mail_address(snapshot):
    for table in ("submission", "audit", "app_user"):
        text = store.query(snapshot, f"SELECT * FROM {table}").astype(str).to_csv()
        assert "@" not in text, table


def test_publish_refuses_to_overwrite_the_database_it_reads(demo_db, capsys):
    before = digest(demo_db)
    assert cli_main(["--db", str(demo_db), "publish", "--out", str(demo_db)]) == 2
    assert "choose another --out" in capsys.readouterr().err
    assert digest(demo_db) == before
