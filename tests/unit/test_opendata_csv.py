"""The open-data CSV: formula-safe and whole numbers whole, batch by batch as in the package."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa

from indicators.opendata import csv_out


def _read(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), keep_default_na=False, dtype=str)


def test_a_streamed_formula_arrives_as_text():
    notes = ['=HYPERLINK("x")', "@SUM(A1)", "plain", None]
    batch = pa.RecordBatch.from_pydict({"row": [1, 2, 3, 4], "note": notes})
    frame = _read(b"".join(csv_out.chunks([batch])))
    assert list(frame["note"]) == ['\'=HYPERLINK("x")', "'@SUM(A1)", "plain", ""]


def test_streamed_numbers_stay_numbers_and_counts_stay_whole():
    batch = pa.RecordBatch.from_pydict(
        {"value": [-33.0, 1.5], "projects": pa.array([6, None], pa.int64())}
    )
    frame = _read(b"".join(csv_out.chunks([batch])))
    assert list(frame["value"]) == ["-33", "1.5"]
    assert list(frame["projects"]) == ["6", ""]


def test_the_header_comes_once_across_batches():
    batches = [pa.RecordBatch.from_pydict({"a": [1]}), pa.RecordBatch.from_pydict({"a": [2]})]
    assert b"".join(csv_out.chunks(batches)).decode().splitlines() == ['"a"', "1", "2"]


def test_a_whole_table_is_formula_safe_too():
    frame = pd.DataFrame({"source": ["+358 9 310 1691", "https://example.org"]})
    assert _read(csv_out.render(frame))["source"].tolist() == [
        "'+358 9 310 1691",
        "https://example.org",
    ]
