"""The reads and rules behind the monitoring screens: many districts at once give exactly what
one district at a time gives, a status's trajectory runs through its figures, and who sees
which projects is decided in indicators, not in the page. (Statuses: test_scorecard.py.)"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators import access, progress, store, trajectory
from indicators.reporting import compliance

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

DEVELOPER_A = access.Actor(
    role="developer", email="developer-a@demo.dev", organisation="aalto-rakennus"
)
OFFICIAL = access.Actor(role="official", email="official@demo.city")
TURKU = "turku-science-park"


@pytest.mark.parametrize("include_pending", [False, True])
def test_district_figures_of_all_districts_equal_district_series_of_each(demo_con, include_pending):
    """Filters are applied before the effective-figure window; asking for one district or one
    indicator must give exactly its rows of the unfiltered read (completeness included)."""
    together = store.district_figures(demo_con, districts=None, include_pending=include_pending)
    for district in store.districts(demo_con)["id"]:
        alone = store.district_series(
            demo_con, district=district, include_pending=include_pending
        ).reset_index(drop=True)
        part = together[together["district"] == district].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, part)
    for indicator in ("ghg_emissions_by_sector", "excavated_material_reused"):
        alone = store.district_series(
            demo_con, indicator=indicator, include_pending=include_pending
        ).reset_index(drop=True)
        part = together[together["indicator"] == indicator].reset_index(drop=True)
        # the same values; a count column is float where other indicators' rows hold a NULL
        pd.testing.assert_frame_equal(alone, part, check_dtype=False)


def test_district_figures_can_leave_alternative_series_out(demo_con):
    headline = store.district_figures(demo_con, headline_only=True)
    assert len(headline) and (headline["series"] == "").all()


def test_trajectory_runs_through_base_and_latest_value_to_the_target_year():
    a = progress.assess({2016: 40.0, 2023: 58.0}, direction="higher", target=65.0, target_year=2030)
    row = {
        "status": a.status,
        "base_year": a.base_year,
        "base_value": a.base_value,
        "observed_growth": a.observed_growth,
        "target_year": a.target_year,
    }
    path = trajectory.path(row)
    assert min(path) == 2016 and max(path) == 2030
    assert math.isclose(path[2016], 40.0) and math.isclose(path[2023], 58.0)
    assert trajectory.path({**row, "target_year": float("nan")}) == {}
    assert trajectory.path({**row, "target_year": pd.NA}) == {}
    assert max(trajectory.path(row, until=2026)) == 2026


def test_sector_shares_add_up_and_per_resident_divides_by_residents(demo_con):
    sectors = store.sector_emissions(demo_con, district=TURKU)
    assert set(sectors["sector"]) == {
        "infrastructure_construction", "building_construction", "energy_use", "transport",
    }  # fmt: skip
    assert sectors.groupby("year")["share"].sum().round(6).eq(100).all()
    residents = store.district_series(demo_con, indicator="residents", district=TURKU)
    people = dict(zip(residents["year"], residents["value"], strict=True))
    row = sectors.iloc[0]
    assert math.isclose(row["per_resident"], row["value"] / people[row["year"]])


def test_districts_reporting_names_the_districts_with_figures(demo_con):
    reporting = store.districts_reporting(demo_con, ["transport_emissions_vs_city_average"])
    assert "espoo-kera" in reporting and "stockholm-royal-seaport" not in reporting


def test_data_sources_keep_published_addresses_and_roll_synthetic_up(demo_con):
    sources = store.data_sources(demo_con)
    published = sources[~sources["synthetic"]]
    assert published["source"].str.startswith("http").any()
    synthetic = sources[sources["synthetic"]]
    assert len(synthetic) == 1 and synthetic.iloc[0]["districts"] == 3


# ----------------------------------------------------------------------------- projects


def test_a_developer_sees_only_its_own_projects_whatever_it_asks_for(demo_con):
    frame = compliance.project_requirements(demo_con, DEVELOPER_A, organisation="bjork-bygg")
    assert len(frame) and set(frame["organisation"]) == {"aalto-rakennus"}


def test_an_official_sees_every_developers_projects(demo_con):
    frame = compliance.project_requirements(demo_con, OFFICIAL, district=TURKU)
    assert len(set(frame["organisation"])) > 1


def test_the_public_may_not_see_projects(demo_con):
    with pytest.raises(access.PermissionDenied):
        compliance.project_requirements(demo_con, access.PUBLIC)


def test_pending_project_figures_only_for_officials(demo_con):
    bjork = access.Actor(role="developer", email="developer-b@demo.dev", organisation="bjork-bygg")
    own = compliance.project_requirements(demo_con, bjork, district=TURKU, include_pending=True)
    assert not own["pending"].any()
    seen = compliance.project_requirements(
        demo_con, OFFICIAL, district=TURKU, organisation="bjork-bygg", include_pending=True
    )
    assert seen["pending"].any()


def test_requirement_without_a_figure_is_not_reported(demo_con):
    project = store.projects(demo_con, organisation="aalto-rakennus", district=TURKU).iloc[0]["id"]
    store.add_reference(
        demo_con,
        targets=pd.DataFrame(
            [
                {
                    "indicator": "secondary_materials_infrastructure",
                    "district_id": None,
                    "project_id": project,
                    "breakdown": "",
                    "year": None,
                    "value": 10.0,
                    "comparator": ">=",
                    "baseline_year": None,
                    "baseline_value": None,
                    "source": "test",
                },
                {
                    "indicator": "workplaces",
                    "district_id": None,
                    "project_id": project,
                    "breakdown": "",
                    "year": None,
                    "value": 10.0,
                    "comparator": ">=",
                    "baseline_year": None,
                    "baseline_value": None,
                    "source": "test",
                },
            ]
        ),
    )
    frame = compliance.project_requirements(demo_con, DEVELOPER_A, district=TURKU)
    mine = frame[frame["project"] == project].set_index("indicator")
    assert (
        mine.loc["workplaces", "status"] == "not_reported"
    )  # a district figure, never a project's
    assert mine.loc["secondary_materials_infrastructure", "status"] in {"met", "not_met"}
    assert compliance.summary(frame)["not_reported"] >= 1
