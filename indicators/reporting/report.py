"""What a compliance file would store, or why it cannot be stored: the report a developer
reads (errors, warnings, plausibility flags, blank rows), as a table, as CSV in the reader's
Excel dialect and as the CLI's JSON items. Built by indicators.reporting.ingest."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indicators import exports
from indicators.models import RowError

ERROR_COLUMNS = ["line", "column", "value", "reason", "code", "severity"]


@dataclass
class Report:
    """What a file would store, or why it cannot be stored. Nothing in here is stored yet."""

    file_name: str
    sha256: str
    size: int
    lang: str = "en"
    encoding: str | None = None
    delimiter: str | None = None
    rows: int = 0
    blank_rows: int = 0  # template rows left without any number: not reported yet, skipped
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    warnings: list[RowError] = field(default_factory=list)  # about the file (the header)
    # plausibility flags of a valid file (the first WARNINGS_LISTED; flag_count in all)
    flags: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    flag_count: int = 0
    preview: pd.DataFrame | None = None
    requirement_failures: pd.DataFrame | None = None
    duplicate_of: dict | None = None
    seconds: float = 0.0

    @property
    def valid(self) -> bool:
        """No error in the file (it may still be a duplicate of an earlier submission)."""
        return self.errors.empty

    @property
    def ok(self) -> bool:
        """Valid and not stored before: submitting it stores it."""
        return self.valid and self.duplicate_of is None

    @property
    def error_count(self) -> int:
        return len(self.errors)

    def row_errors(self, limit: int | None = None) -> list[RowError]:
        frame = self.errors if limit is None else self.errors.head(limit)
        return [
            RowError(
                line=None if pd.isna(r.line) else int(r.line),
                column=None if pd.isna(r.column) else str(r.column),
                value=None if pd.isna(r.value) else str(r.value),
                reason=str(r.reason),
                severity=r.severity,
            )
            for r in frame.itertuples()
        ]

    def table(self) -> pd.DataFrame:
        """Errors then warnings (the file's, then the plausibility flags), as the downloadable
        report shows them."""
        warnings = pd.DataFrame(
            [
                {
                    "line": w.line,
                    "column": w.column,
                    "value": w.value,
                    "reason": w.reason,
                    "code": "",
                    "severity": w.severity,
                }
                for w in self.warnings
            ],
            columns=ERROR_COLUMNS,
        )
        frames = [f for f in (self.errors, warnings, self.flags) if not f.empty]
        if not frames:
            return pd.DataFrame(columns=["line", "column", "value", "reason", "severity"])
        table = pd.concat(frames, ignore_index=True)
        table["line"] = table["line"].astype("Int64")
        return table[["line", "column", "value", "reason", "severity"]]

    def items(self) -> dict[str, list[dict]]:
        """{"errors": [...], "warnings": [...]}, each with line, column, value and reason (the
        CLI's --json)."""
        table = self.table()
        out: dict[str, list[dict]] = {"errors": [], "warnings": []}
        for row in table.itertuples():
            out["errors" if row.severity == "error" else "warnings"].append(
                {
                    "line": None if pd.isna(row.line) else int(row.line),
                    "column": None if pd.isna(row.column) else str(row.column),
                    "value": None if pd.isna(row.value) else str(row.value),
                    "reason": str(row.reason),
                }
            )
        return out

    def error_csv(self) -> bytes:
        """The report as CSV in the reader's Excel dialect, safe against formula injection."""
        sep, decimal = (";", ",") if self.lang in ("fi", "sv") else (",", ".")
        return exports.CsvExport(sep=sep, decimal=decimal).render(self.table())


@dataclass
class Submitted:
    report: Report
    submission_id: int | None = None
    status: str | None = None

    @property
    def stored(self) -> bool:
        return self.submission_id is not None
