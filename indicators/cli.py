"""python -m indicators [--db PATH] COMMAND ...: the app's operations, for officials who automate.

Errors are one clear line on stderr and a non-zero exit (1 rejected/failed, 2 usage,
3 not permitted), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import duckdb
import pandas as pd
from pydantic import ValidationError

from indicators import access, catalog, demo, exports, published, store
from indicators.models import User


class CliError(Exception):
    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=1, default=str))


def _records(frame: pd.DataFrame) -> list[dict]:
    """DataFrame -> JSON-ready records (NaN -> null, numpy scalars -> Python)."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def _open(args, *, write: bool) -> duckdb.DuckDBPyConnection:
    if write and store.public_mode():
        raise CliError(
            "this instance runs in public mode (INDICATORS_PUBLIC=1): the database is read-only, "
            "so this command cannot run here",
            3,
        )
    path = store.db_path(args.db)
    if not write and not store.database_exists(path):
        raise CliError(
            f"database {path} does not exist; create it with: python -m indicators init --demo"
        )
    try:
        # a read command never needs to write: it works on a read-only file (and beside a
        # public instance's readers)
        return store.connect(path, read_only=None if write else True)
    except duckdb.ConnectionException:
        # this process already holds the file open for writing (an embedding, the tests):
        # DuckDB shares one configuration per file and process, so read through that one
        return store.connect(path)
    except store.DatabaseFileError as exc:
        raise CliError(str(exc), 2) from None
    except store.OutdatedSchemaError as exc:
        raise CliError(str(exc)) from None
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise CliError(
                f"database {path} is in use by another process (is the app running?); stop it or "
                "use another --db"
            ) from None
        raise CliError(f"cannot open database {path}: {exc}") from None
    except store.LakeError as exc:
        raise CliError(str(exc)) from None


# --------------------------------------------------------------------------- commands


def cmd_init(args) -> None:
    con = _open(args, write=True)
    cat = catalog.load(args.catalog) if args.catalog else catalog.load()
    changed = store.sync_catalog(con, cat, actor="cli")
    lines = [f"database {args.db or store.db_path()}: schema version {store.schema_version(con)}"]
    if any(changed.values()):
        lines.append("catalog: " + ", ".join(f"{v} {k}" for k, v in changed.items() if v))
    if args.demo:
        sid = published.load(con)
        lines.append("published figures: " + ("loaded" if sid else "already loaded"))
        added = demo.build(con)
        if added["observations"]:
            lines.append(
                f"synthetic demo data: {added['observations']} approved observations, "
                f"{added['pending']} pending"
            )
        else:
            lines.append("synthetic demo data: already loaded")
    print("\n".join(lines))


def cmd_demo(args) -> None:
    con = _open(args, write=True)
    started = time.perf_counter()
    store.sync_catalog(con, catalog.load(), actor="cli")
    added = demo.build(con, districts=args.districts, years=args.years, end_year=args.end_year)
    elapsed = time.perf_counter() - started
    print(
        f"{added['observations'] + added['pending']} observations for {args.districts} districts x "
        f"{args.years} years in {elapsed:.1f} s"
    )


def cmd_catalog(args) -> None:
    con = _open(args, write=False)
    frame = store.indicators(con)
    rows = [
        {
            "key": r.key,
            "name": r.name_en,
            "theme": r.theme,
            "unit": r.unit,
            "direction": r.direction,
            "aggregation": r.aggregation,
            "breakdowns": list(r.breakdowns),
            "min": None if pd.isna(r.min_value) else r.min_value,
            "max": None if pd.isna(r.max_value) else r.max_value,
            "resolution": r.resolution,
            "scale": r.scale,
            "source": r.source,
        }
        for r in frame.itertuples()
    ]
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['key']:45} {row['unit']:18} {row['direction']:6} {row['aggregation']}")


def cmd_projects(args) -> None:
    con = _open(args, write=False)
    frame = store.projects(con)[
        ["id", "name", "district", "organisation", "gross_floor_area", "synthetic"]
    ]
    if args.json:
        _print_json(_records(frame))
    else:
        print(frame.to_string(index=False))


def cmd_users(args) -> None:
    if args.users_command == "list":
        con = _open(args, write=False)
        frame = store.users(con)
        if args.json:
            _print_json(_records(frame[["email", "role", "organisation", "name"]]))
        else:
            print(frame.to_string(index=False) if not frame.empty else "no users yet")
        return
    con = _open(args, write=True)
    if args.users_command == "add":
        if args.org and args.org not in set(store.organisations(con)["id"]):
            raise CliError(f"unknown organisation {args.org!r}; see: python -m indicators projects")
        try:
            user = User(email=args.email, role=args.role, organisation=args.org, name=args.name)
        except ValidationError as exc:
            raise CliError(
                "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()), 2
            ) from None
        access.set_user(con, access.SYSTEM, user)
        print(
            f"{user.email} may now log in as {user.role}"
            + (f" of {user.organisation}" if user.organisation else "")
        )
    elif args.users_command == "remove":
        if not access.remove_user(con, access.SYSTEM, args.email):
            raise CliError(f"{args.email} has no access to remove")
        print(f"{args.email} may no longer log in")


def cmd_status(args) -> None:
    from indicators import progress, scorecard, wording

    con = _open(args, write=False)
    frame = scorecard.district_scorecard(con, district=args.district)
    # the target in words and why a status is missing, as the screens say them (English);
    # a context indicator (a plan, the population) has no status: null, and "context": true
    frame = frame.assign(
        target_text=[
            None
            if r["context"] or r["target"] is None or r["target"] != r["target"]
            else wording.target(
                r["target"],
                comparator=r["comparator"],
                direction=r["direction"],
                unit=r["unit"],
                year=None if pd.isna(r["target_year"]) else int(r["target_year"]),
            )
            for r in frame.to_dict("records")
        ],
        status_reason=[progress.reason_text(r) or None for r in frame["reason"]],
    )
    columns = [
        "district",
        "indicator",
        "period",
        "value",
        "unit",
        "context",
        "target",
        "comparator",
        "target_text",
        "status",
        "status_reason",
        "gap",
        "trend_year",
    ]
    if args.json:
        _print_json(_records(frame[columns]))
    else:
        print(frame[columns].to_string(index=False) if not frame.empty else "no data")


def cmd_stats(args) -> None:
    con = _open(args, write=False)
    numbers = store.stats(con)
    numbers["data_version"] = store.data_version(con)
    numbers["schema_version"] = store.schema_version(con)
    if args.json:
        _print_json(numbers)
    else:
        for key, value in numbers.items():
            print(f"{key:16} {value}")


def cmd_export(args) -> None:
    con = _open(args, write=False)
    frame = store.observations_for_export(con, published_only=args.published_only)
    path = exports.write(frame, args.format, args.out)
    print(f"{len(frame)} rows written to {path}")


# --------------------------------------------------------------------------- parser


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m indicators", description=__doc__.splitlines()[0])
    p.add_argument(
        "--db", help="database file (default $INDICATORS_DB, else data/indicators.duckdb)"
    )
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("init", help="create or migrate the database; --demo loads the demo data")
    s.add_argument(
        "--demo",
        action="store_true",
        help="load catalog, published figures, synthetic data, demo users",
    )
    s.add_argument("--catalog", help="catalog file (default data/catalog.toml)")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo", help="build a (large) synthetic database for benchmarks")
    s.add_argument("--districts", type=int, default=3)
    s.add_argument("--years", type=int, default=10)
    s.add_argument("--end-year", type=int, default=2025)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("catalog", help="the indicators")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_catalog)

    s = sub.add_parser("projects", help="the registered projects")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_projects)

    s = sub.add_parser("users", help="who may log in")
    us = s.add_subparsers(dest="users_command", required=True)
    u = us.add_parser("list")
    u.add_argument("--json", action="store_true")
    u = us.add_parser("add")
    u.add_argument("email")
    u.add_argument("--role", required=True, choices=["official", "developer"])
    u.add_argument("--org", help="organisation id (required for developers)")
    u.add_argument("--name")
    u = us.add_parser("remove")
    u.add_argument("email")
    s.set_defaults(func=cmd_users)

    s = sub.add_parser("status", help="each district's indicators against their targets")
    s.add_argument("--district")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_status)

    s = sub.add_parser("stats", help="counts of what the database holds")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("export", help="all observations (or only published figures) to a file")
    s.add_argument("--format", required=True, choices=sorted(exports.FORMATS))
    s.add_argument("--published-only", action="store_true", help="only approved, current figures")
    s.add_argument("--out", required=True)
    s.set_defaults(func=cmd_export)

    for extend in EXTENSIONS:
        extend(sub)
    return p


# Other modules (ingest, publish) add their commands here without this file knowing them.
EXTENSIONS: list = []


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    args = parser().parse_args(argv)
    try:
        args.func(args)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.code
    except access.PermissionDenied as exc:
        print(f"not permitted: {exc}", file=sys.stderr)
        return 3
    except store.ReadOnlyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except catalog.CatalogError as exc:
        print(f"catalog error: {exc}", file=sys.stderr)
        return 1
    except (duckdb.Error, OSError, ValueError, LookupError, store.OutdatedSchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _load_extensions() -> None:
    """Import the modules that register CLI commands (each appends to EXTENSIONS once)."""
    import importlib

    for name in (
        "indicators.reporting.cli",
        "indicators.publish",
        "indicators.lake_cli",
        "indicators.reporting.obligations_cli",
        "indicators.report.cli",
    ):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
