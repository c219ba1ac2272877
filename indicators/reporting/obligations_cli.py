"""CLI commands of the reporting obligations (registered in indicators.cli.EXTENSIONS):

    python -m indicators due [--org ORG] [--district ID] [--today YYYY-MM-DD] [--as EMAIL] --json
    python -m indicators remind [--today YYYY-MM-DD] [--dry-run]

`due` lists every obligation (received, due or overdue); `--as` reads as that registered user
(a developer sees only its own organisation's). `remind` mails each developer organisation's
people what is overdue and due within 30 days (run it daily from cron or a systemd timer);
without SMTP settings it says so and exits 1, and `--dry-run` only prints what would be sent.
"""

from __future__ import annotations

import sys
from datetime import date

from indicators import access, cli, store
from indicators.reporting import mail, obligations, reminders


def _today(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise cli.CliError(f"--today {text!r} is not a date: write YYYY-MM-DD", 2) from None


def _actor(con, email: str | None) -> access.Actor:
    if email is None:
        return access.SYSTEM
    actor = access.actor_for(con, email)
    if actor.unknown_login:
        raise cli.CliError(
            f"{email} is not a registered user; an official adds it with: users add", 3
        )
    return actor


def cmd_due(args) -> None:
    con = cli._open(args, write=False)
    actor = _actor(con, args.as_email)
    if args.org and args.org not in set(store.organisations(con)["id"]):
        raise cli.CliError(f"unknown organisation {args.org!r} (see: projects --json)", 1)
    if args.district and args.district not in set(store.districts(con)["id"]):
        raise cli.CliError(f"unknown district {args.district!r}", 1)
    selection = dict(
        organisation=args.org,
        district=args.district,
        today=_today(args.today),
        statuses=tuple(args.status) if args.status else store.OBLIGATION_STATUSES,
    )
    if args.json:
        print(obligations.due_json(con, actor, **selection))
        return
    frame = obligations.due(con, actor, **selection)
    if frame.empty:
        print("no obligations")
        return
    shown = frame[obligations.DUE_FIELDS]
    print(shown.to_string(index=False))
    counts = frame["status"].value_counts()
    print(", ".join(f"{counts.get(s, 0)} {s}" for s in store.OBLIGATION_STATUSES))


def cmd_remind(args) -> None:
    today = _today(args.today)
    con = cli._open(args, write=not args.dry_run)
    try:
        planned = reminders.run(con, access.SYSTEM, today=today, dry_run=args.dry_run)
    except mail.MailNotConfigured as exc:
        raise cli.CliError(str(exc), 1) from None
    except mail.MailSettingsError as exc:
        raise cli.CliError(f"mail settings: {exc}", 1) from None
    except OSError as exc:
        raise cli.CliError(f"the mail server could not be reached: {exc}", 1) from None
    if args.dry_run:
        for reminder in planned.send:
            print(f"To: {reminder.email}\nSubject: {reminder.subject}\n\n{reminder.body}")
            print("-" * 72)
    for email, reason in planned.skipped:
        print(f"not reminded: {email} ({reason})", file=sys.stderr)
    verb = "would be sent (--dry-run)" if args.dry_run else "sent"
    print(f"{len(planned.send)} reminders {verb} for {today.isoformat()}")


def register(sub) -> None:
    s = sub.add_parser("due", help="reporting obligations: received, due and overdue")
    s.add_argument("--org", help="one organisation")
    s.add_argument("--district", help="one district")
    s.add_argument("--today", metavar="YYYY-MM-DD", help="the day to judge by (default: today)")
    s.add_argument("--status", action="append", choices=store.OBLIGATION_STATUSES)
    s.add_argument("--as", dest="as_email", metavar="EMAIL", help="read as this registered user")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_due)

    s = sub.add_parser("remind", help="mail developers what is overdue or due within 30 days")
    s.add_argument("--today", metavar="YYYY-MM-DD", help="the day to judge by (default: today)")
    s.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    s.set_defaults(func=cmd_remind)


if register not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(register)
