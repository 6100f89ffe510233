"""Zhumadian's rules that are not a single count or rate: the post-signing schedule, the reserve
multiple, the 28th signing days, the monthly rates, technical upgrades and the lagging flags."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.app.authorization import require_role
from projlife.app.commands import FlagProject
from projlife.calendar import Deadline, WorkdayCalendar
from projlife.domain.actor import Actor, Role
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.evaluate import evaluate_deadlines
from projlife.engine.facts import FactsSource, ProjectFacts
from projlife.engine.metrics import MetricValue, facts_by_area
from projlife.plugins.cities._evaluation import ratio
from projlife.plugins.cities._support import city_projects, known_facts
from projlife.plugins.cities.zhumadian.rules import ZhumadianSettings
from projlife.plugins.rules import AreaScope
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.ports import ActionTarget, CountingSource

__all__ = [
    "AreaCheck",
    "MonthlyRates",
    "PostSigningSchedule",
    "TechUpgradeCheck",
    "concentrated_signing_dates",
    "flag_lagging",
    "monthly_rates",
    "post_signing_schedule",
    "reserve_ratio_check",
    "tech_upgrade_check",
]


@attrs.frozen
class PostSigningSchedule:
    """The duties a signing starts (001: 签约后3日内移交 … 1个工作日内 … 7日内成立小组)."""

    signed_on: date
    handover: Deadline
    ledger: Deadline
    contact: Deadline
    team: Deadline


def post_signing_schedule(
    signed_on: date, calendar: WorkdayCalendar | None = None, settings: ZhumadianSettings | None = None
) -> PostSigningSchedule:
    """When each post-signing duty falls due for a signing on ``signed_on``.

    The ledger's working day runs from the hand-over's due day (the office has the report at the
    latest then), and the departments' contact from the ledger's (the ledger assigns them).
    """
    s = settings or ZhumadianSettings()
    cal = calendar or WorkdayCalendar.china()
    handover = s.handover_within.due(signed_on, cal)
    ledger = s.ledger_within.due(handover.due_on, cal)
    contact = s.contact_within.due(ledger.due_on, cal)
    team = s.team_within.due(signed_on, cal)
    return PostSigningSchedule(signed_on, handover, ledger, contact, team)


def concentrated_signing_dates(year: int, settings: ZhumadianSettings | None = None) -> tuple[date, ...]:
    """The city's bi-monthly signing days: the 28th of every second month (全市每双月28日)."""
    s = settings or ZhumadianSettings()
    return tuple(date(year, month, s.signing_day) for month in (2, 4, 6, 8, 10, 12))


@attrs.frozen
class AreaCheck:
    """One area's figure against its target."""

    area_code: str
    value: Decimal
    target: Decimal
    met: bool


def _facts(
    source: CountingSource | FactsSource | Sequence[ProjectFacts], city: CityProfile, as_of: date
) -> list[ProjectFacts]:
    if isinstance(source, Sequence):
        return [g for f in source if (g := f.as_of(as_of)) is not None]
    return known_facts(source, city, as_of)


def reserve_ratio_check(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    period: Period,
    as_of: date,
    settings: ZhumadianSettings | None = None,
) -> list[AreaCheck]:
    """Per county: the reserve standing on ``as_of`` against three times the projects started in
    ``period`` (确保储备项目数量持续保持在开工项目的3倍以上). ``value`` is the reserve, ``target``
    the multiple of starts."""
    s = settings or ZhumadianSettings()
    end = min(period.end, as_of)
    out: list[AreaCheck] = []
    for code, facts in sorted(facts_by_area(_facts(source, city, as_of), city.areas, AreaScope()).items()):
        reserve = sum(1 for f in facts if f.in_stock(Stage.RESERVED))
        started = sum(
            1 for f in facts if (d := f.entered(Stage.STARTED)) is not None and period.start <= d <= end
        )
        target = Decimal(s.reserve_multiple * started)
        out.append(AreaCheck(code, Decimal(reserve), target, Decimal(reserve) >= target))
    return out


@attrs.frozen
class MonthlyRates:
    area_code: str
    landing_rate: MetricValue
    start_rate: MetricValue
    investment_completion_rate: MetricValue


def monthly_rates(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    month: Period,
    annual_targets: Mapping[str, Money] | None = None,
) -> list[MonthlyRates]:
    """The monthly bulletin's three rates per county, over the year to the month's end
    (每月通报签约项目落地率、项目开工率、投资完成率).

    Landing rate: signed projects that landed (or started) ÷ projects signed; start rate: signed
    projects started ÷ projects signed; investment completion rate: investment reported for the
    year's months ÷ the county's annual investment target (undefined without one).
    """
    if month.kind is not PeriodKind.MONTH:
        raise ValueError(f"the rates are monthly, got a {month.kind.value}")
    year_start = date(month.start.year, 1, 1)
    end = month.end
    targets = annual_targets or {}
    out: list[MonthlyRates] = []
    for code, facts in sorted(facts_by_area(_facts(source, city, end), city.areas, AreaScope()).items()):
        signed = [f for f in facts if (d := f.entered(Stage.SIGNED)) is not None and year_start <= d <= end]
        landed = [f for f in signed if f.reached(Stage.LANDED) is not None]
        started = [f for f in signed if f.reached(Stage.STARTED) is not None]
        invested = sum(
            (a.yuan for f in facts for m, a in f.investment.items() if year_start <= m <= end), Decimal(0)
        )
        target = targets.get(code)
        out.append(
            MonthlyRates(
                code,
                ratio(Decimal(len(landed)), Decimal(len(signed))),
                ratio(Decimal(len(started)), Decimal(len(signed))),
                MetricValue(None) if target is None else ratio(invested, target.yuan),
            )
        )
    return out


@attrs.frozen
class TechUpgradeCheck:
    """The year's technical-upgrade figures against 300 projects, 200 亿 and 60 %."""

    projects: int
    investment: Money
    industrial_investment: Money
    share: MetricValue
    projects_met: bool
    investment_met: bool
    share_met: bool


def tech_upgrade_check(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    year: Period,
    as_of: date,
    upgrade_codes: Collection[str],
    settings: ZhumadianSettings | None = None,
) -> TechUpgradeCheck:
    """Technical upgrades (技术改造) in ``year``: ``upgrade_codes`` names the upgrade projects (the
    ledger's 技改 column; the lifecycle has no such category). Counts those started in the year,
    sums their investment reported for the year's months, and compares it with all industrial
    projects' reported investment."""
    if year.kind is not PeriodKind.YEAR:
        raise ValueError(f"the targets are yearly, got a {year.kind.value}")
    s = settings or ZhumadianSettings()
    end = min(year.end, as_of)
    codes = set(upgrade_codes)
    facts = _facts(source, city, as_of)

    def invested(f: ProjectFacts) -> Decimal:
        return sum((a.yuan for m, a in f.investment.items() if year.start <= m <= end), Decimal(0))

    upgrades = [f for f in facts if f.code in codes]
    n = sum(1 for f in upgrades if (d := f.entered(Stage.STARTED)) is not None and year.start <= d <= end)
    upgrade_inv = sum((invested(f) for f in upgrades), Decimal(0))
    industrial = sum((invested(f) for f in facts if f.category is ProjectCategory.INDUSTRIAL), Decimal(0))
    share = ratio(upgrade_inv, industrial)
    return TechUpgradeCheck(
        projects=n,
        investment=Money(upgrade_inv),
        industrial_investment=Money(industrial),
        share=share,
        projects_met=n >= s.tech_upgrade_projects,
        investment_met=Money(upgrade_inv) >= s.tech_upgrade_investment,
        share_met=share.value is not None and share.value >= s.tech_upgrade_share,
    )


def flag_lagging(
    app: ActionTarget,
    as_of: date,
    actor: Actor,
    *,
    dry_run: bool = False,
    settings: ZhumadianSettings | None = None,
) -> list[FlagProject]:
    """Flag every project overdue on one of Zhumadian's deadlines (及时挂牌提醒); idempotent."""
    require_role(
        actor, (Role.SYSTEM, Role.VERIFIER, Role.ADMIN), attempted=f"flag lagging projects as of {as_of}"
    )
    s = settings or ZhumadianSettings()
    city = app.city("zhumadian")
    overdue = {r.project_id: r for r in evaluate_deadlines(app, city, as_of).overdue()}
    commands: list[FlagProject] = []
    for p in sorted(city_projects(app, city), key=lambda p: p.code):
        hit = overdue.get(p.id)
        if hit is None or s.lagging_flag in p.flags or p.is_cancelled:
            continue
        commands.append(
            FlagProject(
                project_id=p.id,
                flag=s.lagging_flag,
                reason=f"{hit.rule_id}: 应于{hit.due_on}前完成, 截至{as_of}逾期 (挂牌提醒)",
                occurred_on=as_of,
                actor=actor,
            )
        )
    if not dry_run:
        for cmd in commands:
            app.projects.execute(cmd)
    return commands
