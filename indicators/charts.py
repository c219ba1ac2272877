"""Plotly figure builders for the monitoring screens. Pure: data in, Figure out (no streamlit).

Every figure has a title, axis titles with units, and colours from the Okabe-Ito palette,
which stays distinguishable with the common colour-vision deficiencies. Colour is never the
only carrier: lines also differ by marker symbol and dash, bars by fill pattern, and the
target is a black dashed line with a legend entry. Texts come in translated; `lang` only sets
the decimal and thousands separators (decimal comma in fi and sv).

Figures are built from plain dicts in one go (traces and layout validated once): plotly's
update_* methods cost some 40 ms a figure, which a page with four charts would feel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
import plotly.graph_objects as go

from indicators.text import chart as _safe

# Okabe & Ito (2008), ordered by contrast on white: the first five reach WCAG's 3:1 for
# graphics (blue 5.2, vermillion 3.9, bluish green 3.4, black 21, reddish purple 3.1).
PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#000000",  # black
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
)
LINE_COLOURS = PALETTE[:5]
TARGET_COLOUR = "#000000"
TEXT_COLOUR = "#1F1F1F"  # 16:1 on white
GRID_COLOUR = "#D9D9D9"
HIGHLIGHT = PALETTE[1]
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "hexagon", "cross")
# a flagged point (pending approval, provisional year): an open ring or square around it
MARK_SYMBOLS = ("circle-open", "square-open", "diamond-open")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
PATTERNS = ("", "/", "x", ".", "\\", "+", "-", "|")


# One colour and fill pattern per emission sector, in every chart that draws sectors (stacked
# bars, shares, breakdowns), so a sector looks the same wherever it appears; a sector both
# sector lists share (transport) keeps one look. The pattern tells sectors apart without colour.
SECTOR_STYLES: dict[str, tuple[str, str]] = {
    # Espoo Kera's emission assessment
    "infrastructure_construction": (PALETTE[0], ""),
    "building_construction": (PALETTE[1], "/"),
    "energy_use": (PALETTE[2], "x"),
    "transport": (PALETTE[3], "."),
    # HSY's sectors for the cities and the Helsinki region
    "district_heating": (PALETTE[4], "\\"),
    "consumption_electricity": (PALETTE[5], "+"),
    "electric_heating": (PALETTE[6], "-"),
    "oil_heating": (PALETTE[7], "|"),
    "industry_work_machines": (PALETTE[0], "x"),
    "waste_treatment": (PALETTE[1], ""),
    "agriculture": (PALETTE[2], "/"),
}


def sector_style(sector: str, n: int = 0) -> tuple[str, str]:
    """(colour, fill pattern) of a sector; a sector not in SECTOR_STYLES gets the n-th pair."""
    return SECTOR_STYLES.get(sector) or (PALETTE[n % len(PALETTE)], PATTERNS[n % len(PATTERNS)])


def sector_styles(sectors, labels) -> dict[str, tuple[str, str]]:
    """Label (the sector's name in the reader's language) -> its style, for `styles=`."""
    return {
        label: sector_style(str(sector), n)
        for n, (sector, label) in enumerate(dict(zip(sectors, labels, strict=True)).items())
    }


def _style(label: str, n: int, styles: Mapping[str, tuple[str, str]] | None) -> tuple[str, str]:
    if styles and label in styles:
        return styles[label]
    return PALETTE[n % len(PALETTE)], PATTERNS[n % len(PATTERNS)]


def separators(lang: str) -> str:
    """Plotly's `separators`: decimal mark, then thousands mark."""
    return ", " if lang in ("fi", "sv") else ".,"


def with_unit(text: str, unit: str | None) -> str:
    """'Value' + '%' -> 'Value (%)'; an axis title always says its unit."""
    return f"{text} ({unit})" if unit else text


def _axis(title: str, **extra) -> dict:
    return {
        "title": {"text": _safe(title)},
        "gridcolor": GRID_COLOUR,
        "linecolor": TEXT_COLOUR,
        "zerolinecolor": GRID_COLOUR,
        "showline": True,
        "ticks": "outside",
        "automargin": True,
        **extra,
    }


# Streamlit's element toolbar and plotly's mode bar sit over the top strip of a chart: the title
# starts below it, and a long title wraps (plotly never wraps), so that on a phone neither
# covers nor cuts the title.
TOOLBAR_CLEARANCE = 36
TITLE_LINE = 22
TITLE_CHARS = 42


def wrap_title(title: str, width: int = TITLE_CHARS) -> list[str]:
    """The title's lines, broken between words at about `width` characters."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _figure(
    traces: list[dict],
    *,
    title: str,
    x_title: str,
    y_title: str,
    lang: str,
    height: int = 420,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    **layout,
) -> go.Figure:
    """One figure with the common look: white, dark text, palette, legend below; the title
    below the toolbars' strip, wrapped."""
    lines = wrap_title(title)
    top = TOOLBAR_CLEARANCE + TITLE_LINE * len(lines) + 12
    return go.Figure(
        data=traces,
        layout={
            "title": {
                "text": "<br>".join(_safe(line) for line in lines),
                "x": 0,
                "xanchor": "left",
                "yref": "container",
                "y": 1,
                "yanchor": "top",
                "pad": {"t": TOOLBAR_CLEARANCE},
                "font": {"size": 17},
            },
            "template": None,  # no plotly template: these few settings, without its copying
            "paper_bgcolor": "#FFFFFF",
            "plot_bgcolor": "#FFFFFF",
            "colorway": list(PALETTE),
            "font": {"color": TEXT_COLOUR, "size": 13},
            "separators": separators(lang),
            "height": height + top - 60,
            "margin": {"l": 10, "r": 10, "t": top, "b": 10},
            "modebar": {"orientation": "v"},  # down the right edge, off the title
            "legend": {"orientation": "h", "yanchor": "top", "y": -0.24, "x": 0},
            "hoverlabel": {"font": {"color": TEXT_COLOUR}, "bgcolor": "#FFFFFF"},
            "xaxis": _axis(x_title, **(xaxis or {})),
            "yaxis": _axis(y_title, **(yaxis or {})),
            **layout,
        },
    )


def _labels(frame: pd.DataFrame) -> list:
    return list(dict.fromkeys(frame["label"])) if not frame.empty else []


def time_series(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    lang: str = "en",
    targets: Iterable[Mapping] = (),
    trajectories: Mapping[str, Mapping[int, float]] | None = None,
    trajectory_label: str = "trend",
    marks: Mapping[str, str] | None = None,
) -> go.Figure:
    """Lines per `label` over `year` (columns label, year, value, and the flag columns named in
    `marks`). `marks`: flag column -> legend text ("pending": "pending approval"); the points
    where a flag is true get an open marker of their own shape, so it reads without colour.

    `targets`: dicts with label, value and optionally year -- a black dashed line from the
    first year shown to the target year (or across the chart). `trajectories`: label ->
    {year: value}, drawn dotted in the colour of that label's line.
    """
    traces: list[dict] = []
    labels = _labels(frame)
    colour_of = {label: LINE_COLOURS[n % len(LINE_COLOURS)] for n, label in enumerate(labels)}
    for n, label in enumerate(labels):
        part = frame[frame["label"] == label].sort_values("year")
        traces.append(
            {
                "type": "scatter",
                "x": part["year"].tolist(),
                "y": part["value"].tolist(),
                "name": _safe(label),
                "mode": "lines+markers",
                "line": {"color": colour_of[label], "dash": DASHES[n % len(DASHES)], "width": 2.5},
                "marker": {"symbol": SYMBOLS[n % len(SYMBOLS)], "size": 8},
            }
        )
        for (flag, text), symbol in zip((marks or {}).items(), MARK_SYMBOLS, strict=False):
            if flag not in part or not part[flag].fillna(False).astype(bool).any():
                continue
            flagged = part[part[flag].fillna(False).astype(bool)]
            traces.append(
                {
                    "type": "scatter",
                    "x": flagged["year"].tolist(),
                    "y": flagged["value"].tolist(),
                    "name": _safe(f"{label}: {text}"),
                    "mode": "markers",
                    "marker": {
                        "symbol": symbol,
                        "size": 16,
                        "color": colour_of[label],
                        "line": {"width": 2},
                    },
                }
            )
    for label, path in (trajectories or {}).items():
        if not path:
            continue
        years = sorted(path)
        traces.append(
            {
                "type": "scatter",
                "x": years,
                "y": [path[y] for y in years],
                "name": _safe(f"{label}: {trajectory_label}"),
                "mode": "lines",
                "line": {"color": colour_of.get(label, TEXT_COLOUR), "dash": "dot", "width": 2},
            }
        )
    first_year = int(frame["year"].min()) if not frame.empty else None
    last_year = int(frame["year"].max()) if not frame.empty else None
    for target in targets:
        end = target.get("year") or last_year
        start = first_year if first_year is not None else end
        if start is None:
            continue
        traces.append(
            {
                "type": "scatter",
                "x": [min(start, end), max(start, end)],
                "y": [target["value"], target["value"]],
                "name": _safe(target["label"]),
                "mode": "lines+markers",
                "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 2},
                "marker": {"symbol": ["line-ns", "star"], "size": [1, 13]},
                "meta": "target",
            }
        )
    span = (last_year or 0) - (first_year or 0)
    return _figure(
        traces,
        title=title,
        x_title=x_title,
        y_title=y_title,
        lang=lang,
        xaxis={"tickformat": "d", **({"dtick": 1} if span <= 12 else {})},
    )


def comparison(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    lang: str = "en",
    target: float | None = None,
    target_label: str = "target",
    highlight: Iterable[str] = (),
    provisional: Iterable[str] = (),
) -> go.Figure:
    """Horizontal bars (columns label, value, optionally target), largest on top.

    One target for all: a dashed vertical line; per-row targets (column `target`): a black
    tick on each bar. Highlighted labels are drawn in the second colour, hatched and outlined.
    `provisional` labels (a year still waiting for some project's report) are dotted; their
    label says so too (the caller words it).
    """
    data = frame.sort_values("value", ascending=True)
    chosen = set(highlight)
    waiting = set(provisional)
    marked = [label in chosen for label in data["label"]]
    dotted = [label in waiting for label in data["label"]]
    traces: list[dict] = [
        {
            "type": "bar",
            "x": data["value"].tolist(),
            "y": [_safe(label) for label in data["label"]],
            "orientation": "h",
            "marker": {
                "color": [HIGHLIGHT if m else PALETTE[0] for m in marked],
                "line": {"color": TEXT_COLOUR, "width": [2 if m else 0.5 for m in marked]},
                "pattern": {
                    "shape": [
                        "/" if m else "." if d else "" for m, d in zip(marked, dotted, strict=True)
                    ],
                    "fgcolor": TEXT_COLOUR,
                    "fillmode": "overlay",
                },
            },
            "name": _safe(x_title),
            "showlegend": False,
        }
    ]
    if target is not None and len(data):
        traces.append(
            {
                "type": "scatter",
                "x": [target, target],
                "y": [_safe(data["label"].iloc[0]), _safe(data["label"].iloc[-1])],
                "name": _safe(target_label),
                "mode": "lines",
                "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 2},
                "meta": "target",
            }
        )
    elif "target" in data and data["target"].notna().any():
        with_target = data[data["target"].notna()]
        traces.append(
            {
                "type": "scatter",
                "x": with_target["target"].tolist(),
                "y": [_safe(label) for label in with_target["label"]],
                "name": _safe(target_label),
                "mode": "markers",
                "marker": {
                    "symbol": "line-ns",
                    "size": 18,
                    "line": {"width": 3, "color": TARGET_COLOUR},
                },
                "meta": "target",
            }
        )
    return _figure(
        traces,
        title=title,
        x_title=x_title,
        y_title=y_title,
        lang=lang,
        height=max(320, 28 * len(data) + 140),
        yaxis={"type": "category"},
    )


def bars_by_year(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    lang: str = "en",
    stacked: bool = True,
    marked_years: Mapping[int, str] | None = None,
    styles: Mapping[str, tuple[str, str]] | None = None,
) -> go.Figure:
    """Bars per year, one trace per `label` (columns year, label, value): stacked sectors or
    grouped breakdowns; each label has its own colour and fill pattern (`styles`: label ->
    (colour, pattern), e.g. sector_styles). `marked_years`: year -> a word written above that
    year's bars (e.g. "provisional")."""
    traces = []
    for n, label in enumerate(_labels(frame)):
        part = frame[frame["label"] == label].sort_values("year")
        colour, pattern = _style(label, n, styles)
        traces.append(
            {
                "type": "bar",
                "x": part["year"].tolist(),
                "y": part["value"].tolist(),
                "name": _safe(label),
                "marker": {
                    "color": colour,
                    "line": {"color": TEXT_COLOUR, "width": 0.6},
                    "pattern": {"shape": pattern, "fgcolor": TEXT_COLOUR, "fillmode": "overlay"},
                },
            }
        )
    one_year = len(set(frame["year"])) <= 1 if "year" in frame else True
    heights = frame.groupby("year")["value"].sum() if stacked and not frame.empty else None
    annotations = [
        {
            "x": year,
            "y": float(heights.get(year, 0)) if heights is not None else 0,
            "text": _safe(text),
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": TEXT_COLOUR, "size": 12},
        }
        for year, text in (marked_years or {}).items()
    ]
    return _figure(
        traces,
        annotations=annotations,
        title=title,
        x_title=x_title,
        y_title=y_title,
        lang=lang,
        barmode="stack" if stacked else "group",
        xaxis={"tickformat": "d", **({"type": "category"} if one_year else {})},
    )


def shares(
    frame: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    lang: str = "en",
    styles: Mapping[str, tuple[str, str]] | None = None,
) -> go.Figure:
    """Each label's share (columns label, share in %), as horizontal bars with the figure;
    `styles` as in bars_by_year, so a sector has the same look in both."""
    data = frame.sort_values("share", ascending=True)
    n = len(data)
    top = float(data["share"].max()) if n else 0.0
    looks = [_style(label, i, styles) for i, label in enumerate(data["label"])]
    trace = {
        "type": "bar",
        "x": data["share"].tolist(),
        "y": [_safe(label) for label in data["label"]],
        "orientation": "h",
        "text": [f"{v:.0f} %" for v in data["share"]],
        "textposition": "outside",
        "marker": {
            "color": [colour for colour, _ in looks],
            "line": {"color": TEXT_COLOUR, "width": 0.6},
            "pattern": {
                "shape": [pattern for _, pattern in looks],
                "fgcolor": TEXT_COLOUR,
                "fillmode": "overlay",
            },
        },
        "showlegend": False,
        "name": _safe(x_title),
    }
    return _figure(
        [trace],
        title=title,
        x_title=x_title,
        y_title=y_title,
        lang=lang,
        height=320,
        xaxis={"range": [0, max(100.0, top * 1.15)]},
        yaxis={"type": "category"},
    )


def ratio_parts(
    frame: pd.DataFrame,
    *,
    title: str,
    numerator_title: str,
    denominator_title: str,
    x_title: str,
    lang: str = "en",
) -> go.Figure:
    """Numerator and denominator behind a ratio, per year (columns year, numerator,
    denominator), side by side on their own axes: they usually have different units."""
    data = frame.sort_values("year")
    traces = []
    for n, (column, name) in enumerate(
        (("numerator", numerator_title), ("denominator", denominator_title))
    ):
        traces.append(
            {
                "type": "bar",
                "x": data["year"].tolist(),
                "y": data[column].tolist(),
                "name": _safe(name),
                "xaxis": "x" if n == 0 else "x2",
                "yaxis": "y" if n == 0 else "y2",
                "marker": {
                    "color": PALETTE[n],
                    "line": {"color": TEXT_COLOUR, "width": 0.6},
                    "pattern": {
                        "shape": PATTERNS[n],
                        "fgcolor": TEXT_COLOUR,
                        "fillmode": "overlay",
                    },
                },
            }
        )
    return _figure(
        traces,
        title=title,
        x_title=x_title,
        y_title=numerator_title,
        lang=lang,
        height=380,
        showlegend=False,
        xaxis={"domain": [0, 0.44], "tickformat": "d"},
        xaxis2=_axis(x_title, domain=[0.56, 1], tickformat="d", anchor="y2"),
        yaxis2=_axis(denominator_title, anchor="x2"),
    )
