""" "Use this data": a line under a view that links to the same figures in the open-data API
(indicators/opendata), as CSV and as JSON, so a reader can take what they see into a
spreadsheet, a notebook or their own site."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import streamlit as st

from indicators import i18n

API = "/api/v1"


def api_url(path: str, **params) -> str:
    """A relative address of the API (same host and port as the app). Ids are percent-encoded
    (urlencode leaves only letters, digits and _.-~), so nothing in them can break the
    markdown link it is written into."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", ())})
    return f"{API}/{path}" + (f"?{query}" if query else "")


def _pair(t, path: str, **params) -> str:
    csv = api_url(path, **params, format="csv")
    return f"[{t('opendata.use_data_csv')}]({csv}) · [{t('opendata.use_data_json')}]({api_url(path, **params)})"


def use_this_data(t, *, district: str | None = None, indicators: tuple[str, ...] = ()) -> None:
    """Figures of a district and/or indicators; with a district alone also its statuses."""
    figures = _pair(t, "observations", district=district, indicator=",".join(indicators))
    parts = [f"{t('opendata.figures')}: {figures}"]
    if district and not indicators:
        parts.append(f"{t('opendata.statuses')}: {_pair(t, 'status', district=district)}")
    st.markdown(
        f"**{t('opendata.use_data')}** — " + " — ".join(parts), help=t("opendata.use_data_help")
    )


DOCS = Path(__file__).resolve().parents[2] / "docs"


@cache
def _documentation(lang: str) -> str:
    """docs/api.md (en), api.fi.md, api.sv.md; English where a language has none."""
    path = DOCS / ("api.md" if lang == "en" else f"api.{lang}.md")
    return (path if path.exists() else DOCS / "api.md").read_text(encoding="utf-8")


def origin() -> str:
    """The address the reader opened the app at (scheme, host, port), for copyable examples."""
    url = urlsplit(st.context.url or "")
    if url.scheme in ("http", "https") and url.netloc:
        return f"{url.scheme}://{url.netloc}"
    return "http://localhost:8501"


def api_documentation(lang: str) -> None:
    """The methodology page's section on the API, with examples that work when copied."""
    st.markdown(_documentation(i18n.normalise(lang)).replace("{base}", origin()))
