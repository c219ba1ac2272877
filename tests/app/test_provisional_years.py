"""A year whose district total still waits for some project's approved report is shown as
provisional, and statuses, card values and sector shares use the latest whole year instead:
a public total missing a developer's figures would otherwise look smaller than it is.

In the demo data, one developer's 2025 report in Turku Science Park waits for approval."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import access, editing, i18n, store
from tests.app.views import (
    EMISSIONS,
    EXCAVATED,
    INDICATOR,
    OVERVIEW,
    TURKU,
    metric,
    open_view,
    table_with,
    texts,
)

SECTORS = "ghg_emissions_by_sector"


def headline(con, indicator: str, *, include_pending: bool = False) -> pd.DataFrame:
    series = store.district_series(
        con, indicator=indicator, district=TURKU, include_pending=include_pending
    )
    return series[series["series"] == ""].sort_values("year")


def test_the_public_total_of_a_year_with_a_pending_report_is_marked_incomplete(demo_con):
    public = headline(demo_con, SECTORS)
    with_pending = headline(demo_con, SECTORS, include_pending=True)
    last = public[public["year"] == 2025]
    assert not last["complete"].any()
    assert (last["projects_reported"] < last["expected_projects"]).all()
    # the same year is whole once the pending report counts, and smaller without it
    assert with_pending[with_pending["year"] == 2025]["complete"].all()
    assert last["value"].sum() < with_pending[with_pending["year"] == 2025]["value"].sum()
    assert public[public["year"] < 2025]["complete"].all()


def test_district_level_figures_are_always_whole(demo_con):
    series = store.district_series(demo_con, district="stockholm-royal-seaport")
    assert series["complete"].all() and series["expected_projects"].isna().all()


def test_the_overview_card_shows_the_last_whole_year_and_says_why(make_app, demo_con):
    series = headline(demo_con, EXCAVATED)
    whole = series[series["complete"]].iloc[-1]
    waiting = series[~series["complete"]].iloc[-1]
    at = open_view(make_app, OVERVIEW, district=TURKU, lang="en")
    shown = metric(at, "Excavated material reused").value
    assert shown == f"{i18n.format_number(whole['value'], 'en')} %"
    reported, expected = int(waiting["projects_reported"]), int(waiting["expected_projects"])
    assert f"2025 provisional: {reported} of {expected} projects' reports approved" in texts(at)


def test_an_official_who_includes_pending_reports_sees_no_provisional_year(make_app):
    at = open_view(make_app, OVERVIEW, "official", district=TURKU, pending="1", lang="en")
    assert "provisional" not in texts(at)


def test_the_indicator_table_says_how_many_projects_reported_each_year(make_app, demo_con):
    series = headline(demo_con, EXCAVATED).set_index("year")
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=TURKU, lang="fi")
    table = table_with(at, "Raportoineet hankkeet").set_index("Ajanjakso")
    expected = series.loc[2025]
    assert table.loc["2025", "Raportoineet hankkeet"] == (
        f"{int(expected['projects_reported'])}/{int(expected['expected_projects'])}"
    )
    assert table.loc["2024", "Raportoineet hankkeet"] == "6/6"


def test_emission_shares_come_from_the_last_whole_year(make_app):
    at = open_view(make_app, EMISSIONS, district=TURKU, lang="en")
    text = texts(at)
    assert "2025 provisional" in text
    charts = [c for c in at.main.get("plotly_chart")]
    titles = [str(c.proto.spec) for c in charts]
    assert any("Share of each sector" in t and "2024" in t for t in titles), titles


def _stop_reporting(con, official, organisation: str, year: float | None) -> None:
    """An official sets the last reporting year of one developer's Turku projects (pages/
    targets.py does the same through access.save_reference)."""
    projects = store.editable_reference(con, "project")
    mine = projects["organisation_id"].eq(organisation) & projects["district_id"].eq(TURKU)
    projects.loc[mine, "reporting_until"] = year
    access.save_reference(con, official, "project", projects)


def test_a_project_past_its_last_reporting_year_is_no_longer_waited_for(demo_con):
    official = access.actor_for(demo_con, "official@demo.city")
    waiting = headline(demo_con, SECTORS)
    waiting = waiting[waiting["year"] == 2025]
    assert not waiting["complete"].any()  # the pending developer's projects are expected
    _stop_reporting(demo_con, official, "bjork-bygg", 2024)
    after = headline(demo_con, SECTORS)
    last = after[after["year"] == 2025]
    assert last["complete"].all()
    assert (last["expected_projects"] == waiting["projects_reported"].max()).all()
    # earlier years still expect those projects
    assert (after[after["year"] == 2024]["expected_projects"] == 6).all()


def test_a_last_reporting_year_before_1900_is_refused_naming_row_and_column(demo_con):
    official = access.actor_for(demo_con, "official@demo.city")
    before = store.editable_reference(demo_con, "project")
    with pytest.raises(editing.EditError) as refused:
        _stop_reporting(demo_con, official, "bjork-bygg", 1800)
    assert {e.column for e in refused.value.errors} == {"reporting_until"}
    assert all(e.line for e in refused.value.errors)
    pd.testing.assert_frame_equal(store.editable_reference(demo_con, "project"), before)
