"""Emissions by sector: a district's greenhouse-gas emissions per year and sector (stacked),
the share of each sector, per resident if asked, and the comparison with the city average."""

import streamlit as st

from indicators import charts, text
from indicators.ui import data, emission_parts, filters, language, session, widgets
from indicators.ui.names import Names

SECTORS = emission_parts.SECTORS
CITY_AVERAGE = emission_parts.CITY_AVERAGE

version = data.version()
actor = session.actor()
districts = data.districts(version)
names = Names(language.current(), data.indicators(version), districts, data.themes(version))
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
sectors = data.sector_emissions(version, district, pending, indicator)
if indicator == emission_parts.HSY_SHARES:  # published shares: the share is the figure
    sectors = sectors.assign(share=sectors["value"])
widgets.notes(
    synthetic=bool(sectors["synthetic"].any()), pending=pending and bool(sectors["pending"].any())
)
if sectors.empty:
    widgets.empty(t("mon.empty.emissions", district=text.md(names.district(district))))
else:
    if indicator != SECTORS:
        st.caption(text.md(names.indicator(indicator)))
    looks = emission_parts.styles(sectors, names, indicator)  # one look per sector, both charts
    frame, unit = emission_parts.per_year(
        sectors, names, per_resident=per_resident, indicator=indicator
    )
    provisional = emission_parts.provisional(sectors, names)
    title = (
        "mon.emissions.stack_title_per_resident" if per_resident else "mon.emissions.stack_title"
    )
    widgets.chart(
        charts.bars_by_year(
            frame,
            title=t(title, district=names.district(district)),
            x_title=t("mon.col.year"),
            y_title=charts.with_unit(t("mon.col.emissions"), unit),
            lang=names.lang,
            stacked=True,
            marked_years={year: t("mon.provisional.short") for year in provisional},
            styles=looks,
        ),
        key="emissions_stack_chart",
    )
    for line in provisional.values():
        st.caption(f":material/hourglass_empty: {text.md(line)}")
    emission_parts.missing_residents(sectors, names, district, per_resident=per_resident)
    shown, rows = emission_parts.table(
        sectors, names, per_resident=per_resident, indicator=indicator
    )
    widgets.table(shown, name=f"emissions-{district}", key="emissions_table", data=rows)

    latest = emission_parts.latest_whole_year(sectors)  # a provisional year's shares mislead
    share = emission_parts.shares(sectors, names, latest, indicator)
    widgets.chart(
        charts.shares(
            share,
            title=t("mon.emissions.share_title", district=names.district(district), year=latest),
            x_title=t("mon.col.share"),
            y_title=t("mon.col.sector"),
            lang=names.lang,
            styles=looks,
        ),
        key="emissions_share_chart",
    )

st.subheader(t("mon.emissions.city_average"))
emission_parts.city_average(
    data.district_figures(version, (district,), (CITY_AVERAGE,), pending, False), names, district
)
