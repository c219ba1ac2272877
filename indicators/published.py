"""data/published/observations.csv -> approved district-level observations, sources kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from indicators import store

PUBLISHED_PATH = Path(__file__).resolve().parent.parent / "data" / "published" / "observations.csv"


def read(path: Path = PUBLISHED_PATH) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "indicator": raw["indicator"],
            "district_id": raw["district"],
            "project_id": None,
            "period": raw["period"],
            "year": raw["period"].str.slice(0, 4).astype(int),
            "month": None,
            "breakdown": raw["breakdown"],
            "series": raw["series"],
            "value": pd.to_numeric(raw["value"]),
            "numerator": None,
            "denominator": None,
            "unit": raw["unit"],
            "comment": raw["note"].replace("", None),
            "source": raw["source"],
            "supersedes": None,
            "synthetic": False,
        }
    )
    return frame


def load(con: duckdb.DuckDBPyConnection, path: Path = PUBLISHED_PATH) -> int | None:
    """Load the published figures once; the file's hash recognises a second load."""
    content = Path(path).read_bytes()
    return store.load_observations(
        con,
        read(path),
        file_name=f"data/published/{Path(path).name}",
        sha256=hashlib.sha256(content).hexdigest(),
        submitted_by="published figures",
        kind="published",
        status="approved",
    )
