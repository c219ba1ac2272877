"""Text from data, files and addresses is shown as text: the one escaping every screen uses."""

import pytest

from indicators import text

JOINER = text.JOINER


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("[x](https://evil.example)", "\\[x\\](https:" + JOINER + "//evil.example)"),
        ("![b](http://127.0.0.1:1/t.png)", "!\\[b\\](http:" + JOINER + "//127.0.0.1:1/t.png)"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        (":red[alarm] :material/home:", "\\:red\\[alarm\\] \\:material/home:"),
        ("$x^2$ `code` a|b ~~s~~", "\\$x^2\\$ \\`code\\` a\\|b \\~\\~s\\~\\~"),
        ("# heading", "\\# heading"),
        ("1. first", "1\\. first"),
        ("line\nbreak", "line break"),
        ("www.evil.example", "www" + JOINER + ".evil.example"),
    ],
)
def test_markup_in_data_is_escaped(raw, shown):
    assert text.md(raw) == shown


@pytest.mark.parametrize(
    "ordinary",
    ["Lakeview (synthetic)", "Norra Djurgårdsstaden", "2.5 spaces/dwelling", "-0.5", "12:30"],
)
def test_ordinary_text_reads_unchanged(ordinary):
    assert text.md(ordinary) == ordinary


def test_missing_text_is_empty():
    assert text.md(None) == "" and text.md(float("nan")) == ""


def test_a_source_link_keeps_a_plain_web_address():
    assert text.link("Source", "https://example.org/a_(b)") == (
        "[Source](https://example.org/a_%28b%29)"
    )


@pytest.mark.parametrize(
    "address", ["javascript:alert(1)", "data:text/html,x", "/relative", "", None, "http://"]
)
def test_a_source_link_to_anything_but_the_web_is_its_label_only(address):
    assert text.link("[Source]", address) == "\\[Source\\]"


def test_chart_texts_are_html_escaped():
    assert text.chart('<a href="x">y</a>') == '&lt;a href="x"&gt;y&lt;/a&gt;'
