"""The figure builders: every chart has a title, axis titles with units, a target where one is
given, and colours from the colour-blind-safe palette -- never colour alone."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from indicators import charts

ROOT = Path(__file__).resolve().parents[2]


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Kera"] * 3 + ["Lakeview"] * 3,
            "year": [2021, 2022, 2023] * 2,
            "value": [40.0, 50.0, 60.0, 30.0, 35.0, 45.0],
            "pending": [False, False, True, False, False, False],
        }
    )


def _contrast_on_white(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def _colours(fig) -> set[str]:
    found = set()
    for trace in fig.data:
        for part in (getattr(trace, "line", None), getattr(trace, "marker", None)):
            colour = getattr(part, "color", None) if part is not None else None
            if isinstance(colour, str):
                found.add(colour)
            elif colour is not None:
                found.update(c for c in colour if isinstance(c, str))
    return found


def _target_traces(fig):
    return [trace for trace in fig.data if trace.meta == "target"]


def test_palette_is_okabe_ito():
    assert set(charts.PALETTE) == {
        "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000",
    }  # fmt: skip


def test_line_colours_reach_three_to_one_contrast_on_white():
    assert all(_contrast_on_white(c) >= 3 for c in charts.LINE_COLOURS)
    assert _contrast_on_white(charts.TEXT_COLOUR) >= 4.5


def test_the_apps_accent_colour_meets_wcag_aa_with_white_text_and_on_white():
    """Selected chips, buttons and links use the theme's primary colour (Streamlit's default
    red would give white text 3.6:1)."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert _contrast_on_white(config["theme"]["primaryColor"]) >= 4.5


def test_time_series_has_title_axis_titles_with_unit_and_target_line():
    fig = charts.time_series(
        _series(),
        title="Excavated material reused per year",
        x_title="Year",
        y_title=charts.with_unit("Value", "%"),
        targets=[{"label": "target: at least 65 % by 2030", "value": 65.0, "year": 2030}],
        trajectories={"Kera": {2021: 40.0, 2030: 90.0}},
    )
    assert fig.layout.title.text == "Excavated material reused per year"
    assert fig.layout.xaxis.title.text == "Year"
    assert fig.layout.yaxis.title.text == "Value (%)"
    (target,) = _target_traces(fig)
    assert list(target.y) == [65.0, 65.0] and target.x[-1] == 2030
    assert target.line.dash == "dash" and target.name.startswith("target")
    assert _colours(fig) <= set(charts.PALETTE) | {charts.TEXT_COLOUR}


def test_time_series_lines_differ_by_marker_and_dash_not_only_colour():
    fig = charts.time_series(_series(), title="t", x_title="Year", y_title="Value (%)")
    lines = [
        trace for trace in fig.data if trace.mode == "lines+markers" and trace.meta != "target"
    ]
    assert len({trace.marker.symbol for trace in lines}) == len(lines) == 2
    assert len({trace.line.dash for trace in lines}) == 2


def test_time_series_marks_pending_points():
    fig = charts.time_series(
        _series(), title="t", x_title="Year", y_title="Value (%)", marks={"pending": "pending"}
    )
    pending = [trace for trace in fig.data if trace.name == "Kera: pending"]
    assert len(pending) == 1 and list(pending[0].x) == [2023]


def test_trajectory_is_drawn_dotted():
    fig = charts.time_series(
        _series(),
        title="t",
        x_title="Year",
        y_title="Value (%)",
        trajectories={"Kera": {2021: 40.0, 2030: 90.0}},
        trajectory_label="trend",
    )
    (trend,) = [trace for trace in fig.data if trace.name == "Kera: trend"]
    assert trend.line.dash == "dot" and list(trend.x) == [2021, 2030]


def test_comparison_sorts_districts_and_marks_one_target():
    frame = pd.DataFrame({"label": ["A", "B", "C"], "value": [50.0, 80.0, 65.0]})
    fig = charts.comparison(
        frame,
        title="Excavated material reused by district, 2023",
        x_title="Value (%)",
        y_title="District",
        target=65.0,
        target_label="Target",
        highlight=["C"],
    )
    bars = fig.data[0]
    assert list(bars.y) == ["A", "C", "B"]  # ascending: the largest is drawn on top
    assert bars.marker.pattern.shape[1] == "/"  # the chosen district also differs by pattern
    assert fig.layout.xaxis.title.text == "Value (%)"
    (target,) = _target_traces(fig)
    assert list(target.x) == [65.0, 65.0]


def test_comparison_marks_each_districts_own_target():
    frame = pd.DataFrame({"label": ["A", "B"], "value": [50.0, 80.0], "target": [65.0, None]})
    fig = charts.comparison(frame, title="t", x_title="Value (%)", y_title="District")
    (target,) = _target_traces(fig)
    assert list(target.x) == [65.0] and list(target.y) == ["A"]


def test_bars_by_year_stack_with_patterns_and_palette():
    frame = pd.DataFrame(
        {
            "year": [2022, 2022, 2023, 2023],
            "label": ["Transport", "Energy use"] * 2,
            "value": [10.0, 20.0, 12.0, 18.0],
        }
    )
    fig = charts.bars_by_year(
        frame, title="Emissions by sector", x_title="Year", y_title="Emissions (t CO2e)"
    )
    assert fig.layout.barmode == "stack"
    assert fig.layout.yaxis.title.text == "Emissions (t CO2e)"
    assert len({trace.marker.pattern.shape for trace in fig.data}) == 2
    assert {trace.marker.color for trace in fig.data} <= set(charts.PALETTE)


def test_shares_show_the_percentage_as_text():
    frame = pd.DataFrame({"label": ["Transport", "Energy use"], "share": [60.0, 40.0]})
    fig = charts.shares(frame, title="Share of each sector", x_title="Share (%)", y_title="Sector")
    assert list(fig.data[0].text) == ["40 %", "60 %"]
    assert fig.layout.xaxis.title.text == "Share (%)"


def test_ratio_parts_puts_numerator_and_denominator_on_their_own_axes():
    frame = pd.DataFrame(
        {"year": [2022, 2023], "numerator": [5.0, 6.0], "denominator": [10.0, 9.0]}
    )
    fig = charts.ratio_parts(
        frame,
        title="What the figure is made of",
        numerator_title="Excavated material reused (t)",
        denominator_title="Excavated material (t)",
        x_title="Year",
    )
    assert fig.layout.title.text == "What the figure is made of"
    assert fig.layout.yaxis.title.text == "Excavated material reused (t)"
    assert fig.layout.yaxis2.title.text == "Excavated material (t)"


@pytest.mark.parametrize(("lang", "separators"), [("en", ".,"), ("fi", ", "), ("sv", ", ")])
def test_numbers_in_charts_follow_the_language(lang, separators):
    fig = charts.time_series(_series(), title="t", x_title="x", y_title="y", lang=lang)
    assert fig.layout.separators == separators


def test_empty_data_still_gives_a_titled_figure():
    empty = pd.DataFrame(columns=["label", "year", "value"])
    fig = charts.time_series(empty, title="Nothing yet", x_title="Year", y_title="Value (%)")
    assert fig.layout.title.text == "Nothing yet" and not fig.data


def test_every_sector_has_one_look_and_a_pattern_unique_in_its_sector_list():
    from indicators.charts import SECTOR_STYLES

    kera = ["infrastructure_construction", "building_construction", "energy_use", "transport"]
    hsy = [
        "district_heating", "consumption_electricity", "electric_heating", "oil_heating",
        "transport", "industry_work_machines", "waste_treatment", "agriculture",
    ]  # fmt: skip
    for sectors in (kera, hsy):
        patterns = [SECTOR_STYLES[s][1] for s in sectors]
        assert len(set(patterns)) == len(patterns)  # told apart without colour
    assert len(set(SECTOR_STYLES.values())) == len(SECTOR_STYLES)


def test_chart_texts_from_data_are_never_html():
    from indicators import charts

    frame = pd.DataFrame(
        {"label": ['<a href="https://evil.example">x</a>'], "year": [2020], "value": [1.0]}
    )
    figure = charts.bars_by_year(frame, title="<b>t</b>", x_title="Year", y_title="Value")
    assert figure.data[0].name == '&lt;a href="https://evil.example"&gt;x&lt;/a&gt;'
    assert figure.layout.title.text == "&lt;b&gt;t&lt;/b&gt;"


def test_a_long_title_wraps_and_starts_below_the_toolbars():
    title = "Emissions per resident by sector, Turku Science Park (Tiedepuisto) (synthetic)"
    frame = pd.DataFrame({"label": ["a"], "year": [2020], "value": [1.0]})
    figure = charts.bars_by_year(frame, title=title, x_title="Year", y_title="t")
    lines = figure.layout.title.text.split("<br>")
    assert len(lines) == 2 and " ".join(lines) == title
    assert all(len(line) <= charts.TITLE_CHARS for line in lines)
    assert figure.layout.title.pad.t >= charts.TOOLBAR_CLEARANCE
    assert figure.layout.margin.t >= charts.TOOLBAR_CLEARANCE + 2 * charts.TITLE_LINE
    assert figure.layout.modebar.orientation == "v"
