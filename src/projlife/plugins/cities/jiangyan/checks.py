"""Jiangyan's figures: size-class counts, the red flag, and the project evaluation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.engine.evaluate import RankedArea, rank
from projlife.engine.facts import FactsSource, ProjectFacts
from projlife.engine.metrics import MetricValue
from projlife.plugins.cities._evaluation import ProjectRecord, ProjectReturns, ratio
from projlife.plugins.cities._support import IndicatorRow, measure_indicators
from projlife.plugins.cities.jiangyan.rules import JiangyanSettings, size_class_indicators
from projlife.plugins.rules import AreaScope, RuleSet
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = ["ProjectEvaluation", "evaluate_projects", "red_flag", "size_class_counts"]


def size_class_counts(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    period: Period,
    as_of: date | None = None,
    *,
    scope: AreaScope | None = None,
    settings: JiangyanSettings | None = None,
) -> dict[str, int]:
    """New starts and completions per size class over ``period``, city-wide unless ``scope`` says
    otherwise: ``{"1-5yi.started": 29, "1-5yi.completed": 12, "large.started": 9, ...}``."""
    s = settings or JiangyanSettings()
    rows: list[IndicatorRow] = measure_indicators(
        source, city, size_class_indicators(s, scope), period, as_of or period.end
    )
    out: dict[str, int] = {}
    for row in rows:
        out[row.indicator_id] = out.get(row.indicator_id, 0) + int(row.value.value or 0)
    return out


def red_flag(
    source: CountingSource | FactsSource,
    city: CityProfile,
    quarter: Period,
    as_of: date,
    *,
    rules: RuleSet | None = None,
) -> RankedArea | None:
    """The unit that wins the quarter's mobile red flag (流动红旗): the first of the quarter's ranking."""
    ranking = rank(source, city, quarter, as_of, rule_id="quarter.red-flag", rules=rules)
    return ranking.top[0] if ranking.top else None


@attrs.frozen
class ProjectEvaluation:
    """One project's returns against its investment and land (003: 投入产出、开票销售、入库税收)."""

    project_code: str
    investment: Money
    output_to_investment: MetricValue
    invoiced_sales: Money
    tax: Money
    land_yield_per_mu: MetricValue
    tax_per_mu: MetricValue
    fiscal_contribution: MetricValue
    tax_to_subsidy: MetricValue
    input_output_matched: bool
    tax_subsidy_matched: bool
    on_plan: bool | None
    """进度和计划相对称: started by its planned start (None without a planned start)."""


def evaluate_projects(
    records: Iterable[ProjectRecord],
    returns: Mapping[str, ProjectReturns],
    as_of: date,
    settings: JiangyanSettings | None = None,
) -> list[ProjectEvaluation]:
    """Evaluate every started project of ``records`` that has returns, in code order."""
    s = settings or JiangyanSettings()
    out: list[ProjectEvaluation] = []
    for r in sorted(records, key=lambda r: r.code):
        ret = returns.get(r.code)
        if ret is None or r.entered(Stage.STARTED, as_of) is None:
            continue
        invested = r.invested(date.min, as_of).yuan
        mu = r.area_mu or Decimal(0)
        o2i = ratio(ret.output.yuan, invested)
        t2s = ratio(ret.tax.yuan, ret.subsidy.yuan)
        planned_start = r.planned_dates.get(Stage.STARTED)
        started = r.entered(Stage.STARTED, as_of)
        out.append(
            ProjectEvaluation(
                project_code=r.code,
                investment=Money(invested),
                output_to_investment=o2i,
                invoiced_sales=ret.invoiced_sales,
                tax=ret.tax,
                land_yield_per_mu=ratio(ret.invoiced_sales.yuan, mu),
                tax_per_mu=ratio(ret.tax.yuan, mu),
                fiscal_contribution=ratio(ret.tax.yuan, invested),
                tax_to_subsidy=t2s,
                input_output_matched=o2i.value is not None and o2i.value >= s.min_output_to_investment,
                tax_subsidy_matched=t2s.value is None or t2s.value >= s.min_tax_to_subsidy,
                on_plan=None if planned_start is None else started is not None and started <= planned_start,
            )
        )
    return out
