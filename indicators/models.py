"""The domain, as pydantic models: what an indicator, a target, a district ... is.

Every model validates on construction, so a catalog entry or a CSV row that is wrong
fails with a message naming the field, never later in a chart.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Direction = Literal["higher", "lower"]
Aggregation = Literal["sum", "ratio", "mean", "reported"]
Resolution = Literal["year", "month"]
Comparator = Literal[">=", "<=", ">", "<", "="]
Role = Literal["official", "developer"]
SubmissionStatus = Literal["pending", "approved", "rejected"]
DistrictKind = Literal["district", "city", "region", "network"]
LANGUAGES = ("en", "fi", "sv")

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def _check_key(value: str) -> str:
    if not KEY_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a valid key: use lower-case letters, digits, '_' and '-'"
        )
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Strict):
    """A text in English, Finnish and Swedish. English is required; the others fall back to it."""

    en: str = Field(min_length=1)
    fi: str | None = None
    sv: str | None = None

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.en


class Theme(Strict):
    key: str
    name: LocalText
    position: int = 0

    _key = field_validator("key")(_check_key)


class Indicator(Strict):
    key: str
    theme: str
    name: LocalText
    unit: str
    direction: Direction
    aggregation: Aggregation
    resolution: Resolution = "year"
    breakdowns: dict[str, LocalText] = Field(default_factory=dict)
    min: float | None = None
    max: float | None = None
    # ratio indicators: value = sum(numerator) / sum(denominator) * scale
    scale: float = 1.0
    numerator: LocalText | None = None
    denominator: LocalText | None = None
    definition: LocalText
    source: str = Field(min_length=1)
    source_url: str | None = None
    # a count that the per-resident view may divide by the district's residents
    per_resident: bool = False
    # a fact for context (a plan, the population, a count without a desired direction): shown
    # with its figures, never given a progress status or a target
    context: bool = False

    _key = field_validator("key")(_check_key)

    @field_validator("breakdowns")
    @classmethod
    def _breakdown_keys(cls, value: dict[str, LocalText]) -> dict[str, LocalText]:
        for key in value:
            _check_key(key)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if self.aggregation == "ratio" and (self.numerator is None or self.denominator is None):
            raise ValueError("a ratio indicator needs numerator and denominator labels")
        return self

    @property
    def level(self) -> Literal["project", "district"]:
        """Who reports it: developers per project, or the city per district."""
        return "district" if self.aggregation == "reported" else "project"

    @property
    def is_context(self) -> bool:
        """A context indicator: its facts are shown, never a progress status."""
        return self.context

    @property
    def share_capped(self) -> bool:
        """True when numerator can never exceed denominator (a share of at most 100 %)."""
        return self.aggregation == "ratio" and self.max is not None and self.max <= self.scale


class District(Strict):
    id: str
    name: str
    # the name readers of Finnish or Swedish know it by (Norra Djurgårdsstaden); None: `name`
    name_fi: str | None = None
    name_sv: str | None = None
    city: str
    country: str = "FI"
    kind: DistrictKind = "district"
    synthetic: bool = False
    description: str | None = None
    source_url: str | None = None

    _id = field_validator("id")(_check_key)

    def local_name(self, lang: str) -> str:
        """The district's name in `lang` (fi, sv), else its own name."""
        return getattr(self, f"name_{lang}", None) or self.name


class Organisation(Strict):
    id: str
    name: str
    synthetic: bool = False

    _id = field_validator("id")(_check_key)


class Project(Strict):
    id: str
    name: str
    district: str
    organisation: str
    gross_floor_area: float | None = Field(default=None, ge=0)
    synthetic: bool = False
    # the last year the project reports (construction over, handed over); None: still reporting
    reporting_until: int | None = Field(default=None, ge=1900, le=2100)
    # the first year it must report (None: from its first reported figure)
    reporting_from: int | None = Field(default=None, ge=1900, le=2100)

    _id = field_validator("id")(_check_key)

    @model_validator(mode="after")
    def _reporting_years(self) -> Project:
        if (
            self.reporting_from
            and self.reporting_until
            and self.reporting_from > self.reporting_until
        ):
            raise ValueError(
                f"reports from {self.reporting_from} but only until {self.reporting_until}"
            )
        return self


class Target(Strict):
    """A district target from a programme, or (with `project`) a requirement on one project."""

    indicator: str
    district: str | None = None
    project: str | None = None
    value: float
    comparator: Comparator = ">="
    year: int | None = None
    baseline_year: int | None = None
    baseline_value: float | None = None
    breakdown: str = ""
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one_scope(self) -> Target:
        if (self.district is None) == (self.project is None):
            raise ValueError("a target has exactly one scope: a district or a project")
        return self


class Requirement(Strict):
    """A project requirement that applies to every project of a district (catalog shorthand)."""

    indicator: str
    district: str
    value: float
    comparator: Comparator = "<="
    source: str = Field(min_length=1)


class User(Strict):
    email: str
    role: Role
    organisation: str | None = None
    name: str | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip().lower()
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @model_validator(mode="after")
    def _developer_has_org(self) -> User:
        if self.role == "developer" and not self.organisation:
            raise ValueError("a developer belongs to an organisation: give --org")
        return self


class Submission(BaseModel):
    id: int
    organisation: str | None
    submitted_by: str
    submitted_at: datetime
    file_name: str
    sha256: str
    row_count: int
    status: SubmissionStatus
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    comment: str | None = None


class RowError(Strict):
    """One problem in an uploaded file, located as the user's spreadsheet shows it."""

    line: int | None = None
    column: str | None = None
    value: str | None = None
    reason: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.reason}" if prefix else self.reason


class DueRule(Strict):
    """When a period's figure is due: `months_after` the period's last month, on `day` (the
    month's last day when the month is shorter). Yearly by 31 March: 3 and 31."""

    months_after: int = Field(ge=0, le=24)
    day: int = Field(ge=1, le=31)


class ReportingCalendar(Strict):
    """The catalog's default due dates: by resolution, and for single indicators."""

    year: DueRule = DueRule(months_after=3, day=31)
    month: DueRule = DueRule(months_after=1, day=15)
    indicators: dict[str, DueRule] = Field(default_factory=dict)

    def rule(self, indicator: Indicator) -> DueRule:
        return self.indicators.get(indicator.key) or getattr(self, indicator.resolution)
