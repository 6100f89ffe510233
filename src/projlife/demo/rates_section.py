"""The demo's section for projections: catch up, then funnels, rates and pace from the read models."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.table import Table

from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.reports.terms import amount_term, rate_term

if TYPE_CHECKING:
    from projlife.demo.context import DemoContext

__all__ = ["rates_and_funnels"]


def rates_and_funnels(ctx: DemoContext) -> None:
    """Run the projections, then print the year's rates and a quarterly signing funnel.

    Pace against each city's own quota is shown by the city-rules section.
    """
    app, city = ctx.app, ctx.city.slug
    t0 = time.perf_counter()
    positions = app.projections.run()
    ctx.console.print(
        f"\nprojections caught up to {positions} in {time.perf_counter() - t0:.2f}s "
        f"({', '.join(f'{s.name} lag {s.lag}' for s in app.projections.status())})"
    )
    year = Period.containing("year", ctx.as_of)
    rates = app.metrics.rates(period=year, city=city, as_of=ctx.as_of)
    table = Table(title=f"{ctx.city.name_zh} {year.label_zh} 转化率 (as of {ctx.as_of})")
    for col in ("指标", "rate", "分子/分母 = 值", "剔除"):
        table.add_column(col)  # "rate": the English name, from the term table
    for name, r in rates.items():
        shown = str(r)
        if name == "investment_completion":  # amounts in yuan: show them in 亿元 as officials do
            value = "n/a" if r.value is None else f"{(r.value * 100).quantize(Decimal('0.1'))}%"
            shown = f"{amount_term(Money(r.numerator))}/{amount_term(Money(r.denominator))} = {value}"
        table.add_row(
            rate_term(name, "zh", r.label_zh), rate_term(name, "en", r.label_zh), shown, str(len(r.excluded))
        )
    ctx.console.print(table)
    funnel = Table(title=f"签约项目漏斗 (signed cohort by quarter, started within 90 days / by {ctx.as_of})")
    for col in ("季度", "签约", "90天内开工", "已开工", "已纳统", "已投产", "剔除"):
        funnel.add_column(col, justify="right")
    for q in range(1, 5):
        period = Period.parse(f"{year.start.year}-Q{q}")
        f = app.metrics.funnel(period, city=city, as_of=ctx.as_of)
        quick = app.metrics.funnel(period, city=city, as_of=ctx.as_of, within_days=90, steps=[Stage.STARTED])
        funnel.add_row(
            str(period),
            str(f.cohort),
            str(quick.steps[0].rate),
            *(str(s.rate) for s in f.steps),
            str(len(f.excluded)),
        )
    ctx.console.print(funnel)
