"""Text from data, files or addresses, made safe to show: the one place every screen and chart
escapes it.

Streamlit renders markdown in titles, headers, captions, metric labels, alerts and
`st.markdown`; plotly renders a little HTML (<a href>, <b>, <br>) in titles, legends and tick
labels. A district name, a city, a source link, a file name, the sign-in name or a query
parameter is never markup: `/?district=[x](https://evil.example)` must show those characters,
not a link, and `![b](http://host/t.png)` must not fetch an image.

- `md(value)`: for any markdown a screen writes (the characters that could start markup are
  backslash-escaped, as CommonMark allows, and line breaks become spaces, so no link, image,
  emphasis, heading, list, table, directive (`:red[...]`, `:material/...:`), math (`$`) or
  bare-address autolink can start inside it);
- `link(label, url)`: a markdown link whose label is escaped and whose address is used only if
  it is a plain http(s) address (otherwise the escaped label alone);
- `chart(value)`: for plotly texts (HTML-escaped).

Pure: no streamlit, so charts and pages share it.
"""

from __future__ import annotations

import html
import math
import re
from urllib.parse import quote, urlsplit

# Always escaped: what opens emphasis, code, links and images, raw HTML and autolinks (<...>),
# tables, strikethrough, math and directives (`:red[...]`).
_ALWAYS = re.compile(r"([\\`*_\[\]{}<>|~$])")
# Escaped where they would start something: a colon before a word (icon and emoji shortcodes
# `:material/x:`), and at the start a heading, quote, list item, rule or ordered list ('#',
# '>', '-', '+', '=', '1.').
_COLON = re.compile(r":(?=[A-Za-z])")
# A bare address becomes a link after parsing (GFM's autolink literal finds it in the text,
# where a backslash no longer is): an invisible word joiner inside 'https://' and 'www.' keeps
# it text. It is not shown, and the address still reads (and copies) the same to a person.
_AUTOLINK = re.compile(r"(?i)(https?:)(//)|\b(www)(\.)")
JOINER = "\u2060"
_START = re.compile(r"^(\s*\d*)((?<=\d)[.)](?=\s|$)|(?<!\d)(?:[#+=-](?=\s|$)|>))")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def md(value) -> str:
    """`value` as literal text inside markdown: what it says, never what it would render as.
    Ordinary text (names with parentheses, decimals, times) reads unchanged in the source."""
    text = _BREAKS.sub(" ", _plain(value))
    text = _ALWAYS.sub(r"\\\1", text)
    text = _COLON.sub(r"\\:", text)
    text = _AUTOLINK.sub(lambda m: JOINER.join(g for g in m.groups() if g), text)
    return _START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def safe_url(url) -> str | None:
    """A plain http(s) address, its characters that could end a markdown link percent-encoded;
    None for anything else (javascript:, data:, relative paths, empty)."""
    text = _plain(url).strip()
    if not text or _BREAKS.search(text):
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(text, safe="/:?#[]@!$&'*+,;=%~-._")


def link(label, url) -> str:
    """A markdown link '[label](url)' with the label escaped; just the escaped label when the
    address is not a plain http(s) one."""
    address = safe_url(url)
    if address is None:
        return md(label)
    address = address.replace("(", "%28").replace(")", "%29")
    return f"[{md(label)}]({address})"


def chart(value) -> str:
    """`value` as literal text in a plotly title, legend or label (plotly reads a little HTML)."""
    return html.escape(_plain(value), quote=False)
