"""`python -m indicators publish --out PATH`: a snapshot database for a public instance.

The snapshot holds the catalog, districts, organisations, projects, district targets and the
approved figures, nothing else (no user table, no pending or rejected data, no e-mail
addresses). A public instance serves it read-only (INDICATORS_PUBLIC=1
INDICATORS_DB=PATH) while the officials' instance keeps writing to its own database.

Publishing only reads the source database, so it also runs where INDICATORS_PUBLIC=1; it never
writes into the database it reads.
"""

from __future__ import annotations

from pathlib import Path

from indicators import access, cli, store


def cmd_publish(args) -> None:
    path = store.db_path(args.db)
    if not store.database_exists(path):
        raise cli.CliError(
            f"database {path} does not exist; create it with: python -m indicators init --demo"
        )
    out = Path(args.out)
    if out.exists() and isinstance(path, Path) and out.resolve() == path.resolve():
        raise cli.CliError(f"{out} is the database being published; choose another --out", 2)
    con = cli._open(args, write=False)
    try:
        counts = access.publish(con, access.SYSTEM, out)
    finally:
        con.close()
    print(
        f"snapshot written to {out}: {counts['observation']} approved observations, "
        f"{counts['indicator']} indicators, {counts['district']} districts, "
        f"{counts['target']} targets"
    )
    print(f"serve it with: INDICATORS_PUBLIC=1 INDICATORS_DB={out} streamlit run dashboard.py")


def register(subparsers) -> None:
    s = subparsers.add_parser(
        "publish",
        help="write a snapshot database of the catalog and approved figures for a public instance",
    )
    s.add_argument("--out", required=True, help="the snapshot file to write (replaced if present)")
    s.set_defaults(func=cmd_publish)


if register not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(register)
