"""What a resident reads on the cards and tables: targets worded the right way round, no verdict
on a plan, why a status is missing, names in the reader's language, no 'None' in a cell."""

from __future__ import annotations

import json
import re

import pytest

from tests.app.views import (
    COMPARE,
    EMISSIONS,
    INDICATOR,
    METHODOLOGY,
    OVERVIEW,
    SRS,
    TURKU,
    open_view,
    table_with,
    texts,
)

HIEDANRANTA = "tampere-hiedanranta"


def _blocks(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _blocks(child)


def card(at, label: str) -> str:
    """Everything written on the card whose metric is `label`."""
    for block in _blocks(at.main):
        children = list(getattr(block, "children", {}).values())
        if any(getattr(c, "type", None) == "metric" and c.label == label for c in children):
            parts = [f"{c.label}: {c.value}" for c in children if c.type == "metric"]
            parts += [str(c.value) for c in children if c.type in ("markdown", "caption")]
            return "\n".join(parts)
    raise AssertionError(f"no card {label!r}")


def test_an_equals_target_on_a_higher_is_better_card_reads_at_least(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="en")
    shown = card(at, "Bicycle parking spaces per dwelling")
    assert "target at least 2.5 " in shown
    assert "at most" not in shown


def test_breeam_stages_card_in_hiedanranta_reads_at_least(make_app):
    at = open_view(make_app, OVERVIEW, district=HIEDANRANTA, lang="en")
    assert "target at least 3 stages" in card(at, "BREEAM Communities stages passed")


def test_the_all_figures_table_words_targets_as_the_cards_do(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="en")
    table = table_with(at, "Indicator", "Target")
    bikes = table[table["Indicator"] == "Bicycle parking spaces per dwelling"]["Target"].iloc[0]
    assert bikes.startswith("at least 2.5 ")


def test_planned_residents_card_is_a_fact_without_a_verdict(make_app):
    at = open_view(make_app, OVERVIEW, district=HIEDANRANTA, lang="en")
    shown = card(at, "Planned residents")
    assert "a fact for context" in shown
    for verdict in ("Deterioration", "Limited progress", "Target achieved", "Not available"):
        assert verdict not in shown


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fi", "taustaluku, ei tilaa"), ("sv", "bakgrund, ingen status")],
)
def test_plans_say_they_have_no_status_in_finnish_and_swedish(make_app, lang, words):
    at = open_view(make_app, OVERVIEW, district=HIEDANRANTA, lang=lang)
    assert any(words in str(cell) for cell in texts_of_tables(at))


def test_a_card_without_a_status_says_why(make_app):
    at = open_view(make_app, OVERVIEW, district=HIEDANRANTA, lang="en")
    assert "Not available: only one year of data (2021)" in card(
        at, "BREEAM Communities stages passed"
    )


def test_compare_gives_plans_no_status(make_app):
    at = open_view(make_app, COMPARE, theme="vibrant_city", lang="en")
    table = table_with(at, "District", "Planned residents")
    plans = [str(v) for v in table["Planned residents"] if v]
    assert plans and all(v.endswith("#— context, no status") for v in plans)


def texts_of_tables(at) -> list:
    return [v for frame in at.main.get("dataframe") for v in frame.value.stack().tolist()]


def test_swedish_readers_see_norra_djurgardsstaden(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="sv")
    assert "Norra Djurgårdsstaden" in [h.value for h in at.main.get("header")]
    assert "Stockholm Royal Seaport" not in texts(at)


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (OVERVIEW, {"district": "all"}),
        (OVERVIEW, {"district": SRS}),
        (INDICATOR, {"indicator": "excavated_material_reused", "district": SRS}),
        (EMISSIONS, {"district": "espoo-kera"}),
        (COMPARE, {"theme": "vibrant_city"}),
        (METHODOLOGY, {}),
    ],
)
def test_no_table_cell_on_a_public_page_reads_none_or_nan(make_app, page, params):
    at = open_view(make_app, page, lang="sv", **params)
    for frame in at.main.get("dataframe"):
        cells = {str(v).strip() for v in frame.value.astype(str).stack().tolist()}
        assert not cells & {"None", "nan", "NaN", "<NA>", "NaT"}, frame.value.columns.tolist()


# ----------------------------------------------------------------------------- emissions


def _figures(at) -> dict[str, dict]:
    """Each chart on the page by its title: the plotly figure as JSON."""
    out = {}
    for chart in at.main.get("plotly_chart"):
        figure = json.loads(chart.proto.spec)
        out[figure["layout"]["title"]["text"].replace("<br>", " ")] = figure
    return out


def test_emissions_offers_the_helsinki_region_and_draws_its_sectors(make_app):
    at = open_view(make_app, EMISSIONS, district="helsinki-region", lang="en")
    assert "Helsinki metropolitan area" in at.selectbox(key="filter_select_district").options
    assert not at.warning
    stack = next(f for title, f in _figures(at).items() if title.startswith("Emissions by sector"))
    assert {trace["name"] for trace in stack["data"]} >= {"District heating", "Transport"}


def test_emissions_of_a_district_without_sector_figures_says_so(make_app):
    at = open_view(make_app, EMISSIONS, district=HIEDANRANTA, lang="en")
    assert not at.warning  # not "does not exist"
    assert at.query_params["district"] == HIEDANRANTA
    assert "No emissions by sector have been published for Hiedanranta." in [
        i.value for i in at.main.get("alert") if hasattr(i, "value")
    ] + [i.value for i in at.info]


def test_a_sector_looks_the_same_in_the_stacked_bars_and_the_shares(make_app):
    at = open_view(make_app, EMISSIONS, district=TURKU, lang="en")
    figures = _figures(at)
    stack = next(f for title, f in figures.items() if title.startswith("Emissions by sector"))
    shares = next(f for title, f in figures.items() if title.startswith("Share of each sector"))
    (bars,) = shares["data"]
    in_shares = {
        label: (colour, pattern)
        for label, colour, pattern in zip(
            bars["y"], bars["marker"]["color"], bars["marker"]["pattern"]["shape"], strict=True
        )
    }
    in_stack = {
        t["name"]: (t["marker"]["color"], t["marker"]["pattern"]["shape"]) for t in stack["data"]
    }
    assert in_shares == in_stack
    assert len(set(in_stack.values())) == len(in_stack) == 4


def test_a_provisional_year_is_marked_in_the_comparison_of_districts(make_app):
    at = open_view(
        make_app, INDICATOR, indicator="ghg_emissions_by_sector", district=TURKU, year="2025"
    )
    comparison = next(f for t, f in _figures(at).items() if "by district, 2025" in t)
    bars = comparison["data"][0]
    marked = {
        label: shape
        for label, shape in zip(bars["y"], bars["marker"]["pattern"]["shape"], strict=True)
        if "(provisional)" in label
    }
    assert any(label.startswith("Turku Science Park") for label in marked)
    table = table_with(at, "District", "Provisional")
    turku = table[table["District"].str.startswith("Turku Science Park")]
    assert list(turku["Provisional"]) == ["provisional"]


# ----------------------------------------------------------------------------- the menu


def _by_menu(at, page: str):
    """Open `page` as the menu does: its address without a query string (but the language)."""
    for key in [k for k in at.query_params if k != "lang"]:
        del at.query_params[key]
    at.switch_page(page)
    at.run()
    assert not at.exception
    return at


def test_the_chosen_district_follows_the_reader_through_the_menu(make_app):
    at = open_view(make_app, OVERVIEW, district=TURKU, lang="en")
    _by_menu(at, EMISSIONS)
    assert at.query_params["district"] == TURKU
    _by_menu(at, INDICATOR)
    assert at.query_params["district"] == TURKU
    _by_menu(at, OVERVIEW)
    assert at.query_params["district"] == TURKU
    assert "Turku Science Park (Tiedepuisto) (synthetic)" in [
        h.value for h in at.main.get("header")
    ]


def test_a_district_without_sector_figures_is_kept_on_the_emissions_page(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="en")
    _by_menu(at, EMISSIONS)
    assert at.query_params["district"] == SRS
    assert not at.warning


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (OVERVIEW, {"district": SRS}),
        (INDICATOR, {"indicator": "bicycle_parking_spaces_per_dwelling", "district": SRS}),
        (EMISSIONS, {"district": TURKU, "per": "1"}),
    ],
)
def test_swedish_figures_have_a_decimal_comma(make_app, page, params):
    at = open_view(make_app, page, lang="sv", **params)
    figures = [f"{m.label}: {m.value}" for m in at.main.get("metric")]
    for frame in at.main.get("dataframe"):
        words = frame.value.drop(columns=["Källa", "Anmärkning"], errors="ignore")
        figures += [str(v) for v in words.stack(future_stack=True).tolist()]
    assert any(re.search(r"\d,\d", f) for f in figures)
    assert not [f for f in figures if re.search(r"\d\.\d", f)]


def test_the_summary_counts_context_figures_apart_from_statuses(make_app):
    at = open_view(make_app, OVERVIEW, district=HIEDANRANTA, lang="en")
    summary = next(m.value for m in at.main.get("markdown") if "context figures" in str(m.value))
    assert summary.startswith("1 indicator: ")  # one, not "1 indicators"
    assert "3 context figures without a status" in summary
