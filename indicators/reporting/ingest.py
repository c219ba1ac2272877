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
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from indicators import access, i18n, store
from indicators.models import RowError
from indicators.reporting import plausibility
from indicators.reporting.reading import (
    KNOWN_COLUMNS,
    FileProblem,
    Source,
    line_at_byte,
    lines_of_records,
    normalise_name,
    prepare_csv,
    ragged_records,
    simple_layout,
)
from indicators.reporting.report import ERROR_COLUMNS, Report, Submitted

Progress = Callable[[float, str], None]

REQUIRED = ("indicator", "period")
# codes whose parameters are numbers, shown in the reader's language
_NUMERIC_PARAMS = {
    "below_min",
    "above_max",
    "value_disagrees",
    "numerator_above_denominator",
}
_LARGE_PARAMS = {"too_large", "ratio_too_large"}  # 1e12, shown with its thousands grouped
# a digit, an underscore, a digit: `1_000`, which DuckDB's number reader takes for 1000
_DIGIT, _UNDERSCORE = np.uint8(ord("0")), np.uint8(ord("_"))
CONFLICT_ATTEMPTS = 8
# this many ragged records are reported from a streaming scan; fewer go to DuckDB's rejects
# table, which also names unterminated quotes but costs much more for each bad line
MAX_RAGGED = 100


class IngestBusy(RuntimeError):
    """Another write kept the database busy through every retry; nothing was stored."""


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
    flags: bool = True,
) -> Report:
    """Check a file without storing anything; a valid file's plausibility flags are its
    warnings. Raises access.PermissionDenied."""
    with _session(con) as cur:
        return _check(cur, con, actor, data, file_name, lang, today, progress, path, preview, flags)


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
    flags: bool = False,
) -> Submitted:
    """Validate and, when the file is valid and new, store it as one pending submission
    (with `flags`, the report has the plausibility warnings too; they never stop it).

    All or nothing: the rows and the submission are written in one transaction. Two uploads at
    the same moment are serialised: a write-write conflict is retried (the duplicate check runs
    again inside the new transaction), so both end stored, or the second is refused as the same
    content; never half of one.
    """
    with _session(con) as cur:
        report = _check(cur, con, actor, data, file_name, lang, today, progress, path, False, flags)
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
    """The submissions the actor may follow: a developer's organisation's, an official's all.
    An official's have `flags`: each pending submission's plausibility flags (the queue marks
    the ones that need a closer look)."""
    scope = access.organisation_scope(actor)
    frame = store.submissions(con, organisation=scope, status=status)
    if access.can(actor, "review"):
        counts = store.pending_flag_counts(con)
        frame["flags"] = frame["id"].map(counts).astype("Int64")
    return frame


def submission_detail(
    con: duckdb.DuckDBPyConnection, actor: access.Actor, submission_id: int
) -> dict:
    """One submission with what it changes, the rows that miss a project requirement, and
    every row as the reviewer reads it (`review_rows`: the figure that counts now, the new one,
    the change and its plausibility flags, flagged rows first; `flagged_rows` and `flag_count`
    count them all)."""
    scope = access.organisation_scope(actor)
    row = store.submission(con, submission_id)
    if row is None:
        raise LookupError(f"submission {submission_id} does not exist")
    if scope is not None and row["organisation"] != scope:
        raise access.PermissionDenied(f"{actor.email} may not see submission {submission_id}")
    rows, flagged, flags = store.submission_review_rows(con, submission_id)
    return {
        **row,
        "changes": store.submission_changes(con, submission_id),
        "requirement_failures": store.submission_requirement_failures(con, submission_id),
        "review_rows": rows,
        "flagged_rows": flagged,
        "flag_count": flags,
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
    want_flags: bool,
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
                want_flags,
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
    want_flags: bool,
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
        if source.problems:
            return _finish(report, started, [_file_error(p, lang) for p in source.problems])
        positions, header_errors, report.warnings = _header(source, lang)
        if header_errors:
            return _finish(report, started, header_errors)
        try:
            records, typed = _stage(cur, source, positions)
        except _Rejected as rejected:
            return _finish(report, started, rejected.errors(source, lang))
        except FileProblem as problem:
            return _finish(report, started, [_file_error(problem, lang)])
        report.rows, report.blank_rows = store.ingest_rows(cur)
        if report.rows == 0:
            if report.blank_rows:
                error = _error(None, None, None, "all_blank", lang, blank=report.blank_rows)
            else:
                error = _error(source.header_line, None, None, "no_rows", lang)
            return _finish(report, started, [error])
        lines = _Lines(source, records)
        _say(progress, 0.3, "progress.checking", lang, rows=report.rows)
        store.ingest_prepare(cur, today=today)
        _permissions(cur, con, actor, source, lines, lang)
        rules = dict(has_value_column="value" in positions)
        found = store.ingest_errors(cur, **rules)
        if typed and not found.empty:
            # the report quotes each cell as written: read the numbers again as text
            _stage(cur, source, positions, typed=False)
            store.ingest_prepare(cur, today=today)
            found = store.ingest_errors(cur, **rules)
    _say(progress, 0.7, "progress.checking", lang, rows=report.rows)
    if found.empty:
        report.duplicate_of = store.submission_by_sha(con, digest.result())
        if want_preview:
            report.preview = store.ingest_preview(cur)
            report.requirement_failures = store.ingest_requirement_failures(cur)
        if want_flags:
            flags, report.flag_count = store.ingest_flags(cur, plausibility.WARNINGS_LISTED)
            report.flags = plausibility.warnings(flags, lines, lang)
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
    return RowError(
        line=problem.line,
        column=problem.column,
        value=problem.value,
        reason=i18n.t(problem.key, lang, value=problem.value, **_counts_in(problem.values, lang)),
    )


def _counts_in(values: dict, lang: str) -> dict:
    """Whole numbers in a reason (limits, counts) grouped as the language writes them."""
    return {
        key: i18n.format_number(value, lang) if type(value) is int else value
        for key, value in values.items()
    }


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
                code = _ragged_code(int(found.group(1)), self.expected)
                # the first column the short row misses, or the first one too many
                column = None
                if r.error_type == "MISSING COLUMNS" and int(found.group(1)) < len(source.header):
                    column = source.header[int(found.group(1))].strip() or None
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
        # one message per record: DuckDB reports a short record once per column it misses
        # (the first of them gives the record's own count), so keep each line's first
        unique: dict = {}
        for error in out:
            unique.setdefault(error.line, error)
        return sorted(unique.values(), key=lambda e: e.line or 0)


class _Ragged(_Rejected):
    """Records with another number of fields than the header (found without DuckDB)."""

    def __init__(self, ragged: list[tuple[int, int, str]], expected: int):
        Exception.__init__(self, "ragged records")
        self.ragged, self.expected = ragged, expected

    def errors(self, source: Source, lang: str) -> list[RowError]:
        return [
            _error(
                line,
                f"#{self.expected + 1}" if found > self.expected else None,
                _clip(text),
                _ragged_code(found, self.expected),
                lang,
                found=found,
                expected=self.expected,
            )
            for line, found, text in self.ragged
        ]


def _ragged_code(found: int, expected: int) -> str:
    if found > expected:
        return "ragged_extra"
    return "ragged_one" if found == 1 else "ragged_missing"


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
    if typed and source.kind == "csv" and not _digit_underscore_digit(source.data):
        try:
            return store.ingest_stage(cur, source.path, typed=True, **options), True
        except (duckdb.InvalidInputException, duckdb.ConversionException):
            pass
    try:
        return store.ingest_stage(cur, source.path, **options), False
    except (duckdb.InvalidInputException, duckdb.ConversionException) as exc:
        first = exc
    except duckdb.Error as exc:  # no DuckDB message (with its SQL) reaches the user whole
        raise FileProblem("unreadable_file", detail=str(exc).splitlines()[0][:200]) from None
    # many ragged lines: name the first of them without DuckDB's rejects table (bounded time)
    ragged = ragged_records(source, MAX_RAGGED)
    if len(ragged) >= MAX_RAGGED:
        raise _Ragged(ragged, len(source.header))
    # read again, setting malformed records aside (DuckDB's rejects table) to name them all
    store.ingest_stage(cur, source.path, capture_rejects=True, **options)
    rejects = store.ingest_rejects(cur)
    if rejects.empty:  # nothing set aside: the failure was not about records
        raise FileProblem("unreadable_file", detail=str(first).splitlines()[0]) from None
    raise _Rejected(rejects, len(source.header))


def _digit_underscore_digit(data: bytes) -> bool:
    """Whether `1_000` may be in the file: DuckDB's typed reader would take it for 1000, so
    such a file is read as text, where every cell is judged as written. Vectorised."""
    arr = np.frombuffer(data, dtype=np.uint8)
    at = np.flatnonzero(arr[1:-1] == _UNDERSCORE) + 1
    return bool(np.any(((arr[at - 1] - _DIGIT) < 10) & ((arr[at + 1] - _DIGIT) < 10)))


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
        if code in _LARGE_PARAMS:
            p1 = i18n.format_number(float(p1), lang, 0)
        elif code in _NUMERIC_PARAMS:
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
