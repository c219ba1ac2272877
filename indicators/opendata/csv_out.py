"""A table as CSV: UTF-8 without a byte-order mark (machines read it; Excel users take the app's
own downloads), a header, `.` decimals, and formula-safe through indicators.exports, so a text
cell such as `=HYPERLINK(...)` arrives as text. Lists (an indicator's breakdowns) are joined
with `;`. Large tables go out chunk by chunk, one Arrow record batch at a time."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pyarrow as pa

from indicators import exports
from indicators.store.opendata import to_frame

MEDIA_TYPE = "text/csv; charset=utf-8"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            out[column] = out[column].map(
                lambda v: ";".join(map(str, v)) if hasattr(v, "__len__") else v,
                na_action="ignore",
            )
    return exports.formula_safe(out)


def render(frame: pd.DataFrame, header: bool = True) -> bytes:
    return _flat(frame).to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8")


def chunks(reader: pa.RecordBatchReader) -> Iterator[bytes]:
    """The CSV of every batch of `reader`, the header once; an empty reader gives the header."""
    header = True
    for batch in reader:
        if batch.num_rows == 0 and not header:
            continue
        yield render(to_frame(batch), header=header)
        header = False
    if header:
        yield render(to_frame(reader.schema.empty_table()))
