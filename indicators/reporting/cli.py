"""CLI commands of the compliance upload (registered in indicators.cli.EXTENSIONS):

    python -m indicators import FILE --as EMAIL [--dry-run] [--report ERRORS.csv] [--json]
    python -m indicators review SUBMISSION_ID --as EMAIL --approve|--reject [--comment TEXT]
    python -m indicators submissions --as EMAIL [--status pending] [--json]
    python -m indicators template --as EMAIL --out FILE [--year YYYY] [--lang fi] [--all]

They call the same functions as pages/upload.py and pages/submissions.py (indicators.reporting.ingest,
indicators.reporting.templates). Exit codes: 0 stored / done, 1 rejected, 2 usage, 3 not permitted.
The database is untouched unless `import` exits 0. `import --json` prints one object with
"errors" and "warnings" (each item: line, column, value, reason), also for a rejected file;
plausibility warnings never change the exit code. Approving a submission with plausibility
flags needs --comment.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from indicators import access, cli, i18n, store
from indicators.reporting import ingest, templates

SHOWN_ERRORS = 50
PROGRESS_FROM_BYTES = 20_000_000


def _actor(con, email: str) -> access.Actor:
    actor = access.actor_for(con, email)
    if actor.unknown_login or actor.role == "public":
        raise cli.CliError(
            f"{email} is not a registered user; an official adds it with: users add", 3
        )
    return actor


def _open_waiting(args):
    """Open the database for writing, waiting up to --wait seconds while another process holds
    it (two imports at once run one after the other, never interleaved)."""
    deadline = time.monotonic() + max(args.wait, 0)
    while True:
        try:
            return cli._open(args, write=True)
        except cli.CliError as exc:
            if "in use" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


def _progress(enabled: bool):
    if not enabled:
        return None

    def show(fraction: float, message: str) -> None:
        print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)

    return show


def _print_errors(report: ingest.Report) -> None:
    for error in report.row_errors(SHOWN_ERRORS):
        print(str(error), file=sys.stderr)
    if report.error_count > SHOWN_ERRORS:
        print(
            f"... and {report.error_count - SHOWN_ERRORS} more problems"
            + ("" if report.error_count <= SHOWN_ERRORS else " (the full list: --report FILE)"),
            file=sys.stderr,
        )


def cmd_import(args) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise cli.CliError(f"no such file: {path}", 2)
    data = path.read_bytes()
    con = _open_waiting(args)
    actor = _actor(con, args.as_email)
    options = dict(
        lang=args.lang,
        progress=_progress(args.progress or len(data) > PROGRESS_FROM_BYTES),
        path=path.resolve(),
    )
    if args.dry_run:
        report = ingest.validate(con, actor, data, path.name, **options)
        result = ingest.Submitted(report)
    else:
        try:
            result = ingest.submit(con, actor, data, path.name, flags=True, **options)
        except ingest.IngestBusy as busy:
            raise cli.CliError(str(busy), 1) from None
        report = result.report
    if args.report:
        Path(args.report).write_bytes(report.error_csv())
    if args.json:
        _print_import_json(args, result)
    else:
        _print_warnings(report)
    if not report.valid:
        if not args.json:
            _print_errors(report)
        count = f"{report.error_count} problem" + ("" if report.error_count == 1 else "s")
        if report.error_count >= store.MAX_ERRORS:  # the checks stop listing there
            count = f"{report.error_count} problems or more"
        raise cli.CliError(f"{path.name} was rejected: {count}; nothing was stored", 1)
    if report.duplicate_of is not None:
        earlier = report.duplicate_of
        raise cli.CliError(
            f"{path.name} was already submitted as submission {earlier['id']} "
            f"({earlier['status']}, {earlier['submitted_at']:%Y-%m-%d %H:%M}); nothing was stored",
            1,
        )
    if args.json:
        return
    if args.dry_run:
        print(f"{path.name}: {report.rows} rows are valid; nothing was stored (--dry-run)")
        if report.preview is not None and not report.preview.empty:
            columns = ["reported_for", "indicator", "rows", "new_rows", "replaces", "last_period"]
            print(report.preview[columns].head(SHOWN_ERRORS).to_string(index=False))
            if len(report.preview) > SHOWN_ERRORS:
                print(f"... and {len(report.preview) - SHOWN_ERRORS} more projects x indicators")
    else:
        print(
            f"submission {result.submission_id}: {report.rows} rows stored, status {result.status}"
        )
    if report.blank_rows:
        print(
            f"{report.blank_rows} empty rows (no value, numerator or denominator) were not"
            " submitted: they count as not reported yet"
        )


def _print_warnings(report: ingest.Report) -> None:
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    items = report.items()["warnings"][len(report.warnings) :]
    for item in items[:SHOWN_ERRORS]:
        print(
            f"warning: line {item['line']}, column {item['column']}: {item['reason']}",
            file=sys.stderr,
        )
    if report.flag_count > min(len(items), SHOWN_ERRORS):
        print(
            f"warning: ... {report.flag_count} plausibility warnings in all"
            " (the first of them: --report FILE)",
            file=sys.stderr,
        )


def _print_import_json(args, result: ingest.Submitted) -> None:
    """One object: the outcome, and every error and warning with line, column, value, reason."""
    report = result.report
    status = result.status or ("valid" if report.ok else "rejected")
    if report.valid and report.duplicate_of is not None:
        status = "duplicate"
    cli._print_json(
        {
            "submission": result.submission_id,
            "status": status,
            "rows": report.rows,
            "blank_rows": report.blank_rows,
            "dry_run": bool(args.dry_run),
            "plausibility_flags": report.flag_count,
            **report.items(),
        }
    )


def cmd_review(args) -> None:
    if args.reject and not (args.comment or "").strip():
        raise cli.CliError("a rejection needs --comment saying why", 2)
    con = _open_waiting(args)
    actor = _actor(con, args.as_email)
    try:
        ingest.review(con, actor, args.submission_id, approve=args.approve, comment=args.comment)
    except ingest.IngestBusy as busy:
        raise cli.CliError(str(busy), 1) from None
    except store.FlaggedNeedsComment as flagged:
        raise cli.CliError(f"{flagged}: add --comment TEXT", 2) from None
    print(f"submission {args.submission_id} {'approved' if args.approve else 'rejected'}")


def cmd_submissions(args) -> None:
    con = cli._open(args, write=False)
    actor = _actor(con, args.as_email)
    frame = ingest.submissions_for(con, actor, status=args.status)
    columns = [
        "id",
        "submitted_at",
        "submitted_by",
        "file_name",
        "row_count",
        "status",
        "reviewer",
        "comment",
    ]
    if args.json:
        cli._print_json(cli._records(frame[columns]))
    else:
        print(frame[columns].to_string(index=False) if not frame.empty else "no submissions")


def cmd_template(args) -> None:
    con = cli._open(args, write=False)
    actor = _actor(con, args.as_email)
    content, rows = templates.template_csv(
        con,
        actor,
        year=args.year,
        lang=args.lang,
        district_level=args.district_level,
        only_missing=not args.all,
    )
    Path(args.out).write_bytes(content)
    print(f"{rows} rows written to {args.out}")


def register(sub) -> None:
    s = sub.add_parser("import", help="validate a compliance CSV/XLSX and store it for review")
    s.add_argument("file")
    s.add_argument(
        "--as",
        dest="as_email",
        required=True,
        metavar="EMAIL",
        help="the registered user who submits",
    )
    s.add_argument("--dry-run", action="store_true", help="validate only; store nothing")
    s.add_argument("--report", metavar="ERRORS.csv", help="write every problem to this CSV")
    s.add_argument("--lang", default="en", choices=i18n.LANGUAGES)
    s.add_argument("--progress", action="store_true", help="print progress on stderr")
    s.add_argument("--json", action="store_true")
    s.add_argument(
        "--wait",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="how long to wait while another process writes (default 10)",
    )
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("review", help="approve or reject a pending submission")
    s.add_argument("submission_id", type=int)
    s.add_argument("--as", dest="as_email", required=True, metavar="EMAIL")
    decision = s.add_mutually_exclusive_group(required=True)
    decision.add_argument("--approve", action="store_true")
    decision.add_argument("--reject", action="store_true")
    s.add_argument("--comment")
    s.add_argument("--wait", type=float, default=10.0, metavar="SECONDS")
    s.set_defaults(func=cmd_review)

    s = sub.add_parser("submissions", help="submissions and their review status")
    s.add_argument("--as", dest="as_email", required=True, metavar="EMAIL")
    s.add_argument("--status", choices=["pending", "approved", "rejected"])
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_submissions)

    s = sub.add_parser("template", help="a pre-filled compliance CSV of the rows due")
    s.add_argument("--as", dest="as_email", required=True, metavar="EMAIL")
    s.add_argument("--out", required=True)
    s.add_argument("--year", type=int, help="reporting year (default: last year)")
    s.add_argument(
        "--lang",
        default="en",
        choices=i18n.LANGUAGES,
        help="fi and sv: Excel's ; and decimal comma",
    )
    s.add_argument(
        "--district-level", action="store_true", help="district-level figures (officials)"
    )
    s.add_argument("--all", action="store_true", help="every row, also those already reported")
    s.set_defaults(func=cmd_template)


if register not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(register)
