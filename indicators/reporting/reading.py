"""Uploaded bytes -> a UTF-8 CSV file DuckDB can read, its dialect, its header, and where each
record sits in the user's spreadsheet.

Nothing here looks at the values; that is SQL's job (indicators.store, `ingest_*`). This module
only answers: is it text (or an XLSX workbook), in which encoding, with which delimiter, what are
the column names, and on which line does record k start.

Line numbers are the ones the user's spreadsheet shows: the header is on line 1 (after any blank
lines or an Excel `sep=;` line), and a record whose quoted text spans several physical lines
moves every later record down by that many lines. `record_lines` finds record starts with a
vectorised quote-parity scan (RFC 4180 escapes a quote by doubling it, so a newline is a record
boundary exactly when an even number of quotes precede it).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from indicators.models import RowError
from indicators.reporting import xlsx
from indicators.reporting.problems import MAX_COLUMNS, MAX_CSV_ROWS, MAX_HEADER_CHARS, FileProblem

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
# the columns of the compliance CSV (DESIGN.md, "Compliance CSV")
KNOWN_COLUMNS = (
    "project",
    "district",
    "indicator",
    "period",
    "value",
    "numerator",
    "denominator",
    "breakdown",
    "unit",
    "comment",
)
DELIMITERS = (";", ",", "\t")
SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
# what cannot separate fields: the quote, line ends, a space (DuckDB trims nothing)
SEP_REFUSED = {'"', "\r", "\n", " "}


@dataclass
class Source:
    """A readable CSV and what we know about it before any value is looked at."""

    path: Path  # a UTF-8 CSV DuckDB reads
    data: bytes  # the bytes of that file (for line scans)
    encoding: str  # utf-8, utf-8-sig, windows-1252, utf-16, xlsx
    delimiter: str
    decimal_comma: bool
    header: list[str]  # the header cells as written
    header_line: int  # the spreadsheet line of the header
    skip_lines: int  # physical lines before the header (blank lines, sep=)
    kind: str = "csv"  # csv | xlsx
    # xlsx: the worksheet row of each data record (the CSV written from it has no meaning to the user)
    explicit_lines: np.ndarray | None = None
    warnings: list[RowError] = field(default_factory=list)
    # cells a person must fix before anything else is checked (xlsx: '1,000' typed as text)
    problems: list[FileProblem] = field(default_factory=list)


def normalise_name(name: str) -> str:
    """'  Project ' -> 'project'; 'Numerator Value' -> 'numerator_value'."""
    return re.sub(r"\s+", "_", name.replace("\ufeff", "").strip().lower())


# --------------------------------------------------------------------------- decoding


def _looks_binary(data: bytes) -> str | None:
    for magic, what in BINARY_MAGIC.items():
        if data.startswith(magic):
            return what
    if data.startswith(OLE_MAGIC):
        return "an old Excel .xls workbook"
    if b"\x00" in data:
        return "binary data (it contains NUL bytes)"
    head = data[:65536]
    controls = sum(head.count(bytes([c])) for c in range(32) if c not in (9, 10, 12, 13))
    if controls > max(2, len(head) // 100):
        return "binary data (it contains control characters)"
    return None


def decode(data: bytes) -> tuple[bytes, str]:
    """The bytes as UTF-8 (without BOM) and the encoding they came in. Raises FileProblem."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise FileProblem("undecodable", encoding="UTF-16") from None
    what = _looks_binary(data)
    if what:
        raise FileProblem("binary", what=what)
    if data.startswith(UTF8_BOM):
        body = data[len(UTF8_BOM) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem("undecodable", encoding="UTF-8") from None
        return body, "utf-8-sig"
    if data.isascii():
        return data, "utf-8"
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "windows-1252"
    except UnicodeDecodeError:
        raise FileProblem("undecodable", encoding="UTF-8 or Windows-1252") from None


# --------------------------------------------------------------------------- dialect and header


def _blank(data: bytes) -> bool:
    """Nothing but spaces, line ends and a byte-order mark (looks at the start only)."""
    return not data[:65536].strip(b" \t\r\n" + UTF8_BOM) and len(data) <= 65536


def _leading_blank_lines(data: bytes) -> int:
    if data[:1] not in (b"\r", b"\n"):
        return 0
    stripped = data.lstrip(b"\r\n")
    return data[: len(data) - len(stripped)].count(b"\n")


def _first_line(data: bytes, start: int, line_number: int) -> tuple[str, int]:
    """The line from `start` (without its line end) and where the next begins. A line longer
    than any header is refused before it is decoded whole (a 50 MB "header" costs nothing)."""
    limit = MAX_HEADER_CHARS * 4  # UTF-8: at most four bytes a character
    end = data.find(b"\n", start, start + limit + 2)
    if end < 0:
        end = len(data)
    if end - start > limit or len(line := data[start:end].decode("utf-8")) > MAX_HEADER_CHARS:
        raise FileProblem("files.header_too_long", line=line_number, limit=f"{MAX_HEADER_CHARS:,}")
    return line.rstrip("\r"), end + 1


def _line_ends(text: bytes) -> bytes:
    """Old Mac files end lines with CR alone: make them LF, which DuckDB and the line scan read."""
    if b"\r" in text and b"\n" not in text:
        return text.replace(b"\r", b"\n")
    return text


def _refuse_too_many_rows(text: bytes, start: int, header_line: int) -> None:
    """More lines after the header than MAX_CSV_ROWS: refused by counting line ends (no copy;
    a quoted line break or a blank line counts too, which only matters at the limit itself)."""
    if text.count(b"\n", start, _trailing_end(text)) + 1 > MAX_CSV_ROWS:
        line = header_line + MAX_CSV_ROWS + 1
        raise FileProblem("files.too_many_rows", line=line, limit=MAX_CSV_ROWS)


def _split_header(line: str, delimiter: str, line_number: int) -> list[str]:
    try:
        header = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as exc:
        raise FileProblem("unreadable_file", line=line_number, detail=str(exc)) from None
    if len(header) > MAX_COLUMNS:
        raise FileProblem("files.too_many_columns", line=line_number, limit=f"{MAX_COLUMNS:,}")
    return header


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most known column names (then most fields)."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        known = sum(normalise_name(c) in KNOWN_COLUMNS for c in cells)
        return known, len(cells)

    best = max(DELIMITERS, key=score)
    return best if score(best)[1] > 1 else ","


def prepare_csv(data: bytes, workdir: Path, *, original: Path | None = None) -> Source:
    """Decode, find the header and the dialect, and write the UTF-8 file DuckDB will read."""
    if _blank(data):
        raise FileProblem("empty")
    if data.startswith(ZIP_MAGIC):
        return prepare_xlsx(data, workdir)
    text, encoding = decode(data)
    if _blank(text):
        raise FileProblem("empty")
    text = _line_ends(text)
    skip = _leading_blank_lines(text)
    offset = len(text) - len(text.lstrip(b"\r\n"))
    line, next_offset = _first_line(text, offset, skip + 1)
    delimiter = None
    sep = SEP_LINE.match(line)
    if sep:  # Excel's "sep=;" hint line
        delimiter = sep.group(1)
        if delimiter in SEP_REFUSED or delimiter.isalnum():
            raise FileProblem("files.bad_sep", line=skip + 1, value=line.strip())
        skip += 1
        skip += _leading_blank_lines(text[next_offset:])
        offset = next_offset + (len(text[next_offset:]) - len(text[next_offset:].lstrip(b"\r\n")))
        line, next_offset = _first_line(text, offset, skip + 1)
    if "\r" in line:  # a line break inside a column name: the header is on two lines
        raise FileProblem("files.header_line_break", line=skip + 1, value=line[:200])
    delimiter = delimiter or sniff_delimiter(line)
    header = _split_header(line, delimiter, skip + 1)
    _refuse_too_many_rows(text, next_offset, skip + 1)
    if original is not None and encoding == "utf-8" and text is data:
        path = original  # already what DuckDB reads: no copy
    else:
        path = workdir / "upload.csv"
        path.write_bytes(text)
    return Source(
        path=path,
        data=text,
        encoding=encoding,
        delimiter=delimiter,
        decimal_comma=delimiter != ",",
        header=header,
        header_line=skip + 1,
        skip_lines=skip,
    )


# --------------------------------------------------------------------------- xlsx


def prepare_xlsx(data: bytes, workdir: Path) -> Source:
    """The first worksheet as CSV; each record remembers its worksheet row (= the line shown)."""
    csv_text, header, header_line, lines, problems = xlsx.first_sheet_as_csv(data)
    text = csv_text.encode("utf-8")
    path = workdir / "upload.csv"
    path.write_bytes(text)
    return Source(
        path=path,
        data=text,
        encoding="xlsx",
        delimiter=",",
        # a number typed as text in a Finnish or Swedish workbook has a decimal comma
        decimal_comma=True,
        header=header,
        header_line=header_line,
        skip_lines=0,
        kind="xlsx",
        explicit_lines=np.asarray(lines, dtype=np.int64),
        problems=problems,
    )


# --------------------------------------------------------------------------- line numbers


def record_starts(data: bytes, skip_lines: int) -> tuple[np.ndarray, np.ndarray]:
    """Byte offset and physical line (1-based) of every non-blank record after the header.

    Vectorised: a newline ends a record when an even number of quote characters precede it.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    if b'"' in data:
        quotes = np.flatnonzero(arr == 34)
        boundaries = newlines[np.searchsorted(quotes, newlines) % 2 == 0]
    else:
        boundaries = newlines
    starts = np.concatenate(([0], boundaries + 1))
    ends = np.concatenate((boundaries, [len(arr)]))
    length = ends - starts
    safe = np.minimum(starts, max(len(arr) - 1, 0))
    blank = (length == 0) | ((length == 1) & (arr[safe] == 13))
    starts = starts[~blank]
    lines = np.searchsorted(newlines, starts) + 1  # newlines before the start, plus one
    keep = lines > skip_lines
    starts, lines = starts[keep], lines[keep]
    return starts[1:], lines[1:]  # the first is the header


def _trailing_end(data: bytes) -> int:
    """The length of `data` without its trailing line ends (no copy of the data)."""
    end = len(data)
    while end and data[end - 1] in (10, 13):
        end -= 1
    return end


def simple_layout(source: Source, records: int) -> bool:
    """True when record k is on line header_line + k (no blank line or quoted newline inside)."""
    if source.explicit_lines is not None:
        return False
    # DuckDB skips blank lines and a quoted newline joins two lines into one record, so either
    # leaves fewer records than lines: equal counts mean one record per line
    data = source.data
    physical = data.count(b"\n", 0, _trailing_end(data)) + 1
    return physical - source.header_line == records


def lines_of_records(source: Source) -> np.ndarray:
    """The spreadsheet line of every data record (index = record number - 1)."""
    if source.explicit_lines is not None:
        return source.explicit_lines
    return record_starts(source.data, source.skip_lines)[1]


def ragged_records(source: Source, limit: int) -> list[tuple[int, int, str]]:
    """(line, fields found, the record as written) of the first `limit` records whose number
    of fields differs from the header's; one streaming pass of Python's C csv reader, which
    stops at `limit`. DuckDB's own rejects table costs more for each bad line than the line is
    worth: a file of millions of one-cell lines would take minutes and gigabytes there."""
    expected = len(source.header)
    stream = io.TextIOWrapper(io.BytesIO(source.data), encoding="utf-8", newline="")
    reader = csv.reader(stream, delimiter=source.delimiter, strict=False)
    found: list[tuple[int, int, str]] = []
    seen_header, end, record = False, 0, 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            if not row or start <= source.skip_lines:
                continue  # blank lines, Excel's sep= line
            if not seen_header:
                seen_header = True
                continue
            record += 1
            if len(row) != expected:
                line = start
                if source.explicit_lines is not None and record <= len(source.explicit_lines):
                    line = int(source.explicit_lines[record - 1])
                found.append((line, len(row), source.delimiter.join(row)[:200]))
                if len(found) >= limit:
                    break
    except csv.Error:  # an unterminated quote ran past the field limit: DuckDB names it
        pass
    return found


def line_at_byte(source: Source, positions: list[int]) -> list[int | None]:
    """The spreadsheet line of the records starting at these byte offsets (DuckDB's rejects)."""
    if source.explicit_lines is None:
        return _physical_lines(source.data, positions)
    starts, _ = record_starts(source.data, source.skip_lines)
    lines = source.explicit_lines
    found = []
    for pos in positions:
        index = int(np.searchsorted(starts, pos, side="right")) - 1
        if 0 <= index < len(lines):
            found.append(int(lines[index]))
        else:
            found.append(None)
    return found


def _physical_lines(data: bytes, positions: list[int]) -> list[int | None]:
    """1 + the newlines before each position, counted in one pass through the bytes: no array
    with an entry per line, so a file of millions of short malformed lines costs no memory."""
    lines: dict[int, int] = {}
    line, counted = 1, 0
    for pos in sorted(set(positions)):
        if not 0 <= pos < len(data):
            continue
        line += data.count(b"\n", counted, pos)
        counted = pos
        lines[pos] = line
    return [lines.get(pos) for pos in positions]
