"""python -m indicators report --district ID --year YYYY [--lang fi|sv|en] [--format pdf|html]
[--pending --as EMAIL] --out FILE: one district's yearly report.

The public version (approved figures) needs no log-in; `--pending` includes figures pending
approval and needs an official (`--as`), and every page then says so. The file is written
beside FILE and moved into place whole, so a failed run leaves no half-written report.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from indicators import access, cli, i18n

from . import FORMATS, filename, make


def cmd_report(args) -> None:
    out = Path(args.out)
    if out.is_dir():
        out = out / filename(args.district, args.year, i18n.normalise(args.lang), args.format)
    if not out.parent.is_dir():
        raise cli.CliError(f"folder {out.parent} does not exist", 2)
    con = cli._open(args, write=False)
    try:
        actor = access.actor_for(con, args.as_email) if args.as_email else access.PUBLIC
        if args.as_email and actor.unknown_login:
            raise cli.CliError(f"{args.as_email} is not a user of this instance", 3)
        data = make(
            con,
            actor,
            district=args.district,
            year=args.year,
            lang=args.lang,
            format=args.format,
            include_pending=args.pending,
        )
    except RuntimeError as exc:  # no PDF renderer or no browser on this machine
        raise cli.CliError(f"{exc}; --format html works without it") from None
    finally:
        con.close()
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(f"report written to {out} ({len(data):,} bytes)")


def _year(text: str) -> int:
    if not text.isdigit() or not 1900 <= int(text) <= 2200:
        raise ValueError(f"not a year: {text!r}")
    return int(text)


def register(subparsers) -> None:
    s = subparsers.add_parser("report", help="one district's yearly report as PDF or HTML")
    s.add_argument("--district", required=True, help="district id (see: status --json)")
    s.add_argument("--year", required=True, type=_year, help="the report's year (YYYY)")
    s.add_argument("--lang", default="en", choices=i18n.LANGUAGES, help="language (default en)")
    s.add_argument("--format", default="pdf", choices=FORMATS, help="pdf (default) or html")
    s.add_argument("--out", required=True, help="the file to write (or a folder)")
    s.add_argument(
        "--pending",
        action="store_true",
        help="include figures pending approval (officials only, with --as); every page says so",
    )
    s.add_argument("--as", dest="as_email", metavar="EMAIL", help="who asks (for --pending)")
    s.set_defaults(func=cmd_report)


if register not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(register)
