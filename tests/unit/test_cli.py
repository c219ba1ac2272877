"""The command line: init twice, JSON output, users, exports, and errors without tracebacks."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from indicators.cli import main

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_demo_twice_changes_nothing(demo_db, capsys):
    _, before, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    code, out, _ = run(capsys, "--db", str(demo_db), "init", "--demo")
    _, after, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    assert code == 0
    assert "already loaded" in out
    assert json.loads(after) == json.loads(before)


def test_stats_counts_what_the_demo_holds(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    numbers = json.loads(out)
    assert code == 0
    assert numbers["observations"] == numbers["approved"] + numbers["pending"] + numbers["rejected"]
    assert numbers["pending"] > 0
    assert numbers["districts"] >= 4 and numbers["projects"] >= 4


def test_catalog_json_lists_each_indicator_with_its_rules(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "catalog", "--json")
    by_key = {row["key"]: row for row in json.loads(out)}
    assert code == 0
    emissions = by_key["ghg_emissions_by_sector"]
    assert emissions["breakdowns"] == [
        "infrastructure_construction",
        "building_construction",
        "energy_use",
        "transport",
    ]
    assert emissions["direction"] == "lower"
    assert by_key["excavated_material_reused"]["max"] == 100
    assert by_key["secondary_materials_infrastructure"]["resolution"] == "month"


def test_projects_json_gives_district_and_organisation(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "projects", "--json")
    projects = json.loads(out)
    assert code == 0
    assert {"id", "name", "district", "organisation"} <= set(projects[0])
    own = [p for p in projects if p["organisation"] == "aalto-rakennus"]
    assert len(own) >= 2


def test_demo_users_exist_with_their_roles(demo_db, capsys):
    _, out, _ = run(capsys, "--db", str(demo_db), "users", "list", "--json")
    users = {u["email"]: u for u in json.loads(out)}
    assert users["official@demo.city"]["role"] == "official"
    assert (
        users["developer-a@demo.dev"]["organisation"]
        != users["developer-b@demo.dev"]["organisation"]
    )


def test_users_add_then_list(demo_db, capsys):
    code, out, _ = run(
        capsys,
        "--db",
        str(demo_db),
        "users",
        "add",
        "New@Dev.fi",
        "--role",
        "developer",
        "--org",
        "kivi-kodit",
    )
    assert code == 0
    _, out, _ = run(capsys, "--db", str(demo_db), "users", "list", "--json")
    assert {
        "email": "new@dev.fi",
        "role": "developer",
        "organisation": "kivi-kodit",
    }.items() <= next(u for u in json.loads(out) if u["email"] == "new@dev.fi").items()


def test_developer_without_organisation_is_a_usage_error(demo_db, capsys):
    code, _, err = run(
        capsys, "--db", str(demo_db), "users", "add", "x@dev.fi", "--role", "developer"
    )
    assert code == 2
    assert "organisation" in err and "Traceback" not in err


def test_status_json_gives_one_row_per_district_and_indicator(demo_db, capsys):
    code, out, _ = run(capsys, "--db", str(demo_db), "status", "--json")
    rows = json.loads(out)
    assert code == 0
    assert {"district", "indicator", "period", "value", "target", "status"} <= set(rows[0])
    keys = [(r["district"], r["indicator"]) for r in rows]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "parquet"])
def test_export_writes_every_observation(demo_db, tmp_path, capsys, fmt):
    out_path = tmp_path / f"all.{fmt}"
    code, out, _ = run(
        capsys, "--db", str(demo_db), "export", "--format", fmt, "--out", str(out_path)
    )
    assert code == 0 and out_path.stat().st_size > 0
    _, stats, _ = run(capsys, "--db", str(demo_db), "stats", "--json")
    assert out.startswith(f"{json.loads(stats)['observations']} rows")


def test_published_only_export_has_only_approved_rows(demo_db, tmp_path, capsys):
    out_path = tmp_path / "pub.parquet"
    run(
        capsys,
        "--db",
        str(demo_db),
        "export",
        "--format",
        "parquet",
        "--published-only",
        "--out",
        str(out_path),
    )
    assert set(pd.read_parquet(out_path)["status"]) == {"approved"}


def test_missing_database_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "indicators", "--db", str(tmp_path / "none.duckdb"), "stats"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
