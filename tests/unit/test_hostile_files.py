"""Hostile and odd uploads (tests/hostile_files.py) get a one-line answer, naming the line and
column where there is one; nothing is stored; never a traceback; and the importing process
stays under 500 MB more memory than importing a valid two-line file.

Each file goes through the real CLI (`python -m indicators import`, which stores a valid file)
in a child process, whose peak resident memory the kernel reports (wait4). The page calls the
same validation (indicators.reporting.ingest); tests/app/test_upload_page.py shows it there.
"""

from __future__ import annotations

import pytest

from indicators import store
from tests import hostile_files
from tests.unit.ingest_helpers import snapshot

EXTRA_MEMORY_MB = 500

# kind -> (the first line of the answer starts with, contains)
ANSWERS = {
    "xlsx_rows_bomb": ("", "xl/worksheets/sheet1.xml would expand to 401 MB"),
    "xlsx_shared_string_bomb": ("", "xl/sharedStrings.xml would expand to 1,024 MB"),
    "xlsx_entity_expansion": ("", "XML declares entities"),
    "xlsx_lying_sizes": ("", "workbook cannot be opened (Bad CRC-32"),
    "xlsx_undefined_entity": ("line 2: ", "not valid XML (undefined entity)"),
    "xlsx_truncated": ("", "workbook cannot be opened"),
    "xlsx_truncated_sheet": ("line 2: ", "not valid XML"),
    "xlsx_bad_shared_string_index": ("line 2, column indicator: ", "text number 99999"),
    "xlsx_non_numeric_cell": ("line 2, column value: ", "stored as a number but holds 'six'"),
    "xlsx_text_thousands": ("line 2, column value: ", "'1,000' is typed as text"),
    "csv_cr_in_header": ("line 1: ", "has a line break inside it"),
    "csv_long_header": ("line 1: ", "longer than any header"),
    "csv_million_columns": ("line 1: ", "longer than any header"),
    "csv_too_many_columns": ("line 1: ", "more than 1,000 columns"),
    "csv_sep_quote": ("line 1: ", "The line 'sep=\"' names a separator"),
    "csv_ragged_flood": ("line 2: ", "This row has 1 column but the header has 7"),
    "csv_error_flood": ("line 1000002: ", "more than 1,000,000 rows"),
    "csv_error_flood_at_limit": ("line 2, column indicator: ", "Unknown indicator 'y'"),
}


@pytest.fixture(scope="module")
def baseline_mb(demo_db_template, tmp_path_factory) -> float:
    """The peak memory of importing a valid two-line file: Python, pandas, DuckDB loaded."""
    folder = tmp_path_factory.mktemp("baseline")
    valid = folder / "valid.csv"
    valid.write_text(",".join(hostile_files.HEADER) + "\n" + ",".join(hostile_files.ROW) + "\n")
    db = folder / "demo.duckdb"
    db.write_bytes(demo_db_template.read_bytes())
    run = hostile_files.run_import(valid, db)
    assert run.returncode == 0, run.stderr
    return run.peak_mb


def _counts(db) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(ANSWERS))
def test_a_hostile_file_gets_a_one_line_answer_in_bounded_memory(
    kind, demo_db, tmp_path, baseline_mb
):
    data = hostile_files.KINDS[kind]()
    path = tmp_path / f"upload.{hostile_files.extension(data)}"
    path.write_bytes(data)
    del data
    before = _counts(demo_db)

    # a cap far above the bound keeps a regression from taking the machine's memory
    run = hostile_files.run_import(path, demo_db, memory_cap_gb=4)

    starts, fragment = ANSWERS[kind]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.first_line.startswith(starts) and fragment in run.first_line, run.stderr[:2000]
    assert run.stderr.splitlines()[-1].endswith("nothing was stored")
    assert _counts(demo_db) == before
    assert run.peak_mb - baseline_mb < EXTRA_MEMORY_MB


def test_a_file_with_old_mac_line_ends_is_read_line_by_line(demo_db, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(hostile_files.csv_cr_only())
    run = hostile_files.run_import(path, demo_db)
    assert run.returncode == 0, run.stderr
    assert "2 rows stored" in run.stdout
