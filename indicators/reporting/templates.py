"""The pre-filled compliance template: a developer's own projects x the indicators each must
report x the periods due, in the reader's Excel dialect (fi, sv: `;` and decimal comma, with a
byte-order mark so Excel shows ä, ö and å)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from indicators import access, exports, i18n, store

TEMPLATE_COLUMNS = [
    "project",
    "indicator",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "unit",
    "comment",
]


def default_year(today: date | None = None) -> int:
    """The last complete year: what is due now."""
    return (today or date.today()).year - 1


def due_year(con: duckdb.DuckDBPyConnection, actor: access.Actor, today: date | None = None) -> int:
    """The year to offer first: last year if anything of it is still missing, else this year
    (its months so far)."""
    today = today or date.today()
    last = default_year(today)
    if template_frame(con, actor, year=last, today=today).empty:
        return today.year
    return last


def template_frame(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    year: int | None = None,
    district_level: bool = False,
    only_missing: bool = True,
    today: date | None = None,
) -> pd.DataFrame:
    """The template's rows (value columns empty; unit filled in as a reminder)."""
    if district_level:
        access.require(actor, "submit_district", "report district-level figures")
    else:
        access.require(actor, "submit", "submit figures")
    organisation = None if actor.role == "official" else actor.organisation
    rows = store.template_rows(
        con,
        organisation=organisation,
        year=year or default_year(today),
        today=today or date.today(),
        district_level=district_level,
        only_missing=only_missing,
    )
    place = "district" if district_level else "project"
    frame = pd.DataFrame(
        {
            place: rows["district" if district_level else "project"],
            "indicator": rows["indicator"],
            "period": rows["period"],
            "breakdown": rows["breakdown"],
            "value": "",
            "numerator": "",
            "denominator": "",
            "unit": rows["unit"],
            "comment": "",
        },
        columns=[place, *TEMPLATE_COLUMNS[1:]],
    )
    return frame


def template_csv(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    year: int | None = None,
    lang: str = "en",
    district_level: bool = False,
    only_missing: bool = True,
    today: date | None = None,
) -> tuple[bytes, int]:
    """The template as CSV bytes in the language's Excel dialect, and its number of rows."""
    frame = template_frame(
        con,
        actor,
        year=year,
        district_level=district_level,
        only_missing=only_missing,
        today=today,
    )
    sep = ";" if i18n.decimal_separator(lang) == "," else ","
    content = exports.CsvExport(sep=sep, decimal=i18n.decimal_separator(lang)).render(frame)
    return content, len(frame)
