"""A table as CSV: UTF-8 without a byte-order mark (machines read it; Excel users take the app's
own downloads), a header, `.` decimals, and formula-safe through indicators.exports, so a text
cell such as `=HYPERLINK(...)` arrives as text. Lists (an indicator's breakdowns) are joined
with `;`. Large tables go out chunk by chunk, one Arrow record batch at a time."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from indicators import exports

MEDIA_TYPE = "text/csv; charset=utf-8"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists joined with `;`, then every text cell that could run as a formula neutralised by
    indicators.exports; columns are checked vectorised first, so only a column that holds such
    a cell pays for the cell-by-cell pass (a million rows stay fast)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(
                lambda v: ";".join(map(str, v)) if _is_list(v) else v, na_action="ignore"
            )
    risky = [
        column
        for column in out.columns
        if (pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object)
        and out[column].astype("string").str.startswith(exports.FORMULA_STARTS).fillna(False).any()
    ]
    if risky:
        out[risky] = exports.formula_safe(out[risky])
    return out


def _is_list(value) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str | bytes)


def render(frame: pd.DataFrame, header: bool = True) -> bytes:
    return _flat(frame).to_csv(index=False, header=header, lineterminator="\n").encode("utf-8")


def chunks(batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """The CSV of every batch, the header once (an empty first batch still gives the header).

    Written by Arrow's CSV writer, not pandas: a million rows in a fraction of the time, with
    whole numbers kept whole. Strings come quoted, as RFC 4180 allows."""
    header = True
    for batch in batches:
        if batch.num_rows == 0 and not header:
            continue
        sink = io.BytesIO()
        options = pa_csv.WriteOptions(include_header=header, quoting_style="needed")
        pa_csv.write_csv(formula_safe_batch(batch), sink, options)
        yield sink.getvalue()
        header = False


def formula_safe_batch(batch: pa.RecordBatch) -> pa.RecordBatch:
    """indicators.exports' rule on an Arrow batch: a text cell that starts like a formula
    (exports.FORMULA_STARTS) gets a leading single quote; other cells and nulls stay as they are."""
    columns = []
    for column in batch.columns:
        if pa.types.is_string_view(column.type):
            column = column.cast(pa.string())
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            risky = None
            for start in exports.FORMULA_STARTS:
                found = pc.starts_with(column, start)
                risky = found if risky is None else pc.or_(risky, found)
            if pc.any(risky).as_py():
                column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)
