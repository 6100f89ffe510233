"""Indicators and the rankings that weight them: typed values a city plugin returns.

An :class:`Indicator` names one figure per area and period — a formula over the counting layer
(:mod:`projlife.projections.counting`), the tickets read model or the target book — with its
numerator and denominator written down when it is a rate, and a Chinese and English label.
Plugins add indicators with ``projlife_indicators``; an :class:`IndicatorRanking` (from
``projlife_indicator_rankings``) weights any of them. The figures are computed in one place,
:mod:`projlife.projections.counting.indicators`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.domain.lifecycle import Stage
from projlife.domain.periods import PeriodKind
from projlife.plugins.rules import AreaScope, Measure, Metric, Normalisation, canonical_decimal

__all__ = [
    "BUILTIN_INDICATORS",
    "INVESTMENT_COMPLETION",
    "ON_TIME_ANSWER_RATE",
    "PLAN_LAG",
    "PROGRESS_COMPLETION",
    "TICKET_SATISFACTION",
    "Formula",
    "Indicator",
    "IndicatorRanking",
    "RankedSubjects",
    "WeightedIndicator",
    "start_rate",
]


class Formula(StrEnum):
    """How an indicator is computed (see ``docs/indicators.md`` for each numerator and denominator)."""

    METRIC = "metric"
    """A project :class:`~projlife.plugins.rules.Metric` over the area's projects (counts,
    cohort rates, shares, amounts) — the rule engine's own measure."""
    TICKET_SATISFACTION = "ticket_satisfaction"
    """Revisits made in the period that met the satisfaction bar ÷ revisits made in the period,
    over tickets of the area (the enterprise's locality)."""
    ON_TIME_ANSWER = "on_time_answer"
    """Tickets whose latest answer fell in the period on or before their due date ÷ tickets
    whose latest answer fell in the period."""
    INVESTMENT_COMPLETION = "investment_completion"
    """Investment reported for months in the period by the area's projects ÷ the area's
    investment target for the period (the area's own target, else the sum of its projects')."""
    PROGRESS_COMPLETION = "progress_completion"
    """Projects whose latest 形象进度 reached their progress target for the period ÷ projects
    with a progress target for the period."""
    PLAN_LAG = "plan_lag"
    """Projects that lag their annual plan (滞后: below the city's ``PlanLagRule`` share of the
    时序进度) as of the end of the window ÷ projects with an annual 年度计划投资 or 工程进度目标.
    Lower is better: weight it with ``Normalisation.COMPLEMENT``."""


def _rule_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    import re

    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", value):
        raise ValueError(f"{attribute.name} {value!r}: lower-case letters, digits, '.', '_', '-' (≤64)")


def _dec(value: Any) -> Decimal:
    if isinstance(value, float):
        raise TypeError("weights are Decimal or str, not float")
    return Decimal(str(value))


@attrs.frozen
class Indicator:
    """One figure per area and period, with its labels and (for a rate) what it divides.

    ``formula`` says how it is computed; ``metric`` is required for :attr:`Formula.METRIC` and
    only for it. ``numerator_zh``/``denominator_zh`` describe a rate in the words of the
    bulletin. A rate's value is a fraction in [0, 1].
    """

    id: str = attrs.field(validator=_rule_id)
    label_zh: str
    label_en: str
    formula: Formula = attrs.field(converter=Formula)
    metric: Metric | None = None
    numerator_zh: str = ""
    denominator_zh: str = ""
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if (self.formula is Formula.METRIC) != (self.metric is not None):
            raise ValueError(
                f"indicator {self.id}: a metric is required for formula 'metric' and only for it"
            )
        if not self.label_zh.strip() or not self.label_en.strip():
            raise ValueError(f"indicator {self.id}: both a zh and an en label are required")
        if self.is_rate and not (self.numerator_zh and self.denominator_zh):
            raise ValueError(f"indicator {self.id}: a rate writes down its numerator and denominator")

    @property
    def is_rate(self) -> bool:
        """Whether the value is a numerator ÷ denominator fraction."""
        if self.formula is Formula.METRIC:
            assert self.metric is not None
            return self.metric.measure in (Measure.RATE, Measure.SHARE)
        return True

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "formula": self.formula.value,
            "metric": None if self.metric is None else self.metric.as_dict(),
            "numerator_zh": self.numerator_zh,
            "denominator_zh": self.denominator_zh,
            "source": self.source,
        }


TICKET_SATISFACTION = Indicator(
    "tickets.satisfaction",
    "企业满意率",
    "Ticket satisfaction",
    Formula.TICKET_SATISFACTION,
    numerator_zh="本期回访中评价达到满意标准的次数",
    denominator_zh="本期回访次数",
    source="000: 随机抽取部分企业进行回访复核",
)
"""Built-in: the share of the period's revisits that met the city's satisfaction bar."""

ON_TIME_ANSWER_RATE = Indicator(
    "tickets.on-time",
    "按时办结率",
    "On-time answer rate",
    Formula.ON_TIME_ANSWER,
    numerator_zh="本期答复且未超过办理时限的诉求数",
    denominator_zh="本期答复的诉求数",
)
"""Built-in: the share of tickets answered in the period by their due date."""

INVESTMENT_COMPLETION = Indicator(
    "investment.completion",
    "投资完成率",
    "Investment completion",
    Formula.INVESTMENT_COMPLETION,
    numerator_zh="本期各项目月报完成投资之和",
    denominator_zh="本期计划投资（目标责任书）",
    source="001: 每年初…递交《重点项目建设目标责任书》",
)
"""Built-in: investment reported in the period ÷ the period's investment target."""

PROGRESS_COMPLETION = Indicator(
    "progress.completion",
    "形象进度达标率",
    "Physical progress on target",
    Formula.PROGRESS_COMPLETION,
    numerator_zh="形象进度达到本期工程进度目标的项目数",
    denominator_zh="设有本期工程进度目标的项目数",
)
"""Built-in: the share of projects whose 形象进度 reached their progress target."""


PLAN_LAG = Indicator(
    "plan.lag",
    "项目滞后率",
    "Projects lagging their plan",
    Formula.PLAN_LAG,
    numerator_zh="进度不达标、时间有滞后的项目数",
    denominator_zh="设有年度计划投资或工程进度目标的项目数",
    source="001: 每月通报签约项目落地率、项目开工率、投资完成率…对进度不达标、时间有滞后的项目及时挂牌提醒",
)
"""Built-in: the share of projects behind their annual plan (the tick's 挂牌提醒 rule)."""


def start_rate(base_stage: Stage | str = Stage.SIGNED, *, cohort_offset: int = 0) -> Indicator:
    """Built-in: of the projects that entered ``base_stage`` in the cohort period, the share started.

    ``cohort_offset=1`` takes the previous period's cohort (e.g. last quarter's signings).
    """
    base = Stage(base_stage)
    return Indicator(
        f"start-rate.{base.value}" + (f".{cohort_offset}" if cohort_offset else ""),
        "开工率",
        "Start rate",
        Formula.METRIC,
        Metric(Measure.RATE, Stage.STARTED, base_stage=base, cohort_offset=cohort_offset),
        numerator_zh=f"{base.label_zh}批次中已开工的项目数",
        denominator_zh=f"本期{base.label_zh}的项目数",
    )


BUILTIN_INDICATORS: tuple[Indicator, ...] = (
    TICKET_SATISFACTION,
    ON_TIME_ANSWER_RATE,
    INVESTMENT_COMPLETION,
    PROGRESS_COMPLETION,
    PLAN_LAG,
    start_rate(),
)
"""The indicators every city has without a plugin adding them (ids unique)."""


@attrs.frozen
class WeightedIndicator:
    """One term of an :class:`IndicatorRanking`: ``weight × normalised(indicator value)``."""

    indicator: str
    weight: Decimal = attrs.field(converter=_dec)
    normalisation: Normalisation = attrs.field(default=Normalisation.RAW, converter=Normalisation)
    target: Decimal | None = attrs.field(default=None, converter=attrs.converters.optional(_dec))

    def __attrs_post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError(f"weight of {self.indicator} must not be negative")
        if (self.normalisation is Normalisation.TARGET_RATIO) != (self.target is not None):
            raise ValueError(f"{self.indicator}: a target is required for target_ratio and only for it")
        if self.target is not None and self.target <= 0:
            raise ValueError(f"{self.indicator}: target must be positive")

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "weight": canonical_decimal(self.weight),
            "normalisation": self.normalisation.value,
            "target": None if self.target is None else canonical_decimal(self.target),
        }


def _terms(values: Iterable[WeightedIndicator]) -> tuple[WeightedIndicator, ...]:
    return tuple(values)


class RankedSubjects(StrEnum):
    """What an :class:`IndicatorRanking` ranks."""

    AREAS = "areas"
    """The areas of its :class:`~projlife.plugins.rules.AreaScope` (县市区, 镇街园区)."""
    DEPARTMENTS = "departments"
    """The departments that sponsor projects (包保部门) or have a target: seed 000
    "将项目投资等重点工作纳入县(市、区)和相关部门目标考核范畴". Ticket indicators cannot rank them."""


@attrs.frozen
class IndicatorRanking:
    """A ranking of areas over a period by weighted indicators (e.g. a county's quarterly 流动红旗).

    Score = Σ weight × points; points are the indicator value normalised (``raw``: the value
    itself, a rate in [0, 1]; ``share_of_max``: ÷ the best area's value; ``target_ratio``:
    ÷ target, capped at 1); an undefined value (nothing to divide) scores 0 points. Equal
    scores share a rank (并列). The ``top_n`` areas get ``top_award`` (流动红旗), the
    ``bottom_n`` ``bottom_award`` (表态发言), everyone tied at a boundary included; when every
    area scores the same nobody is singled out.
    """

    id: str = attrs.field(validator=_rule_id)
    title_zh: str
    period_kind: PeriodKind = attrs.field(converter=PeriodKind)
    terms: tuple[WeightedIndicator, ...] = attrs.field(converter=_terms)
    scope: AreaScope = attrs.field(factory=AreaScope)
    top_n: int = 1
    bottom_n: int = 0
    top_award: str = "top"
    """A label key (``projlife_labels``) or literal words for the top areas' mark."""
    bottom_award: str = "bottom"
    """A label key or literal words for the bottom areas' mark."""
    title_en: str = ""
    source: str = ""
    subjects: RankedSubjects = attrs.field(default=RankedSubjects.AREAS, converter=RankedSubjects)
    """Areas (default) or departments; ``scope`` applies to areas only."""

    def __attrs_post_init__(self) -> None:
        if not self.terms:
            raise ValueError(f"ranking {self.id}: at least one weighted indicator")
        ids = [t.indicator for t in self.terms]
        if len(set(ids)) != len(ids):
            raise ValueError(f"ranking {self.id}: indicators repeat: {ids}")
        if self.top_n < 0 or self.bottom_n < 0:
            raise ValueError(f"ranking {self.id}: top_n and bottom_n must not be negative")
        if self.scope.city_wide:
            raise ValueError(f"ranking {self.id}: ranking needs per-area scope")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "period_kind": self.period_kind.value,
            "terms": [t.as_dict() for t in self.terms],
            "scope": self.scope.as_dict(),
            "top_n": self.top_n,
            "bottom_n": self.bottom_n,
            "top_award": self.top_award,
            "bottom_award": self.bottom_award,
            "source": self.source,
            # only when not areas, so that area rankings keep their hash
            **({} if self.subjects is RankedSubjects.AREAS else {"subjects": self.subjects.value}),
        }
