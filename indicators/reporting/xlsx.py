"""The first worksheet of an uploaded XLSX workbook as CSV text, within bounds.

An XLSX file is a ZIP archive of XML parts, so a small upload can claim to be anything: a
0.9 MB workbook can expand to 3 million rows, one shared string to a gigabyte, nested XML
entities to more. Nothing here trusts the file:

1. the archive's directory is read first, and a part that declares more than its limit is
   refused before a byte of it is inflated (Python's zipfile never inflates a part past its
   declared size: a part that lies ends in a CRC error, not in more memory);
2. openpyxl reads the workbook's own parts (which sheet is first, the shared strings, which
   styles are dates); with defusedxml installed (requirements.txt) it refuses XML entities;
3. the sheet itself is streamed through expat by `_SheetReader`, which stops at the first
   row past MAX_ROWS or cell past MAX_COLUMNS, and names the row and column of a cell it cannot
   read (an index into the shared strings that does not exist, a "number" that is not one).

Every failure is a FileProblem with a plain reason; the caller never sees an XML or ZIP error.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime, time
from xml.parsers import expat

from indicators.reporting.problems import MAX_COLUMNS, FileProblem

# A compliance report of 100,000 rows is already far beyond any project's reporting; larger
# files go through CSV, which DuckDB reads at a million rows a second.
MAX_ROWS = 100_000
# What a part may declare, uncompressed. The sheet and the shared strings are streamed, so they
# may be large; the rest (styles, the workbook's list of sheets) is parsed whole by openpyxl.
MAX_STREAMED_BYTES = 64 << 20
MAX_PART_BYTES = 8 << 20
MAX_PARTS = 10_000
STREAMED_PARTS = re.compile(r"^xl/(worksheets/[^/]+\.xml|sharedStrings\.xml)$", re.IGNORECASE)
XML_PARTS = re.compile(r"\.(xml|rels|vml)$", re.IGNORECASE)


def check_archive(data: bytes) -> None:
    """Refuse an archive that is not a ZIP or whose parts declare more than their limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise FileProblem("bad_xlsx", detail=str(exc) or type(exc).__name__) from None
    if len(parts) > MAX_PARTS:
        raise FileProblem("files.xlsx_parts", parts=len(parts), limit=MAX_PARTS)
    for part in parts:
        if STREAMED_PARTS.match(part.filename):
            limit = MAX_STREAMED_BYTES
        elif XML_PARTS.search(part.filename):
            limit = MAX_PART_BYTES
        else:
            continue  # pictures and the like: never read
        if part.file_size > limit:
            raise FileProblem(
                "files.xlsx_part_too_large",
                part=part.filename,
                size=_megabytes(part.file_size),
                limit=_megabytes(limit),
            )


def _megabytes(size: int) -> str:
    return f"{size / (1 << 20):,.0f} MB" if size >= 1 << 20 else f"{size / (1 << 20):.1f} MB"


def first_sheet_as_csv(data: bytes) -> tuple[str, list[str], int, list[int]]:
    """(CSV text, header cells, header row, worksheet row of each record). Text cells stay as
    written: a '1,000' typed as text is judged by the number checks (ambiguous there)."""
    check_archive(data)
    import openpyxl  # loaded on the first workbook: most uploads are CSV

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileProblem:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # any way the workbook's own parts are broken: one plain reason
        if _entities(exc):
            raise FileProblem("files.xlsx_entities") from None
        raise FileProblem("bad_xlsx", detail=_detail(exc)) from None
    try:
        if not book.worksheets:
            raise FileProblem("empty")
        sheet = book.worksheets[0]
        reader = _SheetReader(
            strings=sheet._shared_strings,  # openpyxl's read-only internals, pinned at 3.1.5
            date_styles=book._date_formats,
            duration_styles=book._timedelta_formats,
            epoch=book.epoch,
        )
        try:
            with book._archive.open(sheet._worksheet_path) as source:
                reader.read(source)
        except FileProblem:
            raise
        except MemoryError:
            raise
        except Exception as exc:  # a broken or truncated part, a CRC error: name the place
            raise FileProblem(
                "files.xlsx_broken_at", line=reader.row or None, detail=_detail(exc)
            ) from None
    finally:
        book.close()
    if reader.header is None:
        raise FileProblem("empty")
    return reader.buffer.getvalue(), reader.header, reader.header_row, reader.lines


def _entities(exc: BaseException | None) -> bool:
    """Whether defusedxml (or expat's own amplification limit) refused XML entities somewhere
    in the chain of errors openpyxl wraps its own around."""
    seen = 0
    while exc is not None and seen < 10:
        name = type(exc).__name__
        if name in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            return True
        if "amplification" in str(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _detail(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def _column_number(reference: str) -> int:
    """'B12' -> 2; 'AA3' -> 27."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value) -> str:
    """A cell's value as the text the compliance CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        # Excel turns a typed "2024-01" into the date 1 January 2024; give the user what they typed
        if value.time() == time(0) and value.day == 1:
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}" if value.day == 1 else value.isoformat()
    return str(value)


class _SheetReader:
    """Streams a worksheet's XML: each row, as soon as it ends, becomes a CSV line.

    Holds one row at a time (plus the CSV written so far). Refuses a document type declaration
    outright: Excel never writes one, and it is where entity attacks live.
    """

    def __init__(self, *, strings, date_styles, duration_styles, epoch):
        self.strings = strings
        self.date_styles, self.duration_styles, self.epoch = date_styles, duration_styles, epoch
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, delimiter=",", lineterminator="\n")
        self.header: list[str] | None = None
        self.header_row = 1
        self.lines: list[int] = []
        self.row = 0  # the worksheet row being read (the line the user sees)
        self.records = 0
        self.cells: dict[int, str] = {}
        self.column = 0
        self.cell_type = "n"
        self.cell_style = 0
        self.text: list[str] | None = None  # collecting a <v> or an inline <t>
        self.inline: list[str] = []
        self.value: str | None = None
        self.phonetic = 0

    def read(self, source) -> None:
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._characters
        parser.buffer_text = True
        try:
            while chunk := source.read(1 << 20):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise FileProblem(
                "files.xlsx_xml", line=self.row or None, detail=expat.ErrorString(exc.code)
            ) from None

    def _doctype(self, *_):
        raise FileProblem("files.xlsx_entities")

    def _start(self, name: str, attrs: dict) -> None:
        name = name.rpartition(":")[2]
        if name == "c":
            reference = attrs.get("r")
            self.column = _column_number(reference) if reference else self.column + 1
            if self.column > MAX_COLUMNS:
                raise FileProblem("files.too_many_columns", line=self.row, limit=MAX_COLUMNS)
            self.cell_type = attrs.get("t", "n")
            self.cell_style = attrs.get("s", "0")
            self.value, self.inline = None, []
        elif name == "v" or name == "t" and self.cell_type == "inlineStr" and not self.phonetic:
            self.text = []
        elif name == "rPh":  # phonetic guide text: not part of the cell's value
            self.phonetic += 1
        elif name == "row":
            number = attrs.get("r")
            try:
                self.row = int(number) if number else self.row + 1
            except ValueError:
                raise FileProblem("files.xlsx_xml", line=self.row + 1, detail=number) from None
            self.cells, self.column = {}, 0

    def _characters(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def _end(self, name: str) -> None:
        name = name.rpartition(":")[2]
        if name == "v" and self.text is not None:
            self.value, self.text = "".join(self.text), None
        elif name == "t" and self.text is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c":
            text = self._cell()
            if text:
                self.cells[self.column] = text
        elif name == "row":
            self._row()

    def _cell(self) -> str:
        kind, raw = self.cell_type, self.value
        if kind == "inlineStr":
            return "".join(self.inline)
        if raw is None:
            return ""
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (IndexError, ValueError):
                raise self._cell_problem("files.xlsx_bad_string", raw) from None
        if kind in ("str", "e"):  # a formula's text result, an error such as #DIV/0!
            return raw
        if kind == "b":
            return cell_text(raw.strip() in ("1", "true"))
        if kind == "d":
            from openpyxl.utils.datetime import from_ISO8601

            try:
                return cell_text(from_ISO8601(raw))
            except ValueError:
                raise self._cell_problem("files.xlsx_not_a_date", raw) from None
        try:
            number = float(raw)
        except ValueError:
            raise self._cell_problem("files.xlsx_not_a_number", raw) from None
        style = int(self.cell_style) if self.cell_style.isdigit() else 0
        if style in self.date_styles:
            from openpyxl.utils.datetime import from_excel

            try:
                return cell_text(
                    from_excel(number, self.epoch, timedelta=style in self.duration_styles)
                )
            except (OverflowError, ValueError):
                return cell_text(number)
        return cell_text(number)

    def _cell_problem(self, code: str, raw: str) -> FileProblem:
        if self.header is not None and self.column <= len(self.header):
            column = self.header[self.column - 1].strip()
        else:
            column = _column_letters(self.column)
        return FileProblem(code, line=self.row, column=column, value=raw[:200])

    def _row(self) -> None:
        cells = self.cells
        if not any(text.strip() for text in cells.values()):
            return
        width = max(cells)
        if self.header is None:
            self.header = [cells.get(i, "") for i in range(1, width + 1)]
            while self.header and not self.header[-1].strip():
                self.header.pop()
            self.header_row = self.row
            self.writer.writerow(self.header)
            return
        self.records += 1
        if self.records > MAX_ROWS:
            raise FileProblem("files.xlsx_too_many_rows", line=self.row, limit=f"{MAX_ROWS:,}")
        row = [cells.get(i, "") for i in range(1, max(width, len(self.header)) + 1)]
        while len(row) > len(self.header) and not row[-1].strip():
            row.pop()
        self.writer.writerow(row)
        self.lines.append(self.row)
