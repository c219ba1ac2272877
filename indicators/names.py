"""What the monitoring screens and the yearly report call things, in the reader's language:
indicator, theme, district, breakdown, numerator and denominator names from the catalog; units;
status words with their icons and how each status was worked out; numbers with units, targets
and gaps formatted for the language. Outside indicators.ui so the report needs no streamlit."""

from __future__ import annotations

import json
import math
from functools import cached_property

import pandas as pd

from indicators import i18n, progress, wording


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return str(value) or None


def _json(value) -> dict:
    text = _text(value)
    if not text:
        return {}
    try:
        return json.loads(text) or {}
    except ValueError:
        return {}


def missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


SYNTHETIC_MARK = " (synthetic)"  # as indicators.demo names what it invents


class Names:
    """Names and formats for one language, built from the catalog frames of this run."""

    missing = staticmethod(missing)

    def __init__(
        self,
        lang: str,
        indicators: pd.DataFrame,
        districts: pd.DataFrame,
        themes: pd.DataFrame | None = None,
    ):
        self.lang = i18n.normalise(lang)
        self._indicators = indicators.set_index("key", drop=False)
        self._districts = districts.set_index("id", drop=False)
        self._themes = themes.set_index("key", drop=False) if themes is not None else None
        local = f"name_{self.lang}"
        own = districts[local] if local in districts else [None] * len(districts)
        self._district_names = {
            key: _text(mine) or self.demo_name(name)
            for key, name, mine in zip(districts["id"], districts["name"], own, strict=True)
        }
        self._synthetic = dict(zip(districts["id"], districts["synthetic"], strict=True))

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def demo_name(self, name) -> str:
        """A demo district's or developer's name with its "(synthetic)" mark in this language
        (the stored name keeps the English mark, so every export and CLI line says it too)."""
        name = str(name)
        if name.endswith(SYNTHETIC_MARK):
            return f"{name[: -len(SYNTHETIC_MARK)]} ({self.t('mon.synthetic_flag')})"
        return name

    # ---------------------------------------------------------------- catalog names
    def _local(self, frame: pd.DataFrame | None, key: str, field: str) -> str | None:
        if frame is None or key not in frame.index:
            return None
        row = frame.loc[key]
        return _text(row.get(f"{field}_{self.lang}")) or _text(row.get(f"{field}_en"))

    @cached_property
    def _indicator_names(self) -> dict[str, str]:
        return {
            key: self._local(self._indicators, key, "name") or key for key in self._indicators.index
        }

    def indicator(self, key: str) -> str:
        return self._indicator_names.get(key, key)

    def definition(self, key: str) -> str:
        return self._local(self._indicators, key, "definition") or ""

    def theme(self, key: str) -> str:
        return self._local(self._themes, key, "name") or key

    @property
    def catalog(self) -> pd.DataFrame:
        """The indicators frame these names come from."""
        return self._indicators.reset_index(drop=True)

    def info(self, key: str) -> dict:
        """The catalog row of an indicator as a dict ({} if unknown)."""
        if key not in self._indicators.index:
            return {}
        return self._indicators.loc[key].to_dict()

    def breakdowns(self, key: str) -> list[str]:
        """The breakdown categories the catalog allows for an indicator ([] if none)."""
        value = self.info(key).get("breakdowns")
        return [] if value is None or isinstance(value, float) else [str(b) for b in value]

    def unit(self, key: str) -> str:
        """The unit code of an indicator (as the data and uploads have it; see unit_name)."""
        return _text(self.info(key).get("unit")) or ""

    def unit_name(self, unit) -> str:
        """A unit code as this language's readers see it ('jobs' -> 'työpaikkaa')."""
        code = _text(unit)
        return i18n.unit_name(code, self.lang) if code else ""

    def district(self, district_id: str) -> str:
        return str(self._district_names.get(district_id, district_id))

    def district_row(self, district_id: str) -> dict:
        if district_id not in self._districts.index:
            return {}
        return self._districts.loc[district_id].to_dict()

    def synthetic_district(self, district_id: str) -> bool:
        return bool(self._synthetic.get(district_id, False))

    @cached_property
    def _breakdown_names(self) -> dict[str, dict]:
        return {k: _json(v) for k, v in self._indicators["breakdown_names"].items()}

    def breakdown(self, indicator: str, breakdown: str) -> str:
        if not breakdown:
            return self.t("mon.breakdown.total")
        names = self._breakdown_names.get(indicator, {}).get(breakdown) or {}
        return names.get(self.lang) or names.get("en") or breakdown.replace("_", " ")

    def part(self, indicator: str, which: str) -> str:
        """'numerator' or 'denominator' label of a ratio indicator (with its unit)."""
        labels = _json(self.info(indicator).get("labels")).get(which) or {}
        return labels.get(self.lang) or labels.get("en") or self.t(f"mon.{which}")

    def series(self, series: str) -> str:
        return self.t("mon.series.headline") if not series else series.replace("_", " ")

    # ---------------------------------------------------------------- statuses
    def status(self, status: str) -> str:
        """'✔ Target achieved': the icon and the word, never one without the other."""
        return f"{progress.STATUS_ICONS.get(status, '?')} {self.t(f'status.{status}')}"

    def count(self, key: str, count: int) -> str:
        """'1 breakdown', '3 breakdowns': the locales' `<key>_one` for one, `<key>` else."""
        return self.t(f"{key}_one" if count == 1 else key, count=count)

    def row_status(self, row: dict) -> str:
        """A scorecard row's status as read: the icon and word; for a context indicator
        (a plan, the population) that it has none; for 'not available' also why."""
        context = row.get("context")
        if not missing(context) and bool(context):
            return self.t("public.context.status")
        status = row.get("status")
        if missing(status) or not status:
            return self.t("public.context.status")
        if status == "not_available":
            reason = progress.reason_text(row.get("reason"), self.lang)
            if reason:
                status = self.t("status.not_available")
                return f"{progress.STATUS_ICONS['not_available']} " + self.t(
                    "public.card.reason", status=status, reason=reason
                )
        return self.status(status)

    def notes(self, note) -> str:
        """How a status was worked out (a scorecard row's "note": progress.Notes) in this
        language; a plain text is shown as it is."""
        if missing(note) or not note:
            return ""
        if isinstance(note, tuple):
            return progress.Notes(note).text(self.lang)
        return str(note)

    def requirement(self, status: str) -> str:
        return f"{progress.REQUIREMENT_ICONS.get(status, '?')} {self.t(f'requirement.{status}')}"

    def flags(self, values, which: str) -> list[str]:
        """A table column of words for true flags: 'pending' or 'synthetic' (never a colour
        or a symbol alone)."""
        word = self.t("mon.pending.flag" if which == "pending" else "mon.synthetic_flag")
        return [word if bool(v) and not missing(v) else "" for v in values]

    def reported(self, reported, expected) -> str:
        """'4 of 6': projects with a counted figure of all that report the indicator."""
        if missing(expected):
            return ""
        return self.t("mon.provisional.reported", reported=int(reported), expected=int(expected))

    def provisional(self, rows: pd.DataFrame) -> str:
        """'2025 provisional: 4 of 6 projects' reports approved', for the rows of one year."""
        return self.t(
            "mon.provisional.card",
            year=int(rows["year"].iloc[0]),
            reported=int(rows["projects_reported"].max()),
            expected=int(rows["expected_projects"].max()),
        )

    # ---------------------------------------------------------------- numbers
    def number(self, value, decimals: int | None = None) -> str:
        if missing(value):
            return "–"
        return i18n.format_number(float(value), self.lang, decimals)

    def exact(self, value) -> str:
        """A table's figure: up to three decimals, no trailing zeros, the language's marks."""
        if missing(value):
            return "–"
        value = float(value)
        decimals = 0 if value.is_integer() else 3
        text = i18n.format_number(value, self.lang, decimals)
        if decimals:
            text = text.rstrip("0").rstrip(",.")
        return text

    def quantity(self, value, unit: str | None, decimals: int | None = None) -> str:
        """'80 %', '1 200 työpaikkaa': the number and the unit's name in this language."""
        text = self.number(value, decimals)
        unit = self.unit_name(unit)
        return f"{text} {unit}" if unit and text != "–" else text

    def comparator(self, comparator: str | None, direction: str | None) -> str:
        """'at least' ... as indicators.wording reads a comparator with the direction."""
        return wording.comparator_text(comparator, direction, self.lang)

    def target(self, row: dict, direction: str | None = None) -> str:
        """'at least 65 % by 2030' (or without 'by' when the target has no year), worded by
        indicators.wording from the row's comparator and the indicator's direction (the row's
        own `direction`, else the argument, else the catalog's)."""
        if direction is None or missing(direction):
            direction = _text(row.get("direction")) or _text(
                self.info(str(row.get("indicator", ""))).get("direction")
            )
        year = row.get("target_year")
        return wording.target(
            None if missing(row.get("target")) else row.get("target"),
            comparator=_text(row.get("comparator")),
            direction=direction,
            lang=self.lang,
            unit=_text(row.get("unit")),
            year=None if missing(year) else int(year),
        )

    def gap(self, row: dict) -> str:
        """How far from the target: 'x to go' or 'x beyond the target'; – without a target."""
        gap = row.get("gap")
        if missing(gap):
            return "–"
        if abs(float(gap)) < 1e-12:
            return self.t("mon.gap.none")
        unit = row.get("unit")
        unit = self.t("mon.unit.pp") if unit == "%" else unit
        amount = self.quantity(abs(float(gap)), unit)
        return self.t("mon.gap.to_go" if gap > 0 else "mon.gap.beyond", amount=amount)

    def percent(self, fraction) -> str:
        if missing(fraction):
            return "–"
        return f"{self.number(float(fraction) * 100, 1)} %"
