"""The rule types of what is counted: size classes, project filters, metrics, area scopes and quotas."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import PeriodKind
from projlife.plugins.rule_fields import (
    as_categories,
    as_dec,
    as_investors,
    as_money,
    as_opt_money,
    canonical_decimal,
    check_non_negative,
    check_rule_id,
    money_text,
    sorted_values,
)

__all__ = [
    "AmountOf",
    "AreaScope",
    "Comparison",
    "Measure",
    "Metric",
    "PaceUnit",
    "ProjectFilter",
    "QuotaRule",
    "SizeClass",
]


@attrs.frozen
class SizeClass:
    """A size class of projects by planned investment: ``min_yuan <= investment < max_yuan``.

    ``max_yuan=None`` means no upper bound. Jiangyan (003) counts "1–5 亿" apart from larger ones:
    ``SizeClass("1-5yi", "1–5亿元", Money.yi(1), Money.yi(5))``.
    """

    id: str = attrs.field(validator=check_rule_id)
    label_zh: str
    min_yuan: Money = attrs.field(converter=as_money)
    max_yuan: Money | None = attrs.field(default=None, converter=as_opt_money)

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
            "min_yuan": money_text(self.min_yuan),
            "max_yuan": money_text(self.max_yuan),
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

    min_investment: Money | None = attrs.field(default=None, converter=as_opt_money)
    max_investment: Money | None = attrs.field(default=None, converter=as_opt_money)
    categories: frozenset[ProjectCategory] = attrs.field(default=frozenset(), converter=as_categories)
    industry_only: bool = False
    investor_classes: frozenset[InvestorClass] = attrs.field(default=frozenset(), converter=as_investors)

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
            "min_investment": money_text(self.min_investment),
            "max_investment": money_text(self.max_investment),
            "categories": sorted_values(self.categories),
            "industry_only": self.industry_only,
            "investor_classes": sorted_values(self.investor_classes),
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

    ``level`` is the competing level (counties for most cities, towns and parks for Jiangyan
    and for a county plugin, whose top is the county: ``AreaScope(level=AreaLevel.TOWN)``);
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
        top = tree.top.code  # the top is the city-wide figure, never one of the per-area ones
        picked = [
            a
            for a in tree.at_level(self.level)
            if a.code != top and (self.zones is None or a.is_zone == self.zones)
        ]
        return tuple(sorted(picked, key=lambda a: a.code))

    def as_dict(self) -> dict[str, Any]:
        return {"city_wide": self.city_wide, "level": self.level.value, "zones": self.zones}


class Comparison(StrEnum):
    """Whether a quota is met by a value at least (most quotas) or at most its target."""

    AT_LEAST = "at_least"
    AT_MOST = "at_most"


@attrs.frozen
class QuotaRule:
    """A target a city sets: "each county starts at least 5 industry projects a quarter".

    ``target`` is in the metric's unit: a count, a rate within [0, 1], a pace per day, or yuan.
    ``period_kind`` is the period the quota is evaluated over; ``scope`` says city-wide or per
    area. ``source`` cites the seed sentence.
    """

    id: str = attrs.field(validator=check_rule_id)
    title_zh: str
    metric: Metric
    target: Decimal = attrs.field(converter=as_dec, validator=check_non_negative)
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
