"""How a status was worked out, in the reader's language: progress writes notes as message
keys with values, never as English sentences; the locales give every note in English, Finnish
and Swedish with the same placeholders; figures take the language's decimal mark."""

from __future__ import annotations

import pickle
from string import Formatter

import pytest

from indicators import i18n
from indicators.progress import NOTE_PREFIX, NOTES, Note, Notes, assess


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in Formatter().parse(text) if field}


def note_texts(lang: str) -> dict[str, str]:
    return {
        key.removeprefix(NOTE_PREFIX): text
        for key, text in i18n.messages(lang).items()
        if key.startswith(NOTE_PREFIX)
    }


# one series for every note assess() can write
EVERY_NOTE = {
    "monthly_mean": dict(points={"2015-01": 1, "2020-01": 2}, direction="higher"),
    "monthly_sum": dict(
        points={"2015-01": 1, "2020-01": 2}, direction="higher", annualise_how="sum"
    ),
    "monthly_last": dict(
        points={"2015-01": 1, "2020-01": 2}, direction="higher", annualise_how="last"
    ),
    "incomplete_year": dict(points={"2015-01": 1, "2020-01": 2}, direction="higher"),
    "no_values": dict(points={}, direction="higher"),
    "target_met": dict(points={2015: 1.0, 2020: 6.0}, direction="higher", target=5),
    "all_before_base": dict(points={2010: 1.0, 2012: 2.0}, direction="higher"),
    "base_moved": dict(points={2016: 1.0, 2020: 2.0}, direction="higher"),
    "zero_base_unusable": dict(points={2015: 0.0, 2020: 5.0}, direction="higher"),
    "zero_base_moved": dict(points={2015: 0.0, 2016: 2.0, 2020: 5.0}, direction="higher"),
    "one_year": dict(points={2015: 3.0}, direction="higher"),
    "signs_base_latest": dict(points={2015: 2.0, 2020: -1.0}, direction="higher"),
    "negative_values": dict(points={2015: -2.0, 2020: -3.0}, direction="lower"),
    "target_year_not_after_base": dict(
        points={2015: 1.0, 2020: 2.0}, direction="higher", target=5, target_year=2015
    ),
    "zero_target": dict(points={2015: 4.0, 2020: 2.0}, direction="lower", target=0),
    "signs_base_target": dict(points={2015: 2.0, 2020: 3.0}, direction="lower", target=-1),
    "base_equals_target": dict(points={2015: 5.0, 2020: 4.0}, direction="higher", target=5),
    "moved_away": dict(points={2015: 5.0, 2020: 4.0}, direction="higher", target=5),
}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_note_has_a_text_in_each_language_with_the_same_placeholders(lang):
    texts = note_texts(lang)
    assert set(texts) == set(NOTES)  # none missing, none that progress never writes
    for key, names in NOTES.items():
        assert placeholders(texts[key]) == set(names), key


@pytest.mark.parametrize("key", sorted(NOTES))
def test_every_note_can_be_written_and_reads_in_every_language(key):
    case = dict(EVERY_NOTE[key])
    a = assess(case.pop("points"), **case)
    written = [note for note in a.notes if note.key == key]
    assert written, [note.key for note in a.notes]
    for lang in i18n.LANGUAGES:
        text = written[0].text(lang)
        assert text and "{" not in text and NOTE_PREFIX not in text


def test_notes_are_message_keys_with_values_not_sentences():
    a = assess({2016: 40.5, 2023: 80.25}, direction="higher", target=65.5)
    assert a.notes == (
        Note("target_met", (("value", 80.25), ("year", 2023), ("target", 65.5))),
        Note("base_moved", (("base_year", 2015), ("first_year", 2016))),
    )


def test_a_finnish_note_reads_in_finnish_with_decimal_comma():
    a = assess({2016: 40.5, 2023: 80.25}, direction="higher", target=65.5)
    assert a.note.text("fi") == (
        "Viimeisin arvo (80,25 vuonna 2023) täyttää jo tavoitteen 65,5. "
        "Vuodelta 2015 ei ole arvoa, joten perusvuotena käytetään ensimmäistä sen jälkeistä "
        "vuotta, 2016."
    )


def test_a_swedish_note_reads_in_swedish_with_decimal_comma():
    a = assess({2015: 4.0, 2020: 2.0}, direction="lower", target=0)
    assert "som i Open SDG används 0,001 i stället för noll" in a.note.text("sv")


def test_the_english_note_stays_the_text_of_note():
    a = assess({2016: 40.5, 2023: 80.25}, direction="higher", target=65.5)
    assert (
        str(a.note)
        == a.note.text("en")
        == (
            "The latest value (80.25 in 2023) already meets the target of 65.5. "
            "There is no value for 2015; the first later year, 2016, is used as the base."
        )
    )


def test_years_are_written_without_a_thousands_separator():
    a = assess({2016: 1500.5, 2023: 2500.0}, direction="higher")
    assert "2016" in a.note.text("fi") and "2\u202f016" not in a.note.text("fi")


def test_notes_travel_through_a_cache_unchanged():
    note = assess({2016: 40.5, 2023: 80.25}, direction="higher", target=65.5).note
    again = pickle.loads(pickle.dumps(note))
    assert isinstance(again, Notes) and again.text("sv") == note.text("sv")


def test_an_assessment_with_nothing_to_explain_has_empty_notes():
    a = assess({2015: 1.0, 2020: 2.0}, direction="higher")
    assert a.notes == () and not a.note and str(a.note) == ""


def test_a_note_with_wrong_values_is_refused_where_it_is_written():
    from indicators.progress import _note

    with pytest.raises(ValueError, match="one_year"):
        _note("one_year", base_year=2015)
