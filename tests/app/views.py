"""Opening a screen as a shared link would, and reading what it shows: helpers for the
AppTest tests of the monitoring screens."""

from __future__ import annotations

import pandas as pd

OVERVIEW = "pages/overview.py"
INDICATOR = "pages/indicator.py"
EMISSIONS = "pages/emissions.py"
COMPARE = "pages/compare.py"
PROJECTS = "pages/projects.py"
METHODOLOGY = "pages/methodology.py"
EVERYONE = [None, "official", "developer"]
SRS = "stockholm-royal-seaport"
TURKU = "turku-science-park"
EXCAVATED = "excavated_material_reused"


def open_view(make_app, page: str, role: str | None = None, **params):
    """Open `page` as a shared link would: the role's app, then exactly these query params.

    The language comes with the first run (as when a link is opened); the other parameters
    are set again after it, since that first run shows the default page."""
    at = make_app(role, lang=params.get("lang", "en"))
    at.run()
    for key in list(at.query_params):
        del at.query_params[key]
    for key, value in params.items():
        at.query_params[key] = value
    if page != OVERVIEW:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at) -> str:
    """Everything written on the page, as one text."""
    parts = [e.value for e in at.main.get("markdown")]
    parts += [e.value for e in at.main.get("caption")]
    parts += [e.value for e in at.main.get("header")] + [e.value for e in at.main.get("title")]
    parts += [f"{m.label}: {m.value}" for m in at.main.get("metric")]
    parts += [e.value for e in at.main.get("info")] + [e.value for e in at.main.get("warning")]
    return "\n".join(str(p) for p in parts)


def table_with(at, *columns: str) -> pd.DataFrame:
    """The first data table on the page that has these columns."""
    for frame in at.main.get("dataframe"):
        if set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with the columns {columns!r}")


def metric(at, label: str):
    found = [m for m in at.main.get("metric") if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in at.main.get('metric')]}"
    return found[0]
