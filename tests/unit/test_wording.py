"""One wording of a target for every comparator, direction and language."""

import pytest

from indicators import wording

# comparator, direction -> the words in en, fi, sv
EXPECTED = {
    (">=", "higher"): ("at least", "vähintään", "minst"),
    (">=", "lower"): ("at least", "vähintään", "minst"),
    ("<=", "higher"): ("at most", "enintään", "högst"),
    ("<=", "lower"): ("at most", "enintään", "högst"),
    (">", "higher"): ("more than", "yli", "mer än"),
    (">", "lower"): ("more than", "yli", "mer än"),
    ("<", "higher"): ("less than", "alle", "mindre än"),
    ("<", "lower"): ("less than", "alle", "mindre än"),
    # '=' means "reach the value": read by direction, as the status engine reads it
    ("=", "higher"): ("at least", "vähintään", "minst"),
    ("=", "lower"): ("at most", "enintään", "högst"),
    (None, "higher"): ("at least", "vähintään", "minst"),
    (None, "lower"): ("at most", "enintään", "högst"),
}


@pytest.mark.parametrize(("comparator", "direction"), list(EXPECTED))
@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_every_comparator_and_direction_is_worded_in_each_language(comparator, direction, lang):
    words = dict(zip(("en", "fi", "sv"), EXPECTED[comparator, direction], strict=True))[lang]
    assert wording.comparator_text(comparator, direction, lang) == words


def test_equals_target_on_a_higher_is_better_indicator_reads_at_least():
    text = wording.target(
        2.5, comparator="=", direction="higher", unit="spaces/dwelling", lang="en"
    )
    assert text.startswith("at least 2.5 ")


def test_equals_target_on_a_lower_is_better_indicator_reads_at_most():
    assert wording.target(70, comparator="=", direction="lower", unit="kWh/m2/yr").startswith(
        "at most 70"
    )


def test_target_with_a_year_says_by_when_in_each_language():
    assert wording.target(65, comparator=">=", direction="higher", unit="%", year=2030) == (
        "at least 65 % by 2030"
    )
    assert wording.target(
        65, comparator=">=", direction="higher", unit="%", year=2030, lang="fi"
    ) == ("vähintään 65 % vuoteen 2030 mennessä")
    assert wording.target(
        65, comparator=">=", direction="higher", unit="%", year=2030, lang="sv"
    ) == ("minst 65 % till 2030")


def test_target_figure_keeps_its_decimals_with_the_languages_mark():
    assert wording.target(2.5, comparator=">=", direction="higher", lang="sv") == "minst 2,5"
    assert wording.target(0.75, comparator="<=", direction="lower", lang="en") == "at most 0.75"


def test_missing_target_says_no_target_set():
    assert wording.target(None, comparator=">=", direction="higher") == "no target set"
    assert wording.target(float("nan"), comparator=">=", direction="higher", lang="fi") == (
        "tavoitetta ei ole asetettu"
    )


def test_unknown_comparator_is_refused_with_its_name():
    with pytest.raises(ValueError, match="'~'"):
        wording.comparator_text("~", "higher")
