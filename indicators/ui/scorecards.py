"""The overview's pieces: a district's scorecard grouped by theme (one card per indicator),
and the table of all districts with their status counts."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from indicators import i18n, progress, scorecard, text
from indicators.ui import data, filters, language, widgets
from indicators.ui.names import Names

PAGE_SIZE = 50
BY_NAME = "name"  # the comparison's order by district name (else by status on an indicator)
# pixel widths of the all-districts table's first two columns (the name, every status): they
# fit a 390 px phone side by side, so no status is scrolled out of sight
PHONE_COLUMNS = (160, 150)


def sparklines(series: pd.DataFrame, indicators: pd.DataFrame) -> dict[str, list[float]]:
    """Indicator -> yearly headline values (totals where they add up), for the cards' lines."""
    if series.empty:
        return {}
    totals = scorecard.totals(scorecard.whole_years(series), indicators)  # as the card's value
    single = totals.groupby("indicator")["breakdown"].transform("nunique") == 1
    totals = totals[single].sort_values(["indicator", "year"])
    return {k: g["value"].dropna().tolist() for k, g in totals.groupby("indicator")}


def provisional_years(series: pd.DataFrame, names: Names) -> dict[str, str]:
    """Indicator -> a line for its card when its latest year waits for some project's approved
    report (the card shows the last whole year; this says why a later one is missing)."""
    if series.empty:
        return {}
    head = series[series["series"] == ""]
    latest = head[head["year"] == head.groupby("indicator")["year"].transform("max")]
    waiting = latest[~scorecard.is_whole(latest)]
    return {key: names.provisional(rows) for key, rows in waiting.groupby("indicator")}


# a card's value longer than this is cut by st.metric on a third of the page: the unit then
# goes on a line of its own under the number
CARD_VALUE_CHARS = 16


def card_value(row: dict, names: Names, unit: str) -> tuple[str, str | None]:
    """(the card's big value, the unit's line under it when it would not fit beside it)."""
    breakdowns = len(row.get("breakdowns") or [])
    if breakdowns and names.missing(row.get("value")):
        return names.count("public.card.breakdowns", breakdowns), None
    value = names.quantity(row.get("value"), unit)
    if len(value) <= CARD_VALUE_CHARS or names.missing(row.get("value")):
        return value, None
    return names.number(row.get("value")), names.unit_name(unit)


def card_facts(row: dict, names: Names, unit: str, provisional: str | None = None) -> list[str]:
    """The card's small print, each a markdown piece with data escaped (indicators.text)."""
    period = row.get("period")
    period = row.get("year") if names.missing(period) or not period else period
    facts = [text.md(language.t("mon.card.period", period=period))]
    if row.get("context"):
        facts.append(text.md(names.t("public.context.card")))
    elif names.missing(row.get("target")):
        facts.append(text.md(names.t("mon.no_target")))
    else:
        target = names.target({**row, "unit": unit})
        facts.append(text.md(language.t("mon.card.target", target=target)))
    if not row.get("context") and not names.missing(row.get("gap")):
        facts.append(text.md(names.gap({**row, "unit": unit})))
    if row.get("pending"):
        facts.append(f":material/hourglass_top: {text.md(language.t('mon.pending.marker'))}")
    if provisional:
        facts.append(f":material/hourglass_empty: {text.md(provisional)}")
    if row.get("synthetic"):
        facts.append(f":material/science: {text.md(language.t('mon.synthetic'))}")
    return facts


def indicator_card(
    row: dict, line: list[float], names: Names, district: str, provisional: str | None = None
) -> None:
    key = row["indicator"]
    unit = row.get("unit") or names.unit(key)
    with st.container(border=True):
        value, unit_line = card_value(row, names, unit)
        st.metric(
            text.md(names.indicator(key)),
            value,
            chart_data=line if len(line) > 1 else None,
            chart_type="line",
            help=names.definition(key) or None,
        )
        if unit_line:
            st.caption(text.md(unit_line))
        st.markdown(f"**{text.md(names.row_status(row))}**")
        st.caption(" · ".join(card_facts(row, names, unit, provisional)))
        st.page_link(
            "pages/indicator.py",
            label=language.t("mon.card.open"),
            icon=":material/show_chart:",
            query_params=filters.link_params(indicator=key, district=district),
        )


# a card as built once: its scorecard row, its sparkline, its provisional line (or None)
CardData = tuple[dict, list[float], str | None]


def theme_sections(
    card: pd.DataFrame,
    series: pd.DataFrame,
    indicators: pd.DataFrame,
    themes: pd.DataFrame,
    names: Names,
) -> list[tuple[str, str, list[CardData]]]:
    """(theme name, status summary, cards) theme by theme, a card per indicator with data, in
    the catalog's order."""
    lines = sparklines(series, indicators)
    provisional = provisional_years(series, names)
    order = {k: n for n, k in enumerate(indicators["key"])}
    theme_of = dict(zip(indicators["key"], indicators["theme"], strict=True))
    rows = sorted(card.to_dict("records"), key=lambda r: order.get(r["indicator"], 0))
    sections = []
    for theme in themes.sort_values("position")["key"]:
        in_theme = [r for r in rows if theme_of.get(r["indicator"]) == theme]
        if not in_theme:
            continue
        counts = scorecard.counts(r["status"] for r in in_theme)
        cards = [
            (r, lines.get(r["indicator"], []), provisional.get(r["indicator"])) for r in in_theme
        ]
        context = sum(bool(r.get("context")) for r in in_theme)
        summary = widgets.status_summary(counts, names, context=context)
        sections.append((names.theme(theme), summary, cards))
    return sections


def district_scorecard(
    sections: list[tuple[str, str, list[CardData]]], names: Names, district: str
) -> None:
    """Theme by theme, three cards a row."""
    for theme, summary, cards in sections:
        st.subheader(text.md(theme))
        st.caption(summary)
        columns = st.columns(3)
        for n, (row, line, provisional) in enumerate(cards):
            with columns[n % 3]:
                indicator_card(row, line, names, district, provisional)


class DistrictView(NamedTuple):
    """Everything the overview draws for one district, built once per (data version, district,
    pending, language)."""

    summary: str
    synthetic: bool
    pending: bool
    sections: list[tuple[str, str, list[CardData]]]
    shown: pd.DataFrame
    rows: pd.DataFrame
    years: list[int]  # the years with figures: the yearly report's choice (report.download)


@data.built_once()
def district_view(version: data.Version, district: str, pending: bool, lang: str):
    """The district's scorecard ready to draw, or None when it has no figures."""
    names = data.names(version, lang)
    card = data.scorecard(version, (district,), None, pending)
    if card.empty:
        return None
    series = data.district_figures(version, (district,), None, pending, False)
    indicators, themes = data.indicators(version), data.themes(version)
    shown, rows = scorecard_table(card, names)
    return DistrictView(
        summary=widgets.status_summary(
            scorecard.counts(card["status"]), names, context=scorecard.context_count(card)
        ),
        synthetic=bool(card["synthetic"].any()),
        pending=pending and bool(card["pending"].any()),
        sections=theme_sections(card, series, indicators, themes, names),
        shown=shown,
        rows=rows,
        years=sorted({int(y) for y in series["year"]}),
    )


class DistrictsView(NamedTuple):
    """The overview of a page of districts, built once per (data version, page, language)."""

    summary: str
    synthetic: bool
    shown: pd.DataFrame
    rows: pd.DataFrame
    config: dict


@data.built_once()
def districts_view(version: data.Version, ids: tuple[str, ...], pending: bool, lang: str):
    names = data.names(version, lang)
    districts = data.districts(version).set_index("id", drop=False).loc[list(ids)]
    card = data.scorecard(version, ids, None, pending)
    counts = scorecard.counts(card["status"])
    shown, rows, config = districts_table(districts, card, names)
    return DistrictsView(
        summary=widgets.status_summary(
            counts, names, districts=len(districts), context=scorecard.context_count(card)
        ),
        synthetic=bool(districts["synthetic"].any()),
        shown=shown,
        rows=rows,
        config=config,
    )


def scorecard_table(card: pd.DataFrame, names: Names) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, data): the scorecard as text for the language, and as plain numbers."""
    t = names.t
    data = card.assign(
        indicator_name=[names.indicator(k) for k in card["indicator"]],
        status_text=[names.row_status(r) for r in card.to_dict("records")],
    )[
        [
            "district",
            "indicator",
            "indicator_name",
            "period",
            "value",
            "unit",
            "comparator",
            "target",
            "target_year",
            "gap",
            "status",
            "status_text",
            "trend_year",
            "pending",
            "synthetic",
            "source",
        ]
    ]
    shown = pd.DataFrame(
        {
            t("mon.col.indicator"): data["indicator_name"],
            t("mon.col.period"): data["period"],
            t("mon.col.value"): [names.exact(v) for v in data["value"]],
            t("mon.col.unit"): [names.unit_name(u) for u in data["unit"]],
            t("mon.col.target"): [
                "–" if r.get("context") else names.target(r) for r in card.to_dict("records")
            ],
            t("mon.col.gap"): [names.gap(r) for r in card.to_dict("records")],
            t("mon.col.status"): data["status_text"],
            t("mon.col.pending"): names.flags(data["pending"], "pending"),
            t("mon.col.synthetic"): names.flags(data["synthetic"], "synthetic"),
        }
    )
    return shown, data


def districts_table(
    districts: pd.DataFrame, card: pd.DataFrame, names: Names
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(shown, data, column_config): each district with how many indicators have each status
    and a link to its scorecard."""
    t = names.t
    counts = (
        card.groupby(["district", "status"]).size().unstack(fill_value=0)
        if not card.empty
        else pd.DataFrame()
    )
    counts = counts.reindex(index=districts["id"], columns=list(progress.STATUS_ORDER)).fillna(0)
    counts = counts.astype(int)
    data = districts[["id", "name", "city", "kind", "synthetic"]].reset_index(drop=True)
    data = pd.concat([data, counts.reset_index(drop=True)], axis=1)
    # every indicator with figures, context ones (no status) included
    with_data = card.groupby("district").size() if not card.empty else pd.Series(dtype=int)
    data["indicators"] = with_data.reindex(districts["id"]).fillna(0).astype(int).to_numpy()
    shown = pd.DataFrame(
        {
            # the district's name is the link to its scorecard (kept in the link's #fragment)
            t("mon.col.district"): [
                f"{filters.href('overview', district=d)}#{names.district(d)}" for d in data["id"]
            ],
            # every status in one narrow column, so a phone shows them beside the name
            t("public.col.statuses"): [
                " ".join(
                    f"{progress.STATUS_ICONS[s]}{row[s]}" for s in progress.STATUS_ORDER if row[s]
                )
                for row in data.to_dict("records")
            ],
            t("mon.col.city"): data["city"],
            t("mon.col.indicators"): data["indicators"],
            **{names.status(s): data[s] for s in progress.STATUS_ORDER},
            t("mon.col.synthetic"): names.flags(data["synthetic"], "synthetic"),
        }
    )
    config = {
        t("mon.col.district"): st.column_config.LinkColumn(
            t("mon.col.district"),
            display_text=r"#(.+)$",
            pinned=True,
            help=t("mon.open_scorecard"),
            width=PHONE_COLUMNS[0],
        ),
        t("public.col.statuses"): st.column_config.TextColumn(
            help=widgets.legend(names), width=PHONE_COLUMNS[1]
        ),
    }
    return shown, data, config


def page_of(items: list, *, param: str = "page", label: str | None = None) -> list:
    """A page of PAGE_SIZE items, the page chosen by a select bound to ?page= (only shown
    when there is more than one page)."""
    pages = max(1, -(-len(items) // PAGE_SIZE))
    if pages == 1:
        return items
    lang = language.current()
    number = filters.select(
        label or language.t("mon.page"),
        list(range(1, pages + 1)),
        param=param,
        default=1,
        format_func=lambda n: i18n.t(
            "mon.page_of",
            lang,
            page=n,
            pages=pages,
            first=(n - 1) * PAGE_SIZE + 1,
            last=min(n * PAGE_SIZE, len(items)),
            total=len(items),
        ),
    )
    return items[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]


def status_matrix(
    district_ids: list[str], keys: list[str], card: pd.DataFrame, names: Names
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(shown, data, column_config): districts x indicators; each cell the status word and icon,
    linking to that indicator and district (the word is the link's text, kept in its #fragment)."""
    t = names.t
    status_of = {
        (r["district"], r["indicator"]): names.row_status(r) for r in card.to_dict("records")
    }
    shown = {t("mon.col.district"): [names.district(d) for d in district_ids]}
    config: dict = {t("mon.col.district"): st.column_config.TextColumn(pinned=True)}
    for key in keys:
        column = names.indicator(key)
        shown[column] = [
            f"{filters.href('indicator', indicator=key, district=d)}#{status_of[d, key]}"
            if (d, key) in status_of
            else ""  # no figures: an empty cell (a None would read "None")
            for d in district_ids
        ]
        config[column] = st.column_config.LinkColumn(
            column, display_text=r"#(.+)$", help=names.definition(key) or None, width="medium"
        )
    data = card[card["district"].isin(district_ids) & card["indicator"].isin(keys)][
        ["district", "indicator", "status", "period", "value", "unit", "target", "comparator"]
    ].assign(status_text=lambda f: [names.row_status(r) for r in f.to_dict("records")])
    return pd.DataFrame(shown), data.reset_index(drop=True), config


@data.built_once()
def compare_order(
    version: data.Version, ids: tuple[str, ...], sort: str, pending: bool, lang: str
) -> tuple[str, ...]:
    """The districts to compare in order: by name in this language, or by status on the
    indicator `sort`, best first, districts without it last."""
    names = data.names(version, lang)
    if sort == BY_NAME:
        return tuple(sorted(ids, key=names.district))
    ranked = data.scorecard(version, None, (sort,), pending)
    order = {status: n for n, status in enumerate(progress.STATUS_ORDER)}
    ranked = ranked.assign(rank=ranked["status"].map(order)).sort_values(
        ["rank", "score"], ascending=[True, False]
    )
    known = set(ids)
    first = [d for d in ranked["district"] if d in known]
    ranked_ids = set(first)
    return tuple(first + [d for d in ids if d not in ranked_ids])


class CompareView(NamedTuple):
    shown: pd.DataFrame
    rows: pd.DataFrame
    config: dict
    synthetic: bool
    pending: bool


@data.built_once()
def compare_view(
    version: data.Version, page: tuple[str, ...], keys: tuple[str, ...], pending: bool, lang: str
) -> CompareView:
    """The status matrix of a page of districts on a theme's indicators."""
    names = data.names(version, lang)
    card = data.scorecard(version, page, keys, pending)
    with_data = set(card["indicator"])
    columns = [k for k in keys if k in with_data]
    shown, rows, config = status_matrix(list(page), columns, card, names)
    return CompareView(
        shown, rows, config, bool(card["synthetic"].any()), pending and bool(card["pending"].any())
    )
