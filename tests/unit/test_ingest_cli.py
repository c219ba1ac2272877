"""`python -m indicators import` and `review`: exit codes (0 stored, 1 rejected, 2 usage,
3 not permitted), one `line N, column C: reason` per error (the first 50, then a count), the
full report file, --dry-run, duplicates, and the database untouched unless it exits 0."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from indicators import store
from indicators.cli import main
from tests.unit.ingest_helpers import DEVELOPER, FOREIGN, OFFICIAL, OTHER_DEVELOPER, OWN, csv

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

GOOD = csv(
    f"{OWN},excavated_material_reused,2024,,65.5,655,1000,%,",
    f"{OWN},secondary_materials_infrastructure,2024-03,,25,,,t,",  # as plausible as its history
)


def run(capsys, db, *argv):
    capsys.readouterr()  # not what building the demo database printed, if this test built it
    code = main(["--db", str(db), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def state(db) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return {
            **store.stats(con),
            "version": store.data_version(con),
            "audit": store.scalar(con, "SELECT count(*) FROM audit"),
        }
    finally:
        con.close()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "plots.csv"
    path.write_bytes(GOOD)
    return path


def test_import_stores_and_prints_the_submission_id(capsys, demo_db, good_file):
    before = state(demo_db)
    code, out, err = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER)
    assert code == 0, err
    assert out.startswith("submission ") and "2 rows stored, status pending" in out
    sid = int(out.split()[1].rstrip(":"))
    after = state(demo_db)
    assert after["pending"] == before["pending"] + 2
    con = store.connect(demo_db, read_only=True)
    try:
        assert store.submission(con, sid)["submitted_by"] == DEVELOPER
    finally:
        con.close()


def test_import_json_output(capsys, demo_db, good_file):
    code, out, _ = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER, "--json")
    assert code == 0
    assert json.loads(out)["status"] == "pending" and json.loads(out)["rows"] == 2


def test_rejected_import_exits_1_with_one_line_per_error_and_stores_nothing(
    capsys, demo_db, tmp_path
):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv(
            f"{OWN},excavated_material_reused,2024,,120,1200,1000,%,",
            f"{OWN},secondary_materials_infrastructure,2024-03,,x,,,kg,",
        )
    )
    before = state(demo_db)
    code, out, err = run(capsys, demo_db, "import", str(path), "--as", DEVELOPER)
    assert code == 1
    lines = err.strip().splitlines()
    assert "line 2, column numerator: The numerator 1200 is above the denominator 1000" in err
    assert "line 3, column unit: The unit 'kg' differs" in err
    assert "line 3, column value: 'x' is not a number." in err
    assert lines[-1].startswith("error: bad.csv was rejected")
    assert state(demo_db) == before


def test_only_the_first_50_errors_are_printed_then_a_count_and_the_report_has_all(
    capsys, demo_db, tmp_path
):
    rows = [f"{OWN},secondary_materials_infrastructure,2024-{m:02d},,x{m},,,t," for m in (1, 2)]
    rows += [f"no-plot-{i},excavated_material_reused,2024,,65.5,655,1000,%," for i in range(70)]
    path, report = tmp_path / "many.csv", tmp_path / "errors.csv"
    path.write_bytes(csv(*rows))
    before = state(demo_db)
    code, _, err = run(
        capsys, demo_db, "import", str(path), "--as", DEVELOPER, "--report", str(report)
    )
    assert code == 1
    printed = [line for line in err.splitlines() if line.startswith("line ")]
    assert len(printed) == 50
    assert "... and 22 more problems" in err
    written = report.read_text(encoding="utf-8-sig").splitlines()
    assert written[0] == "line,column,value,reason,severity"
    assert len(written) == 1 + 72
    assert state(demo_db) == before


def test_dry_run_validates_and_stores_nothing(capsys, demo_db, good_file):
    before = state(demo_db)
    code, out, _ = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER, "--dry-run")
    assert code == 0
    assert "2 rows are valid; nothing was stored" in out
    assert state(demo_db) == before


def test_importing_the_same_file_twice_names_the_earlier_submission(capsys, demo_db, good_file):
    code, out, _ = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER)
    sid = int(out.split()[1].rstrip(":"))
    before = state(demo_db)
    code, _, err = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER)
    assert code == 1
    assert f"already submitted as submission {sid} (pending" in err
    assert state(demo_db) == before


def test_another_organisations_project_exits_3(capsys, demo_db, tmp_path):
    path = tmp_path / "foreign.csv"
    path.write_bytes(csv(f"{FOREIGN},excavated_material_reused,2024,,65.5,655,1000,%,"))
    before = state(demo_db)
    code, _, err = run(capsys, demo_db, "import", str(path), "--as", DEVELOPER)
    assert code == 3
    assert "not permitted" in err and FOREIGN in err
    assert state(demo_db) == before


def test_an_unknown_email_exits_3(capsys, demo_db, good_file):
    before = state(demo_db)
    code, _, err = run(capsys, demo_db, "import", str(good_file), "--as", "who@nowhere.example")
    assert code == 3 and "not a registered user" in err
    assert state(demo_db) == before


def test_usage_errors_exit_2(capsys, demo_db, good_file, tmp_path):
    with pytest.raises(SystemExit) as missing_as:
        main(["--db", str(demo_db), "import", str(good_file)])
    assert missing_as.value.code == 2
    code, _, err = run(capsys, demo_db, "import", str(tmp_path / "nope.csv"), "--as", DEVELOPER)
    assert code == 2 and "no such file" in err
    with pytest.raises(SystemExit) as both:
        main(["--db", str(demo_db), "review", "1", "--as", OFFICIAL, "--approve", "--reject"])
    assert both.value.code == 2


def test_review_approve_and_reject(capsys, demo_db, good_file, tmp_path):
    _, out, _ = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER)
    first = int(out.split()[1].rstrip(":"))
    other = tmp_path / "other.csv"
    other.write_bytes(csv(f"{OWN},excavated_material_reused,2023,,50,500,1000,%,"))
    _, out, _ = run(capsys, demo_db, "import", str(other), "--as", DEVELOPER)
    second = int(out.split()[1].rstrip(":"))

    code, out, _ = run(capsys, demo_db, "review", str(first), "--as", OFFICIAL, "--approve")
    assert (code, out.strip()) == (0, f"submission {first} approved")
    code, _, err = run(capsys, demo_db, "review", str(second), "--as", OFFICIAL, "--reject")
    assert code == 2 and "needs --comment" in err
    code, out, _ = run(
        capsys, demo_db, "review", str(second), "--as", OFFICIAL, "--reject", "--comment", "no"
    )
    assert code == 0 and "rejected" in out
    code, _, err = run(capsys, demo_db, "review", str(first), "--as", OFFICIAL, "--approve")
    assert code == 1 and "already approved" in err

    code, out, _ = run(capsys, demo_db, "submissions", "--as", DEVELOPER, "--json")
    by_id = {row["id"]: row for row in json.loads(out)}
    assert by_id[first]["status"] == "approved" and by_id[second]["comment"] == "no"
    con = store.connect(demo_db, read_only=True)
    try:
        actions = store.query(
            con,
            "SELECT action FROM audit WHERE entity IN (?, ?) ORDER BY id",
            [f"submission:{first}", f"submission:{second}"],
        )["action"].tolist()
    finally:
        con.close()
    assert actions == [
        "submission.upload",
        "submission.upload",
        "submission.approved",
        "submission.rejected",
    ]


def test_a_developer_cannot_review_exit_3(capsys, demo_db, good_file):
    _, out, _ = run(capsys, demo_db, "import", str(good_file), "--as", DEVELOPER)
    sid = out.split()[1].rstrip(":")
    before = state(demo_db)
    code, _, err = run(capsys, demo_db, "review", sid, "--as", OTHER_DEVELOPER, "--approve")
    assert code == 3 and "not permitted" in err
    assert state(demo_db) == before


def test_template_lists_own_projects_in_the_excel_dialect(capsys, demo_db, tmp_path):
    out_file = tmp_path / "template.csv"
    code, out, _ = run(
        capsys,
        demo_db,
        "template",
        "--as",
        DEVELOPER,
        "--year",
        "2024",
        "--all",
        "--lang",
        "fi",
        "--out",
        str(out_file),
    )
    assert code == 0
    text = out_file.read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "project;indicator;period;breakdown;value;numerator;denominator;unit;comment"
    projects = {line.split(";")[0] for line in lines[1:]}
    assert OWN in projects and FOREIGN not in projects
    assert any(";secondary_materials_infrastructure;2024-12;" in line for line in lines)
    assert any(";ghg_emissions_by_sector;2024;transport;" in line for line in lines)


def test_the_command_runs_as_a_module(demo_db, good_file):
    done = subprocess.run(
        [sys.executable, "-m", "indicators", "--db", str(demo_db), "import", str(good_file)]
        + ["--as", DEVELOPER, "--dry-run"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
