"""Reads and tables of the reporting obligations (pages/reporting_status.py, the due rows on
pages/upload.py, the e-mail language on pages/access.py).

Cached reads are keyed by the data version and the day (an obligation turns overdue at
midnight without any write); permissions are checked in indicators.reporting.obligations and
indicators.access for every call.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from indicators import access, store
from indicators.reporting import obligations
from indicators.ui import data
from indicators.ui.names import Names

# ----------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=64)
def summaries(
    version: data.Version,
    actor: access.Actor,
    organisation: str | None,
    district: str | None,
    year: int | None,
    today: date,
) -> dict[str, pd.DataFrame]:
    return obligations.summaries(
        data.con(), actor, organisation=organisation, district=district, year=year, today=today
    )


@st.cache_data(show_spinner=False, max_entries=64)
def overdue(
    version: data.Version,
    actor: access.Actor,
    organisation: str | None,
    district: str | None,
    year: int | None,
    today: date,
) -> pd.DataFrame:
    return obligations.due(
        data.con(),
        actor,
        organisation=organisation,
        district=district,
        year=year,
        today=today,
        statuses=("overdue",),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def no_one_to_remind(version: data.Version, actor: access.Actor) -> pd.DataFrame:
    return obligations.no_one_to_remind(data.con(), actor)


@st.cache_data(show_spinner=False, max_entries=32)
def owed(version: data.Version, actor: access.Actor, today: date) -> pd.DataFrame:
    return obligations.owed(data.con(), actor, today=today)


@st.cache_data(show_spinner=False, max_entries=32)
def owed_files(
    version: data.Version, actor: access.Actor, today: date, lang: str
) -> tuple[bytes, bytes]:
    """(CSV, XLSX) templates of exactly the owed rows."""
    rows = owed(version, actor, today)
    return (
        obligations.owed_template_csv(rows, lang),
        obligations.owed_workbook(data.con(), actor, rows, lang=lang, today=today),
    )


@st.cache_data(show_spinner=False, max_entries=8)
def calendar(version: data.Version, actor: access.Actor) -> pd.DataFrame:
    return obligations.calendar(data.con(), actor)


@st.cache_data(show_spinner=False, max_entries=8)
def calendar_overrides(version: data.Version, actor: access.Actor) -> pd.DataFrame:
    return obligations.calendar_overrides(data.con(), actor)


def save_overrides(actor: access.Actor, frame: pd.DataFrame) -> dict[str, int]:
    return obligations.save_overrides(data.con(), actor, frame)


@st.cache_data(show_spinner=False, max_entries=8)
def years(version: data.Version) -> list[int]:
    """The years obligations can fall in: from the oldest figure to this year, newest first."""
    first = store.scalar(
        data.con(), "SELECT min(year) FROM observation WHERE project_id IS NOT NULL"
    )
    this = date.today().year
    return list(range(this, (first or this) - 1, -1))


@st.cache_data(show_spinner=False, max_entries=8)
def _languages(version: data.Version) -> dict[str, str | None]:
    frame = store.user_languages(data.con())
    return {
        e: (x if isinstance(x, str) else None)
        for e, x in zip(frame["email"], frame["language"], strict=True)
    }


def user_languages(actor: access.Actor) -> dict[str, str | None]:
    """Each person's e-mail language (None: the app's default); officials."""
    access.require(actor, "manage_users", "see who may log in")
    return _languages(data.version())


def set_language(actor: access.Actor, email: str, language: str | None) -> None:
    access.set_language(data.con(), actor, email, language)


# ----------------------------------------------------------------------------- tables


def overall_on_time(summary: pd.DataFrame) -> float | None:
    """The on-time rate of the whole selection (from the counts, not an average of rates)."""
    timed = int(summary["timed"].sum())
    return int(summary["on_time"].sum()) / timed if timed else None


def status_word(status: str, names: Names) -> str:
    """A status as icon and word (never by colour alone)."""
    return names.t(f"obligations.status_{status}")


def summary_table(frame: pd.DataFrame, by: str, names: Names) -> pd.DataFrame:
    """The per-organisation or per-district counts and rates as shown."""
    t = names.t
    place = (
        [names.demo_name(n) for n in frame["organisation_name"]]
        if by == "organisation"
        else [names.district(d) for d in frame["district"]]
    )
    shown = pd.DataFrame(
        {
            t(f"obligations.{by}"): place,
            t("obligations.expected"): frame["expected"],
            t("obligations.received"): frame["received"],
            t("obligations.missing"): frame["missing"],
            t("obligations.overdue"): frame["overdue"],
            t("obligations.reporting_rate"): [names.percent(v) for v in frame["reporting_rate"]],
            t("obligations.on_time_rate"): [names.percent(v) for v in frame["on_time_rate"]],
        }
    )
    if by == "organisation":
        shown[t("obligations.users")] = [
            str(n) if n else f"0 · {t('obligations.no_one')}" for n in frame["users"]
        ]
    return shown


def overdue_table(frame: pd.DataFrame, names: Names, today: date) -> pd.DataFrame:
    t = names.t
    late = (pd.Timestamp(today) - pd.to_datetime(frame["due_date"])).dt.days
    return pd.DataFrame(
        {
            t("obligations.organisation"): [names.demo_name(n) for n in frame["organisation_name"]],
            t("obligations.district"): [names.district(d) for d in frame["district"]],
            t("obligations.col_project"): frame["project_name"],
            t("obligations.col_indicator"): [names.indicator(k) for k in frame["indicator"]],
            t("obligations.col_period"): frame["period"],
            t("obligations.col_due_date"): pd.to_datetime(frame["due_date"]).dt.date,
            t("obligations.col_days_late"): late,
        }
    )


def owed_table(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """A developer's due and overdue rows (one per project, indicator and period)."""
    t = names.t
    keys = frame.drop_duplicates(["project", "indicator", "period"])
    return pd.DataFrame(
        {
            t("obligations.col_project"): keys["project_name"],
            t("obligations.col_indicator"): [names.indicator(k) for k in keys["indicator"]],
            t("obligations.col_period"): keys["period"],
            t("obligations.col_due_date"): pd.to_datetime(keys["due_date"]).dt.date,
            t("obligations.col_status"): [status_word(s, names) for s in keys["status"]],
        }
    )


# ----------------------------------------------------------------------------- the upload page


def due_section(actor: access.Actor, names: Names) -> None:
    """A developer's own due and overdue rows, and the template (CSV and the people's XLSX
    workbook) pre-filled with exactly those rows."""
    t = names.t
    today = date.today()
    version = data.version()
    rows = owed(version, actor, today)
    with st.container(border=True, key="obligations_due"):
        st.subheader(t("obligations.upload.header"))
        if rows.empty:
            st.success(t("obligations.upload.nothing"), icon=":material/task_alt:")
            return
        keys = rows.drop_duplicates(["project", "indicator", "period"])
        counts = keys["status"].value_counts()
        st.caption(
            t("obligations.upload.intro")
            + " "
            + t(
                "obligations.upload.counts",
                overdue=int(counts.get("overdue", 0)),
                due=int(counts.get("due", 0)),
            )
        )
        st.dataframe(owed_table(rows, names), hide_index=True, key="obligations_owed")
        csv, xlsx = owed_files(version, actor, today, names.lang)
        who = actor.organisation or "city"
        row = st.container(horizontal=True, gap="small")
        row.download_button(
            t("obligations.upload.xlsx"),
            data=xlsx,
            file_name=f"due-{who}-{today.isoformat()}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/table_view:",
            help=t("obligations.upload.xlsx_help"),
            on_click="ignore",
            key="obligations_owed_xlsx",
        )
        row.download_button(
            t("obligations.upload.csv"),
            data=csv,
            file_name=f"due-{who}-{today.isoformat()}.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="obligations_owed_csv",
        )
