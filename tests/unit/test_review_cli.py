"""The command line's side of plausibility and blank rows: `import --dry-run --json` prints
{"errors": [...], "warnings": [...]} (each with line, column, value, reason), warnings never
change the exit code, and `review --approve` of a flagged submission needs --comment."""

from __future__ import annotations

import json

import pytest

from indicators import store
from indicators.cli import main
from tests.unit.ingest_helpers import DEVELOPER, OFFICIAL, OWN, csv

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

JUMP = f"{OWN},energy_use_buildings,2024,,1020,12846288,12594.4,kWh/m2/yr,"  # 17x its history
ITEM_KEYS = {"line", "column", "value", "reason"}


def run(capsys, db, *argv):
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def jump_file(tmp_path):
    path = tmp_path / "jump.csv"
    path.write_bytes(csv(JUMP))
    return path


def test_dry_run_json_lists_plausibility_warnings_with_line_column_value_and_reason(
    capsys, demo_db, jump_file
):
    code, out, _ = run(
        capsys, demo_db, "import", str(jump_file), "--as", DEVELOPER, "--dry-run", "--json"
    )
    printed = json.loads(out)
    assert code == 0 and printed["errors"] == []
    assert printed["warnings"] and all(set(w) == ITEM_KEYS for w in printed["warnings"])
    first = printed["warnings"][0]
    assert (first["line"], first["column"], first["value"]) == (2, "value", "1020")
    assert any("typical figure" in w["reason"] for w in printed["warnings"])


def test_dry_run_json_lists_the_errors_of_a_rejected_file_and_exits_1(capsys, demo_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv(f"{OWN},secondary_materials_infrastructure,2024-03,,1_000,,,t,"))
    code, out, err = run(
        capsys, demo_db, "import", str(bad), "--as", DEVELOPER, "--dry-run", "--json"
    )
    printed = json.loads(out)
    assert code == 1 and "rejected" in err
    assert printed["errors"] == [
        {"line": 2, "column": "value", "value": "1_000", "reason": "'1_000' is not a number."}
    ]


def test_import_stores_a_flagged_file_and_prints_its_warnings(capsys, demo_db, jump_file):
    code, out, err = run(capsys, demo_db, "import", str(jump_file), "--as", DEVELOPER)
    assert code == 0 and "rows stored" in out
    assert "warning: line 2, column value:" in err


def test_import_says_how_many_empty_rows_were_not_submitted(capsys, demo_db, tmp_path):
    path = tmp_path / "template.csv"
    path.write_bytes(
        csv(
            f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,",
            f"{OWN},secondary_materials_infrastructure,2024-01,,,,,t,",
            f"{OWN},secondary_materials_infrastructure,2024-02,,,,,t,",
        )
    )
    code, out, _ = run(capsys, demo_db, "import", str(path), "--as", DEVELOPER)
    assert code == 0 and "2 empty rows" in out


def test_approving_a_flagged_submission_needs_a_comment(capsys, demo_db, jump_file):
    _, out, _ = run(capsys, demo_db, "import", str(jump_file), "--as", DEVELOPER)
    sid = int(out.split()[1].rstrip(":"))
    code, _, err = run(capsys, demo_db, "review", str(sid), "--as", OFFICIAL, "--approve")
    assert code == 2 and "plausibility flags" in err and "--comment" in err
    code, out, _ = run(
        capsys,
        demo_db,
        "review",
        str(sid),
        "--as",
        OFFICIAL,
        "--approve",
        "--comment",
        "metered: heat pump failure",
    )
    assert (code, out.strip()) == (0, f"submission {sid} approved")
    con = store.connect(demo_db, read_only=True)
    try:
        assert store.submission(con, sid)["comment"] == "metered: heat pump failure"
    finally:
        con.close()
