"""The app itself on DuckLake: dashboard.py and a page run the same SQL on a lake as on a file.
(The whole monitoring-pages module passes on a lake too, with `pytest.mark.both_backends`; it
is left on the file here because each of its runs on a lake costs seconds.)"""

from __future__ import annotations

import pytest

from tests.app.views import OVERVIEW, SRS, metric, open_view, table_with


@pytest.mark.parametrize("backend", ["ducklake"], indirect=True)
def test_overview_on_a_lake_shows_royal_seaport_excavated_material_reuse(make_app):
    at = open_view(make_app, OVERVIEW, district=SRS, lang="en")
    assert metric(at, "Excavated material reused").value == "80 %"
    table = table_with(at, "Status")
    row = table[table["Indicator"] == "Excavated material reused"].iloc[0]
    assert row["Status"] == "✔ Target achieved"
