"""Project evaluation shared by Xiaogan's indices (000) and Jiangyan's evaluation (003).

The event store knows each project's stages, planned dates, land (亩), investors and monthly
investment; it does not know output, invoiced sales, tax, subsidies or final accounts, which come
from the statistics and tax bureaus. Those arrive as :class:`ProjectReturns`, one per project
code, and the functions here combine the two. Every figure is an exact ``Decimal`` quotient kept
with its numerator and denominator (:class:`~projlife.engine.metrics.MetricValue`), ``None`` when
the denominator is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.domain.classification import InvestorClass
from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.money import Money
from projlife.engine.metrics import MetricValue

if TYPE_CHECKING:
    from projlife.domain.project import Project

__all__ = ["ProjectRecord", "ProjectReturns", "ratio", "record_of"]


@attrs.frozen
class ProjectReturns:
    """What a project yielded over the evaluated period (from the statistics and tax bureaus)."""

    output: Money = Money.zero()  # noqa: RUF009 - immutable value
    """产值 / 营收 (output or revenue)."""
    invoiced_sales: Money = Money.zero()  # noqa: RUF009 - immutable value
    """开票销售."""
    tax: Money = Money.zero()  # noqa: RUF009 - immutable value
    """入库税收 (tax paid into the treasury)."""
    subsidy: Money = Money.zero()  # noqa: RUF009 - immutable value
    """政策扶持 (subsidies and incentives paid to the project)."""
    final_accounts_on: date | None = None
    """决算: when the project's final accounts were approved."""


@attrs.frozen
class ProjectRecord:
    """The stored facts the evaluations need, for one project (see :func:`record_of`)."""

    code: str
    area_code: str
    planned_investment: Money
    area_mu: Decimal | None = None
    investor_classes: tuple[InvestorClass, ...] = ()
    stage_dates: Mapping[Stage, date] = attrs.field(factory=dict)
    planned_dates: Mapping[Stage, date] = attrs.field(factory=dict)
    investment: Mapping[date, Money] = attrs.field(factory=dict)
    cancelled: bool = False
    milestones_planned: Mapping[Milestone, date] = attrs.field(factory=dict)
    milestones_met: Mapping[Milestone, date] = attrs.field(factory=dict)

    def entered(self, stage: Stage, as_of: date) -> date | None:
        """When the project first stood at ``stage`` or later, if by ``as_of``."""
        dates = [d for s, d in self.stage_dates.items() if s >= stage and d <= as_of]
        return min(dates, default=None)

    def invested(self, start: date, end: date) -> Money:
        """Investment reported for the months from ``start`` to ``end``."""
        total = Money.zero()
        for month, amount in self.investment.items():
            if start <= month <= end:
                total = total + amount
        return total


def record_of(project: Project) -> ProjectRecord:
    """The :class:`ProjectRecord` of a stored project."""
    return ProjectRecord(
        code=project.code,
        area_code=project.area_code,
        planned_investment=project.planned_investment,
        area_mu=project.area_mu,
        investor_classes=tuple(project.investor_classes),
        stage_dates={s: c.occurred_on for s, c in project.claims.items()},
        planned_dates=dict(project.stages_planned),
        investment={m: a for m, (a, _) in project.investment_reports.items()},
        cancelled=project.is_cancelled,
        milestones_planned=dict(project.milestones_planned),
        milestones_met={m: d for m, (d, _) in project.milestones_met.items()},
    )


def ratio(numerator: Decimal, denominator: Decimal) -> MetricValue:
    """``numerator / denominator`` exactly, or an undefined value over an empty denominator."""
    if denominator == 0:
        return MetricValue(None, numerator, denominator)
    return MetricValue(numerator / denominator, numerator, denominator)


def _sum(values: Iterable[Money]) -> Decimal:
    return sum((v.yuan for v in values), Decimal(0))
