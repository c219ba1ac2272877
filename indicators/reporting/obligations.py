"""Reporting obligations as each actor may see them: who must report what by when.

The arithmetic is SQL (indicators/store/obligations.py); here is who may read which part
(indicators.access: a developer only its own organisation's, an official everyone's), the
reporting calendar officials edit, and the shapes the CLI, the pages and the reminders use.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from indicators import access, exports, i18n, store
from indicators.models import RowError

# what `python -m indicators due --json` prints for each obligation
DUE_FIELDS = [
    "organisation",
    "project",
    "district",
    "indicator",
    "period",
    "due_date",
    "status",
    "received_at",
]
REMIND_DAYS = 30


def due(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    organisation: str | None = None,
    district: str | None = None,
    year: int | None = None,
    today: date | None = None,
    statuses: tuple[str, ...] = store.OBLIGATION_STATUSES,
) -> pd.DataFrame:
    """The obligations the actor may see (a developer's own organisation's only)."""
    scope = access.obligations_scope(actor, organisation)
    return store.obligations(
        con,
        today=today or date.today(),
        organisation=scope,
        district=district,
        year=year,
        statuses=statuses,
    )


def due_json(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    organisation: str | None = None,
    district: str | None = None,
    today: date | None = None,
    statuses: tuple[str, ...] = store.OBLIGATION_STATUSES,
) -> str:
    """The obligations the actor may see as a JSON list (DUE_FIELDS), one object per line."""
    scope = access.obligations_scope(actor, organisation)
    rows = store.obligations_json(
        con,
        today=today or date.today(),
        organisation=scope,
        district=district,
        statuses=statuses,
    )
    return "[\n" + ",\n".join(rows) + "\n]" if rows else "[]"


def summaries(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    organisation: str | None = None,
    district: str | None = None,
    year: int | None = None,
    today: date | None = None,
) -> dict[str, pd.DataFrame]:
    """Expected, received, missing, overdue, reporting and on-time rates per organisation and
    per district ({'organisation': ..., 'district': ...}; officials: the whole city's picture)."""
    access.require(actor, "read_all_obligations", "see every organisation's reporting status")
    return store.obligation_summaries(
        con,
        today=today or date.today(),
        organisation=organisation,
        district=district,
        year=year,
    )


def summary(con: duckdb.DuckDBPyConnection, actor: access.Actor, *, by: str, **selection):
    """summaries' table by 'organisation' or 'district'."""
    return summaries(con, actor, **selection)[by]


def no_one_to_remind(con: duckdb.DuckDBPyConnection, actor: access.Actor) -> pd.DataFrame:
    """Organisations with projects but nobody in the user table to remind."""
    access.require(actor, "read_all_obligations", "see every organisation's reporting status")
    return store.organisations_without_users(con)


def owed(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    organisation: str | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """The template rows of the actor's obligations not yet received (due and overdue)."""
    scope = access.obligations_scope(actor, organisation)
    return store.owed_rows(con, today=today or date.today(), organisation=scope)


def owed_template_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The compliance template's columns, filled with exactly the owed rows."""
    from indicators.reporting.templates import TEMPLATE_COLUMNS

    frame = pd.DataFrame(
        {
            "project": rows["project"],
            "indicator": rows["indicator"],
            "period": rows["period"],
            "breakdown": rows["breakdown"],
            "value": "",
            "numerator": "",
            "denominator": "",
            "unit": rows["unit"],
            "comment": "",
        },
        columns=TEMPLATE_COLUMNS,
    )
    return frame


def owed_template_csv(rows: pd.DataFrame, lang: str) -> bytes:
    """The owed rows as a CSV template in the language's Excel dialect."""
    sep = ";" if i18n.decimal_separator(lang) == "," else ","
    return exports.CsvExport(sep=sep, decimal=i18n.decimal_separator(lang)).render(
        owed_template_frame(rows)
    )


def owed_workbook(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    rows: pd.DataFrame,
    *,
    lang: str,
    organisation: str | None = None,
    today: date | None = None,
) -> bytes:
    """The owed rows as the people's XLSX workbook (indicators/reporting/xlsx_template.py)."""
    from indicators.reporting import xlsx_template

    access.require(actor, "read_obligations", "download the template")
    org = organisation or actor.organisation
    names = store.organisations(con)
    name = dict(zip(names["id"], names["name"], strict=True)).get(org, org or "")
    return xlsx_template.workbook(
        rows, store.indicators(con), lang=lang, organisation=name, today=today
    )


# --------------------------------------------------------------------------- the calendar


def calendar(con: duckdb.DuckDBPyConnection, actor: access.Actor) -> pd.DataFrame:
    """The catalog's default due dates (anyone who reports may read them)."""
    access.require(actor, "read_obligations", "see the reporting calendar")
    return store.calendar(con)


def calendar_overrides(con: duckdb.DuckDBPyConnection, actor: access.Actor) -> pd.DataFrame:
    access.require(actor, "read_obligations", "see the reporting calendar")
    return store.calendar_overrides(con)


def validate_overrides(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """An edited table of district overrides, checked whole: every problem is a RowError
    (row = the table's row number from 1); raises CalendarError listing them all."""
    districts = set(store.districts(con)["id"])
    indicators = set(store.calendar(con)["indicator"])
    errors: list[RowError] = []
    clean = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(frame.to_dict("records"), start=1):
        district = _text(row.get("district"))
        indicator = _text(row.get("indicator"))
        if not district and not indicator and _blank(row.get("months_after")):
            continue  # an empty row the editor added
        if district not in districts:
            errors.append(
                RowError(line=number, column="district", value=district, reason="unknown district")
            )
        if indicator not in indicators:
            errors.append(
                RowError(
                    line=number,
                    column="indicator",
                    value=indicator,
                    reason="not an indicator that projects report",
                )
            )
        months = _whole(row.get("months_after"), 0, 24)
        day = _whole(row.get("due_day"), 1, 31)
        if months is None:
            errors.append(
                RowError(
                    line=number,
                    column="months_after",
                    value=_text(row.get("months_after")),
                    reason="a whole number from 0 to 24",
                )
            )
        if day is None:
            errors.append(
                RowError(
                    line=number,
                    column="due_day",
                    value=_text(row.get("due_day")),
                    reason="a whole number from 1 to 31",
                )
            )
        if (district, indicator) in seen:
            errors.append(
                RowError(
                    line=number,
                    column="indicator",
                    value=indicator,
                    reason="this district has this indicator twice",
                )
            )
        seen.add((district, indicator))
        clean.append((district, indicator, months, day))
    if errors:
        raise CalendarError(errors)
    return pd.DataFrame(clean, columns=store.CALENDAR_COLUMNS)


class CalendarError(ValueError):
    """The edited calendar has problems; `.errors` lists every one (nothing was stored)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def save_overrides(
    con: duckdb.DuckDBPyConnection, actor: access.Actor, frame: pd.DataFrame
) -> dict[str, int]:
    """Replace the districts' due dates with an edited table (officials; validated whole)."""
    access.require(actor, "manage_calendar", "change the reporting calendar")
    clean = validate_overrides(con, frame)
    return store.replace_calendar_overrides(con, clean, actor=actor.label)


def _text(value) -> str:
    return (
        "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    )


def _blank(value) -> bool:
    return _text(value) == ""


def _whole(value, low: int, high: int) -> int | None:
    try:
        number = float(_text(value))
    except ValueError:
        return None
    if not number.is_integer() or not low <= number <= high:
        return None
    return int(number)
