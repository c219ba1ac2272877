"""The indicator page explains each status in the reader's language: the workings under the
numbers and the units, through the real dashboard.py (AppTest)."""

from __future__ import annotations

from string import Formatter

from indicators import i18n
from indicators.progress import NOTE_PREFIX
from tests.app.views import EXCAVATED, INDICATOR, SRS, open_view, texts


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
