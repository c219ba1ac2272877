"""What the public reads is right: targets worded by direction, no verdicts on plans, a reason
when a status is not available, district names in the reader's language."""

import json

import pytest

from indicators import catalog, progress, scorecard
from indicators.cli import main as cli_main
from indicators.models import District

pytestmark = pytest.mark.both_backends  # the store, ingest, review, access and CLI on both backends

CONTEXT = {"planned_residents", "planned_jobs", "planned_homes", "residents"}


def _status_rows(demo_db, capsys) -> list[dict]:
    capsys.readouterr()
    assert cli_main(["--db", str(demo_db), "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_catalog_marks_plans_and_population_as_context():
    loaded = catalog.load()
    context = {i.key for i in loaded.indicators if i.is_context}
    assert context >= CONTEXT
    assert not loaded.indicator("excavated_material_reused").is_context


def test_catalog_refuses_a_target_on_a_context_indicator():
    document = {
        "units": ["persons"],
        "theme": [{"key": "t", "name": {"en": "T"}}],
        "indicator": [
            {
                "key": "planned",
                "theme": "t",
                "name": {"en": "Planned"},
                "unit": "persons",
                "direction": "higher",
                "aggregation": "reported",
                "context": True,
                "definition": {"en": "A plan."},
                "source": "plan",
            }
        ],
        "district": [{"id": "d", "name": "D", "city": "C"}],
        "target": [{"indicator": "planned", "district": "d", "value": 1, "source": "x"}],
    }
    with pytest.raises(catalog.CatalogError, match="'planned': a context indicator takes no"):
        catalog.parse(document)


def test_planned_figures_get_no_status_in_the_scorecard(demo_con):
    card = scorecard.district_scorecard(demo_con)
    plans = card[card["indicator"].isin(CONTEXT)]
    assert len(plans) >= 3  # Hiedanranta's and Kera's plans at least
    assert plans["status"].isna().all()
    assert plans["context"].all()
    assert plans["target"].isna().all() and plans["gap"].isna().all()
    assert plans["value"].notna().all()  # the facts stay


def test_status_json_gives_plans_no_status_and_says_they_are_context(demo_db, capsys):
    rows = _status_rows(demo_db, capsys)
    plans = [r for r in rows if r["indicator"] in CONTEXT]
    assert plans and all(r["status"] is None and r["context"] is True for r in plans)
    assert all(r["status"] for r in rows if not r["context"])


def test_status_json_words_an_equals_target_by_the_indicators_direction(demo_db, capsys):
    rows = _status_rows(demo_db, capsys)
    bikes = next(
        r
        for r in rows
        if r["district"] == "stockholm-royal-seaport"
        and r["indicator"] == "bicycle_parking_spaces_per_dwelling"
    )
    assert bikes["comparator"] == "="
    assert bikes["target_text"].startswith("at least 2.5 ")
    stages = next(r for r in rows if r["indicator"] == "breeam_communities_stages_passed")
    assert stages["target_text"].startswith("at least 3 ")


def test_status_json_says_why_a_status_is_not_available(demo_db, capsys):
    rows = _status_rows(demo_db, capsys)
    unavailable = [r for r in rows if r["status"] == "not_available"]
    assert unavailable and all(r["status_reason"] for r in unavailable)
    assert any(r["status_reason"].startswith("only one year of data (") for r in unavailable)
    assert not any(r["status_reason"] for r in rows if r["status"] != "not_available")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "only one year of data (2021)"),
        ("fi", "vain yhden vuoden tiedot (2021)"),
        ("sv", "bara ett års data (2021)"),
    ],
)
def test_one_year_of_data_is_the_reason_given_in_each_language(lang, words):
    result = progress.assess({2021: 5.0}, direction="higher", target=10.0)
    assert result.status == "not_available"
    assert result.reason_text(lang) == words


def test_an_available_status_has_no_reason():
    result = progress.assess({2016: 5.0, 2021: 8.0}, direction="higher", target=10.0)
    assert result.status != "not_available" and result.reason is None
    assert result.reason_text("en") == ""


def test_no_figures_at_all_is_a_reason_too():
    assert progress.assess({}, direction="lower").reason_text("en") == "no figures yet"


def test_swedish_readers_see_norra_djurgardsstaden():
    seaport = next(d for d in catalog.load().districts if d.id == "stockholm-royal-seaport")
    assert seaport.local_name("sv") == "Norra Djurgårdsstaden"
    assert seaport.local_name("en") == "Stockholm Royal Seaport"


def test_a_district_without_a_local_name_keeps_its_own():
    assert District(id="kera", name="Kera", city="Espoo").local_name("sv") == "Kera"
