"""A table as CSV: UTF-8 without a byte-order mark (machines read it; Excel users take the app's
own downloads), a header, `.` decimals, and formula-safe through indicators.exports, so a text
cell such as `=HYPERLINK(...)` arrives as text. Lists (an indicator's breakdowns) are joined
with `;`. Large tables go out chunk by chunk, one Arrow record batch at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pandas as pd
import pyarrow as pa

from indicators import exports
from indicators.store.opendata import to_frame

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
    return _flat(frame).to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8")


def chunks(batches: Iterable[pa.RecordBatch]) -> Iterator[bytes]:
    """The CSV of every batch, the header once (an empty first batch still gives the header)."""
    header = True
    for batch in batches:
        if batch.num_rows == 0 and not header:
            continue
        yield render(to_frame(batch), header=header)
        header = False
