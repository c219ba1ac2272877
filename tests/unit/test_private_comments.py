"""A developer's upload comment is for the official who reviews it: it never becomes the public
note of a district figure, a published export or a public snapshot."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from indicators import store
from indicators.cli import main as cli_main
from indicators.reporting import ingest
from tests.unit.ingest_helpers import OFFICIAL, OWN_2, actor, csv, submit

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

PRIVATE = "call dev-a at 040-1234567"
# a year no other Lakeview project reports, so the district figure is built from this row alone
ROW = f"{OWN_2},energy_use_buildings,2012,,,6200,100,kWh/m2/yr,{PRIVATE}"


@pytest.fixture
def approved_upload(demo_con):
    result = submit(demo_con, csv(ROW))
    assert result.stored, result.report.row_errors()
    ingest.review(demo_con, actor(demo_con, OFFICIAL), result.submission_id, approve=True)
    return demo_con


def test_the_official_still_reads_the_developers_comment(approved_upload):
    assert PRIVATE in set(
        store.observations_for_export(approved_upload, published_only=False)["comment"]
    )


def test_a_district_figure_from_one_developer_row_has_no_public_note(approved_upload):
    figures = store.district_figures(
        approved_upload, districts=["lakeview"], indicators=["energy_use_buildings"]
    )
    row = figures[figures["year"] == 2012]
    assert len(row) == 1 and row["value"].iloc[0] == pytest.approx(62.0)
    assert pd.isna(row["note"].iloc[0])


def test_published_export_leaves_the_developers_comment_out(approved_upload):
    published = store.observations_for_export(approved_upload, published_only=True)
    assert PRIVATE not in set(published["comment"].dropna())
    assert published["comment"].notna().any()  # published figures keep their notes


def test_public_snapshot_leaves_the_developers_comment_out(approved_upload, demo_db, tmp_path):
    approved_upload.close()
    out = tmp_path / "public.duckdb"
    assert cli_main(["--db", str(demo_db), "publish", "--out", str(out)]) == 0
    with duckdb.connect(str(out), read_only=True) as snapshot:
        comments = {r[0] for r in snapshot.execute("SELECT comment FROM observation").fetchall()}
    assert PRIVATE not in comments
    assert any(comments - {None})  # the published sources' notes are public
