"""`python -m indicators compact [--json]`: merge the lake's small Parquet files and delete the
ones no snapshot needs (DuckLake's own merge and cleanup). Run it on a schedule (the systemd
timer in deploy/) from one machine; on a DuckDB file there is nothing to do."""

from __future__ import annotations

from indicators import cli, store


def cmd_compact(args) -> None:
    target = store.db_path(args.db)
    if not store.is_lake(target):
        print(f"database {target} is a DuckDB file: nothing to compact")
        return
    con = cli._open(args, write=True)
    try:
        counts = store.compact(con)
    finally:
        con.close()
    if args.json:
        cli._print_json(counts)
    else:
        print(f"lake compacted: {counts['files_before']} data files -> {counts['files_after']}")


def register(subparsers) -> None:
    s = subparsers.add_parser(
        "compact", help="DuckLake: merge small data files and delete the ones no longer needed"
    )
    s.add_argument("--json", action="store_true", help="the file counts as JSON")
    s.set_defaults(func=cmd_compact)


if register not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(register)
