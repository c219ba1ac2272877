"""`--db` is checked before DuckDB opens anything: a path that is not a database, or in a folder
that does not exist, is refused with one line; read commands work on a read-only file."""

from __future__ import annotations

import hashlib
import json
import stat

import duckdb
import pytest

from indicators.cli import main as cli_main


def _refused(capsys, argv: list[str]) -> str:
    code = cli_main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("figures.csv", b"project,indicator\nplot-1,energy\n", "CSV"),
        ("figures.json", b'{"district": "kera"}', "JSON"),
    ],
)
def test_db_on_a_text_file_is_refused_and_the_file_left_alone(
    tmp_path, capsys, name, content, kind
):
    path = tmp_path / name
    path.write_bytes(content)
    err = _refused(capsys, ["--db", str(path), "stats"])
    assert "not a DuckDB database" in err and kind in err
    assert path.read_bytes() == content


def test_db_on_a_parquet_file_is_refused(tmp_path, capsys):
    path = tmp_path / "figures.parquet"
    duckdb.sql(f"COPY (SELECT 1 AS x) TO '{path}' (FORMAT parquet)")
    before = path.read_bytes()
    err = _refused(capsys, ["--db", str(path), "init"])
    assert "Parquet" in err
    assert path.read_bytes() == before


def test_db_in_a_folder_that_does_not_exist_is_refused_not_created(tmp_path, capsys):
    path = tmp_path / "typo" / "indicators.duckdb"
    err = _refused(capsys, ["--db", str(path), "init"])
    assert "folder" in err and "does not exist" in err
    assert not path.parent.exists()


def test_db_on_a_folder_is_refused(tmp_path, capsys):
    assert "is a folder" in _refused(capsys, ["--db", str(tmp_path), "stats"])


@pytest.fixture
def read_only_db(demo_db):
    demo_db.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    yield demo_db
    demo_db.chmod(stat.S_IRUSR | stat.S_IWUSR)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "command",
    [
        ["stats", "--json"],
        ["status", "--json"],
        ["export", "--format", "csv", "--out", "{tmp}/all.csv"],
        ["publish", "--out", "{tmp}/public.duckdb"],
    ],
    ids=["stats", "status", "export", "publish"],
)
def test_read_commands_work_on_a_read_only_file_and_leave_it_unchanged(
    read_only_db, tmp_path, capsys, command
):
    before = _digest(read_only_db)
    argv = ["--db", str(read_only_db), *(c.format(tmp=tmp_path) for c in command)]
    code = cli_main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    if "--json" in command:
        assert json.loads(out)
    assert _digest(read_only_db) == before
