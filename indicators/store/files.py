"""Is this path a database file the app may open? Checked before DuckDB sees it.

DuckDB opens whatever it is given: a CSV or Parquet file passed by mistake to `--db` (or in
INDICATORS_DB) would be opened as an empty database, and a path in a folder that does not
exist would be created with its folders. Both hide a typo; this says so in one line.
"""

from __future__ import annotations

from pathlib import Path

DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file (after a checksum)
KNOWN = {
    b"PAR1": "a Parquet file",
    b"SQLite format 3": "an SQLite database",
    b"PK\x03\x04": "a ZIP archive or an XLSX workbook",
    b"%PDF": "a PDF document",
}


class DatabaseFileError(ValueError):
    """The path cannot be the app's database; the message says why and what to do."""


def check_database_file(path: Path, *, create: bool) -> None:
    """Refuse a path that is a folder, an existing file that is not a DuckDB database, or (when
    the database would be created) a file in a folder that does not exist."""
    if path.is_dir():
        raise DatabaseFileError(f"database {path} is a folder, not a database file")
    if path.exists():
        with path.open("rb") as file:
            head = file.read(16)
        if head and head[8:12] != DUCKDB_MAGIC:
            raise DatabaseFileError(
                f"{path} is not a DuckDB database (it looks like {_looks_like(head)}); give the"
                " path of the app's database file, or a new file name to create one"
            )
        return
    if create and not path.parent.is_dir():
        raise DatabaseFileError(
            f"cannot create database {path}: the folder {path.parent} does not exist"
        )


def _looks_like(head: bytes) -> str:
    for magic, what in KNOWN.items():
        if head.startswith(magic):
            return what
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "a JSON file"
    if text and all(32 <= byte < 127 or byte in (9, 10, 13) for byte in text):
        return "a text or CSV file"
    return "some other kind of file"
