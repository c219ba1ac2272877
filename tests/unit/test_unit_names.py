"""Units in the reader's language: every unit of the catalog has an English, Finnish and
Swedish name; the code in the data, the templates and the uploads stays as it is."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import catalog, i18n
from indicators.ui.names import Names

UNITS = catalog.load().units


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_unit_in_the_catalog_has_a_name_in_each_language(lang):
    missing = [unit for unit in UNITS if f"unit.{unit}" not in i18n.messages(lang)]
    assert not missing


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_locales_name_only_units_of_the_catalog(lang):
    named = {k.removeprefix("unit.") for k in i18n.messages(lang) if k.startswith("unit.")}
    assert named <= set(UNITS)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_unit_name_is_never_another_units_code(lang):
    # a name shown once is never translated again into something else
    for unit in UNITS:
        name = i18n.unit_name(unit, lang)
        assert name == unit or name not in UNITS, (unit, name)


def test_units_read_in_finnish_and_swedish():
    assert i18n.unit_name("jobs", "fi") == "työpaikkaa"
    assert i18n.unit_name("t/yr", "sv") == "t/år"
    assert i18n.unit_name("%", "fi") == "%"


def test_an_unknown_unit_is_shown_as_it_is():
    assert i18n.unit_name("furlongs", "fi") == "furlongs"


def test_a_quantity_in_finnish_has_decimal_comma_and_the_finnish_unit():
    names = Names(
        "fi", pd.DataFrame({"key": []}), pd.DataFrame({"id": [], "name": [], "synthetic": []})
    )
    assert names.quantity(12.5, "kg/person/yr") == "12,5 kg/hlö/v"
    assert names.quantity(None, "jobs") == "–"
