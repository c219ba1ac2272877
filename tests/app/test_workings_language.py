"""The screens speak the reader's language beyond the interface text: the workings under the
numbers, the units, and the demo data's "synthetic" mark, through the real dashboard.py (AppTest)."""

from __future__ import annotations

from string import Formatter

from indicators import i18n
from indicators.progress import NOTE_PREFIX
from tests.app.views import (
    EXCAVATED,
    INDICATOR,
    OVERVIEW,
    PROJECTS,
    SRS,
    open_view,
    table_with,
    texts,
)


def english_note_phrases() -> list[str]:
    """The fixed words of every English note (the parts between placeholders)."""
    phrases = []
    for key, text in i18n.messages("en").items():
        if key.startswith(NOTE_PREFIX):
            phrases += [lit.strip() for lit, *_ in Formatter().parse(text) if len(lit.strip()) > 8]
    return phrases


def test_indicator_page_in_finnish_shows_the_workings_in_finnish(make_app):
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=SRS, lang="fi")
    shown = texts(at)
    assert "Viimeisin arvo (80 vuonna 2023) täyttää jo tavoitteen 65." in shown
    assert (
        "Vuodelta 2015 ei ole arvoa, joten perusvuotena käytetään ensimmäistä sen jälkeistä "
        "vuotta, 2016." in shown
    )
    english = [phrase for phrase in english_note_phrases() if phrase in shown]
    assert not english


def test_indicator_page_in_swedish_names_the_unit_in_swedish(make_app):
    at = open_view(make_app, INDICATOR, indicator="workplaces", lang="sv")
    shown = texts(at)
    assert "**Enhet:** arbetsplatser" in shown
    assert " jobs" not in shown


def test_demo_districts_and_developers_are_marked_synthetic_in_the_readers_language(make_app):
    at = open_view(make_app, OVERVIEW, district="lakeview", lang="sv")
    assert "Lakeview (syntetisk)" in at.selectbox(key="filter_select_district").options
    assert "Lakeview (syntetisk)" in texts(at)
    at = open_view(make_app, PROJECTS, "official", district="turku-science-park", lang="fi")
    developers = set(table_with(at, "Rakennuttaja")["Rakennuttaja"])
    assert "Aalto Rakennus Oy (synteettinen)" in developers
    assert not any("(synthetic)" in name for name in developers)
