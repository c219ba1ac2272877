"""The indicator page's sections: the series per district with target and trend, the
comparison of all districts in one year, the numerator and denominator behind a ratio, the
breakdown, and the workings of each status. Each section draws a chart (indicators.charts)
and puts the exact numbers in a table under it."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import charts, scorecard, text, trajectory
from indicators.ui import data, filters, widgets
from indicators.ui.names import Names

MAX_BARS = 40


class Section(NamedTuple):
    """A chart and the table of its exact numbers, or a line saying why there is none; built
    once per (data version, selection, language) and drawn by `draw` on every run."""

    name: str  # the downloads' file name
    figure: go.Figure | None = None
    shown: pd.DataFrame | None = None
    data: pd.DataFrame | None = None
    caption: str | None = None  # said above the chart
    empty: str | None = None  # said instead of chart and table


def draw(section: Section | None, key: str) -> None:
    """The section's chart (key `<key>_chart`) and table (`<key>_table`), or its empty line."""
    if section is None:
        return
    if section.empty:
        widgets.empty(section.empty)
        return
    if section.caption:
        st.caption(section.caption)
    widgets.chart(section.figure, key=f"{key}_chart")
    widgets.table(section.shown, name=section.name, key=f"{key}_table", data=section.data)


@data.built_once()
def series_section(
    version: data.Version, key: str, chosen: tuple[str, ...], pending: bool, lang: str
) -> Section:
    names = data.names(version, lang)
    series = data.district_figures(version, chosen, (key,), pending, False)
    card = data.scorecard(version, chosen, (key,), pending)
    return time_series(series, card, list(chosen), names, names.info(key))


@data.built_once()
def comparison_section(
    version: data.Version, key: str, year: int, chosen: tuple[str, ...], pending: bool, lang: str
) -> Section:
    names = data.names(version, lang)
    that_year = data.district_figures(version, None, (key,), pending, False, year)
    targets = data.targets(version)
    return comparison(that_year, targets, year, list(chosen), names, names.info(key))


@st.fragment
def comparison_of_year(
    version: data.Version,
    key: str,
    years: list[int],
    default: int,
    chosen: tuple[str, ...],
    pending: bool,
    pending_said: bool,
    lang: str,
) -> None:
    """All districts in one year, with the year's picker (bound to ?year=): picking a year
    reruns only this fragment, not the rest of the screen. Pending figures of that year are
    said here when the screen above has not said so already."""
    names = data.names(version, lang)
    year = filters.select(
        names.t("mon.indicator.compare_year"), years, param="year", default=default
    )
    if pending and not pending_said:
        that_year = data.district_figures(version, None, (key,), pending, False, year)
        widgets.notes(pending=bool(that_year["pending"].any()))
    draw(comparison_section(version, key, year, chosen, pending, lang), "indicator_comparison")


@data.built_once()
def parts_sections(
    version: data.Version, key: str, focus: str, pending: bool, lang: str
) -> tuple[Section | None, Section | None]:
    """(the numerator and denominator behind a ratio, the breakdown) of one district; None
    where the indicator has neither."""
    names = data.names(version, lang)
    info = names.info(key)
    series = data.district_figures(version, (focus,), (key,), pending, False)
    ratio = ratio_parts(series, focus, names, info) if info.get("aggregation") == "ratio" else None
    split = breakdown(series, focus, names, info) if names.breakdowns(key) else None
    return ratio, split


def headline(series: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Headline figures per district and year (sectors summed where they add up), with
    `provisional` marking a year that still waits for some project's approved report."""
    if series.empty:
        return series
    heads = scorecard.totals(series, indicators)
    return heads.assign(provisional=~scorecard.is_whole(heads))


def _labelled(frame: pd.DataFrame, names: Names, indicator: str) -> pd.DataFrame:
    label = [
        names.district(d) if not b else f"{names.district(d)}: {names.breakdown(indicator, b)}"
        for d, b in zip(frame["district"], frame["breakdown"], strict=True)
    ]
    return frame.assign(label=label)


def series_table(
    series: pd.DataFrame, names: Names, info: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every figure of the chosen districts (alternative series included and marked)."""
    t = names.t
    key = info["key"]
    data = series.sort_values(["district", "series", "breakdown", "year"]).reset_index(drop=True)
    shown = {
        t("mon.col.district"): [names.district(d) for d in data["district"]],
        t("mon.col.period"): data["last_period"],
        t("mon.col.series"): [
            names.series(s)
            if not s
            else f"{t('mon.indicator.alternative_marker')}: {names.series(s)}"
            for s in data["series"]
        ],
    }
    if names.breakdowns(key):
        shown[t("mon.col.breakdown")] = [names.breakdown(key, b) for b in data["breakdown"]]
    shown[t("mon.col.value")] = [names.exact(v) for v in data["value"]]
    shown[t("mon.col.unit")] = [names.unit_name(u) for u in data["unit"]]
    if info.get("aggregation") == "ratio":
        shown[names.part(key, "numerator")] = [names.exact(v) for v in data["numerator"]]
        shown[names.part(key, "denominator")] = [names.exact(v) for v in data["denominator"]]
    if data["expected_projects"].notna().any():
        shown[t("mon.col.projects_reported")] = [
            names.reported(n, expected)
            for n, expected in zip(data["projects"], data["expected_projects"], strict=True)
        ]
    shown[t("mon.col.pending")] = names.flags(data["pending"], "pending")
    shown[t("mon.col.synthetic")] = names.flags(data["synthetic"], "synthetic")
    shown[t("mon.col.source")] = data["source"]
    shown[t("mon.col.note")] = data["note"]
    columns = [
        "district", "indicator", "year", "last_period", "breakdown", "series", "value", "unit",
        "numerator", "denominator", "projects_reported", "expected_projects", "complete", "pending",
        "synthetic", "source", "note",
    ]  # fmt: skip
    return pd.DataFrame(shown), data[columns].rename(columns={"last_period": "period"})


def time_series(
    series: pd.DataFrame, card: pd.DataFrame, chosen: list[str], names: Names, info: dict
) -> Section:
    """Lines per chosen district, each district's target, and the trend up to the target year."""
    t, key = names.t, info["key"]
    unit = info.get("unit") or ""
    heads = headline(series[series["district"].isin(chosen)], names.catalog)
    frame = _labelled(heads, names, key)
    rows = {r["district"]: r for r in card.to_dict("records") if r["district"] in chosen}
    grouped: dict[tuple, list[str]] = {}  # one line per distinct target, naming its districts
    paths = {}
    for district in chosen:
        row = rows.get(district)
        if row is None or names.missing(row.get("target")):
            continue
        year = None if names.missing(row.get("target_year")) else int(row["target_year"])
        text = names.target({**row, "unit": unit}, info.get("direction"))
        grouped.setdefault((float(row["target"]), year, text), []).append(names.district(district))
        if row["status"] != "target_achieved":
            paths[names.district(district)] = trajectory.within_range(trajectory.path(row), info)
    targets = [
        {
            "label": t("mon.indicator.target_line_one", target=text)
            if len(chosen) == 1
            else t("mon.indicator.target_line", district=", ".join(who), target=text),
            "value": value,
            "year": year,
        }
        for (value, year, text), who in grouped.items()
    ]
    fig = charts.time_series(
        frame,
        title=t("mon.indicator.series_title", indicator=names.indicator(key)),
        x_title=t("mon.col.year"),
        y_title=charts.with_unit(t("mon.col.value"), names.unit_name(unit)),
        lang=names.lang,
        targets=targets,
        trajectories=paths,
        trajectory_label=t("mon.indicator.trend"),
        marks={"pending": t("mon.pending.marker"), "provisional": t("mon.provisional.marker")},
    )
    shown, rows = series_table(series[series["district"].isin(chosen)], names, info)
    return Section(f"{key}-series", fig, shown, rows)


def comparison(
    that_year: pd.DataFrame,
    targets: pd.DataFrame,
    year: int,
    chosen: list[str],
    names: Names,
    info: dict,
) -> Section:
    """All districts in `year` (the figures of that year), sorted, each district's target
    marked; the chosen districts highlighted."""
    t, key = names.t, info["key"]
    heads = headline(that_year, names.catalog)
    name = f"{key}-{year}"
    if not heads.empty and (heads["breakdown"] != "").all():
        return Section(name, empty=t("mon.empty.no_total"))
    heads = heads[heads["breakdown"] == ""]
    if heads.empty:
        return Section(name, empty=t("mon.empty.year", year=year))
    own = targets[(targets["indicator"] == key) & (targets["breakdown"] == "")]
    target_of = dict(zip(own["district_id"], own["value"], strict=True))
    waiting = heads["provisional"].fillna(False).astype(bool).to_numpy()
    data = pd.DataFrame(
        {
            "district": heads["district"].to_numpy(),
            # a provisional total says so in its label, as the time series marks it
            "label": [
                f"{names.district(d)} ({t('mon.provisional.short')})" if w else names.district(d)
                for d, w in zip(heads["district"], waiting, strict=True)
            ],
            "provisional": waiting,
            "value": heads["value"].to_numpy(),
            "target": [target_of.get(d) for d in heads["district"]],
            "pending": heads["pending"].to_numpy(),
            "synthetic": heads["synthetic"].to_numpy(),
        }
    ).sort_values("value", ascending=False, ignore_index=True)
    drawn, cut = data, None
    if len(data) > MAX_BARS:
        keep = set(data.index[: MAX_BARS // 2]) | set(data.index[-MAX_BARS // 2 :])
        keep |= set(data.index[data["district"].isin(chosen)])
        drawn = data.loc[sorted(keep)]
        cut = t("mon.indicator.comparison_cut", shown=len(drawn), total=len(data))
    unit = info.get("unit") or ""
    fig = charts.comparison(
        drawn,
        title=t("mon.indicator.comparison_title", indicator=names.indicator(key), year=year),
        x_title=charts.with_unit(t("mon.col.value"), names.unit_name(unit)),
        y_title=t("mon.col.district"),
        lang=names.lang,
        target_label=t("mon.col.target"),
        highlight=list(drawn.loc[drawn["district"].isin(chosen), "label"]),
        provisional=list(drawn.loc[drawn["provisional"], "label"]),
    )
    shown = pd.DataFrame(
        {
            t("mon.col.district"): [names.district(d) for d in data["district"]],
            t("mon.col.value"): [names.exact(v) for v in data["value"]],
            t("mon.col.unit"): names.unit_name(unit),
            t("mon.col.target"): [names.exact(v) for v in data["target"]],
            t("mon.col.pending"): names.flags(data["pending"], "pending"),
            t("public.col.provisional"): [
                t("mon.provisional.short") if w else "" for w in data["provisional"]
            ],
            t("mon.col.synthetic"): names.flags(data["synthetic"], "synthetic"),
        }
    )
    out = data.drop(columns=["label"]).assign(indicator=key, year=year, unit=unit)
    return Section(name, fig, shown, out, caption=cut)


def ratio_parts(series: pd.DataFrame, district: str, names: Names, info: dict) -> Section:
    """The numerator and denominator behind each yearly figure of one district."""
    t, key = names.t, info["key"]
    part = series[(series["district"] == district) & (series["series"] == "")]
    part = part.groupby("year", as_index=False)[["numerator", "denominator", "value"]].sum(
        min_count=1
    )
    name = f"{key}-{district}-parts"
    if part[["numerator", "denominator"]].isna().all().all():
        return Section(name, empty=t("mon.empty.parts", district=text.md(names.district(district))))
    numerator, denominator = names.part(key, "numerator"), names.part(key, "denominator")
    fig = charts.ratio_parts(
        part,
        title=t("mon.indicator.ratio_title", district=names.district(district)),
        numerator_title=numerator,
        denominator_title=denominator,
        x_title=t("mon.col.year"),
        lang=names.lang,
    )
    shown = pd.DataFrame(
        {
            t("mon.col.year"): part["year"].astype(str),
            numerator: [names.exact(v) for v in part["numerator"]],
            denominator: [names.exact(v) for v in part["denominator"]],
            charts.with_unit(t("mon.col.value"), names.unit_name(info.get("unit"))): [
                names.exact(v) for v in part["value"]
            ],
        }
    )
    out = part.assign(district=district, indicator=key)
    return Section(name, fig, shown, out)


def breakdown(series: pd.DataFrame, district: str, names: Names, info: dict) -> Section | None:
    """The breakdown of one district's figures per year (stacked where they add up)."""
    t, key = names.t, info["key"]
    part = series[
        (series["district"] == district) & (series["series"] == "") & (series["breakdown"] != "")
    ]
    if part.empty:
        return None
    frame = part.assign(label=[names.breakdown(key, b) for b in part["breakdown"]])
    fig = charts.bars_by_year(
        frame,
        title=t(
            "mon.indicator.breakdown_title",
            indicator=names.indicator(key),
            district=names.district(district),
        ),
        x_title=t("mon.col.year"),
        y_title=charts.with_unit(t("mon.col.value"), names.unit_name(info.get("unit"))),
        lang=names.lang,
        stacked=info.get("aggregation") == "sum",
    )
    shown = pd.DataFrame(
        {
            t("mon.col.year"): part["year"].astype(str),
            t("mon.col.breakdown"): frame["label"],
            t("mon.col.value"): [names.exact(v) for v in part["value"]],
            t("mon.col.unit"): [names.unit_name(u) for u in part["unit"]],
        }
    )
    out = part[
        ["district", "indicator", "year", "breakdown", "value", "unit", "pending", "synthetic"]
    ]
    return Section(f"{key}-{district}-breakdown", fig, shown, out)


def about(names: Names, info: dict) -> None:
    """Definition, unit, direction, how the district figure is made, breakdowns, source."""
    t, key = names.t, info["key"]
    st.markdown(names.definition(key) or "")
    direction = t(f"mon.indicator.direction_{info.get('direction', 'higher')}")
    lines = [
        f"**{t('mon.col.unit')}:** {text.md(names.unit_name(info.get('unit'))) or '–'}",
        f"**{t('mon.col.direction')}:** {direction}",
        f"**{t('mon.col.aggregation')}:** {t('mon.aggregation.' + str(info.get('aggregation')))}",
    ]
    if names.breakdowns(key):
        parts = text.md(", ".join(names.breakdown(key, b) for b in names.breakdowns(key)))
        lines.append(f"**{t('mon.col.breakdown')}:** {parts}")
    lines.append(
        f"**{t('mon.col.source')}:** {text.link(info.get('source') or '', info.get('source_url'))}"
    )
    st.markdown("  \n".join(lines))


def workings(card: pd.DataFrame, chosen: list[str], names: Names, info: dict) -> None:
    """For each chosen district: the status and every number that led to it."""
    t = names.t
    unit = info.get("unit")
    rows = {r["district"]: r for r in card.to_dict("records")}
    for district in chosen:
        row = rows.get(district)
        if row is None:
            continue
        with st.container(border=True):
            status = text.md(names.row_status(row))
            st.markdown(f"**{text.md(names.district(district))}**  \n{status}")
            latest = f"{names.quantity(row.get('value'), unit)} ({row.get('period')})"
            if row.get("context"):
                st.markdown(f"{t('mon.indicator.latest')}: **{text.md(latest)}**")
                st.caption(t("public.context.help"))
                continue
            trend = row.get("trend_year")
            facts = [
                (t("mon.indicator.latest"), latest),
                (t("mon.col.target"), names.target({**row, "unit": unit}, info.get("direction"))),
                (t("mon.col.gap"), names.gap({**row, "unit": unit})),
                (
                    t("mon.indicator.base"),
                    "–"
                    if names.missing(row.get("base_year"))
                    else f"{names.quantity(row.get('base_value'), unit)} ({int(row['base_year'])})",
                ),
                (t("mon.indicator.observed_growth"), names.percent(row.get("observed_growth"))),
                (t("mon.indicator.required_growth"), names.percent(row.get("required_growth"))),
                (t("mon.indicator.progress_value"), names.number(row.get("progress_value"), 2)),
                (
                    t("mon.indicator.trend_year"),
                    str(int(trend))
                    if not names.missing(trend)
                    else (
                        t("mon.indicator.trend_never")
                        if not names.missing(row.get("target"))
                        else "–"
                    ),
                ),
            ]
            st.markdown("  \n".join(f"{label}: **{text.md(value)}**" for label, value in facts))
            worked_out = names.notes(row.get("note"))
            if worked_out:
                st.caption(worked_out)
