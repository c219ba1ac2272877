"""Gather the facts of one district's yearly report: every figure as it stood at the end of the
report's year, statuses worked out the app's way (indicators.scorecard), last year's report for
comparison, emissions by sector, project compliance counted, and a numbered note for every
source. Pure reads: nothing here formats for a page or draws."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import duckdb
import pandas as pd

from indicators import access, progress, scorecard, store
from indicators.names import Names

SECTORS = "ghg_emissions_by_sector"
MOVED_MOST = 5


class ReportError(ValueError):
    """The report cannot be made as asked (unknown district, a year without figures); the
    message says what is wrong in plain words."""


@dataclass
class Sources:
    """Numbered source notes, numbered in the order the report first cites them."""

    texts: list[str] = field(default_factory=list)

    def cite(self, text) -> int | None:
        text = "" if Names.missing(text) else str(text).strip()
        if not text:
            return None
        if text not in self.texts:
            self.texts.append(text)
        return self.texts.index(text) + 1


@dataclass
class Facts:
    district: str
    year: int
    lang: str
    include_pending: bool
    generated: dt.date
    data_version: int
    names: Names
    series: pd.DataFrame  # district figures up to the year (all series, breakdowns)
    card: pd.DataFrame  # the scorecard at the end of the year
    previous: pd.DataFrame  # the scorecard at the end of the year before
    targets: pd.DataFrame
    themes: pd.DataFrame
    sectors: pd.DataFrame  # emissions by sector up to the year
    requirements: pd.DataFrame  # project requirements with each project's figure
    sources: Sources = field(default_factory=Sources)

    @property
    def synthetic(self) -> bool:
        return self.names.synthetic_district(self.district) or bool(self.card["synthetic"].any())

    @cached_property
    def by_indicator(self) -> dict[str, pd.DataFrame]:
        """Each indicator's figures (one grouping, not a filter per indicator)."""
        return {key: part for key, part in self.series.groupby("indicator", sort=False)}

    @cached_property
    def headlines(self) -> dict[str, pd.DataFrame]:
        """Each indicator's yearly headline figures (sectors summed where they add up), with
        `provisional` marking a year that still waits for some project's approved report."""
        if self.series.empty:
            return {}
        heads = scorecard.totals(self.series, self.names.catalog)
        heads = heads.assign(provisional=~scorecard.is_whole(heads))
        heads = heads.sort_values(["indicator", "breakdown", "year"])
        return {key: part for key, part in heads.groupby("indicator", sort=False)}

    def figures(self, key: str) -> pd.DataFrame:
        return self.by_indicator.get(key, self.series.iloc[0:0])

    @property
    def name_projects(self) -> bool:
        """Only the officials' version names projects and developers."""
        return self.include_pending


def gather(
    con: duckdb.DuckDBPyConnection,
    actor: access.Actor,
    *,
    district: str,
    year: int,
    lang: str = "en",
    include_pending: bool = False,
    today: dt.date | None = None,
) -> Facts:
    """The facts of `district`'s report for `year` as `actor` may see them: approved figures,
    or (officials only, when asked) pending ones too."""
    districts = check(con, actor, district=district, include_pending=include_pending)
    indicators = store.indicators(con)
    names = Names(lang, indicators, districts, store.themes(con))
    every = store.district_figures(con, districts=[district], include_pending=include_pending)
    series = every[every["year"] <= year].reset_index(drop=True)
    if series.empty:
        first = f"; its figures begin in {int(every['year'].min())}" if not every.empty else ""
        raise ReportError(f"{district} has no figures up to {year}{first}")
    targets = store.targets(con, district=district)
    sectors = store.sector_emissions(con, district=district, include_pending=include_pending)
    return Facts(
        district=district,
        year=int(year),
        lang=names.lang,
        include_pending=include_pending,
        generated=today or dt.date.today(),
        data_version=store.data_version(con),
        names=names,
        series=series,
        card=scorecard.build(series, indicators, targets),
        previous=scorecard.build(series[series["year"] <= year - 1], indicators, targets),
        targets=targets,
        themes=store.themes(con),
        sectors=sectors[sectors["year"] <= year].reset_index(drop=True),
        requirements=_with_status(
            store.requirements_in_year(
                con, district=district, year=year, include_pending=include_pending
            )
        ),
    )


def check(
    con: duckdb.DuckDBPyConnection, actor: access.Actor, *, district: str, include_pending: bool
) -> pd.DataFrame:
    """Whether the report may be made as asked (the actor's rights, a known district), before
    anything slow starts; the districts, read for that."""
    access.require(actor, "read_published", "read the published figures")
    if include_pending:
        access.require(actor, "read_pending", "include figures pending approval in a report")
    districts = store.districts(con)
    if district not in set(districts["id"]):
        known = ", ".join(sorted(districts["id"]))
        raise ReportError(f"unknown district {district!r}; known districts: {known}")
    return districts


def _with_status(frame: pd.DataFrame) -> pd.DataFrame:
    frame["status"] = [
        progress.requirement_status(value, target, comparator, direction)
        for value, target, comparator, direction in zip(
            frame["value"], frame["requirement"], frame["comparator"], frame["direction"],
            strict=True,
        )
    ]  # fmt: skip
    return frame


# ---------------------------------------------------------------- facts derived for the summary
def status_counts(card: pd.DataFrame) -> dict[str, int]:
    return scorecard.counts(card["status"].dropna())


def achieved(card: pd.DataFrame) -> list[str]:
    """The indicators whose target is achieved at the end of the year."""
    return card.loc[card["status"] == "target_achieved", "indicator"].tolist()


def changes(facts: Facts) -> pd.DataFrame:
    """Per indicator in both reports: last year's and this year's status and value, the change,
    and whether the status changed; the new indicators have no previous row."""
    now = facts.card.set_index("indicator")
    before = facts.previous.set_index("indicator")
    rows = []
    for key, row in now.iterrows():
        old = before.loc[key] if key in before.index else None
        value, previous = row["value"], None if old is None else old["value"]
        change = None
        if not Names.missing(value) and not Names.missing(previous) and previous != 0:
            change = (float(value) - float(previous)) / abs(float(previous)) * 100
        rows.append(
            {
                "indicator": key,
                "status": row["status"],
                "previous_status": None if old is None else old["status"],
                "value": value,
                "previous_value": previous,
                "unit": row["unit"],
                "year": row["year"],
                "previous_year": None if old is None else old["year"],
                "change": change,
                "new": old is None,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator", "status", "previous_status", "value", "previous_value", "unit", "year",
            "previous_year", "change", "new",
        ],
    )  # fmt: skip


def moved_most(frame: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """The figures of `year` that moved most against their previous figure (relative change)."""
    fresh = frame[(frame["year"] == year) & frame["change"].notna()]
    fresh = fresh[fresh["year"] != fresh["previous_year"]]
    order = fresh["change"].abs().sort_values(ascending=False).index
    return fresh.loc[order].head(MOVED_MOST)


def status_changed(frame: pd.DataFrame) -> pd.DataFrame:
    old = frame["previous_status"]
    return frame[old.notna() & (old != frame["status"])]


# ---------------------------------------------------------------- facts per indicator
def headline(facts: Facts, key: str) -> pd.DataFrame:
    """One indicator's yearly headline figures, provisional years marked (Facts.headlines)."""
    empty = facts.series.iloc[0:0].assign(provisional=pd.Series(dtype=bool))
    return facts.headlines.get(key, empty)


def target_source(facts: Facts, key: str) -> str | None:
    own = facts.targets[(facts.targets["indicator"] == key) & facts.targets["project_id"].isna()]
    return None if own.empty else own["source"].iloc[0]


def compliance(requirements: pd.DataFrame) -> pd.DataFrame:
    """Per requirement (indicator, breakdown, comparator, value): how many projects meet it,
    miss it and have not reported; no project or developer named."""
    if requirements.empty:
        return pd.DataFrame(
            columns=["indicator", "breakdown", "comparator", "requirement", "unit", "direction",
                     "projects", *progress.REQUIREMENT_ORDER]
        )  # fmt: skip
    counted = (
        requirements.assign(n=1)
        .pivot_table(
            index=["indicator", "breakdown", "comparator", "requirement", "unit", "direction"],
            columns="status",
            values="n",
            aggfunc="sum",
            fill_value=0,
            sort=False,
        )
        .reindex(columns=list(progress.REQUIREMENT_ORDER), fill_value=0)
        .reset_index()
    )
    counted["projects"] = counted[list(progress.REQUIREMENT_ORDER)].sum(axis=1)
    return counted
