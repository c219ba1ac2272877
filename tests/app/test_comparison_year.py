"""The indicator page's comparison has its own year picker, in a fragment: picking a year
redraws the comparison of that year and writes it to the address, and leaves the rest alone."""

from __future__ import annotations

from tests.app.views import EXCAVATED, INDICATOR, SRS, open_view, table_with


def test_picking_a_comparison_year_shows_that_year_and_puts_it_in_the_address(make_app):
    at = open_view(make_app, INDICATOR, indicator=EXCAVATED, district=SRS, lang="en")
    picker = at.selectbox(key="filter_select_year")
    earlier = min(picker.options, key=int)
    picker.set_value(int(earlier)).run()
    assert not at.exception
    assert at.query_params["year"] == str(earlier)
    title = at.main.get("plotly_chart")[1].proto.spec
    assert f"{earlier}" in title
    assert len(table_with(at, "District", "Value", "Target"))
