"""Compliance uploads: bytes -> decoded text -> a DuckDB staging table -> set-based checks ->
a report -> (on submit) one transaction.

    report = ingest.validate(con, actor, data, "plots.csv")          # nothing is stored
    result = ingest.submit(con, actor, data, "plots.csv")            # validates again, stores

The page (pages/upload.py) and the CLI (`python -m indicators import`) both call these two.
Permission problems (another organisation's project, district rows from a developer) raise
access.PermissionDenied; everything wrong with the file itself is in the report, each problem
with the spreadsheet line, the column, the value as written and a plain reason. A file with
any error is rejected whole.

Reading and line numbers: indicators.reporting.reading. The SQL: indicators.store, `ingest_*`.
"""

from __future__ import annotations

import difflib
import hashlib
import random
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from indicators import access, exports, i18n, store
from indicators.models import RowError
from indicators.reporting.reading import (
    KNOWN_COLUMNS,
    FileProblem,
    Source,
    line_at_byte,
    lines_of_records,
    normalise_name,
    prepare_csv,
    simple_layout,
)

Progress = Callable[[float, str], None]

REQUIRED = ("indicator", "period")
ERROR_COLUMNS = ["line", "column", "value", "reason", "code", "severity"]
# codes whose parameters are numbers, shown in the reader's language
_NUMERIC_PARAMS = {"below_min", "above_max", "value_disagrees", "numerator_above_denominator"}
CONFLICT_ATTEMPTS = 8


class IngestBusy(RuntimeError):
    """Another write kept the database busy through every retry; nothing was stored."""


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
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    warnings: list[RowError] = field(default_factory=list)
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
        """Errors then warnings, as the downloadable report shows them."""
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
        frames = [f for f in (self.errors, warnings) if not f.empty]
        if not frames:
            return pd.DataFrame(columns=["line", "column", "value", "reason", "severity"])
        table = pd.concat(frames, ignore_index=True)
        table["line"] = table["line"].astype("Int64")
        return table[["line", "column", "value", "reason", "severity"]]

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


# --------------------------------------------------------------------------- public API


def validate(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    data: bytes,
    file_name: str,
    *,
    lang: str = "en",
    today: date | None = None,
    progress: Progress | None = None,
    path: Path | None = None,
    preview: bool = True,
) -> Report:
    """Check a file without storing anything. Raises access.PermissionDenied."""
    with _session(con) as cur:
        return _check(cur, con, actor, data, file_name, lang, today, progress, path, preview)


def submit(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    data: bytes,
    file_name: str,
    *,
    lang: str = "en",
    today: date | None = None,
    progress: Progress | None = None,
    path: Path | None = None,
) -> Submitted:
    """Validate and, when the file is valid and new, store it as one pending submission.

    All or nothing: the rows and the submission are written in one transaction. Two uploads at
    the same moment are serialised: a write-write conflict is retried (the duplicate check runs
    again inside the new transaction), so both end stored, or the second is refused as the same
    content; never half of one.
    """
    with _session(con) as cur:
        report = _check(cur, con, actor, data, file_name, lang, today, progress, path, False)
        if not report.ok:
            return Submitted(report)
        _say(progress, 0.8, "progress.storing", lang, rows=report.rows)
        sid, earlier = _retrying(
            lambda: store.ingest_store(
                cur,
                organisation=actor.organisation,
                submitted_by=actor.label,
                file_name=file_name,
                sha256=report.sha256,
                rows=report.rows,
            )
        )
        _say(progress, 1.0, "progress.done", lang)
        if sid is None:
            report.duplicate_of = earlier
            return Submitted(report)
        return Submitted(report, sid, "pending")


def review(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    submission_id: int,
    *,
    approve: bool,
    comment: str | None = None,
) -> None:
    """Approve or reject a pending submission (officials; recorded in the audit log). A
    rejection says why: it needs a comment."""
    comment = (comment or "").strip() or None
    if not approve and comment is None:
        raise ValueError("a rejection needs a comment saying why")
    _retrying(lambda: access.review(con, actor, submission_id, approve=approve, comment=comment))
    from indicators.reporting import reminders  # the submitter hears of it (when mail is set up)

    reminders.tell_submitter(con, submission_id)


def _retrying(write):
    """Run a write transaction, again after a short random pause when another transaction
    wrote the same rows at the same moment (DuckDB's optimistic concurrency: the loser rolls
    back whole). Every attempt starts from the database as it is then."""
    for attempt in range(CONFLICT_ATTEMPTS):
        try:
            return write()
        except duckdb.TransactionException:
            if attempt == CONFLICT_ATTEMPTS - 1:
                raise IngestBusy(
                    "the database stayed busy with other writes; nothing was stored, try again"
                ) from None
            time.sleep(0.02 * 2**attempt * (1 + random.random()))
    raise AssertionError("unreachable")


def submissions_for(
    con: duckdb.DuckDBPyConnection, actor: access.Actor, *, status: str | None = None
) -> pd.DataFrame:
    """The submissions the actor may follow: a developer's organisation's, an official's all."""
    scope = access.organisation_scope(actor)
    return store.submissions(con, organisation=scope, status=status)


def submission_detail(
    con: duckdb.DuckDBPyConnection, actor: access.Actor, submission_id: int
) -> dict:
    """One submission with what it changes and the rows that miss a project requirement."""
    scope = access.organisation_scope(actor)
    row = store.submission(con, submission_id)
    if row is None:
        raise LookupError(f"submission {submission_id} does not exist")
    if scope is not None and row["organisation"] != scope:
        raise access.PermissionDenied(f"{actor.email} may not see submission {submission_id}")
    return {
        **row,
        "changes": store.submission_changes(con, submission_id),
        "requirement_failures": store.submission_requirement_failures(con, submission_id),
        "rows": store.submission_observations(con, submission_id),
    }


# --------------------------------------------------------------------------- the steps


@contextmanager
def _session(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private cursor (its temp tables are its own) for one upload."""
    cur = con.cursor()
    try:
        yield cur
    finally:
        cur.close()


def _say(progress: Progress | None, fraction: float, key: str, lang: str, **values) -> None:
    if progress is not None:
        progress(fraction, i18n.t(key, lang, **values))


def _check(
    cur: duckdb.DuckDBPyConnection,
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    data: bytes,
    file_name: str,
    lang: str,
    today: date | None,
    progress: Progress | None,
    path: Path | None,
    want_preview: bool,
) -> Report:
    access.require(actor, "submit", "submit figures")
    # the content hash is worked out beside the reading (hashlib and DuckDB both let go of
    # Python's lock), and is there before anything looks for an earlier upload of it
    with ThreadPoolExecutor(max_workers=1) as pool:
        digest = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        report = Report(file_name=file_name, sha256="", size=len(data), lang=i18n.normalise(lang))
        try:
            return _run_checks(
                cur,
                con,
                actor,
                data,
                report,
                today or date.today(),
                progress,
                path,
                digest,
                want_preview,
            )
        finally:
            report.sha256 = digest.result()


def _run_checks(
    cur: duckdb.DuckDBPyConnection,
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    data: bytes,
    report: Report,
    today: date,
    progress: Progress | None,
    path: Path | None,
    digest: Future,
    want_preview: bool,
) -> Report:
    started = time.perf_counter()
    lang = report.lang
    _say(progress, 0.05, "progress.reading", lang)
    with tempfile.TemporaryDirectory(prefix="ingest-") as workdir:
        try:
            source = prepare_csv(data, Path(workdir), original=path)
        except FileProblem as problem:
            return _finish(report, started, [_file_error(problem, lang)])
        report.encoding, report.delimiter = source.encoding, source.delimiter
        positions, header_errors, report.warnings = _header(source, lang)
        if header_errors:
            return _finish(report, started, header_errors)
        try:
            records, typed = _stage(cur, source, positions)
        except _Rejected as rejected:
            return _finish(report, started, rejected.errors(source, lang))
        except FileProblem as problem:
            return _finish(report, started, [_file_error(problem, lang)])
        report.rows = store.ingest_rows(cur)
        if report.rows == 0:
            error = _error(source.header_line, None, None, "no_rows", lang)
            return _finish(report, started, [error])
        lines = _Lines(source, records)
        _say(progress, 0.3, "progress.checking", lang, rows=report.rows)
        store.ingest_prepare(cur, today=today)
        _permissions(cur, con, actor, source, lines, lang)
        found = store.ingest_errors(cur, has_value_column="value" in positions)
        if typed and not found.empty:
            # the report quotes each cell as written: read the numbers again as text
            _stage(cur, source, positions, typed=False)
            store.ingest_prepare(cur, today=today)
            found = store.ingest_errors(cur, has_value_column="value" in positions)
    _say(progress, 0.7, "progress.checking", lang, rows=report.rows)
    if found.empty:
        report.duplicate_of = store.submission_by_sha(con, digest.result())
        if want_preview:
            report.preview = store.ingest_preview(cur)
            report.requirement_failures = store.ingest_requirement_failures(cur)
    report.errors = _describe(found, source, lines, lang)
    report.seconds = time.perf_counter() - started
    return report


def _finish(report: Report, started: float, errors: list[RowError]) -> Report:
    report.errors = pd.DataFrame(
        [
            {
                "line": e.line,
                "column": e.column,
                "value": e.value,
                "reason": e.reason,
                "code": "",
                "severity": "error",
            }
            for e in errors
        ],
        columns=ERROR_COLUMNS,
    )
    report.seconds = time.perf_counter() - started
    return report


def _error(line, column, value, code: str, lang: str, /, **values) -> RowError:
    return RowError(
        line=line, column=column, value=value, reason=i18n.t(f"rule.{code}", lang, **values)
    )


def _file_error(problem: FileProblem, lang: str) -> RowError:
    return RowError(reason=i18n.t(f"rule.{problem.code}", lang, **problem.values))


def _header(source: Source, lang: str) -> tuple[dict[str, int], list[RowError], list[RowError]]:
    """Column positions by our name; header errors; warnings (ignored columns)."""
    line = source.header_line
    names = [normalise_name(h) for h in source.header]
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    warnings: list[RowError] = []
    for index, name in enumerate(names):
        if name in KNOWN_COLUMNS:
            if name in positions:
                errors.append(
                    _error(
                        line,
                        source.header[index].strip(),
                        None,
                        "header_duplicate",
                        lang,
                        column=name,
                    )
                )
            else:
                positions[name] = index
    absent = [c for c in KNOWN_COLUMNS if c not in positions]
    for index, name in enumerate(names):
        if name in KNOWN_COLUMNS:
            continue
        written = source.header[index].strip()
        if not name:
            warnings.append(
                RowError(
                    line=line,
                    column=None,
                    reason=i18n.t("rule.header_unnamed", lang, number=index + 1),
                    severity="warning",
                )
            )
            continue
        close = difflib.get_close_matches(name, absent, n=1, cutoff=0.75)
        if close:
            errors.append(
                _error(
                    line,
                    written,
                    written,
                    "header_unknown_error",
                    lang,
                    column=written,
                    suggestion=close[0],
                )
            )
        else:
            warnings.append(
                RowError(
                    line=line,
                    column=written,
                    value=written,
                    reason=i18n.t("rule.header_unknown", lang, column=written),
                    severity="warning",
                )
            )
    required = ", ".join(("project", *REQUIRED, "value"))
    for column in REQUIRED:
        if column not in positions:
            errors.append(
                _error(line, column, None, "header_missing", lang, column=column, required=required)
            )
    if "project" not in positions and "district" not in positions:
        errors.append(_error(line, "project", None, "header_missing_place", lang))
    if not {"value", "numerator", "denominator"} & set(positions):
        errors.append(_error(line, "value", None, "header_missing_value", lang))
    return positions, errors, warnings


class _Rejected(Exception):
    """DuckDB's reader set records aside (ragged rows, unterminated quotes)."""

    def __init__(self, rejects: pd.DataFrame, expected: int):
        super().__init__("malformed records")
        self.rejects = rejects
        self.expected = expected

    def errors(self, source: Source, lang: str) -> list[RowError]:
        lines = line_at_byte(source, [int(p) for p in self.rejects["byte_position"]])
        out = []
        for line, r in zip(lines, self.rejects.itertuples(), strict=True):
            message = str(r.error_message)
            found = re.search(r"Found:\s*(\d+)", message)
            if r.error_type in ("MISSING COLUMNS", "TOO MANY COLUMNS") and found:
                code = "ragged_missing" if r.error_type == "MISSING COLUMNS" else "ragged_extra"
                column = None
                if r.error_type == "TOO MANY COLUMNS":
                    column = f"#{self.expected + 1}"
                out.append(
                    _error(
                        line,
                        column,
                        _clip(r.csv_line),
                        code,
                        lang,
                        found=found.group(1),
                        expected=self.expected,
                    )
                )
            elif r.error_type == "UNQUOTED VALUE":
                out.append(_error(line, None, _clip(r.csv_line), "unterminated_quote", lang))
            else:
                out.append(
                    _error(line, None, _clip(r.csv_line), "unreadable", lang, detail=message)
                )
        # one message per record: DuckDB may report a record once per column it missed
        unique = {(e.line, e.reason): e for e in out}
        return sorted(unique.values(), key=lambda e: e.line or 0)


def _clip(text, limit: int = 200) -> str | None:
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    text = str(text).strip("\r\n")
    return text if len(text) <= limit else text[:limit] + "…"


def _stage(
    cur: duckdb.DuckDBPyConnection,
    source: Source,
    positions: dict[str, int],
    *,
    typed: bool = True,
) -> tuple[int, bool]:
    """Read the file into the staging table; (records, whether the numbers were read typed).

    First with DuckDB parsing the number columns itself (fast); a cell that is not such a
    number (thousands separators, a decimal point in a `;` file, a typo) makes the read fail, and
    the file is read again with every cell as text, which the checks then judge cell by cell.
    """
    options = dict(
        delimiter=source.delimiter,
        positions=positions,
        n_columns=len(source.header),
        skip_lines=source.skip_lines,
        decimal_comma=source.decimal_comma,
    )
    if typed and source.kind == "csv":
        try:
            return store.ingest_stage(cur, source.path, typed=True, **options), True
        except (duckdb.InvalidInputException, duckdb.ConversionException):
            pass
    try:
        return store.ingest_stage(cur, source.path, **options), False
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        first = exc
    # read again, setting malformed records aside (DuckDB's rejects table) to name them all
    store.ingest_stage(cur, source.path, capture_rejects=True, **options)
    rejects = store.ingest_rejects(cur)
    if rejects.empty:  # nothing set aside: the failure was not about records
        raise FileProblem("unreadable_file", detail=str(first).splitlines()[0]) from None
    raise _Rejected(rejects, len(source.header))


class _Lines:
    """Record number -> spreadsheet line, worked out only when a message needs a line."""

    def __init__(self, source: Source, records: int):
        self.source, self.records = source, records
        self._map: np.ndarray | None = None
        self._simple: bool | None = None

    def __call__(self, rids) -> np.ndarray:
        rids = np.asarray(rids, dtype=np.int64)
        if self._simple is None:
            self._simple = simple_layout(self.source, self.records)
            if not self._simple:
                lines = lines_of_records(self.source)
                if len(lines) < self.records:  # not with DuckDB's RFC 4180 reading; stay usable
                    start = lines[-1] + 1 if len(lines) else self.source.header_line + 1
                    lines = np.concatenate((lines, np.arange(self.records - len(lines)) + start))
                self._map = lines
        if self._simple:
            return rids + self.source.header_line
        return self._map[rids - 1]


def _permissions(cur, con, actor: access.Actor, source: Source, lines, lang: str) -> None:
    if not access.can(actor, "submit_district"):
        total, first = store.ingest_district_rows(cur)
        if total:
            shown = ", ".join(str(n) for n in lines(first))
            if total > len(first):
                shown += " …"
            raise access.PermissionDenied(i18n.t("rule.district_rows", lang, lines=shown))
    if actor.role != "official":
        access.require_own_projects(con, actor, store.ingest_foreign(cur, actor.organisation))


def _number(text, lang: str) -> str:
    """A number in a message: as short as exact enough, with the language's decimal mark."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        return "" if text is None else str(text)
    shown = f"{value:.4f}".rstrip("0").rstrip(".")
    return shown.replace(".", i18n.decimal_separator(lang))


def _describe(found: pd.DataFrame, source: Source, lines, lang: str) -> pd.DataFrame:
    """SQL's (rid, col, code, p1, p2) -> the report's (line, column, value, reason)."""
    if found.empty:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    header_text = {normalise_name(h): h.strip() for h in source.header}
    found = found.copy()
    found["line"] = lines(found["rid"])
    duplicate = found["code"] == "duplicate"
    if duplicate.any():
        first = found.loc[duplicate, "p1"].astype("int64")
        found.loc[duplicate, "p1"] = lines(first).astype(str)
    templates = {code: i18n.t(f"rule.{code}", lang) for code in found["code"].unique()}
    reasons = []
    for code, value, p1, p2 in zip(
        found["code"], found["value"], found["p1"], found["p2"], strict=True
    ):
        if code in _NUMERIC_PARAMS:
            p1 = _number(p1, lang)
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
        reasons.append(
            templates[code].format(
                value=text, p1="" if p1 is None else p1, p2="" if p2 is None else p2
            )
        )
    return pd.DataFrame(
        {
            "line": found["line"].astype("int64"),
            "column": found["col"].map(lambda c: header_text.get(c, c)),
            "value": found["value"].astype(object).where(found["value"].notna(), None),
            "reason": reasons,
            "code": found["code"],
            "severity": "error",
        }
    )[ERROR_COLUMNS]
