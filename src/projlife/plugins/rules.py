"""The rule value types city plugins return: size classes, quotas, deadlines, scoring, tickets.

Every type is an immutable attrs class with a canonical ``as_dict()`` (JSON-ready: sorted keys
when serialised, Decimals and money as normalised strings, dates as ISO strings, enums as their
values). :class:`RuleSet` gathers a city's effective rules for a period and hashes their
canonical JSON, so every quota evaluation, deadline flag and ranking can record the exact rules
it used (``RuleSet.sha256``).

Pure: standard library, attrs and the domain value types only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.money import Money, as_decimal
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.ticket import Satisfaction
from projlife.plugins.counting_policy import CountingPolicy

__all__ = [
    "AmountOf",
    "AreaScope",
    "Comparison",
    "DeadlineSpec",
    "EscalationStep",
    "EventRef",
    "EventRefKind",
    "Measure",
    "Metric",
    "Normalisation",
    "PaceUnit",
    "ProjectFilter",
    "QuotaRule",
    "RuleSet",
    "ScoringIndicator",
    "ScoringRule",
    "SizeClass",
    "TicketCategory",
    "TicketRules",
    "canonical_decimal",
]

RULE_SET_SCHEMA = 2
"""Version of the canonical rule-set layout; part of every hash, bumped only on a layout change."""

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,79}$")


def canonical_decimal(value: Decimal) -> str:
    """``Decimal`` as a canonical string: ``0.60`` → ``"0.6"``, ``1E+2`` → ``"100"``."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _dec(value: Any) -> Decimal:
    return as_decimal(value, "rule value")


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


def _money(value: Any) -> Money:
    return value if isinstance(value, Money) else Money(value)


def _opt_money(value: Any) -> Money | None:
    return None if value is None else _money(value)


def _rule_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(
            f"{attribute.name} must be 1–80 lower-case letters, digits, '_', '.', '-' "
            f"(starting with a letter or digit), got {value!r}"
        )


def _non_negative(_: object, attribute: attrs.Attribute[Decimal], value: Decimal | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must not be negative, got {value}")


def _fraction(_: object, attribute: attrs.Attribute[Decimal | None], value: Decimal | None) -> None:
    if value is not None and not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"{attribute.name} must be within [0, 1], got {value}")


def _enum_set(enum: type[StrEnum]) -> Any:
    def convert(values: Iterable[Any]) -> frozenset[Any]:
        if isinstance(values, str):
            raise ValueError(f"expected a collection of {enum.__name__} values, not the string {values!r}")
        return frozenset(enum(v) for v in values)

    return convert


def _categories(values: Iterable[Any]) -> frozenset[ProjectCategory]:
    converted: frozenset[ProjectCategory] = _enum_set(ProjectCategory)(values)
    return converted


def _investors(values: Iterable[Any]) -> frozenset[InvestorClass]:
    converted: frozenset[InvestorClass] = _enum_set(InvestorClass)(values)
    return converted


def _tuple(values: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(values, str | bytes):
        raise ValueError(f"expected a collection, not the string {values!r}")
    return tuple(values)


def _sorted_values(values: Iterable[StrEnum]) -> list[str]:
    return sorted(v.value for v in values)


def _m(value: Money | None) -> str | None:
    return None if value is None else canonical_decimal(value.yuan)


# --------------------------------------------------------------------------------------------
# Sizes
# --------------------------------------------------------------------------------------------


@attrs.frozen
class SizeClass:
    """A size class of projects by planned investment: ``min_yuan <= investment < max_yuan``.

    ``max_yuan=None`` means no upper bound. Jiangyan (003) counts "1–5 亿" apart from larger ones:
    ``SizeClass("1-5yi", "1–5亿元", Money.yi(1), Money.yi(5))``.
    """

    id: str = attrs.field(validator=_rule_id)
    label_zh: str
    min_yuan: Money = attrs.field(converter=_money)
    max_yuan: Money | None = attrs.field(default=None, converter=_opt_money)

    def __attrs_post_init__(self) -> None:
        if self.max_yuan is not None and self.max_yuan <= self.min_yuan:
            raise ValueError(f"size class {self.id}: max {self.max_yuan} must exceed min {self.min_yuan}")

    def contains(self, amount: Money) -> bool:
        """Whether ``amount`` falls in this class (lower bound inclusive, upper exclusive)."""
        return self.min_yuan <= amount and (self.max_yuan is None or amount < self.max_yuan)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label_zh": self.label_zh,
            "min_yuan": _m(self.min_yuan),
            "max_yuan": _m(self.max_yuan),
        }


# --------------------------------------------------------------------------------------------
# What is counted
# --------------------------------------------------------------------------------------------


@attrs.frozen
class ProjectFilter:
    """Which projects a rule counts. Empty sets mean "any"; bounds are on planned investment.

    ``min_investment`` is inclusive and ``max_investment`` exclusive (so 1–5 亿 is
    ``Money.yi(1)``–``Money.yi(5)``). ``industry_only`` keeps industry projects (产业项目,
    :attr:`ProjectCategory.is_industry`).
    """

    min_investment: Money | None = attrs.field(default=None, converter=_opt_money)
    max_investment: Money | None = attrs.field(default=None, converter=_opt_money)
    categories: frozenset[ProjectCategory] = attrs.field(default=frozenset(), converter=_categories)
    industry_only: bool = False
    investor_classes: frozenset[InvestorClass] = attrs.field(default=frozenset(), converter=_investors)

    def __attrs_post_init__(self) -> None:
        if (
            self.min_investment is not None
            and self.max_investment is not None
            and self.max_investment <= self.min_investment
        ):
            raise ValueError("max_investment must exceed min_investment")

    def matches(
        self,
        *,
        planned_investment: Money,
        category: ProjectCategory,
        investor_classes: Iterable[InvestorClass] = (),
    ) -> bool:
        """Whether a project with these attributes is counted."""
        if self.min_investment is not None and planned_investment < self.min_investment:
            return False
        if self.max_investment is not None and planned_investment >= self.max_investment:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.industry_only and not category.is_industry:
            return False
        return not (self.investor_classes and not self.investor_classes & set(investor_classes))

    def as_dict(self) -> dict[str, Any]:
        return {
            "min_investment": _m(self.min_investment),
            "max_investment": _m(self.max_investment),
            "categories": _sorted_values(self.categories),
            "industry_only": self.industry_only,
            "investor_classes": _sorted_values(self.investor_classes),
        }


class Measure(StrEnum):
    """What a :class:`Metric` measures."""

    STAGE_ENTRIES = "stage_entries"
    """Projects that entered ``stage`` during the period (up to the as-of date)."""
    RATE = "rate"
    """Of the projects that entered ``base_stage`` in the cohort period, the share that had
    reached ``stage`` (or a later stage) by the end of the period or the as-of date, whichever
    is earlier (numerator / denominator, within [0, 1])."""
    PACE = "pace"
    """Stage entries per day (or per working day) elapsed in the period."""
    AMOUNT = "amount"
    """A sum of money (``amount_of``) over the projects that entered ``stage`` in the period,
    or, for reported investment, the investment reported for months in the period."""
    STOCK = "stock"
    """Projects whose current stage is ``stage`` on the as-of date (e.g. the reserve pool)."""
    SHARE = "share"
    """Of the projects that entered ``stage`` during the period (the denominator), the share whose
    ``base_stage`` entry fell in the cohort period ``cohort_offset`` periods back: "X 在 Y 中占比"
    is X ÷ Y (001: 确保每季度"签约一批"项目实现在下季度"开工一批"项目中占比达到60%)."""


class AmountOf(StrEnum):
    """Which money an ``amount`` metric sums."""

    PLANNED_INVESTMENT = "planned_investment"
    SIGNED_AMOUNT = "signed_amount"
    REPORTED_INVESTMENT = "reported_investment"


class PaceUnit(StrEnum):
    """The day a ``pace`` metric divides by."""

    DAY = "day"
    WORKING_DAY = "working_day"


@attrs.frozen
class Metric:
    """A measurable quantity per area and period, e.g. "industrial projects ≥1亿 started".

    - ``stage_entries`` / ``stock``: need ``stage``;
    - ``rate``: needs ``stage`` and ``base_stage`` (``cohort_offset`` periods back: 1 means the
      base cohort is the previous period, as in Zhumadian's "60% of a quarter's signed batch is
      in the next quarter's started batch");
    - ``pace``: needs ``stage`` and ``pace_unit``;
    - ``amount``: needs ``amount_of``, and ``stage`` unless it sums reported investment.
    """

    measure: Measure = attrs.field(converter=Measure)
    stage: Stage | None = attrs.field(default=None, converter=attrs.converters.optional(Stage))
    base_stage: Stage | None = attrs.field(default=None, converter=attrs.converters.optional(Stage))
    cohort_offset: int = 0
    pace_unit: PaceUnit | None = attrs.field(default=None, converter=attrs.converters.optional(PaceUnit))
    amount_of: AmountOf | None = attrs.field(default=None, converter=attrs.converters.optional(AmountOf))
    filter: ProjectFilter = attrs.field(factory=ProjectFilter)
    verified: bool = False
    """Count only claims recognised on check (认定; 003: 认定1亿—5亿元新开工项目)."""

    def __attrs_post_init__(self) -> None:
        m = self.measure
        needs_stage = m is not Measure.AMOUNT or self.amount_of is not AmountOf.REPORTED_INVESTMENT
        if needs_stage and self.stage is None:
            raise ValueError(f"a {m.value} metric needs a stage")
        cohort = m in (Measure.RATE, Measure.SHARE)
        if cohort != (self.base_stage is not None):
            raise ValueError("base_stage is required for a rate or share metric and only for it")
        if cohort and self.base_stage is not None and self.stage is not None:
            if not self.base_stage < self.stage:
                raise ValueError(f"a rate's base stage {self.base_stage} must come before {self.stage}")
        if self.cohort_offset < 0 or (self.cohort_offset and not cohort):
            raise ValueError("cohort_offset is a non-negative number of periods, for rates and shares only")
        if (m is Measure.PACE) != (self.pace_unit is not None):
            raise ValueError("pace_unit is required for a pace metric and only for it")
        if (m is Measure.AMOUNT) != (self.amount_of is not None):
            raise ValueError("amount_of is required for an amount metric and only for it")

    def as_dict(self) -> dict[str, Any]:
        return {
            "measure": self.measure.value,
            "stage": None if self.stage is None else self.stage.value,
            "base_stage": None if self.base_stage is None else self.base_stage.value,
            "cohort_offset": self.cohort_offset,
            "pace_unit": None if self.pace_unit is None else self.pace_unit.value,
            "amount_of": None if self.amount_of is None else self.amount_of.value,
            "filter": self.filter.as_dict(),
            **({"verified": True} if self.verified else {}),
        }


@attrs.frozen
class AreaScope:
    """Which areas a per-area rule applies to.

    ``level`` is the competing level (counties for most cities, towns and parks for Jiangyan);
    ``zones``: ``None`` for all areas of that level, ``True`` for zones and parks only
    (开发区、示范区), ``False`` for the others. ``city_wide=True`` evaluates one figure for the
    whole city instead.
    """

    city_wide: bool = False
    level: AreaLevel = attrs.field(default=AreaLevel.COUNTY, converter=AreaLevel)
    zones: bool | None = None

    @classmethod
    def city(cls) -> AreaScope:
        return cls(city_wide=True)

    def areas(self, tree: AreaTree) -> tuple[Area, ...]:
        """The areas this scope selects, in code order (the city alone when city-wide)."""
        if self.city_wide:
            return (tree.city,)
        picked = [a for a in tree.at_level(self.level) if self.zones is None or a.is_zone == self.zones]
        return tuple(sorted(picked, key=lambda a: a.code))

    def as_dict(self) -> dict[str, Any]:
        return {"city_wide": self.city_wide, "level": self.level.value, "zones": self.zones}


class Comparison(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@attrs.frozen
class QuotaRule:
    """A target a city sets: "each county starts at least 5 industry projects a quarter".

    ``target`` is in the metric's unit: a count, a rate within [0, 1], a pace per day, or yuan.
    ``period_kind`` is the period the quota is evaluated over; ``scope`` says city-wide or per
    area. ``source`` cites the seed sentence.
    """

    id: str = attrs.field(validator=_rule_id)
    title_zh: str
    metric: Metric
    target: Decimal = attrs.field(converter=_dec, validator=_non_negative)
    period_kind: PeriodKind = attrs.field(converter=PeriodKind)
    scope: AreaScope = attrs.field(factory=AreaScope)
    comparison: Comparison = attrs.field(default=Comparison.AT_LEAST, converter=Comparison)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.metric.measure in (Measure.RATE, Measure.SHARE) and self.target > 1:
            raise ValueError(f"quota {self.id}: a rate target must be within [0, 1], got {self.target}")
        if self.metric.cohort_offset and self.period_kind is PeriodKind.DAY:
            raise ValueError(f"quota {self.id}: a cohort offset needs a period longer than a day")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "metric": self.metric.as_dict(),
            "target": canonical_decimal(self.target),
            "period_kind": self.period_kind.value,
            "scope": self.scope.as_dict(),
            "comparison": self.comparison.value,
            "source": self.source,
        }


# --------------------------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------------------------


class EventRefKind(StrEnum):
    STAGE = "stage"
    """Entering a lifecycle stage (the claim's business date)."""
    MILESTONE = "milestone"
    """Meeting a preparation milestone."""
    EVENT = "event"
    """Any recorded event, by its stable topic (e.g. ``projlife:Project.TeamFormed``)."""


@attrs.frozen
class EventRef:
    """A fact a deadline starts from or waits for: a stage entry, a milestone or an event topic."""

    kind: EventRefKind = attrs.field(converter=EventRefKind)
    name: str

    def __attrs_post_init__(self) -> None:
        if self.kind is EventRefKind.STAGE:
            Stage(self.name)
        elif self.kind is EventRefKind.MILESTONE:
            Milestone(self.name)
        elif not self.name.startswith("projlife:") and ":" not in self.name:
            raise ValueError(
                f"an event reference needs a topic like 'projlife:Project.TeamFormed', got {self.name!r}"
            )

    @classmethod
    def stage(cls, stage: Stage | str) -> EventRef:
        return cls(EventRefKind.STAGE, Stage(stage).value)

    @classmethod
    def milestone(cls, milestone: Milestone | str) -> EventRef:
        return cls(EventRefKind.MILESTONE, Milestone(milestone).value)

    @classmethod
    def event(cls, topic: str) -> EventRef:
        return cls(EventRefKind.EVENT, topic)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.name}"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "name": self.name}


@attrs.frozen
class DeadlineSpec:
    """A deadline an event triggers: "start within 90 working days of signing".

    When a project's ``trigger`` happens (on its business date), ``target`` is due within
    ``rule`` (a :class:`~projlife.calendar.DeadlineRule`: working days, calendar days or months).
    ``flag`` names the flag an overdue project gets (挂牌提醒); ``filter`` restricts the projects.

    >>> DeadlineSpec("start-90wd", "签约后90个工作日内开工", EventRef.stage("signed"),
    ...              EventRef.stage("started"), DeadlineRule.parse("90 working days"))  # doctest: +SKIP
    """

    id: str = attrs.field(validator=_rule_id)
    title_zh: str
    trigger: EventRef
    target: EventRef
    rule: DeadlineRule
    filter: ProjectFilter = attrs.field(factory=ProjectFilter)
    flag: str | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.trigger == self.target:
            raise ValueError(f"deadline {self.id}: trigger and target are the same fact")
        if (
            self.trigger.kind is EventRefKind.STAGE
            and self.target.kind is EventRefKind.STAGE
            and Stage(self.target.name) <= Stage(self.trigger.name)
        ):
            raise ValueError(f"deadline {self.id}: target stage must come after the trigger stage")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "trigger": self.trigger.as_dict(),
            "target": self.target.as_dict(),
            "rule": self.rule.as_dict(),
            "filter": self.filter.as_dict(),
            "flag": self.flag,
            "source": self.source,
        }


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


class Normalisation(StrEnum):
    """How an indicator's raw value becomes points (before the weight is applied)."""

    RAW = "raw"
    """points = value."""
    SHARE_OF_MAX = "share_of_max"
    """points = value / the best area's value (0 when every area has 0)."""
    TARGET_RATIO = "target_ratio"
    """points = min(value / target, 1)."""


@attrs.frozen
class ScoringIndicator:
    """One weighted criterion of a scoring rule: score += weight × normalised(metric value)."""

    id: str = attrs.field(validator=_rule_id)
    title_zh: str
    metric: Metric
    weight: Decimal = attrs.field(converter=_dec, validator=_non_negative)
    normalisation: Normalisation = attrs.field(default=Normalisation.SHARE_OF_MAX, converter=Normalisation)
    target: Decimal | None = attrs.field(default=None, converter=_opt_dec, validator=_non_negative)

    def __attrs_post_init__(self) -> None:
        if (self.normalisation is Normalisation.TARGET_RATIO) != (self.target is not None):
            raise ValueError(f"indicator {self.id}: a target is required for target_ratio and only for it")
        if self.target is not None and self.target == 0:
            raise ValueError(f"indicator {self.id}: target must be positive")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "metric": self.metric.as_dict(),
            "weight": canonical_decimal(self.weight),
            "normalisation": self.normalisation.value,
            "target": None if self.target is None else canonical_decimal(self.target),
        }


@attrs.frozen
class ScoringRule:
    """How areas are scored and ranked over a period (e.g. Xiaogan's half-year on-site scoring).

    Score = Σ weight × normalised indicator. Equal scores share a rank (并列). The ``top_n`` areas
    are praised and the ``bottom_n`` must explain themselves (000: 前两名 … 后两名), everyone
    tied at the boundary included.
    """

    id: str = attrs.field(validator=_rule_id)
    title_zh: str
    period_kind: PeriodKind = attrs.field(converter=PeriodKind)
    indicators: tuple[ScoringIndicator, ...] = attrs.field(converter=_tuple)
    scope: AreaScope = attrs.field(factory=AreaScope)
    top_n: int = 0
    bottom_n: int = 0
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if not self.indicators:
            raise ValueError(f"scoring rule {self.id}: at least one indicator")
        ids = [i.id for i in self.indicators]
        if len(set(ids)) != len(ids):
            raise ValueError(f"scoring rule {self.id}: indicator ids repeat: {ids}")
        if self.top_n < 0 or self.bottom_n < 0:
            raise ValueError(f"scoring rule {self.id}: top_n and bottom_n must not be negative")
        if self.scope.city_wide:
            raise ValueError(f"scoring rule {self.id}: ranking needs per-area scope")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "period_kind": self.period_kind.value,
            "indicators": [i.as_dict() for i in self.indicators],
            "scope": self.scope.as_dict(),
            "top_n": self.top_n,
            "bottom_n": self.bottom_n,
            "source": self.source,
        }


# --------------------------------------------------------------------------------------------
# Tickets: the values the ticket hooks return and projlife.tickets.TicketPolicy is built from
# --------------------------------------------------------------------------------------------


@attrs.frozen
class TicketCategory:
    """A problem category: a stable code and its Chinese label (the label is what is recorded).

    ``TicketCategory("energy_land", "用能用地")`` (000).
    """

    code: str = attrs.field(validator=_rule_id)
    label_zh: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "label_zh": self.label_zh}


def _weekday(_: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6):
        raise ValueError(f"{attribute.name} must be 0 (Monday) … 6 (Sunday) or None, got {value!r}")


@attrs.frozen
class EscalationStep:
    """One rung of the escalation ladder: who takes the ticket up, and the weekday they meet.

    The first rung is where a ticket is assigned; each escalation moves it one rung up.
    ``meets_on`` is 0 (Monday) … 6 (Sunday) for a standing slot (001: "分管副市长每周一",
    "每周二召开的重点项目推进周例会"), or ``None``. A step without a weekday takes the ticket
    up on the escalation day (or the next working day); a step with a weekday at its next
    meeting strictly after the escalation day, rolled forward to a working day.
    """

    code: str = attrs.field(validator=_rule_id)
    label_zh: str
    meets_on: int | None = attrs.field(default=None, validator=_weekday)

    def scheduled_on(self, escalated_on: date, calendar: WorkdayCalendar) -> date:
        """The day this rung takes up a ticket escalated on ``escalated_on``."""
        if self.meets_on is None:
            return calendar.roll_forward(escalated_on)
        ahead = (self.meets_on - escalated_on.weekday() - 1) % 7 + 1
        return calendar.roll_forward(escalated_on + timedelta(days=ahead))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "label_zh": self.label_zh, "meets_on": self.meets_on}


def _opt_satisfaction(value: Any) -> Satisfaction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a satisfaction bar is a point 1–5 on the fixed scale, got {value!r}")
    return Satisfaction(value)


def _opt_bool(value: Any) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"expected True, False or None, got {value!r}")
    return value


def _opt_tuple(values: Iterable[Any] | None) -> tuple[Any, ...] | None:
    return None if values is None else _tuple(values)


@attrs.frozen
class TicketRules:
    """The ticket-loop rules the plugins gave for one city; ``None`` where no plugin answered.

    :class:`projlife.tickets.TicketPolicy` fills each ``None`` from the default policy.
    ``answered_by`` maps each answered field to the plugin that answered it (not hashed).
    """

    categories: tuple[TicketCategory, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    ladder: tuple[EscalationStep, ...] | None = attrs.field(default=None, converter=_opt_tuple)
    due_rule: DeadlineRule | None = None
    revisit_sample_rate: Decimal | None = attrs.field(default=None, converter=_opt_dec, validator=_fraction)
    satisfaction_bar: Satisfaction | None = attrs.field(default=None, converter=_opt_satisfaction)
    close_unsampled_on_answer: bool | None = attrs.field(default=None, converter=_opt_bool)
    answered_by: tuple[tuple[str, str], ...] = attrs.field(default=(), converter=_tuple, eq=False)

    def __attrs_post_init__(self) -> None:
        if self.categories is not None:
            if not self.categories:
                raise ValueError(
                    "a city's ticket categories cannot be empty (answer None to use the default)"
                )
            _unique("ticket categories", (c.code for c in self.categories))
            _unique("ticket category labels", (c.label_zh for c in self.categories))
        if self.ladder is not None:
            if not self.ladder:
                raise ValueError("an escalation ladder needs at least one step (where tickets are assigned)")
            _unique("escalation steps", (s.code for s in self.ladder))

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": None
            if self.categories is None
            else [c.as_dict() for c in sorted(self.categories, key=lambda c: c.code)],
            "ladder": None if self.ladder is None else [s.as_dict() for s in self.ladder],
            "due_rule": None if self.due_rule is None else self.due_rule.as_dict(),
            "revisit_sample_rate": _opt_canon(self.revisit_sample_rate),
            "satisfaction_bar": None if self.satisfaction_bar is None else int(self.satisfaction_bar),
            "close_unsampled_on_answer": self.close_unsampled_on_answer,
        }


# --------------------------------------------------------------------------------------------
# The rule set
# --------------------------------------------------------------------------------------------


def _unique(kind: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"two {kind} share the id {i!r}; ids must be unique within a rule set")
        seen.add(i)


@attrs.frozen
class RuleSet:
    """A city's effective rules for one period: what every evaluation records by hash.

    Build it with :func:`projlife.plugins.manager.rule_set` (it asks the plugins); the order in
    which plugins answered does not matter, because rules are sorted by id and collections
    sorted in the canonical form. :attr:`sha256` changes exactly when a rule does.
    """

    city: str
    city_code: str
    period: Period
    major_threshold: Money | None = attrs.field(default=None, converter=_opt_money)
    size_classes: tuple[SizeClass, ...] = attrs.field(default=(), converter=_tuple)
    quotas: tuple[QuotaRule, ...] = attrs.field(default=(), converter=_tuple)
    deadlines: tuple[DeadlineSpec, ...] = attrs.field(default=(), converter=_tuple)
    scoring: tuple[ScoringRule, ...] = attrs.field(default=(), converter=_tuple)
    tickets: TicketRules = attrs.field(factory=TicketRules)
    calendar: WorkdayCalendar = attrs.field(factory=WorkdayCalendar)
    counting: CountingPolicy = attrs.field(factory=CountingPolicy)

    def __attrs_post_init__(self) -> None:
        _unique("size classes", (s.id for s in self.size_classes))
        _unique("quotas", (q.id for q in self.quotas))
        _unique("deadlines", (d.id for d in self.deadlines))
        _unique("scoring rules", (s.id for s in self.scoring))

    def as_dict(self) -> dict[str, Any]:
        """The canonical form: rules sorted by id, every value a JSON scalar, list or object."""
        return {
            "schema": RULE_SET_SCHEMA,
            "city": self.city,
            "city_code": self.city_code,
            "period": {"kind": self.period.kind.value, "start": self.period.start.isoformat()},
            "major_threshold": _m(self.major_threshold),
            "size_classes": [s.as_dict() for s in sorted(self.size_classes, key=lambda s: s.id)],
            "quotas": [q.as_dict() for q in sorted(self.quotas, key=lambda q: q.id)],
            "deadlines": [d.as_dict() for d in sorted(self.deadlines, key=lambda d: d.id)],
            "scoring": [s.as_dict() for s in sorted(self.scoring, key=lambda s: s.id)],
            "tickets": self.tickets.as_dict(),
            "calendar": self.calendar.as_dict(),
            # The default policy is left out so that rule sets without one keep their hashes.
            **({} if self.counting == CountingPolicy() else {"counting": self.counting.as_dict()}),
        }

    def canonical_json(self) -> str:
        """Sorted keys, no insignificant whitespace, UTF-8 characters kept (not ``\\u`` escaped)."""
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of :meth:`canonical_json` encoded as UTF-8."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()

    @property
    def short_hash(self) -> str:
        """The first 12 hex digits of :attr:`sha256`, for display."""
        return self.sha256[:12]

    def quota(self, rule_id: str) -> QuotaRule:
        found: QuotaRule = _by_id(self.quotas, rule_id, "quota")
        return found

    def deadline(self, rule_id: str) -> DeadlineSpec:
        found: DeadlineSpec = _by_id(self.deadlines, rule_id, "deadline")
        return found

    def scoring_rule(self, rule_id: str) -> ScoringRule:
        found: ScoringRule = _by_id(self.scoring, rule_id, "scoring rule")
        return found

    def size_class_of(self, amount: Money) -> SizeClass | None:
        """The first size class (by id) that contains ``amount``."""
        for s in sorted(self.size_classes, key=lambda s: s.id):
            if s.contains(amount):
                return s
        return None

    def is_major(self, amount: Money) -> bool:
        """Whether ``amount`` reaches the major-project threshold (always True without one)."""
        return self.major_threshold is None or amount >= self.major_threshold


def _opt_canon(value: Decimal | None) -> str | None:
    return None if value is None else canonical_decimal(value)


def _by_id(items: Iterable[Any], rule_id: str, kind: str) -> Any:
    for item in items:
        if item.id == rule_id:
            return item
    known = ", ".join(sorted(i.id for i in items)) or "none"
    raise KeyError(f"no {kind} {rule_id!r} in this rule set; known: {known}")
