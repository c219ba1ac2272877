"""The overview's pieces: a district's scorecard grouped by theme (one card per indicator),
and the table of all districts with their status counts."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
import streamlit as st

from indicators import i18n, progress, scorecard
from indicators.ui import data, filters, language, widgets
from indicators.ui.names import Names

PAGE_SIZE = 50
BY_NAME = "name"  # the comparison's order by district name (else by status on an indicator)


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


class Card(NamedTuple):
    """One indicator's card, every text ready for the language (built once, drawn per run)."""

    label: str
    value: str
    line: list[float] | None
    help: str | None
    status: str
    facts: str
    link: dict[str, str]


def card_of(
    row: dict, line: list[float], names: Names, district: str, provisional: str | None = None
) -> Card:
    key = row["indicator"]
    unit = row.get("unit") or names.unit(key)
    if len(row.get("breakdowns") or []) and names.missing(row.get("value")):
        value = names.t("mon.card.breakdowns", count=len(row["breakdowns"]))
    else:
        value = names.quantity(row.get("value"), unit)
    facts = [
        names.t("mon.card.period", period=row.get("period") or row.get("year")),
        names.t("mon.no_target")
        if names.missing(row.get("target"))
        else names.t("mon.card.target", target=names.target({**row, "unit": unit})),
    ]
    if not names.missing(row.get("gap")):
        facts.append(names.gap({**row, "unit": unit}))
    if row.get("pending"):
        facts.append(f":material/hourglass_top: {names.t('mon.pending.marker')}")
    if provisional:
        facts.append(f":material/hourglass_empty: {provisional}")
    if row.get("synthetic"):
        facts.append(f":material/science: {names.t('mon.synthetic')}")
    return Card(
        label=names.indicator(key),
        value=value,
        line=line if len(line) > 1 else None,
        help=names.definition(key) or None,
        status=f"**{names.status(row['status'])}**",
        facts=" · ".join(facts),
        link=filters.link_params(indicator=key, district=district),
    )


def indicator_card(card: Card) -> None:
    with st.container(border=True):
        st.metric(card.label, card.value, chart_data=card.line, chart_type="line", help=card.help)
        st.markdown(card.status)
        st.caption(card.facts)
        st.page_link(
            "pages/indicator.py",
            label=language.t("mon.card.open"),
            icon=":material/show_chart:",
            query_params=card.link,
        )


def theme_cards(
    card: pd.DataFrame,
    series: pd.DataFrame,
    indicators: pd.DataFrame,
    themes: pd.DataFrame,
    names: Names,
    district: str,
) -> list[tuple[str, str, list[Card]]]:
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
            card_of(
                r, lines.get(r["indicator"], []), names, district, provisional.get(r["indicator"])
            )
            for r in in_theme
        ]
        sections.append((names.theme(theme), widgets.status_summary(counts, names), cards))
    return sections


def district_scorecard(sections: list[tuple[str, str, list[Card]]]) -> None:
    """Theme by theme, three cards a row."""
    for theme, summary, cards in sections:
        st.subheader(theme)
        st.caption(summary)
        columns = st.columns(3)
        for n, card in enumerate(cards):
            with columns[n % 3]:
                indicator_card(card)


class DistrictView(NamedTuple):
    """Everything the overview draws for one district, built once per (data version, district,
    pending, language)."""

    summary: str
    synthetic: bool
    pending: bool
    sections: list[tuple[str, str, list[Card]]]
    shown: pd.DataFrame
    rows: pd.DataFrame


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
        summary=widgets.status_summary(scorecard.counts(card["status"]), names),
        synthetic=bool(card["synthetic"].any()),
        pending=pending and bool(card["pending"].any()),
        sections=theme_cards(card, series, indicators, themes, names, district),
        shown=shown,
        rows=rows,
    )


class DistrictsView(NamedTuple):
    """The overview of a page of districts, built once per (data version, page, language)."""

    summary: str
    synthetic: bool
    shown: pd.DataFrame
    rows: pd.DataFrame


@data.built_once()
def districts_view(version: data.Version, ids: tuple[str, ...], pending: bool, lang: str):
    names = data.names(version, lang)
    districts = data.districts(version).set_index("id", drop=False).loc[list(ids)]
    card = data.scorecard(version, ids, None, pending)
    counts = scorecard.counts(card["status"])
    shown, rows = districts_table(districts, card, names)
    return DistrictsView(
        summary=widgets.status_summary(counts, names, districts=len(districts)),
        synthetic=bool(districts["synthetic"].any()),
        shown=shown,
        rows=rows,
    )


def scorecard_table(card: pd.DataFrame, names: Names) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, data): the scorecard as text for the language, and as plain numbers."""
    t = names.t
    data = card.assign(
        indicator_name=[names.indicator(k) for k in card["indicator"]],
        status_text=[names.status(s) for s in card["status"]],
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
            t("mon.col.target"): [names.target(r) for r in card.to_dict("records")],
            t("mon.col.gap"): [names.gap(r) for r in card.to_dict("records")],
            t("mon.col.status"): data["status_text"],
            t("mon.col.pending"): names.flags(data["pending"], "pending"),
            t("mon.col.synthetic"): names.flags(data["synthetic"], "synthetic"),
        }
    )
    return shown, data


def districts_table(
    districts: pd.DataFrame, card: pd.DataFrame, names: Names
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, data): each district with how many indicators have each status and a link to
    its scorecard (districts_config makes the link readable)."""
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
    data["indicators"] = counts.sum(axis=1).to_numpy()
    shown = pd.DataFrame(
        {
            # the district's name is the link to its scorecard (kept in the link's #fragment)
            t("mon.col.district"): [
                f"{filters.href('overview', district=d)}#{name}"
                for d, name in zip(data["id"], data["name"], strict=True)
            ],
            t("mon.col.city"): data["city"],
            t("mon.col.indicators"): data["indicators"],
            **{names.status(s): data[s] for s in progress.STATUS_ORDER},
            t("mon.col.synthetic"): names.flags(data["synthetic"], "synthetic"),
        }
    )
    return shown, data


def districts_config(names: Names) -> dict:
    t = names.t
    return {
        t("mon.col.district"): st.column_config.LinkColumn(
            t("mon.col.district"), display_text=r"#(.+)$", pinned=True, help=t("mon.open_scorecard")
        ),
    }


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
    status_of = {(r["district"], r["indicator"]): r["status"] for r in card.to_dict("records")}
    shown = {t("mon.col.district"): [names.district(d) for d in district_ids]}
    config: dict = {t("mon.col.district"): st.column_config.TextColumn(pinned=True)}
    for key in keys:
        column = names.indicator(key)
        shown[column] = [
            f"{filters.href('indicator', indicator=key, district=d)}#{names.status(status_of[d, key])}"
            if (d, key) in status_of
            else None
            for d in district_ids
        ]
        config[column] = st.column_config.LinkColumn(
            column, display_text=r"#(.+)$", help=names.definition(key) or None, width="medium"
        )
    data = card[card["district"].isin(district_ids) & card["indicator"].isin(keys)][
        ["district", "indicator", "status", "period", "value", "unit", "target", "comparator"]
    ].assign(status_text=lambda f: [names.status(s) for s in f["status"]])
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
