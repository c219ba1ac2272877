"""The catalog is validated on load, and every error names the entry at fault."""

import copy

import pytest

from indicators import catalog

MINIMAL = {
    "units": ["%", "t"],
    "theme": [{"key": "resource_efficiency_climate", "name": {"en": "Resources"}}],
    "indicator": [
        {
            "key": "excavated_material_reused",
            "theme": "resource_efficiency_climate",
            "name": {"en": "Excavated material reused"},
            "unit": "%",
            "direction": "higher",
            "aggregation": "ratio",
            "numerator": {"en": "t reused"},
            "denominator": {"en": "t excavated"},
            "definition": {"en": "Share of excavated material reused."},
            "source": "programme",
        }
    ],
    "district": [{"id": "kera", "name": "Kera", "city": "Espoo"}],
    "target": [
        {"indicator": "excavated_material_reused", "district": "kera", "value": 65, "source": "p"}
    ],
}


def _with(change):
    doc = copy.deepcopy(MINIMAL)
    change(doc)
    return doc


def test_the_shipped_catalog_loads():
    loaded = catalog.load()
    keys = {i.key for i in loaded.indicators}
    assert {
        "excavated_material_reused",
        "blue_green_satisfaction",
        "ghg_emissions_by_sector",
    } <= keys
    assert len(loaded.themes) == 5


def test_every_indicator_has_names_in_three_languages():
    for ind in catalog.load().indicators:
        assert ind.name.fi and ind.name.sv, ind.key


def test_minimal_catalog_is_valid():
    assert catalog.parse(MINIMAL).indicator("excavated_material_reused").unit == "%"


def test_unknown_unit_names_the_indicator():
    doc = _with(lambda d: d["indicator"][0].update(unit="percent"))
    with pytest.raises(
        catalog.CatalogError, match="indicator 'excavated_material_reused'.*unit 'percent'"
    ):
        catalog.parse(doc)


def test_unknown_theme_names_the_indicator():
    doc = _with(lambda d: d["indicator"][0].update(theme="happiness"))
    with pytest.raises(
        catalog.CatalogError,
        match="indicator 'excavated_material_reused'.*unknown theme 'happiness'",
    ):
        catalog.parse(doc)


def test_duplicate_key_is_an_error():
    doc = _with(lambda d: d["indicator"].append(copy.deepcopy(d["indicator"][0])))
    with pytest.raises(
        catalog.CatalogError, match="indicator 'excavated_material_reused' is defined twice"
    ):
        catalog.parse(doc)


def test_wrong_direction_names_the_field():
    doc = _with(lambda d: d["indicator"][0].update(direction="up"))
    with pytest.raises(catalog.CatalogError, match="excavated_material_reused.*direction"):
        catalog.parse(doc)


def test_target_of_unknown_district_is_an_error():
    doc = _with(lambda d: d["target"][0].update(district="atlantis"))
    with pytest.raises(catalog.CatalogError, match="unknown district 'atlantis'"):
        catalog.parse(doc)


def test_ratio_without_numerator_label_is_an_error():
    doc = _with(lambda d: d["indicator"][0].pop("numerator"))
    with pytest.raises(catalog.CatalogError, match="numerator and denominator"):
        catalog.parse(doc)
