"""Evaluate a city's quotas (指标) over project facts as of a date, stamped with the rule-set hash."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.periods import Period
from projlife.engine.facts import FactsSource
from projlife.engine.inputs import _inputs
from projlife.engine.metrics import MetricValue, facts_by_area, measure
from projlife.plugins.rules import Comparison, RuleSet, canonical_decimal
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = ["QuotaReport", "QuotaResult", "QuotaStatus", "evaluate_quotas"]


class QuotaStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "n/a"


@attrs.frozen
class QuotaResult:
    """One quota for one area (or the whole city): the numbers and whether the target is met.

    ``final`` is True once ``as_of`` has reached the period's end; before that a ``not_met`` is
    "not met yet". ``n/a``: the metric is undefined (empty cohort, period not begun).
    """

    rule_id: str
    area_code: str
    area_name: str
    value: MetricValue
    target: Decimal
    comparison: Comparison
    status: QuotaStatus
    final: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "area_code": self.area_code,
            "area_name": self.area_name,
            **self.value.as_dict(),
            "target": canonical_decimal(self.target),
            "comparison": self.comparison.value,
            "status": self.status.value,
            "final": self.final,
        }


@attrs.frozen
class QuotaReport:
    city: str
    period: Period
    as_of: date
    rule_set_sha256: str
    results: tuple[QuotaResult, ...]

    def not_met(self) -> tuple[QuotaResult, ...]:
        return tuple(r for r in self.results if r.status is QuotaStatus.NOT_MET)

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "results": [r.as_dict() for r in self.results],
        }


def _quota_status(value: Decimal | None, target: Decimal, comparison: Comparison) -> QuotaStatus:
    if value is None:
        return QuotaStatus.NOT_APPLICABLE
    ok = value >= target if comparison is Comparison.AT_LEAST else value <= target
    return QuotaStatus.MET if ok else QuotaStatus.NOT_MET


def evaluate_quotas(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    period: Period,
    as_of: date,
    *,
    rules: RuleSet | None = None,
    calendar: WorkdayCalendar | None = None,
    known_at: datetime | None = None,
) -> QuotaReport:
    """Every quota of ``period``'s kind, per area (or city-wide), as of ``as_of``.

    Rules of other period kinds are not evaluated here (evaluate them on their own periods).
    Results are ordered by rule id, then area code.
    """
    inp = _inputs(source, city, period, as_of, rules, calendar, known_at)
    results: list[QuotaResult] = []
    final = as_of >= period.end
    for rule in sorted(inp.rules.quotas, key=lambda q: q.id):
        if rule.period_kind is not period.kind:
            continue
        groups = facts_by_area(inp.facts, inp.city.areas, rule.scope)
        for code, area_facts in sorted(groups.items()):
            if as_of < period.start:
                value = MetricValue(None)
            else:
                value = measure(rule.metric, area_facts, period, as_of, inp.calendar)
            results.append(
                QuotaResult(
                    rule_id=rule.id,
                    area_code=code,
                    area_name=inp.city.areas[code].name,
                    value=value,
                    target=rule.target,
                    comparison=rule.comparison,
                    status=_quota_status(value.value, rule.target, rule.comparison),
                    final=final,
                )
            )
    return QuotaReport(inp.city.slug, period, as_of, inp.rules.sha256, tuple(results))
