"""The projects page's tables: projects x requirements at a glance, and every requirement with
the figure reported against it."""

from __future__ import annotations

import pandas as pd

from indicators import wording
from indicators.ui.names import Names


def requirement_text(row: dict, names: Names) -> str:
    """'at most 70 kWh/m2/yr'."""
    return wording.target(
        row["requirement"],
        comparator=row.get("comparator"),
        direction=row.get("direction"),
        lang=names.lang,
        unit=row.get("unit"),
    )


def matrix(frame: pd.DataFrame, names: Names) -> pd.DataFrame:
    """One row per project (with its developer), one column per requirement: met / not met /
    not reported, as icon and word."""
    t = names.t
    records = frame.to_dict("records")
    columns = list(dict.fromkeys(r["indicator"] for r in records))
    rows: dict[str, dict] = {}
    for r in records:
        row = rows.setdefault(
            r["project"],
            {
                t("mon.col.project"): r["project_name"],
                t("mon.projects.organisation"): names.demo_name(r["organisation_name"]),
            },
        )
        row[names.indicator(r["indicator"])] = names.requirement(r["status"])
    shown = pd.DataFrame(list(rows.values()))
    order = [t("mon.col.project"), t("mon.projects.organisation")]
    return shown[order + [names.indicator(k) for k in columns if names.indicator(k) in shown]]


def table(frame: pd.DataFrame, names: Names) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(shown, data): every requirement with the latest reported figure and its status."""
    t = names.t
    records = frame.to_dict("records")
    shown = pd.DataFrame(
        {
            t("mon.col.project"): frame["project_name"],
            t("mon.projects.organisation"): [
                names.demo_name(n) for n in frame["organisation_name"]
            ],
            t("mon.col.indicator"): [names.indicator(k) for k in frame["indicator"]],
            t("mon.col.requirement"): [requirement_text(r, names) for r in records],
            t("mon.col.reported"): [names.quantity(r["value"], r.get("unit")) for r in records],
            t("mon.col.period"): frame["period"],
            t("mon.col.status"): [names.requirement(s) for s in frame["status"]],
            t("mon.col.pending"): names.flags(frame["pending"], "pending"),
            t("mon.col.synthetic"): names.flags(frame["synthetic"], "synthetic"),
        }
    )
    data = frame[
        [
            "district",
            "project",
            "project_name",
            "organisation",
            "organisation_name",
            "indicator",
            "comparator",
            "requirement",
            "unit",
            "period",
            "value",
            "numerator",
            "denominator",
            "status",
            "pending",
            "synthetic",
            "source",
        ]
    ]
    return shown, data
