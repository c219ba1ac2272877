"""Every cached read, table and figure is keyed by the database's data version: a write is on
screen at the next run of every open session, never a stale card, table or chart.

In the demo data one developer's 2025 report in Turku Science Park waits for approval, so the
public sees 2025 as provisional; an official approving it changes what the public sees."""

from __future__ import annotations

import json

import pytest

from indicators import access, store
from indicators.reporting import ingest
from indicators.ui import data
from tests.app.views import (
    EMISSIONS,
    EXCAVATED,
    INDICATOR,
    OVERVIEW,
    TURKU,
    metric,
    open_view,
    table_with,
    texts,
)

pytestmark = (
    pytest.mark.both_backends
)  # the upload and review pages, and their caches, on a lake too


def approve_the_pending_report(db) -> None:
    con = data.connection(str(db))  # the app's own connection: one per process and file
    official = access.actor_for(con, "official@demo.city")
    pending = store.scalar(con, "SELECT min(id) FROM submission WHERE status = 'pending'")
    ingest.review(con, official, int(pending), approve=True, comment="checked")


def test_an_approval_shows_on_the_open_overview_at_its_next_run(make_app, demo_db):
    at = open_view(make_app, OVERVIEW, district=TURKU, lang="en")
    before = metric(at, "Excavated material reused").value
    assert "2025 provisional" in texts(at)
    approve_the_pending_report(demo_db)
    at.run()
    assert "2025 provisional" not in texts(at)
    assert metric(at, "Excavated material reused").value != before


def test_an_approval_shows_in_the_open_indicator_table_at_its_next_run(make_app, demo_db):
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=TURKU, lang="en")
    table = table_with(at, "Projects reported").set_index("Period")
    assert table.loc["2025", "Projects reported"] != "6 of 6"
    approve_the_pending_report(demo_db)
    at.run()
    table = table_with(at, "Projects reported").set_index("Period")
    assert table.loc["2025", "Projects reported"] == "6 of 6"


def test_an_approval_redraws_the_cached_emissions_chart_at_its_next_run(make_app, demo_db):
    at = open_view(make_app, EMISSIONS, district=TURKU, lang="en")

    def stacked_chart() -> str:
        return json.dumps(json.loads(at.main.get("plotly_chart")[0].proto.spec)["layout"])

    assert "provisional" in stacked_chart()
    approve_the_pending_report(demo_db)
    at.run()
    assert "provisional" not in stacked_chart()
