"""The monitoring screens through the real dashboard.py (AppTest), for every role that sees
them, opened by their query parameters, and checked against the database: the value, the
target and the status word a reader sees are the ones the data give."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import i18n, progress, scorecard, store
from tests.app.views import (
    COMPARE,
    EMISSIONS,
    EVERYONE,
    EXCAVATED,
    INDICATOR,
    METHODOLOGY,
    OVERVIEW,
    PROJECTS,
    SRS,
    TURKU,
    metric,
    open_view,
    table_with,
    texts,
)


def headline(con, indicator: str, district: str) -> pd.DataFrame:
    series = store.district_series(con, indicator=indicator, district=district)
    return series[series["series"] == ""].sort_values("year")


def official_status(con, district: str, indicator: str) -> dict:
    card = scorecard.district_scorecard(con, district=district)
    return card[card["indicator"] == indicator].iloc[0].to_dict()


# ----------------------------------------------------------------------------- overview


def test_overview_shows_royal_seaport_excavated_material_reuse_as_target_achieved(
    make_app, demo_con
):
    latest = headline(demo_con, EXCAVATED, SRS).iloc[-1]
    target = store.targets(demo_con, district=SRS).set_index("indicator").loc[EXCAVATED]
    assert (int(latest["year"]), latest["value"], target["value"]) == (2023, 80.0, 65.0)
    at = open_view(make_app, OVERVIEW, district=SRS, lang="en")
    assert metric(at, "Excavated material reused").value == "80 %"
    table = table_with(at, "Status")
    row = table[table["Indicator"] == "Excavated material reused"].iloc[0]
    assert row["Value"] == "80" and row["Period"] == "2023"
    assert row["Target"] == "at least 65 % by 2030"
    assert row["Status"] == "✔ Target achieved"
    assert row["Gap"] == "15 percentage points beyond the target"


def test_overview_counts_every_status_of_the_district(make_app, demo_con):
    expected = scorecard.district_scorecard(demo_con, district=SRS)["status"].value_counts()
    at = open_view(make_app, OVERVIEW, district=SRS, lang="en")
    summary = next(m.value for m in at.main.get("markdown") if "indicators:" in m.value)
    assert summary.startswith(f"{int(expected.sum())} indicators:")
    for status, count in expected.items():
        assert f"{progress.STATUS_LABELS[status]} **{count}**" in summary


def test_overview_cards_link_to_the_indicator_page_of_that_district(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="fi")
    links = [link.proto for link in at.main.get("page_link")]
    assert links and all(link.page.endswith("indicator") for link in links)
    assert f"indicator={EXCAVATED}&district={SRS}&lang=fi" in {link.query_string for link in links}


def test_overview_in_finnish_uses_decimal_comma_and_finnish_words(make_app, demo_con):
    series = headline(demo_con, EXCAVATED, TURKU)
    latest = series[series["complete"]].iloc[-1]["value"]
    at = open_view(make_app, OVERVIEW, district=TURKU, lang="fi")
    shown = metric(at, "Kaivumaiden hyötykäyttö").value
    assert shown == f"{i18n.format_number(latest, 'fi')} %" and "," in shown
    status = official_status(demo_con, TURKU, EXCAVATED)["status"]
    assert i18n.t(f"status.{status}", "fi") in texts(at)
    assert "Tavoite saavutettu" in texts(at)


def test_overview_of_all_districts_counts_statuses_per_district(make_app, demo_con):
    at = open_view(make_app, OVERVIEW, district="all", lang="en")
    table = table_with(at, "✔ Target achieved")
    for district in (SRS, TURKU):
        expected = scorecard.district_scorecard(demo_con, district=district)
        row = table[table["District"].str.startswith(f"./?district={district}&")].iloc[0]
        assert row["Indicators with data"] == len(expected)
        assert row["✔ Target achieved"] == int((expected["status"] == "target_achieved").sum())


def test_link_to_a_district_that_does_not_exist_says_so(make_app):
    at = open_view(make_app, OVERVIEW, district="atlantis", lang="en")
    assert any("atlantis" in w.value for w in at.warning)
    assert at.query_params["district"] == "all"


def test_choosing_a_district_updates_the_address(make_app):
    at = open_view(make_app, OVERVIEW, district="all", lang="en")
    at.selectbox(key="filter_select_district").select(TURKU).run()
    assert at.query_params["district"] == TURKU
    assert "Turku Science Park" in texts(at)


# ----------------------------------------------------------------------------- indicator


def test_indicator_page_shows_value_target_status_and_workings(make_app):
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=SRS, lang="en")
    shown = texts(at)
    assert "✔ Target achieved" in shown
    assert "Latest value: **80 % (2023)**" in shown
    assert "Target: **at least 65 % by 2030**" in shown
    assert "Base value: **40 % (2016)**" in shown
    charts = at.main.get("plotly_chart")
    assert len(charts) >= 2  # the series and the comparison of districts


def test_indicator_table_marks_alternative_published_series(make_app, demo_con):
    alternative = store.district_series(demo_con, indicator=EXCAVATED, district=SRS)
    alternative = alternative[alternative["series"] != ""]
    assert len(alternative)
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=SRS, lang="en")
    table = table_with(at, "Series")
    marked = table[table["Series"].str.startswith("◇ alternative series")]
    assert len(marked) == len(alternative)
    assert set(marked["Value"]) == {i18n.format_number(v, "en", 0) for v in alternative["value"]}


def test_indicator_comparison_lists_every_district_of_the_year(make_app, demo_con):
    series = store.district_series(demo_con, indicator=EXCAVATED)
    expected = series[(series["series"] == "") & (series["year"] == 2023)]
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=SRS, year="2023", lang="en")
    table = table_with(at, "District", "Value", "Target", "Unit")
    assert len(table) == len(expected)
    assert table.iloc[0]["District"] == "Stockholm Royal Seaport"  # 80 % is the highest
    assert table.iloc[0]["Target"] == "65"


def test_indicator_ratio_shows_numerator_and_denominator(make_app, demo_con):
    series = headline(demo_con, EXCAVATED, TURKU)
    last = series.iloc[-1]
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=TURKU, lang="en")
    table = table_with(at, "Year", "Excavated material reused (t)")
    row = table[table["Year"] == str(int(last["year"]))].iloc[0]
    assert row["Excavated material reused (t)"] == i18n.format_number(last["numerator"], "en", 1)
    assert row["Excavated material (t)"] == i18n.format_number(last["denominator"], "en", 1)


def test_indicator_with_breakdowns_shows_the_breakdown(make_app):
    at = open_view(
        make_app, INDICATOR, indicator="ghg_emissions_by_sector", district=TURKU, lang="sv"
    )
    table = table_with(at, "Uppdelning")
    assert {"Transporter", "Energianvändning"} <= set(table["Uppdelning"])


def test_pending_figures_are_shown_to_officials_who_switch_them_on(make_app, demo_con):
    pending = store.district_series(
        demo_con, indicator=EXCAVATED, district=TURKU, include_pending=True
    )
    assert pending["pending"].any()
    at = open_view(
        make_app, INDICATOR, "official", indicator=EXCAVATED, district=TURKU, pending="1", lang="en"
    )
    assert at.toggle(key="filter_toggle_pending").value is True
    table = table_with(at, "Series")
    assert (table["Pending"] == "pending").sum() == int(pending["pending"].sum())
    assert any("not yet approved" in w.value for w in at.warning)


def test_pending_figures_are_never_shown_to_the_public(make_app):
    for role in (None, "developer"):
        at = open_view(
            make_app, INDICATOR, role, indicator=EXCAVATED, district=TURKU, pending="1", lang="en"
        )
        assert not at.main.get("toggle")
        table = table_with(at, "Series")
        assert not (table["Pending"] == "pending").any()


# ----------------------------------------------------------------------------- emissions


def test_emissions_per_resident_divides_by_that_years_residents(make_app, demo_con):
    residents = headline(demo_con, "residents", TURKU).set_index("year")["value"]
    sectors = store.district_series(demo_con, indicator="ghg_emissions_by_sector", district=TURKU)
    row = sectors[(sectors["year"] == 2020) & (sectors["breakdown"] == "transport")].iloc[0]
    at = open_view(make_app, EMISSIONS, district=TURKU, per="1", lang="en")
    table = table_with(at, "Sector")
    shown = table[(table["Year"] == "2020") & (table["Sector"] == "Transport")].iloc[0]
    per_resident = [c for c in table.columns if c.startswith("Per resident")][0]
    assert shown[per_resident] == i18n.format_number(row["value"] / residents[2020], "en", 3)
    assert len(at.main.get("plotly_chart")) == 2  # stacked sectors and the shares


def test_kera_transport_emissions_are_27_percent_below_the_city_average(make_app):
    at = open_view(make_app, EMISSIONS, district="espoo-kera", lang="en")
    shown = texts(at)
    assert "Transport emissions 27 % lower than the city average (2021)" in shown
    assert "No emissions by sector have been published for Kera." in shown


# ----------------------------------------------------------------------------- compare


def test_compare_cells_hold_the_status_and_link_to_indicator_and_district(make_app, demo_con):
    at = open_view(make_app, COMPARE, theme="resource_efficiency_climate", lang="en")
    table = table_with(at, "Excavated material reused")
    status = official_status(demo_con, SRS, EXCAVATED)["status"]
    cell = table.loc[table["District"] == "Stockholm Royal Seaport", "Excavated material reused"]
    assert cell.iloc[0] == (
        f"indicator?indicator={EXCAVATED}&district={SRS}&lang=en#{progress.STATUS_ICONS[status]} "
        f"{progress.STATUS_LABELS[status]}"
    )


def test_compare_sorted_by_status_puts_achieved_targets_first(make_app):
    at = open_view(
        make_app, COMPARE, theme="resource_efficiency_climate", sort=EXCAVATED, lang="en"
    )
    column = table_with(at, "Excavated material reused")["Excavated material reused"]
    column = column[column.fillna("") != ""]  # districts without the figure: an empty cell
    ranks = [
        next(
            n
            for n, s in enumerate(progress.STATUS_ORDER)
            if cell.endswith(progress.STATUS_LABELS[s])
        )
        for cell in column
    ]
    assert ranks == sorted(ranks) and ranks[0] == 0


# ----------------------------------------------------------------------------- projects


def test_developer_sees_only_its_own_projects_against_their_requirements(make_app, demo_con):
    own = store.projects(demo_con, organisation="aalto-rakennus", district=TURKU)
    at = open_view(make_app, PROJECTS, "developer", district=TURKU, lang="en")
    table = table_with(at, "Requirement")
    assert set(table["Developer"]) == {"Aalto Rakennus Oy (synthetic)"}
    assert set(table["Project"]) == set(own["name"])
    assert set(table["Status"]) <= {"✔ Met", "✘ Not met", "? Not reported"}
    assert all(s.key != "filter_select_organisation" for s in at.main.get("selectbox"))


def test_requirement_status_follows_the_reported_figure(make_app, demo_con):
    requirements = store.project_requirements(
        demo_con, district=TURKU, organisation="aalto-rakennus"
    )
    first = requirements.iloc[0]
    expected = progress.requirement_status(
        first["value"], first["requirement"], first["comparator"], first["direction"]
    )
    at = open_view(make_app, PROJECTS, "developer", district=TURKU, lang="en")
    table = table_with(at, "Requirement")
    row = table.iloc[0]
    assert row["Status"].endswith(i18n.t(f"requirement.{expected}", "en"))


def test_official_sees_every_developer_and_can_narrow_to_one(make_app):
    at = open_view(make_app, PROJECTS, "official", district=TURKU, lang="en")
    assert len(set(table_with(at, "Requirement")["Developer"])) > 1
    at = open_view(make_app, PROJECTS, "official", district=TURKU, organisation="bjork-bygg")
    assert set(table_with(at, "Requirement")["Developer"]) == {"Björk Bygg Ab (synthetic)"}


def test_projects_page_is_not_given_to_the_public(make_app):
    at = make_app(None)
    at.run()
    with pytest.raises(ValueError):
        at.switch_page(PROJECTS)


# ----------------------------------------------------------------------------- methodology


def test_methodology_is_shown_in_the_readers_language(make_app):
    at = open_view(make_app, METHODOLOGY, section="method", lang="sv")
    assert "## Vad statusen berättar" in texts(at)


def test_methodology_marks_synthetic_sources(make_app):
    at = open_view(make_app, METHODOLOGY, section="sources", lang="en")
    assert "invented figures for 3 demo districts" in texts(at)
    sources = table_with(at, "Figures")
    assert "Stockholm Royal Seaport" in set(sources["District"])


# ----------------------------------------------------------------------------- every page


TITLES_FI = {
    OVERVIEW: "Miten alueet edistyvät?",
    INDICATOR: "Indikaattori",
    EMISSIONS: "Päästöt sektoreittain",
    COMPARE: "Vertaa alueita",
    PROJECTS: "Hankkeet ja niiden vaatimukset",
    METHODOLOGY: "Menetelmät ja lähteet",
}
VISIBLE = [
    (page, role)
    for page in (OVERVIEW, INDICATOR, EMISSIONS, COMPARE, METHODOLOGY)
    for role in EVERYONE
] + [(PROJECTS, role) for role in ("official", "developer")]


@pytest.mark.parametrize(("page", "role"), VISIBLE)
def test_every_monitoring_page_runs_for_every_role_that_sees_it(make_app, page, role):
    at = open_view(make_app, page, role, lang="fi")
    assert at.title and at.title[0].value == TITLES_FI[page]
    if page != METHODOLOGY:  # every view's data can be downloaded
        labels = {b.proto.label for b in at.main.get("download_button")}
        assert {"Lataa CSV", "Lataa Excel"} <= labels
