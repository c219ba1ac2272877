"""The interface language follows the URL: the sidebar selector writes ?lang=, and a ?lang=
that changes under a running session (the browser's Back button, a link carrying another
language) wins over what the selector showed before, through the real dashboard.py (AppTest)."""

from __future__ import annotations

SRS = "stockholm-royal-seaport"
SELECTOR = "language_selector"


def run(at):
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    """The main area's words that carry the language: status words, titles, metrics."""
    parts = [e.value for e in at.main.get("markdown")] + [e.value for e in at.main.get("title")]
    parts += [m.label for m in at.main.get("metric")]
    for frame in at.main.get("dataframe"):
        parts += [str(v) for v in frame.value.astype(str).to_numpy().ravel()]
    return "\n".join(str(p) for p in parts)


def shown_language(at) -> str:
    """The name the language selector shows."""
    selector = at.selectbox(key=SELECTOR)
    return selector.options[selector.index]


def test_selector_switches_the_language_and_the_address_then_the_address_wins(make_app):
    at = run(make_app(None, district=SRS, lang="en"))
    assert "Target achieved" in texts(at)
    assert shown_language(at) == "English"

    # the reader picks Suomi: the page is Finnish and the address says so
    at.selectbox(key=SELECTOR).select("fi")
    run(at)
    assert "Tavoite saavutettu" in texts(at) and "Target achieved" not in texts(at)
    assert at.query_params["lang"] == "fi"
    assert shown_language(at) == "Suomi"

    # the address changes under the session (Back button, a link with another lang): it wins,
    # and the selector follows instead of writing its old value back
    at.query_params["lang"] = "sv"
    run(at)
    assert "Målet uppnått" in texts(at) and "Tavoite saavutettu" not in texts(at)
    assert at.query_params["lang"] == "sv"
    assert shown_language(at) == "Svenska"
    assert at.selectbox(key=SELECTOR).value == "sv"


def test_the_selector_still_works_after_the_address_changed_the_language(make_app):
    at = run(make_app(None, district=SRS, lang="fi"))
    at.query_params["lang"] = "en"
    run(at)
    assert shown_language(at) == "English"
    at.selectbox(key=SELECTOR).select("sv")
    run(at)
    assert at.query_params["lang"] == "sv"
    assert "Målet uppnått" in texts(at)


def test_the_pickers_own_label_is_in_the_language_picked(make_app):
    at = run(make_app(None, district=SRS, lang="en"))
    assert at.selectbox(key=SELECTOR).label == "Language"
    at.selectbox(key=SELECTOR).select("fi")
    run(at)
    assert at.selectbox(key=SELECTOR).label == "Kieli"


def test_an_address_without_lang_opens_in_english_and_gets_lang(make_app):
    at = run(make_app(None, district=SRS))
    assert shown_language(at) == "English"
    assert at.query_params["lang"] == "en"
    assert "Target achieved" in texts(at)


def test_an_address_without_lang_keeps_the_language_of_the_session(make_app):
    at = run(make_app(None, district=SRS, lang="en"))
    at.selectbox(key=SELECTOR).select("fi")
    run(at)
    del at.query_params["lang"]
    run(at)
    assert shown_language(at) == "Suomi"
    assert at.query_params["lang"] == "fi"
    assert "Tavoite saavutettu" in texts(at)
