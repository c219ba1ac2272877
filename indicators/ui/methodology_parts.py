"""The methodology page's pieces: the method text in the reader's language, the catalog of
indicators (what each means, its unit and source), and where the figures come from."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd
import streamlit as st

from indicators import i18n, text
from indicators.reporting import plausibility
from indicators.ui import data, widgets
from indicators.ui.names import Names

DOCS = Path(__file__).resolve().parents[2] / "docs"


@cache
def method_text(lang: str) -> str:
    """docs/methodology.md (en), methodology.fi.md, methodology.sv.md; English if missing."""
    lang = i18n.normalise(lang)
    path = DOCS / ("methodology.md" if lang == "en" else f"methodology.{lang}.md")
    if not path.exists():
        path = DOCS / "methodology.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def plausibility_text(lang: str) -> str:
    """How uploads are checked for plausibility, with the thresholds in use (the same
    constants the checks use, so the text cannot drift from them)."""
    return plausibility.method_text(i18n.normalise(lang))


@data.built_once(max_entries=16)
def catalog_tables(version: data.Version, lang: str) -> list[tuple[str, str, pd.DataFrame]]:
    """(theme key, "Theme (n)", table) theme by theme: each indicator's name, definition, unit,
    direction, how a district figure is made, and its source (linked)."""
    names = data.names(version, lang)
    indicators, themes = data.indicators(version), data.themes(version)
    t = names.t
    tables = []
    for theme in themes.sort_values("position")["key"]:
        part = indicators[indicators["theme"] == theme]
        if part.empty:
            continue
        shown = pd.DataFrame(
            {
                t("mon.col.indicator"): [names.indicator(k) for k in part["key"]],
                t("mon.col.definition"): [names.definition(k) for k in part["key"]],
                t("mon.col.unit"): [names.unit_name(u) for u in part["unit"]],
                t("mon.col.direction"): [
                    t(f"mon.indicator.direction_{d}") for d in part["direction"]
                ],
                t("mon.col.aggregation"): [t(f"mon.aggregation.{a}") for a in part["aggregation"]],
                t("mon.col.breakdown"): [
                    ", ".join(names.breakdown(k, b) for b in names.breakdowns(k))
                    for k in part["key"]
                ],
                t("mon.col.source"): part["source"],
                "URL": part["source_url"],
            }
        )
        tables.append((theme, f"{text.md(names.theme(theme))} ({len(part)})", shown))
    return tables


def catalog(version: data.Version, names: Names) -> None:
    """The catalog theme by theme, each in an expander, and the whole catalog to download."""
    t = names.t
    for theme, title, shown in catalog_tables(version, names.lang):
        with st.expander(title):
            st.dataframe(
                shown,
                hide_index=True,
                key=f"catalog_{theme}",
                column_config={
                    "URL": st.column_config.LinkColumn(
                        "URL", display_text=":material/open_in_new:"
                    ),
                    t("mon.col.definition"): st.column_config.TextColumn(width="large"),
                },
            )
    indicators = data.indicators(version)
    columns = [
        "key", "theme", "name_en", "name_fi", "name_sv", "unit", "direction", "aggregation",
        "resolution", "definition_en", "definition_fi", "definition_sv", "source", "source_url",
    ]  # fmt: skip
    widgets.download(
        indicators[[c for c in columns if c in indicators]], "indicators", key="catalog"
    )


def sources(found: pd.DataFrame, districts: pd.DataFrame, names: Names) -> None:
    """Published figures per district, indicator and source (links kept); synthetic marked."""
    t = names.t
    st.markdown(t("mon.methodology.sources_intro"))
    real = districts[~districts["synthetic"].astype(bool)]
    st.markdown(f"**{t('mon.methodology.districts')}**")
    st.dataframe(
        pd.DataFrame(
            {
                t("mon.col.district"): [names.district(d) for d in real["id"]],
                t("mon.col.city"): real["city"],
                t("mon.col.kind"): [t(f"mon.kind.{k}") for k in real["kind"]],
                # a link only to a web address (never javascript: or data:)
                t("mon.col.source"): [text.safe_url(u) for u in real["source_url"]],
            }
        ),
        hide_index=True,
        key="sources_districts",
        column_config={t("mon.col.source"): st.column_config.LinkColumn()},
    )
    published = found[~found["synthetic"].astype(bool)]
    shown = pd.DataFrame(
        {
            t("mon.col.district"): [names.district(d) for d in published["district"]],
            t("mon.col.indicator"): [names.indicator(k) for k in published["indicator"]],
            t("mon.col.source"): published["source"],
            t("mon.col.first_year"): published["first_year"].astype(str),
            t("mon.col.last_year"): published["last_year"].astype(str),
            t("mon.col.figures"): published["figures"],
        }
    )
    widgets.table(
        shown,
        name="sources",
        key="sources_table",
        data=found,
        column_config={t("mon.col.source"): st.column_config.LinkColumn(width="large")},
    )
    synthetic = found[found["synthetic"].astype(bool)]
    if not synthetic.empty:
        st.markdown(f"**:material/science: {t('mon.methodology.synthetic_sources')}**")
        for row in synthetic.to_dict("records"):
            st.markdown(
                t(
                    "mon.methodology.synthetic_sources_intro",
                    figures=names.number(row["figures"]),
                    districts=names.number(row["districts"]),
                )
                + f"  \n_{row['source']}_"
            )
