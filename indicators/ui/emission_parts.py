"""The emissions page's pieces: sector figures per year (per resident if asked), the shares,
the table of exact numbers, and the comparison with the city average."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import charts, scorecard, text
from indicators.ui import data, widgets
from indicators.ui.names import Names

SECTORS = "ghg_emissions_by_sector"
# the real HSY figures of the cities and the Helsinki region: sector emissions (kt) and, where
# only those are published, each sector's share of the total
HSY_SECTORS = "ghg_emissions_sector"
HSY_SHARES = "ghg_sector_share"
SECTOR_INDICATORS = (SECTORS, HSY_SHARES, HSY_SECTORS)  # a district's first with figures is shown
CITY_AVERAGE = "transport_emissions_vs_city_average"
RESIDENTS = "residents"


def sector_indicator(district: str, reporting: dict[str, set[str]]) -> str:
    """The sector indicator shown for a district: the first of SECTOR_INDICATORS it has."""
    return next((k for k in SECTOR_INDICATORS if district in reporting.get(k, set())), SECTORS)


def styles(sectors: pd.DataFrame, names: Names, indicator: str = SECTORS) -> dict:
    """Sector name in the reader's language -> its colour and pattern (charts.SECTOR_STYLES)."""
    keys = list(dict.fromkeys(sectors["sector"]))
    return charts.sector_styles(keys, [names.breakdown(indicator, k) for k in keys])


def per_year(
    sectors: pd.DataFrame, names: Names, *, per_resident: bool, indicator: str = SECTORS
) -> tuple[pd.DataFrame, str]:
    """Columns year, label (sector name), value -- and the unit of value."""
    unit = names.unit_name(sectors["unit"].iloc[0] if len(sectors) else names.unit(indicator))
    column = "per_resident" if per_resident else "value"
    frame = pd.DataFrame(
        {
            "year": sectors["year"],
            "label": [names.breakdown(indicator, s) for s in sectors["sector"]],
            "value": sectors[column],
        }
    ).dropna(subset=["value"])
    if per_resident:
        unit = names.t("mon.emissions.per_resident_unit", unit=unit)
    return frame, unit


def missing_residents(
    sectors: pd.DataFrame, names: Names, district: str, *, per_resident: bool
) -> str | None:
    """The years without a resident count, when the figures are per resident."""
    if not per_resident:
        return None
    years = sorted(set(sectors.loc[sectors["residents"].isna(), "year"]))
    if not years:
        return None
    return names.t(
        "mon.empty.residents",
        district=text.md(names.district(district)),
        years=", ".join(str(y) for y in years),
    )


class EmissionsView(NamedTuple):
    """What the emissions page draws for one district, built once per (data version, district,
    pending, per resident, sector indicator, language); `stack` is None without figures."""

    synthetic: bool
    pending: bool
    stack: go.Figure | None = None
    provisional: tuple[str, ...] = ()
    missing_residents: str | None = None
    shown: pd.DataFrame | None = None
    rows: pd.DataFrame | None = None
    share: go.Figure | None = None


@data.built_once()
def view(
    version: data.Version,
    district: str,
    pending: bool,
    per_resident: bool,
    indicator: str,
    lang: str,
) -> EmissionsView:
    names = data.names(version, lang)
    t = names.t
    sectors = data.sector_emissions(version, district, pending, indicator)
    if indicator == HSY_SHARES:  # published shares: the share is the figure
        sectors = sectors.assign(share=sectors["value"])
    found = EmissionsView(
        synthetic=bool(sectors["synthetic"].any()),
        pending=pending and bool(sectors["pending"].any()),
    )
    if sectors.empty:
        return found
    looks = styles(sectors, names, indicator)  # one look per sector, both charts
    frame, unit = per_year(sectors, names, per_resident=per_resident, indicator=indicator)
    waiting = provisional(sectors, names)
    title = (
        "mon.emissions.stack_title_per_resident" if per_resident else "mon.emissions.stack_title"
    )
    stack = charts.bars_by_year(
        frame,
        title=t(title, district=names.district(district)),
        x_title=t("mon.col.year"),
        y_title=charts.with_unit(t("mon.col.emissions"), unit),
        lang=names.lang,
        stacked=True,
        marked_years={year: t("mon.provisional.short") for year in waiting},
        styles=looks,
    )
    shown, rows = table(sectors, names, per_resident=per_resident, indicator=indicator)
    latest = latest_whole_year(sectors)  # a provisional year's shares mislead
    share = charts.shares(
        shares(sectors, names, latest, indicator),
        title=t("mon.emissions.share_title", district=names.district(district), year=latest),
        x_title=t("mon.col.share"),
        y_title=t("mon.col.sector"),
        lang=names.lang,
        styles=looks,
    )
    return found._replace(
        stack=stack,
        provisional=tuple(waiting.values()),
        missing_residents=missing_residents(sectors, names, district, per_resident=per_resident),
        shown=shown,
        rows=rows,
        share=share,
    )


def table(
    sectors: pd.DataFrame, names: Names, *, per_resident: bool, indicator: str = SECTORS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    t = names.t
    unit = names.unit_name(sectors["unit"].iloc[0]) if len(sectors) else ""
    shown = {
        t("mon.col.year"): sectors["year"].astype(str),
        t("mon.col.sector"): [names.breakdown(indicator, s) for s in sectors["sector"]],
        f"{t('mon.col.value')} ({unit})": [names.exact(v) for v in sectors["value"]],
        t("mon.col.share"): [names.number(v, 1) for v in sectors["share"]],
        t("mon.col.projects_reported"): [
            names.reported(n, expected)
            for n, expected in zip(
                sectors["projects_reported"], sectors["expected_projects"], strict=True
            )
        ],
        t("mon.col.residents"): [names.exact(v) for v in sectors["residents"]],
        f"{t('mon.col.per_resident')} ({unit})": [
            names.number(v, 3) for v in sectors["per_resident"]
        ],
        t("mon.col.pending"): names.flags(sectors["pending"], "pending"),
        t("mon.col.synthetic"): names.flags(sectors["synthetic"], "synthetic"),
    }
    if not per_resident:
        shown.pop(f"{t('mon.col.per_resident')} ({unit})")
    return pd.DataFrame(shown), sectors


def provisional(sectors: pd.DataFrame, names: Names) -> dict[int, str]:
    """Year -> why it is provisional ("4 of 6 projects' reports approved"), for the years whose
    total still waits for some project's approved report."""
    waiting = sectors[~scorecard.is_whole(sectors)]
    return {int(year): names.provisional(rows) for year, rows in waiting.groupby("year")}


def latest_whole_year(sectors: pd.DataFrame) -> int:
    """The latest year whose total is complete (the latest year if none is)."""
    whole = scorecard.whole_years(sectors)
    return int((whole if not whole.empty else sectors)["year"].max())


def shares(
    sectors: pd.DataFrame, names: Names, year: int, indicator: str = SECTORS
) -> pd.DataFrame:
    part = sectors[sectors["year"] == year]
    return pd.DataFrame(
        {"label": [names.breakdown(indicator, s) for s in part["sector"]], "share": part["share"]}
    )


def city_average(reporting: pd.DataFrame, names: Names, district: str) -> None:
    """The latest published comparison with the city average (e.g. Kera's transport -27 %)."""
    rows = reporting[(reporting["district"] == district) & (reporting["indicator"] == CITY_AVERAGE)]
    if rows.empty:
        widgets.empty(names.t("mon.empty.city_average", district=text.md(names.district(district))))
        return
    rows = rows.sort_values("year")
    last = rows.iloc[-1]
    amount = names.quantity(abs(float(last["value"])), last["unit"])
    key = (
        "mon.emissions.city_average_lower"
        if last["value"] < 0
        else "mon.emissions.city_average_higher"
    )
    st.metric(
        text.md(names.indicator(CITY_AVERAGE)),
        names.quantity(last["value"], last["unit"]),
        help=names.definition(CITY_AVERAGE) or None,
    )
    st.markdown(names.t(key, amount=text.md(amount), year=int(last["year"])))
    if last.get("synthetic"):
        widgets.synthetic_badge(True)
    t = names.t
    shown = pd.DataFrame(
        {
            t("mon.col.year"): rows["year"].astype(str),
            t("mon.col.value"): [names.exact(v) for v in rows["value"]],
            t("mon.col.unit"): [names.unit_name(u) for u in rows["unit"]],
            t("mon.col.source"): rows["source"],
            t("mon.col.note"): rows["note"],
        }
    )
    data = rows[["district", "indicator", "year", "value", "unit", "synthetic", "source", "note"]]
    widgets.table(shown, name=f"city-average-{district}", key="city_average_table", data=data)
