"""data/catalog.toml -> validated models.

The catalog holds what the district programmes define: themes, units, indicators, the real
districts and their targets. A new indicator is a catalog entry, not code. Loading fails with
a `CatalogError` whose message names the entry at fault.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from indicators.models import (
    District,
    Indicator,
    ReportingCalendar,
    Requirement,
    Target,
    Theme,
)

CATALOG_PATH = Path(__file__).resolve().parent.parent / "data" / "catalog.toml"


class CatalogError(ValueError):
    """The catalog is wrong; the message says which entry and why."""


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)

    units: tuple[str, ...]
    themes: tuple[Theme, ...]
    indicators: tuple[Indicator, ...]
    districts: tuple[District, ...]
    targets: tuple[Target, ...]
    requirements: tuple[Requirement, ...] = ()
    # when each period's figure is due (reporting obligations); officials override per district
    calendar: ReportingCalendar = ReportingCalendar()

    def indicator(self, key: str) -> Indicator:
        for item in self.indicators:
            if item.key == key:
                return item
        raise KeyError(key)


def _describe(kind: str, raw: dict, index: int) -> str:
    key = raw.get("key") or raw.get("id") or raw.get("indicator")
    return f"{kind} {key!r}" if key else f"{kind} #{index + 1}"


def _validate_each(kind: str, model: type[BaseModel], raws: list[dict]) -> list:
    items = []
    for index, raw in enumerate(raws):
        try:
            items.append(model.model_validate(raw))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'entry'}: {err['msg']}"
                for err in exc.errors()
            )
            raise CatalogError(f"{_describe(kind, raw, index)}: {problems}") from None
    return items


def _no_duplicates(kind: str, keys: list[str]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise CatalogError(f"{kind} {key!r} is defined twice")
        seen.add(key)


def parse(document: dict) -> Catalog:
    """Validate a parsed TOML document; every error names the entry."""
    units = list(document.get("units", []))
    _no_duplicates("unit", units)
    themes = _validate_each("theme", Theme, document.get("theme", []))
    indicators = _validate_each("indicator", Indicator, document.get("indicator", []))
    districts = _validate_each("district", District, document.get("district", []))
    targets = _validate_each("target", Target, document.get("target", []))
    requirements = _validate_each("requirement", Requirement, document.get("requirement", []))

    calendar = _validate_each(
        "reporting_calendar", ReportingCalendar, [document.get("reporting_calendar", {})]
    )[0]

    _no_duplicates("theme", [t.key for t in themes])
    _no_duplicates("indicator", [i.key for i in indicators])
    _no_duplicates("district", [d.id for d in districts])

    theme_keys = {t.key for t in themes}
    by_key = {i.key: i for i in indicators}
    district_ids = {d.id for d in districts}
    for ind in indicators:
        if ind.theme not in theme_keys:
            raise CatalogError(
                f"indicator {ind.key!r}: unknown theme {ind.theme!r} "
                f"(known: {', '.join(sorted(theme_keys))})"
            )
        if ind.unit not in units:
            raise CatalogError(
                f"indicator {ind.key!r}: unit {ind.unit!r} is not one of the catalog's units "
                f"({', '.join(units)})"
            )
    for kind, entries in (("target", targets), ("requirement", requirements)):
        for entry in entries:
            if entry.indicator not in by_key:
                raise CatalogError(f"{kind} for {entry.indicator!r}: unknown indicator")
            if entry.district is not None and entry.district not in district_ids:
                raise CatalogError(
                    f"{kind} for {entry.indicator!r}: unknown district {entry.district!r}"
                )
            if by_key[entry.indicator].is_context:
                raise CatalogError(
                    f"{kind} for {entry.indicator!r}: a context indicator takes no target"
                )
            breakdown = getattr(entry, "breakdown", "")
            if breakdown and breakdown not in by_key[entry.indicator].breakdowns:
                raise CatalogError(
                    f"{kind} for {entry.indicator!r}: breakdown {breakdown!r} is not allowed"
                )
    for key in calendar.indicators:
        if key not in by_key or by_key[key].level != "project":
            raise CatalogError(
                f"reporting_calendar: {key!r} is not an indicator that projects report"
            )
    return Catalog(
        calendar=calendar,
        units=tuple(units),
        themes=tuple(themes),
        indicators=tuple(indicators),
        districts=tuple(districts),
        targets=tuple(targets),
        requirements=tuple(requirements),
    )


def load(path: Path | str = CATALOG_PATH) -> Catalog:
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"catalog file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from None
    return parse(document)
