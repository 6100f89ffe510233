"""Measuring a :class:`~projlife.plugins.rules.Metric` over projects, a period and an as-of date.

One function, :func:`measure`, shared by quotas and scoring, so a quota and a scoring indicator
on the same metric always agree. Values are exact: counts are ``int``, rates and paces are
``Decimal`` quotients carried with their numerator and denominator, money is yuan.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.areas import AreaTree
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period
from projlife.plugins.rules import AmountOf, AreaScope, Measure, Metric, PaceUnit
from projlife.projections.counting import ProjectFacts, entries, group_by_area

__all__ = ["MetricValue", "facts_by_area", "measure"]


@attrs.frozen
class MetricValue:
    """A measured value with how it was obtained.

    ``value`` is ``None`` when the metric is undefined (a rate over an empty cohort, a pace
    before the period has begun). ``numerator``/``denominator`` are set for rates and paces.
    """

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    def as_dict(self) -> dict[str, str | None]:
        from projlife.plugins.rules import canonical_decimal

        def c(d: Decimal | None) -> str | None:
            return None if d is None else canonical_decimal(d)

        return {"value": c(self.value), "numerator": c(self.numerator), "denominator": c(self.denominator)}


def facts_by_area(
    facts: Iterable[ProjectFacts], tree: AreaTree, scope: AreaScope
) -> dict[str, list[ProjectFacts]]:
    """Projects grouped under each area of ``scope`` (an area's own projects and its sub-areas')."""
    if scope.city_wide:
        return {tree.city.code: list(facts)}
    return group_by_area(facts, tree, scope.areas(tree))


def _in(day: date | None, start: date, end: date) -> bool:
    return day is not None and start <= day <= end


def measure(
    metric: Metric,
    facts: Iterable[ProjectFacts],
    period: Period,
    as_of: date,
    calendar: WorkdayCalendar | None = None,
) -> MetricValue:
    """``metric`` over ``facts`` (already as of ``as_of``) for ``period``, counted up to ``as_of``.

    Projects outside the metric's filter are ignored. The window is ``period.start`` to the
    earlier of ``period.end`` and ``as_of``.
    """
    # A rate's cohort is judged at its base stage; a share's batch (Y) at its own stage.
    judged_at = metric.stage if metric.measure is Measure.SHARE else metric.base_stage or metric.stage
    chosen = [f for f in facts if f.matches(metric.filter, judged_at)]
    end = min(period.end, as_of)
    m = metric.measure
    v = metric.verified
    if m is Measure.STAGE_ENTRIES:
        stage = _stage(metric)
        return MetricValue(Decimal(entries(chosen, stage, period.start, end, verified=v).count))
    if m is Measure.STOCK:
        stage = _stage(metric)
        return MetricValue(Decimal(sum(1 for f in chosen if f.in_stock(stage))))
    if m in (Measure.RATE, Measure.SHARE):
        stage = _stage(metric)
        base = metric.base_stage
        assert base is not None
        cohort_period = period.shift(-metric.cohort_offset)
        cohort_end = min(cohort_period.end, as_of)
        if m is Measure.RATE:
            cohort = [f for f in chosen if _in(f.entered(base, verified=v), cohort_period.start, cohort_end)]
            hits = sum(1 for f in cohort if (d := f.reached(stage, verified=v)) is not None and d <= end)
        else:  # X 在 Y 中占比 = X ÷ Y: Y is this period's batch at ``stage``
            cohort = [f for f in chosen if _in(f.entered(stage, verified=v), period.start, end)]
            hits = sum(1 for f in cohort if _in(f.entered(base), cohort_period.start, cohort_end))
        if not cohort:
            return MetricValue(None, Decimal(0), Decimal(0))
        return MetricValue(Decimal(hits) / Decimal(len(cohort)), Decimal(hits), Decimal(len(cohort)))
    if m is Measure.PACE:
        stage = _stage(metric)
        count = entries(chosen, stage, period.start, end, verified=v).count
        if as_of < period.start:
            return MetricValue(None, Decimal(count), Decimal(0))
        if metric.pace_unit is PaceUnit.WORKING_DAY:
            cal = calendar if calendar is not None else WorkdayCalendar.china()
            days = cal.working_days_between(period.start, end) + (1 if cal.is_workday(period.start) else 0)
        else:
            days = (end - period.start).days + 1
        if days <= 0:
            return MetricValue(None, Decimal(count), Decimal(0))
        return MetricValue(Decimal(count) / Decimal(days), Decimal(count), Decimal(days))
    # amount
    total = Decimal(0)
    if metric.amount_of is AmountOf.REPORTED_INVESTMENT:
        for f in chosen:
            for month, amount in f.investment.items():
                if period.start <= month <= end:
                    total += amount.yuan
        return MetricValue(total)
    stage = _stage(metric)
    for f in chosen:
        if not _in(f.entered(stage, verified=v), period.start, end):
            continue
        if metric.amount_of is AmountOf.SIGNED_AMOUNT:
            total += f.signed_amount.yuan if f.signed_amount is not None else Decimal(0)
        else:
            total += f.planned_investment.yuan
    return MetricValue(total)


def _stage(metric: Metric) -> Stage:
    assert metric.stage is not None  # enforced by Metric's validation
    return metric.stage
