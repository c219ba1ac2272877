"""Text from data, files or addresses, made safe to show: the one place every screen and chart
escapes it.

Streamlit renders markdown in titles, headers, captions, metric labels, alerts and
`st.markdown`; plotly renders a little HTML (<a href>, <b>, <br>) in titles, legends and tick
labels. A district name, a city, a source link, a file name, the sign-in name or a query
parameter is never markup: `/?district=[x](https://evil.example)` must show those characters,
not a link, and `![b](http://host/t.png)` must not fetch an image.

- `md(value)`: for any markdown a screen writes (every ASCII punctuation mark is
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
import string
from urllib.parse import quote, urlsplit

_PUNCTUATION = frozenset(string.punctuation)
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")


def _plain(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def md(value) -> str:
    """`value` as literal text inside markdown: what it says, never what it would render as."""
    text = _BREAKS.sub(" ", _plain(value))
    return "".join("\\" + c if c in _PUNCTUATION else c for c in text)


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
