"""Annual targets and 形象进度 per project: the one code path for every surface that shows them.

Seed 001: "每年初，各县区和市直相关单位就所辖重点项目的年度投资目标、工程进度目标…向市政府递交
《驻马店市重点项目建设目标责任书》" and "每月通报签约项目落地率、项目开工率、投资完成率…对进度
不达标、时间有滞后的项目及时挂牌提醒". Seed 004: "针对进度明显滞后的项目…千方百计赶上时序进度，
确保完成年度投资计划".

:func:`plan_statuses` reads, for each project of the counting layer
(:class:`~projlife.projections.counting.ProjectFacts`, as of D) and the target book as of D:
its 年度计划投资 and the investment reported for months of that year up to D (投资完成率), the
时序进度 the plan calls for after the complete months elapsed, its 工程进度目标 and latest 形象进度,
and whether it lags (滞后) by the city's :class:`PlanLagRule`. The ledger rows and summary, the
Excel 台账, the OC4IDS export, the server's reads, ``projlife tick``'s 挂牌提醒 and the lag
indicator all take their figures from here; none recomputes them.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from projlife.domain.money import decimal_text
from projlife.domain.targets import TargetMeasure, TargetSubject
from projlife.projections.counting.record import ProjectFacts

__all__ = [
    "LAGGING_FLAG",
    "PlanLagRule",
    "PlanStatus",
    "PlanSummary",
    "city_plans",
    "complete_months",
    "plan_status",
    "plan_statuses",
    "summarise_plans",
]

LAGGING_FLAG = "lagging.plan"
"""The default flag of a project behind its annual plan."""


def _share(value: Any) -> Decimal:
    d = Decimal(str(value))
    if not 0 <= d <= 1:
        raise ValueError(f"min_share {d} must lie within [0, 1]")
    return d


@attrs.frozen
class PlanLagRule:
    """When a project lags its annual plan: year-to-date figure < ``min_share`` × pro-rata plan.

    The pro-rata plan (时序进度) after ``k`` complete months is ``plan × k / 12`` (investment) or
    ``target × k / 12`` (形象进度 percent); ``min_share`` defaults to 0.8 (a setting: the seeds
    say "进度不达标、时间有滞后" and "进度明显滞后" without a figure). ``enabled=False`` turns
    the check off (no project lags, nothing is flagged).
    """

    min_share: Decimal = attrs.field(default=Decimal("0.8"), converter=_share)
    flag: str = LAGGING_FLAG
    enabled: bool = True


def complete_months(as_of: date) -> int:
    """Months of ``as_of``'s year complete on ``as_of`` (March 31 → 3, March 30 → 2)."""
    last = _calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month if as_of.day == last else as_of.month - 1


def _ref(e: Any) -> str:
    return f"{e.subject_kind.value}:{e.subject}:{e.measure.value}:{e.period}@{e.version}"


def _text(d: Decimal | None) -> str | None:
    return None if d is None else decimal_text(d)


@attrs.frozen
class PlanStatus:
    """One project's annual plan as of a date: 年度计划投资, 投资完成率, 时序进度, 形象进度, 滞后.

    ``investment_done`` sums the investment reported for months of ``year`` up to ``as_of``;
    ``investment_due`` is the 时序进度 (``plan × complete months / 12``); ``completion`` is
    done ÷ plan (a fraction, ``None`` without a plan). ``progress_*`` are the 工程进度目标 and the
    latest 形象进度 report (percent, its stage note and month). ``lagging`` and ``lag_reasons``
    follow the city's :class:`PlanLagRule`; ``against`` names the target entries read.
    """

    project_id: str
    project_code: str
    year: int
    as_of: date
    months: int
    investment_plan: Decimal | None
    investment_done: Decimal
    investment_due: Decimal | None
    completion: Decimal | None
    progress_target: Decimal | None
    progress_percent: Decimal | None
    progress_note: str | None
    progress_month: date | None
    progress_due: Decimal | None
    lagging: bool
    lag_reasons: tuple[str, ...]
    against: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "complete_months": self.months,
            "investment_plan_yuan": _text(self.investment_plan),
            "investment_done_yuan": decimal_text(self.investment_done),
            "investment_due_yuan": _text(self.investment_due),
            "completion": _text(self.completion),
            "progress_target_percent": _text(self.progress_target),
            "progress_percent": _text(self.progress_percent),
            "progress_note": self.progress_note,
            "progress_month": None if self.progress_month is None else self.progress_month.isoformat(),
            "progress_due_percent": _text(self.progress_due),
            "lagging": self.lagging,
            "lag_reasons": list(self.lag_reasons),
            "against": list(self.against),
        }


def _rate(num: Decimal, den: Decimal | None) -> Decimal | None:
    if den is None or den == 0:
        return None
    return (num / den).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def plan_status(f: ProjectFacts, targets: Any, as_of: date, rule: PlanLagRule) -> PlanStatus | None:
    """``f``'s plan status as of ``as_of`` (targets: a :class:`~projlife.targets.TargetTable` as of
    ``as_of``); ``None`` when the project has no annual target and no 形象进度 report."""
    year = str(as_of.year)
    plan = targets.get(TargetSubject.PROJECT, f.code, TargetMeasure.INVESTMENT, year)
    goal = targets.get(TargetSubject.PROJECT, f.code, TargetMeasure.PROGRESS, year)
    latest = targets.progress.get(f.code)
    if plan is None and goal is None and latest is None:
        return None
    months = complete_months(as_of)
    done = sum((m.yuan for d, m in f.investment.items() if d.year == as_of.year and d <= as_of), Decimal(0))
    reasons: list[str] = []
    checks = rule.enabled and months > 0 and f.cancelled_on is None
    due: Decimal | None = None
    if plan is not None:
        due = plan.value * months / 12
        if checks and plan.value > 0 and done < rule.min_share * due:
            reasons.append(
                f"截至{as_of}完成投资{done}元, 低于年度计划{plan.value}元按{months}个月应完成{due:.0f}元的{rule.min_share:%}"
            )
    pct = latest.percent if latest is not None else None
    pdue: Decimal | None = None
    if goal is not None:
        pdue = goal.value * months / 12
        reached = pct if pct is not None else Decimal(0)
        if checks and goal.value > 0 and reached < rule.min_share * pdue:
            reasons.append(
                f"形象进度{reached}%, 低于工程进度目标{goal.value}%按{months}个月应达{pdue:.1f}%的{rule.min_share:%}"
            )
    return PlanStatus(
        project_id=str(f.project_id),
        project_code=f.code,
        year=as_of.year,
        as_of=as_of,
        months=months,
        investment_plan=None if plan is None else plan.value,
        investment_done=done,
        investment_due=None if due is None else due.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        completion=None if plan is None else _rate(done, plan.value),
        progress_target=None if goal is None else goal.value,
        progress_percent=pct,
        progress_note=None if latest is None else latest.stage_note,
        progress_month=None if latest is None else latest.month,
        progress_due=None if pdue is None else pdue.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        lagging=bool(reasons),
        lag_reasons=tuple(reasons),
        against=tuple(_ref(e) for e in (plan, goal) if e is not None),
    )


def plan_statuses(
    facts: Iterable[ProjectFacts], targets: Any, as_of: date, rule: PlanLagRule
) -> dict[str, PlanStatus]:
    """Every project's :class:`PlanStatus` that has one, by project id (in scope projects only)."""
    out: dict[str, PlanStatus] = {}
    for f in facts:
        if not f.in_scope():
            continue
        status = plan_status(f, targets, as_of, rule)
        if status is not None:
            out[status.project_id] = status
    return out


@attrs.frozen
class PlanSummary:
    """The plan figures of a set of projects (the 台账's summary line for the year).

    ``planned``: Σ 年度计划投资 of the projects with one; ``done``: Σ their investment reported
    this year; ``completion``: done ÷ planned; ``lagging``: projects that lag;
    ``progress_reported``: projects with a 形象进度 report; ``progress_on_target``: projects whose
    latest 形象进度 reached their 工程进度目标.
    """

    year: int
    as_of: date
    with_plan: int
    planned: Decimal
    done: Decimal
    due: Decimal
    completion: Decimal | None
    lagging: int
    progress_reported: int
    with_progress_target: int
    progress_on_target: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "projects_with_plan": self.with_plan,
            "investment_plan_yuan": decimal_text(self.planned),
            "investment_done_yuan": decimal_text(self.done),
            "investment_due_yuan": decimal_text(self.due),
            "completion": _text(self.completion),
            "lagging": self.lagging,
            "progress_reported": self.progress_reported,
            "projects_with_progress_target": self.with_progress_target,
            "progress_on_target": self.progress_on_target,
        }


def summarise_plans(statuses: Iterable[PlanStatus], as_of: date) -> PlanSummary:
    """Sum :class:`PlanStatus` values (of one city and year) into a :class:`PlanSummary`."""
    items = list(statuses)
    planned = [s for s in items if s.investment_plan is not None]
    total = sum((s.investment_plan or Decimal(0) for s in planned), Decimal(0))
    done = sum((s.investment_done for s in planned), Decimal(0))
    with_goal = [s for s in items if s.progress_target is not None]
    return PlanSummary(
        year=as_of.year,
        as_of=as_of,
        with_plan=len(planned),
        planned=total,
        done=done,
        due=sum((s.investment_due or Decimal(0) for s in planned), Decimal(0)),
        completion=_rate(done, total) if planned else None,
        lagging=sum(1 for s in items if s.lagging),
        progress_reported=sum(1 for s in items if s.progress_percent is not None),
        with_progress_target=len(with_goal),
        progress_on_target=sum(
            1
            for s in with_goal
            if s.progress_percent is not None
            and s.progress_target is not None
            and s.progress_percent >= s.progress_target
        ),
    )


def city_plans(
    engine: Any,
    plugins: Any,
    targets: Any,
    city: Any,
    as_of: date,
    *,
    known_at: Any = None,
    catch_up: Any = None,
) -> dict[str, PlanStatus]:
    """``city``'s plan statuses as of ``as_of``: its projects under its counting policy (the
    ``projlife_scope`` applies), its target book as of ``as_of`` and its :class:`PlanLagRule`
    (``projlife_plan_lag``). Every surface calls this; ``known_at`` limits the project facts to
    what was recorded by then (the targets are read as of ``as_of``)."""
    from projlife.plugins.city_extras import plan_lag_rule
    from projlife.plugins.manager import counting_policy
    from projlife.projections.counting.query import Counting

    facts = Counting(engine, catch_up=catch_up).projects(
        city.code, as_of=as_of, known_at=known_at, policy=counting_policy(plugins, city)
    )
    return plan_statuses(facts, targets.table(city.code, as_of), as_of, plan_lag_rule(plugins, city))


def by_code(statuses: Mapping[str, PlanStatus]) -> dict[str, PlanStatus]:
    """The statuses keyed by project code instead of id."""
    return {s.project_code: s for s in statuses.values()}
