"""Reusable pieces of the monitoring screens: data downloads, data tables, the pending
switch, notes on synthetic and pending figures, empty states, status summaries."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import access, exports, progress
from indicators.ui import filters, language

PENDING_PARAM = "pending"
ROW_HEIGHT = 35  # st.dataframe's row height in pixels


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "data"


def download(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """CSV and XLSX of `frame` (formula-safe, via indicators.exports), made only when clicked.

    The CSV follows the language's spreadsheet convention: in fi and sv `;` between fields and
    a decimal comma, as Excel there expects; in en `,` and a decimal point.
    """
    lang = language.current()
    sep, decimal = (";", ",") if lang in ("fi", "sv") else (",", ".")
    file = _slug(name)
    # no copy: the frame is often a cached one shared by every session (data.built_once), and
    # nothing changes it; a copy per session and run would only cost memory
    data = frame
    csv = exports.CsvExport(sep=sep, decimal=decimal, lang=lang)
    xlsx = exports.XlsxExport(sheet_name=file)
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        language.t("mon.download.csv"),
        data=lambda: csv.render(data),
        file_name=f"{file}.csv",
        mime=csv.media_type,
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    row.download_button(
        language.t("mon.download.xlsx"),
        data=lambda: xlsx.render(data),
        file_name=f"{file}.xlsx",
        mime=xlsx.media_type,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def table(
    shown: pd.DataFrame,
    *,
    name: str,
    key: str,
    data: pd.DataFrame | None = None,
    column_config: Mapping | None = None,
    height: int | str | None = None,
) -> None:
    """The exact numbers: a table as shown (formatted for the language) and the downloads of
    `data` (the same rows as plain numbers; defaults to what is shown). Up to 20 rows show
    without scrolling; an empty cell reads '–'."""
    if height is None:
        height = min(ROW_HEIGHT * (len(shown) + 1) + 3, ROW_HEIGHT * 21 + 3)
    st.dataframe(
        shown,
        hide_index=True,
        column_config=dict(column_config or {}),
        height=height,
        key=key,
        placeholder="–",
    )
    download(shown if data is None else data, name, key=f"{key}_download")


def chart(fig: go.Figure, *, key: str, alt: str | None = None) -> None:
    # theme=None: the figure's own colours and contrast (indicators.charts), not Streamlit's
    st.plotly_chart(
        fig,
        key=key,
        theme=None,
        config={"displaylogo": False, "responsive": True},
        alt=alt or fig.layout.title.text,
    )


def pending_toggle(actor: access.Actor) -> bool:
    """The switch for pending (not yet approved) submissions: shown to those who may read
    them (access.can(actor, 'read_pending')), bound to ?pending=1; False for everyone else,
    whatever the URL says."""
    if not access.can(actor, "read_pending"):
        return False
    return filters.toggle(
        language.t("mon.pending.toggle"),
        param=PENDING_PARAM,
        help=language.t("mon.pending.help"),
    )


def notes(*, synthetic: bool = False, pending: bool = False) -> None:
    """Say so when synthetic or pending figures are on screen."""
    if pending:
        st.warning(language.t("mon.pending.shown"), icon=":material/hourglass_top:")
    if synthetic:
        st.caption(f":material/science: {language.t('synthetic_notice')}")


def empty(message: str) -> None:
    st.info(message, icon="ℹ️")


def status_summary(
    counts: Mapping[str, int], names, districts: int | None = None, context: int = 0
) -> str:
    """'12 indicators: ✔ Target achieved 3 · ▲ Substantial progress 5 · ...' (zeros left out);
    with `districts`, '151 indicators in 12 districts: ...'; `context` figures (no status)
    are named after the statuses."""
    total = sum(counts.values())
    parts = [f"{names.status(s)} **{n}**" for s, n in counts.items() if n]
    if context:
        parts.append(names.t("public.summary.context", count=context))
    head = (
        names.t("public.summary.count_one" if total == 1 else "mon.summary.count", count=total)
        if districts is None
        else names.t("mon.summary.count_all", count=total, districts=districts)
    )
    return f"{head}: " + " · ".join(parts) if parts else head


def requirement_summary(counts: Mapping[str, int], names) -> str:
    parts = [f"{names.requirement(s)} **{n}**" for s, n in counts.items()]
    return " · ".join(parts)


def legend(names) -> str:
    """Every status word with its icon, for a caption under a status table."""
    return " · ".join(names.status(s) for s in progress.STATUS_ORDER)


def synthetic_badge(synthetic: bool) -> None:
    if synthetic:
        st.badge(language.t("mon.synthetic"), icon=":material/science:", color="violet")
