"""Xiaogan's measured figures: the weekly bulletin, the monthly dispatch, the pace per county and
the efficiency / effectiveness / benefit indices (000: 推进投资项目绩效评价体系改革)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.domain.classification import InvestorClass
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.facts import FactsSource, ProjectFacts
from projlife.engine.metrics import MetricValue
from projlife.plugins.cities._evaluation import ProjectRecord, ProjectReturns, ratio
from projlife.plugins.cities._support import IndicatorRow, measure_indicators
from projlife.plugins.cities.xiaogan.rules import (
    XiaoganSettings,
    bulletin_indicators,
    dispatch_indicators,
    pace_indicators,
)
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = ["EvaluationIndices", "evaluation_indices", "monthly_dispatch", "pace_by_county", "weekly_bulletin"]


def weekly_bulletin(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    week: Period,
    as_of: date | None = None,
    settings: XiaoganSettings | None = None,
) -> list[IndicatorRow]:
    """Signed, started and producing 211-scope projects per county in ``week`` (周通报)."""
    if week.kind is not PeriodKind.WEEK:
        raise ValueError(f"the bulletin is weekly, got a {week.kind.value}")
    s = settings or XiaoganSettings()
    return measure_indicators(source, city, bulletin_indicators(s), week, as_of or week.end)


def pace_by_county(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    period: Period,
    as_of: date | None = None,
    settings: XiaoganSettings | None = None,
) -> list[IndicatorRow]:
    """The 211 pace per county over ``period`` (entries per day elapsed)."""
    s = settings or XiaoganSettings()
    return measure_indicators(source, city, pace_indicators(s), period, as_of or period.end)


def monthly_dispatch(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    month: Period,
    settings: XiaoganSettings | None = None,
) -> list[IndicatorRow]:
    """The month's dispatch rates, over the year to the month's end (月调度)."""
    if month.kind is not PeriodKind.MONTH:
        raise ValueError(f"the dispatch is monthly, got a {month.kind.value}")
    s = settings or XiaoganSettings()
    year = Period.containing(PeriodKind.YEAR, month.start)
    return measure_indicators(source, city, dispatch_indicators(s), year, month.end)


@attrs.frozen
class EvaluationIndices:
    """000's three groups of indices for one area (or the city) over a period."""

    area_code: str
    on_time_start_rate: MetricValue
    completion_rate: MetricValue
    final_accounts_rate: MetricValue
    budget_execution_rate: MetricValue
    investment_per_mu: MetricValue
    output_per_mu: MetricValue
    tax_per_mu_compliance_rate: MetricValue
    investment_contribution_rate: MetricValue
    private_investment_share: MetricValue


def evaluation_indices(
    records: Iterable[ProjectRecord],
    period: Period,
    as_of: date,
    *,
    area_code: str,
    returns: Mapping[str, ProjectReturns] | None = None,
    tax_per_mu_benchmark: Money | None = None,
    fixed_asset_investment: Money | None = None,
) -> EvaluationIndices:
    """The efficiency, effectiveness and benefit indices of ``records`` (one area's projects).

    ``returns`` maps project codes to output, tax and final accounts; ``tax_per_mu_benchmark``
    is the city's 亩均税收 standard and ``fixed_asset_investment`` the area's total fixed-asset
    investment for the period; without them the indices that need them are undefined.
    """
    rets = returns or {}
    end = min(period.end, as_of)
    recs = [r for r in records if not r.cancelled]

    # efficiency
    due_start = [r for r in recs if (d := r.planned_dates.get(Stage.STARTED)) and period.start <= d <= end]
    on_time = [
        r for r in due_start if (s := r.entered(Stage.STARTED, as_of)) and s <= r.planned_dates[Stage.STARTED]
    ]
    due_done = [r for r in recs if (d := r.planned_dates.get(Stage.COMPLETED)) and period.start <= d <= end]
    done = [r for r in due_done if r.entered(Stage.COMPLETED, as_of) is not None]
    completed = [r for r in recs if r.entered(Stage.COMPLETED, as_of) is not None]
    accounted = [
        r for r in completed if (fa := rets.get(r.code, ProjectReturns()).final_accounts_on) and fa <= as_of
    ]
    started = [r for r in recs if r.entered(Stage.STARTED, as_of) is not None]
    invested_total = sum((r.invested(date.min, as_of).yuan for r in started), Decimal(0))
    planned_total = sum((r.planned_investment.yuan for r in started), Decimal(0))

    # effectiveness
    with_land = [r for r in started if r.area_mu]
    mu = sum((r.area_mu for r in with_land if r.area_mu), Decimal(0))
    land_investment = sum((r.invested(date.min, as_of).yuan for r in with_land), Decimal(0))
    land_output = sum((rets.get(r.code, ProjectReturns()).output.yuan for r in with_land), Decimal(0))
    producing = [r for r in with_land if r.entered(Stage.PRODUCING, as_of) is not None]
    if tax_per_mu_benchmark is None:
        compliance = MetricValue(None)
    else:
        meeting = [
            r
            for r in producing
            if r.area_mu
            and rets.get(r.code, ProjectReturns()).tax.yuan / r.area_mu >= tax_per_mu_benchmark.yuan
        ]
        compliance = ratio(Decimal(len(meeting)), Decimal(len(producing)))

    # benefit
    period_investment = sum((r.invested(period.start, end).yuan for r in recs), Decimal(0))
    private = sum(
        (r.invested(period.start, end).yuan for r in recs if InvestorClass.PRIVATE in r.investor_classes),
        Decimal(0),
    )
    contribution = (
        MetricValue(None)
        if fixed_asset_investment is None
        else ratio(period_investment, fixed_asset_investment.yuan)
    )
    return EvaluationIndices(
        area_code=area_code,
        on_time_start_rate=ratio(Decimal(len(on_time)), Decimal(len(due_start))),
        completion_rate=ratio(Decimal(len(done)), Decimal(len(due_done))),
        final_accounts_rate=ratio(Decimal(len(accounted)), Decimal(len(completed))),
        budget_execution_rate=ratio(invested_total, planned_total),
        investment_per_mu=ratio(land_investment, mu),
        output_per_mu=ratio(land_output, mu),
        tax_per_mu_compliance_rate=compliance,
        investment_contribution_rate=contribution,
        private_investment_share=ratio(private, period_investment),
    )
