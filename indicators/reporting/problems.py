"""What can be wrong with an uploaded file as a whole, and the bounds every upload is held to.

A FileProblem is a plain reason (a locale key and its values), and where there is one, the
line and column the user sees in the spreadsheet and the value as written there.
"""

from __future__ import annotations

# The compliance CSV has ten columns; a sheet with a few of the user's own beside them is
# normal, a thousand is not a report. Past these, nothing more of the file is read.
MAX_COLUMNS = 1_000
MAX_HEADER_CHARS = 65_536
# Rows of one CSV upload: a million is already far beyond any project's reporting (the
# benchmarks ingest that many in seconds); past it the file is refused before it is read,
# so a flood of short wrong rows cannot make the checks hold gigabytes.
MAX_CSV_ROWS = 1_000_000


class FileProblem(Exception):
    """The file cannot be read (as a whole, or at one place); `code` is the reason's key:
    `rule.<code>`, or the full key when it has a dot (`files.xlsx_xml`)."""

    def __init__(self, code: str, *, line=None, column=None, value=None, **values):
        super().__init__(code)
        self.code = code
        self.line, self.column, self.value = line, column, value
        self.values = values

    @property
    def key(self) -> str:
        return self.code if "." in self.code else f"rule.{self.code}"
