"""The report's charts: the app's own figure builders (indicators.charts) fed with the report's
facts, the same titles, marks and targets as the indicator and emissions pages."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from indicators import charts, scorecard, trajectory

from . import facts as f

# Chromium measures the chart's text when it lays the SVG out and the PDF renderer draws it
# again: one font both have (DejaVu, from Debian's fonts-dejavu-core) keeps labels in place.
FONT = "DejaVu Sans, Liberation Sans, sans-serif"
WIDTH = 720  # px of the SVG; the page scales it to the text width


@dataclass
class Chart:
    key: str  # unique within the report, also the HTML anchor
    title: str
    figure: go.Figure


def _print(figure: go.Figure, height: int | None = None) -> go.Figure:
    figure.layout.font.family = FONT
    figure.layout.width = WIDTH
    if height:
        figure.layout.height = height
    return figure


def size(figure: go.Figure) -> tuple[int, int]:
    """The chart's size in px as the static export draws it (kaleido's own defaults where the
    layout sets none), which is the viewBox of its SVG."""
    layout, template = figure.layout, figure.layout.template.layout
    return (
        int(layout.width or template.width or 700),
        int(layout.height or template.height or 500),
    )


def indicator_chart(facts: f.Facts, row: dict) -> Chart | None:
    """The indicator's yearly figures in the district with its target and the trend up to the
    target year, pending and provisional points marked (as on the indicator page)."""
    names, t, key = facts.names, facts.names.t, row["indicator"]
    heads = f.headline(facts, key)
    heads = heads[heads["series"] == ""]
    if heads.empty or heads["value"].isna().all():
        return None
    info = names.info(key)
    unit = info.get("unit") or ""
    frame = heads.assign(
        label=[
            names.district(facts.district) if not b else names.breakdown(key, b)
            for b in heads["breakdown"]
        ]
    )
    targets, paths = [], {}
    if not names.missing(row.get("target")):
        year = None if names.missing(row.get("target_year")) else int(row["target_year"])
        text = names.target({**row, "unit": unit}, info.get("direction"))
        targets.append({"label": t("mon.indicator.target_line_one", target=text), "value": float(row["target"]), "year": year})  # fmt: skip
        if row["status"] != "target_achieved" and len(set(frame["label"])) == 1:
            paths[frame["label"].iloc[0]] = trajectory.within_range(trajectory.path(row), info)
    title = t("mon.indicator.series_title", indicator=names.indicator(key))
    figure = charts.time_series(
        frame,
        title=title,
        x_title=t("mon.col.year"),
        y_title=charts.with_unit(t("mon.col.value"), names.unit_name(unit)),
        lang=names.lang,
        targets=targets,
        trajectories=paths,
        trajectory_label=t("mon.indicator.trend"),
        marks={"pending": t("mon.pending.marker"), "provisional": t("mon.provisional.marker")},
    )
    return Chart(f"chart-{key}", title, _print(figure, 380))


def emission_charts(facts: f.Facts) -> list[Chart]:
    """Emissions by sector per year (stacked, provisional years marked) and each sector's share
    in the latest whole year."""
    sectors = facts.sectors
    if sectors.empty:
        return []
    names, t = facts.names, facts.names.t
    district = names.district(facts.district)
    unit = names.unit_name(sectors["unit"].iloc[0])
    frame = pd.DataFrame(
        {
            "year": sectors["year"],
            "label": [names.breakdown(f.SECTORS, s) for s in sectors["sector"]],
            "value": sectors["value"],
        }
    )
    looks = charts.sector_styles(sectors["sector"], frame["label"])  # as on the emissions page
    waiting = sectors[~scorecard.is_whole(sectors)]
    stack_title = t("mon.emissions.stack_title", district=district)
    stack = charts.bars_by_year(
        frame,
        title=stack_title,
        x_title=t("mon.col.year"),
        y_title=charts.with_unit(t("mon.col.emissions"), unit),
        lang=names.lang,
        stacked=True,
        marked_years={int(y): t("mon.provisional.short") for y in set(waiting["year"])},
        styles=looks,
    )
    year = latest_whole_year(sectors)
    part = sectors[sectors["year"] == year]
    share_title = t("mon.emissions.share_title", district=district, year=year)
    share = charts.shares(
        pd.DataFrame(
            {
                "label": [names.breakdown(f.SECTORS, s) for s in part["sector"]],
                "share": part["share"],
            }
        ),
        title=share_title,
        x_title=t("mon.col.share"),
        y_title=t("mon.col.sector"),
        lang=names.lang,
        styles=looks,
    )
    return [
        Chart("chart-emissions", stack_title, _print(stack, 420)),
        Chart("chart-emission-shares", share_title, _print(share)),
    ]


def latest_whole_year(sectors: pd.DataFrame) -> int:
    """The latest year whose total is complete (the latest year if none is): a provisional
    year's shares would mislead."""
    whole = scorecard.whole_years(sectors)
    return int((whole if not whole.empty else sectors)["year"].max())
