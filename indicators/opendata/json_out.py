"""A table as JSON: `{"data": [...], "meta": {...}, "links": {...}}`, NaN as null, lists as
lists (an indicator's breakdowns), numbers as numbers."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd

MEDIA_TYPE = "application/json"


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python values: NaN and NA become None, numpy scalars Python numbers."""
    columns = list(frame.columns)
    return [
        {column: _plain(value) for column, value in zip(columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]


def _plain(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def document(frame: pd.DataFrame, meta: dict, links: dict) -> bytes:
    return dumps({"data": records(frame), "meta": meta, "links": links})


def dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
