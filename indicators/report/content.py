"""The report's words: facts (indicators.report.facts) turned into plain text in the reader's
language, section by section, ready for a template. Every figure cites its numbered source.

Nothing here is markup: the template escapes every string, so a name or a note from the data
can never become HTML.
"""

from __future__ import annotations

import pandas as pd

from . import facts as f
from .figures import Chart, emission_charts, indicator_chart


def cover(facts: f.Facts) -> dict:
    names, t = facts.names, facts.names.t
    info = names.district_row(facts.district)
    return {
        "title": t("report.title", year=facts.year),
        "district": names.district(facts.district),
        "about": " · ".join(
            str(a) for a in (info.get("city"), t(f"mon.kind.{info.get('kind', 'district')}")) if a
        ),
        "facts": [
            (t("report.cover.year"), str(facts.year)),
            (t("report.cover.generated"), facts.generated.isoformat()),
            (t("report.cover.version"), str(facts.data_version)),
            (
                t("report.cover.figures"),
                t("report.pending_included")
                if facts.include_pending
                else t("report.approved_only"),
            ),
        ],
        "synthetic": t("report.synthetic_district") if facts.synthetic else None,
    }


def summary(facts: f.Facts) -> dict:
    names, t = facts.names, facts.names.t
    counts = f.status_counts(facts.card)
    changes = f.changes(facts)
    previous = facts.year - 1
    moved = [
        {
            "indicator": names.indicator(r["indicator"]),
            "before": f"{names.quantity(r['previous_value'], r['unit'])} ({int(r['previous_year'])})",
            "now": f"{names.quantity(r['value'], r['unit'])} ({int(r['year'])})",
            "change": f"{'+' if r['change'] > 0 else '−'}{names.number(abs(r['change']), 0)} %",
        }
        for r in f.moved_most(changes, year=facts.year).to_dict("records")
    ]
    status_moves = [
        t(
            "report.summary.status_moved",
            indicator=names.indicator(r["indicator"]),
            before=names.status(r["previous_status"]),
            now=names.status(r["status"]),
        )
        for r in f.status_changed(changes).to_dict("records")
        if r["previous_status"] != "not_available"
    ]
    assessed = [
        names.indicator(r["indicator"])
        for r in f.status_changed(changes).to_dict("records")
        if r["previous_status"] == "not_available"
    ]
    new = [names.indicator(k) for k in changes.loc[changes["new"], "indicator"]]
    return {
        "intro": t("report.summary.intro", count=len(facts.card), year=facts.year),
        "counts": [(names.status(s), n) for s, n in counts.items()],
        "achieved": [names.indicator(k) for k in f.achieved(facts.card)],
        "changes_title": t("report.summary.changes", previous=previous),
        "status_moves": status_moves,
        "assessed": t("report.summary.assessed", names=", ".join(assessed)) if assessed else None,
        "new": t("report.summary.new", names=", ".join(new))
        if new and len(new) < len(changes)
        else None,
        "no_changes": t("report.summary.no_changes", previous=previous)
        if not status_moves and not moved and not assessed
        else None,
        "moved": moved,
    }


def indicator(facts: f.Facts, row: dict, chart: Chart | None) -> dict:
    """One indicator: its value, target, status and workings in a line each, its chart and the
    numbers under it, each figure with its source note."""
    names, t, key = facts.names, facts.names.t, row["indicator"]
    info = names.info(key)
    unit = info.get("unit") or row.get("unit")
    value_note = facts.sources.cite(row.get("source"))
    target_note = facts.sources.cite(f.target_source(facts, key))
    marks = []
    if row.get("pending"):
        marks.append(t("mon.pending.marker"))
    heads = f.headline(facts, key)
    latest = heads[heads["year"] == heads["year"].max()] if not heads.empty else heads
    if not latest.empty and latest["provisional"].any():
        figures = facts.figures(key)
        rows = figures[figures["year"] == latest["year"].max()]
        marks.append(
            names.provisional(rows)
            if rows["expected_projects"].notna().any()
            else t("mon.provisional.short")
        )
    if row.get("synthetic"):
        marks.append(t("mon.synthetic"))
    value = (
        t("mon.card.breakdowns", count=len(row["breakdowns"]))
        if len(row.get("breakdowns") or []) and names.missing(row.get("value"))
        else names.quantity(row.get("value"), unit)
    )
    return {
        "id": f"indicator-{key}",
        "name": names.indicator(key),
        "definition": names.definition(key),
        "value": f"{value} ({row.get('period') or row.get('year')})",
        "value_note": value_note,
        "target": names.target({**row, "unit": unit}, info.get("direction")),
        "target_note": target_note,
        "gap": names.gap({**row, "unit": unit}),
        "status": names.row_status(row),
        "workings": names.notes(row.get("note")),
        "marks": marks,
        "chart": chart,
        "table": numbers(facts, key),
    }


def numbers(facts: f.Facts, key: str) -> dict:
    """The figures behind an indicator's chart: every year, breakdown and series up to the
    report's year, with flags and the source note of each."""
    names, t = facts.names, facts.names.t
    part = facts.figures(key).sort_values(["series", "breakdown", "year"])
    info = names.info(key)
    heads = [t("mon.col.period")]
    # asked once per table, not once per row (a 30-year table asked it 60 times)
    by_breakdown, by_series = part["breakdown"].ne("").any(), part["series"].ne("").any()
    if by_breakdown:
        heads.append(t("mon.col.breakdown"))
    if by_series:
        heads.append(t("mon.col.series"))
    heads.append(f"{t('mon.col.value')} ({names.unit_name(info.get('unit'))})")
    ratio = info.get("aggregation") == "ratio" and part["numerator"].notna().any()
    if ratio:
        heads += [names.part(key, "numerator"), names.part(key, "denominator")]
    heads += [t("report.col.marks"), t("report.col.source")]
    rows = []
    for r in part.to_dict("records"):
        cells = [str(r["last_period"] or r["year"])]
        if by_breakdown:
            cells.append(
                names.breakdown(key, r["breakdown"]) if r["breakdown"] else t("mon.breakdown.total")
            )
        if by_series:
            cells.append(names.series(r["series"]))
        cells.append(names.exact(r["value"]))
        if ratio:
            cells += [names.exact(r["numerator"]), names.exact(r["denominator"])]
        flags = []
        if r.get("pending"):
            flags.append(t("mon.pending.marker"))
        if r.get("complete") is False or (
            not names.missing(r.get("complete")) and not r["complete"]
        ):
            flags.append(
                names.provisional(pd.DataFrame([r]))
                if not names.missing(r.get("expected_projects"))
                else t("mon.provisional.short")
            )
        if r.get("synthetic"):
            flags.append(t("mon.synthetic_flag"))
        if not names.missing(r.get("note")) and r.get("note"):
            flags.append(str(r["note"]))
        cells.append("; ".join(flags))
        rows.append({"cells": cells, "note": facts.sources.cite(r.get("source"))})
    return {"heads": heads, "rows": rows}


def themes(facts: f.Facts, svgs: dict[str, str] | None = None) -> list[dict]:
    """Theme by theme (the catalog's order), each indicator with data."""
    names = facts.names
    order = {k: n for n, k in enumerate(names.catalog["key"])}
    theme_of = dict(zip(names.catalog["key"], names.catalog["theme"], strict=True))
    rows = sorted(facts.card.to_dict("records"), key=lambda r: order.get(r["indicator"], 0))
    out = []
    for theme in facts.themes.sort_values("position")["key"]:
        in_theme = [r for r in rows if theme_of.get(r["indicator"]) == theme]
        if not in_theme:
            continue
        out.append(
            {
                "id": f"theme-{theme}",
                "name": names.theme(theme),
                "counts": ", ".join(
                    f"{names.status(s)}: {n}"
                    for s, n in f.status_counts(pd.DataFrame(in_theme)).items()
                    if n
                ),
                "indicators": [indicator(facts, r, indicator_chart(facts, r)) for r in in_theme],
            }
        )
    return out


def emissions(facts: f.Facts) -> dict:
    names, t = facts.names, facts.names.t
    sectors = facts.sectors
    district = names.district(facts.district)
    if sectors.empty:
        return {"empty": t("report.emissions.none", district=district), "charts": [], "table": None}
    unit = names.unit_name(sectors["unit"].iloc[0])
    year = int(sectors["year"].max())
    rows = []
    for r in sectors.sort_values(["year", "sector"]).to_dict("records"):
        flags = [names.provisional(pd.DataFrame([r]))] if not r["complete"] else []
        if r["pending"]:
            flags.append(t("mon.pending.marker"))
        if r["synthetic"]:
            flags.append(t("mon.synthetic_flag"))
        rows.append(
            {
                "cells": [
                    str(r["year"]),
                    names.breakdown(f.SECTORS, r["sector"]),
                    names.exact(r["value"]),
                    names.number(r["share"], 1),
                    names.exact(r["residents"]),
                    names.number(r["per_resident"], 2),
                    "; ".join(flags),
                ],
                "note": facts.sources.cite(r["source"]),
            }
        )
    latest = sectors[sectors["year"] == year]
    total = float(latest["value"].sum())
    residents = latest["residents"].dropna()
    per_resident = (
        total / float(residents.iloc[0]) if len(residents) and residents.iloc[0] else None
    )
    return {
        "empty": None,
        "intro": t(
            "report.emissions.intro",
            year=year,
            total=names.quantity(total, sectors["unit"].iloc[0]),
            per_resident=names.number(per_resident, 2) if per_resident is not None else "–",
            unit=unit,
        ),
        "charts": emission_charts(facts),
        "table": {
            "heads": [
                t("mon.col.year"),
                t("mon.col.sector"),
                f"{t('mon.col.value')} ({unit})",
                t("mon.col.share"),
                t("mon.col.residents"),
                f"{t('mon.col.per_resident')} ({unit})",
                t("report.col.marks"),
                t("report.col.source"),
            ],
            "rows": rows,
        },
    }


def compliance(facts: f.Facts) -> dict:
    """Requirements counted ("4 of 6 projects meet ..."); projects and developers named only in
    the officials' version."""
    names, t = facts.names, facts.names.t
    counted = f.compliance(facts.requirements)
    district = names.district(facts.district)
    if counted.empty:
        return {
            "empty": t("report.compliance.none", district=district),
            "lines": [],
            "projects": None,
        }
    lines = []
    for r in counted.to_dict("records"):
        requirement = names.target(
            {"target": r["requirement"], "comparator": r["comparator"], "unit": r["unit"]},
            r["direction"],
        )
        what = names.indicator(r["indicator"])
        if r["breakdown"]:
            what = f"{what}: {names.breakdown(r['indicator'], r['breakdown'])}"
        lines.append(
            {
                "text": t(
                    "report.compliance.line",
                    met=int(r["met"]),
                    projects=int(r["projects"]),
                    indicator=what,
                    requirement=requirement,
                ),
                "detail": t(
                    "report.compliance.detail",
                    not_met=int(r["not_met"]),
                    not_reported=int(r["not_reported"]),
                ),
            }
        )
    projects = None
    if facts.name_projects:
        projects = {
            "heads": [
                t("mon.col.project"),
                t("report.col.developer"),
                t("mon.col.indicator"),
                t("mon.col.value"),
                t("report.col.requirement"),
                t("mon.col.status"),
            ],
            "rows": [
                {
                    "cells": [
                        names.demo_name(r["project_name"]),
                        names.demo_name(r["organisation_name"]),
                        names.indicator(r["indicator"]),
                        names.quantity(r["value"], r["unit"])
                        + ("" if names.missing(r["year"]) else f" ({int(r['year'])})"),
                        names.target(
                            {
                                "target": r["requirement"],
                                "comparator": r["comparator"],
                                "unit": r["unit"],
                            },
                            r["direction"],
                        ),
                        names.requirement(r["status"]),
                    ],
                    "note": None,
                }
                for r in facts.requirements.to_dict("records")
            ],
        }
    return {
        "empty": None,
        "intro": t("report.compliance.named")
        if facts.name_projects
        else t("report.compliance.counted"),
        "lines": lines,
        "projects": projects,
    }
