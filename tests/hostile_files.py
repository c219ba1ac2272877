"""Hostile and odd upload files, one builder per kind, shared by the tests
(tests/unit/test_hostile_files.py) and the benchmark (bench/hostile_files.py).

Each builder returns the bytes of one file as an attacker (or an unlucky spreadsheet) would
send it. The XLSX ones start from a real openpyxl workbook and replace one part of the archive,
so everything but the hostile part is what Excel would accept.
"""

from __future__ import annotations

import io
import os
import re
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from indicators.reporting.problems import MAX_CSV_ROWS

OWN = "turku-science-park-plot-01"  # aalto-rakennus, the demo developer-a's plot
HEADER = ["project", "indicator", "period", "breakdown", "value", "numerator", "denominator"]
ROW = [OWN, "excavated_material_reused", "2024", "", "65.5", "655", "1000"]


def _csv(lines: list[str], newline: str = "\n") -> bytes:
    return (newline.join(lines) + newline).encode("utf-8")


def _workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace(
    workbook: bytes, parts: dict[str, bytes | None], *, stream: dict | None = None, zip64=True
) -> bytes:
    """The workbook with some archive members replaced or added (None: left out); `stream`
    members are written from an iterator of chunks, so a bomb never sits whole in memory."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as new,
    ):
        names = [info.filename for info in old.infolist()]
        for name in [*names, *(n for n in [*parts, *(stream or {})] if n not in names)]:
            if stream and name in stream:
                with new.open(name, "w", force_zip64=zip64) as member:
                    for chunk in stream[name]:
                        member.write(chunk)
            elif name in parts:
                if parts[name] is not None:
                    new.writestr(name, parts[name])
            else:
                new.writestr(old.getinfo(name), old.read(name))
    return out.getvalue()


def _shared(workbook: bytes) -> bytes:
    """openpyxl writes text inline; Excel writes it to the shared-string table. Do as Excel."""
    sheet = _member(workbook, SHEET).decode("utf-8")
    strings: list[str] = []

    def share(match: re.Match) -> str:
        if match.group(2) not in strings:
            strings.append(match.group(2))
        return f'{match.group(1)}t="s"><v>{strings.index(match.group(2))}</v></c>'

    sheet = re.sub(r'(<c r="[A-Z]+\d+" )t="inlineStr"><is><t>([^<]*)</t></is></c>', share, sheet)
    table = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(strings)}" uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{text}</t></si>" for text in strings)
        + "</sst>"
    )
    types = (
        _member(workbook, "[Content_Types].xml")
        .decode("utf-8")
        .replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /></Types>',
        )
    )
    rels = (
        _member(workbook, "xl/_rels/workbook.xml.rels")
        .decode("utf-8")
        .replace(
            "</Relationships>",
            '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml" Id="rId9" /></Relationships>',
        )
    )
    return _replace(
        workbook,
        {
            SHEET: sheet.encode(),
            STRINGS: table.encode(),
            "[Content_Types].xml": types.encode(),
            "xl/_rels/workbook.xml.rels": rels.encode(),
        },
    )


def _member(workbook: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        return book.read(name)


SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


# --------------------------------------------------------------------------- XLSX bombs


def xlsx_rows_bomb(rows: int = 3_000_000, *, zip64: bool = True) -> bytes:
    """A workbook of under a megabyte whose sheet expands to `rows` rows (several GB once parsed)."""
    book = _shared(_workbook([HEADER, ROW]))
    sheet = _member(book, SHEET).decode("utf-8")
    head, tail = sheet.split("</sheetData>")
    head = re.sub(r"<dimension[^>]*/>", "", head)
    cells = re.findall(r'<c r="[A-Z]+2" t="s"><v>(\d+)</v></c>', sheet)
    row = "<row>" + "".join(f'<c t="s"><v>{index}</v></c>' for index in cells) + "</row>"

    def chunks():
        yield head.encode()
        block = (row * 10_000).encode()
        for _ in range(rows // 10_000):
            yield block
        yield ("</sheetData>" + tail).encode()

    return _replace(book, {}, stream={SHEET: chunks()}, zip64=zip64)


def xlsx_shared_string_bomb(megabytes: int = 1024) -> bytes:
    """One shared string of `megabytes` MB (about 1 MB compressed)."""
    book = _shared(_workbook([HEADER, ROW]))

    def chunks():
        yield b'<?xml version="1.0" encoding="UTF-8"?>'
        yield b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        yield b' count="1" uniqueCount="1"><si><t>'
        block = b"A" * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield b"</t></si></sst>"

    return _replace(book, {}, stream={STRINGS: chunks()})


def xlsx_entity_expansion() -> bytes:
    """'Billion laughs': nested XML entities that expand to gigabytes."""
    book = _shared(_workbook([HEADER, ROW]))
    laughs = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    ]
    strings = _member(book, STRINGS).decode("utf-8")
    strings = strings.replace("?>", "?><!DOCTYPE sst [" + "".join(laughs) + "]>", 1)
    strings = strings.replace("<t>65.5</t>", "<t>&l9;</t>", 1)
    return _replace(book, {STRINGS: strings.encode()})


def _lying_sizes(data: bytes) -> bytes:
    """The central directory claims the sheet inflates to 100 bytes; it inflates to far more."""
    start = 0
    while (start := data.find(b"PK\x01\x02", start + 1)) >= 0:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == SHEET.encode():
            return data[: start + 24] + struct.pack("<I", 100) + data[start + 28 :]
    raise AssertionError("no sheet in the archive")


def xlsx_lying_sizes() -> bytes:
    """A rows bomb whose archive directory understates the sheet's size."""
    return _lying_sizes(xlsx_rows_bomb(rows=300_000, zip64=False))


# --------------------------------------------------------------------------- malformed XLSX


def xlsx_undefined_entity() -> bytes:
    book = _workbook([HEADER, ROW])
    sheet = _member(book, SHEET).replace(b"<t>2024</t>", b"<t>&nope;</t>", 1)
    return _replace(book, {SHEET: sheet})


def xlsx_truncated() -> bytes:
    book = _workbook([HEADER, ROW])
    return book[: len(book) * 2 // 3]


def xlsx_truncated_sheet() -> bytes:
    """The archive is whole, but the sheet's XML stops half-way through a row."""
    book = _workbook([HEADER, ROW, ROW])
    sheet = _member(book, SHEET)
    return _replace(book, {SHEET: sheet[: sheet.index(b"</row>", sheet.index(b"<row")) + 30]})


def xlsx_bad_shared_string_index() -> bytes:
    book = _shared(_workbook([HEADER, ROW]))
    sheet = _member(book, SHEET)
    sheet = re.sub(rb'(<c r="B2"[^>]*t="s"[^>]*><v>)\d+', rb"\g<1>99999", sheet, count=1)
    return _replace(book, {SHEET: sheet})


def xlsx_non_numeric_cell() -> bytes:
    """A cell typed as a number whose content is not one."""
    book = _workbook([HEADER, [*ROW[:4], 65.5, 655, 1000]])
    sheet = _member(book, SHEET)
    sheet = re.sub(rb'(<c r="E2"[^>]*><v>)[^<]+', rb"\g<1>six", sheet, count=1)
    return _replace(book, {SHEET: sheet})


def xlsx_text_thousands() -> bytes:
    """'1,000' typed as text: one thousand in English, one in Finnish."""
    return _workbook(
        [HEADER, [OWN, "secondary_materials_infrastructure", "2024-03", None, "1,000"]]
    )


# --------------------------------------------------------------------------- odd CSV


def csv_cr_only() -> bytes:
    """Old Mac line ends: CR alone (a valid file otherwise)."""
    other = [*ROW[:2], "2023", *ROW[3:]]
    return _csv([",".join(HEADER), ",".join(ROW), ",".join(other)], newline="\r")


def csv_cr_in_header() -> bytes:
    header = ",".join(HEADER).replace("indicator", "indi\rcator")
    return _csv([header, ",".join(ROW)])


def csv_long_header(chars: int = 200_000) -> bytes:
    """A header line over 131,072 characters (one very long column name)."""
    return _csv([",".join(HEADER) + "," + "x" * chars, ",".join(ROW)])


def csv_million_columns(columns: int = 1_000_000) -> bytes:
    header = ",".join(HEADER) + "," + ",".join(f"c{i}" for i in range(columns))
    return _csv([header, ",".join(ROW)])


def csv_sep_quote() -> bytes:
    return _csv(['sep="', ",".join(HEADER), ",".join(ROW)])


def csv_ragged_flood() -> bytes:
    """A valid header, then as many one-cell records (each a ragged row) as a CSV may have."""
    return (",".join(HEADER) + "\n").encode() + b"x\n" * MAX_CSV_ROWS


def csv_error_flood(megabytes: int = 45) -> bytes:
    """Millions of short records, each with two errors (unknown project, unknown indicator):
    past the row limit of a CSV."""
    line = b"x,y,2024,,1,,\n"
    return (",".join(HEADER) + "\n").encode() + line * (megabytes * (1 << 20) // len(line))


def csv_error_flood_at_limit() -> bytes:
    """As many short wrong records as a CSV upload may have (MAX_CSV_ROWS): every check runs."""
    return (",".join(HEADER) + "\n").encode() + b"x,y,2024,,1,,\n" * MAX_CSV_ROWS


def csv_too_many_columns(columns: int = 5_000) -> bytes:
    """A short header of thousands of one-letter columns."""
    return _csv([",".join(HEADER) + ",x" * columns, ",".join(ROW)])


KINDS = {
    "xlsx_rows_bomb": xlsx_rows_bomb,
    "xlsx_shared_string_bomb": xlsx_shared_string_bomb,
    "xlsx_entity_expansion": xlsx_entity_expansion,
    "xlsx_lying_sizes": xlsx_lying_sizes,
    "xlsx_undefined_entity": xlsx_undefined_entity,
    "xlsx_truncated": xlsx_truncated,
    "xlsx_truncated_sheet": xlsx_truncated_sheet,
    "xlsx_bad_shared_string_index": xlsx_bad_shared_string_index,
    "xlsx_non_numeric_cell": xlsx_non_numeric_cell,
    "xlsx_text_thousands": xlsx_text_thousands,
    "csv_cr_only": csv_cr_only,
    "csv_cr_in_header": csv_cr_in_header,
    "csv_long_header": csv_long_header,
    "csv_million_columns": csv_million_columns,
    "csv_sep_quote": csv_sep_quote,
    "csv_too_many_columns": csv_too_many_columns,
    "csv_ragged_flood": csv_ragged_flood,
    "csv_error_flood": csv_error_flood,
    "csv_error_flood_at_limit": csv_error_flood_at_limit,
}


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One `python -m indicators import` of a file in a child process."""

    returncode: int | None  # None: killed (the timeout, or the kernel out of memory)
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float  # the child's peak resident memory

    @property
    def first_line(self) -> str:
        """The answer's first line (after any progress lines, which big files get)."""
        lines = (line for line in self.stderr.splitlines() if line.strip())
        return next((line for line in lines if not re.match(r"\[\s*\d+%\]", line)), "")


def run_import(
    path: Path,
    db: Path,
    *,
    email: str = "developer-a@demo.dev",
    timeout: float = 300,
    memory_cap_gb: float | None = None,
) -> Run:
    """Import `path` through the real CLI in a child process; its peak RSS from wait4.

    `memory_cap_gb` limits the child's address space, so that measuring an unguarded version
    cannot take the machine's memory: such a child ends in a MemoryError (or is killed).
    """

    def cap():
        if memory_cap_gb:
            limit = int(memory_cap_gb * (1 << 30))
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    command = [sys.executable, "-m", "indicators", "--db", str(db), "import", str(path)]
    command += ["--as", email, "--wait", "0"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=out, stderr=err, preexec_fn=cap, cwd=Path(__file__).parents[1]
        )
        killer = threading.Timer(timeout, child.kill)  # a hung child is killed, not waited on
        killer.start()
        try:
            _, status, usage = os.wait4(child.pid, 0)
        finally:
            killer.cancel()
        killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        seconds = time.perf_counter() - started
        child.returncode = 0  # reaped by wait4 above: keep Popen from reaping it again
        out.seek(0)
        err.seek(0)
        return Run(
            returncode=None if killed else os.waitstatus_to_exitcode(status),
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            peak_mb=usage.ru_maxrss / 1024,
        )


def extension(data: bytes) -> str:
    return "xlsx" if data.startswith(b"PK") else "csv"
