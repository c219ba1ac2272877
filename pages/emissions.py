"""Emissions by sector: a district's greenhouse-gas emissions per year and sector (stacked),
the share of each sector, per resident if asked, and the comparison with the city average."""

import streamlit as st

from indicators import text
from indicators.ui import data, emission_parts, filters, language, session, widgets

SECTORS = emission_parts.SECTORS
CITY_AVERAGE = emission_parts.CITY_AVERAGE

version = data.version()
actor = session.actor()
districts = data.districts(version)
names = data.names(version, language.current())
t = names.t  # the language of this run, also inside format functions

st.title(t("mon.emissions.title"))
st.caption(t("mon.emissions.intro"))

pick, switches = st.columns([3, 1], vertical_alignment="bottom")
with switches:
    pending = widgets.pending_toggle(actor)
    per_resident = filters.toggle(
        t("mon.emissions.per_resident"), param="per", help=t("mon.emissions.per_resident_help")
    )
# every district with sector figures (Kera's assessment, the HSY figures of the cities and the
# Helsinki region) or a city-average comparison; a district named in the address without any
# is kept, so the page says it has none rather than that it does not exist
with_sectors = {
    key: set(data.districts_reporting(version, (key,), pending))
    for key in emission_parts.SECTOR_INDICATORS
}
reporting = set().union(*with_sectors.values())
reporting |= set(data.districts_reporting(version, (CITY_AVERAGE,), pending))
asked = filters.wanted("district")
options = [d for d in districts["id"] if d in reporting or d == asked] or list(districts["id"])
district = filters.select(
    t("mon.pick.district"),
    options,
    param="district",
    default=next((d for d in options if d in with_sectors[SECTORS]), options[0]),
    format_func=names.district,
    container=pick,
)
st.header(text.md(names.district(district)))
widgets.synthetic_badge(names.synthetic_district(district))

indicator = emission_parts.sector_indicator(district, with_sectors)
# charts and table built once per data version, district, switches and language
found = emission_parts.view(version, district, pending, per_resident, indicator, names.lang)
widgets.notes(synthetic=found.synthetic, pending=found.pending)
if found.stack is None:
    widgets.empty(t("mon.empty.emissions", district=text.md(names.district(district))))
else:
    if indicator != SECTORS:
        st.caption(text.md(names.indicator(indicator)))
    widgets.chart(found.stack, key="emissions_stack_chart")
    for line in found.provisional:
        st.caption(f":material/hourglass_empty: {text.md(line)}")
    if found.missing_residents:
        widgets.empty(found.missing_residents)
    widgets.table(found.shown, name=f"emissions-{district}", key="emissions_table", data=found.rows)
    widgets.chart(found.share, key="emissions_share_chart")

st.subheader(t("mon.emissions.city_average"))
emission_parts.city_average(
    data.district_figures(version, (district,), (CITY_AVERAGE,), pending, False), names, district
)
