"""Indicator figures per area: the one code path for every :class:`~projlife.plugins.indicators.Indicator`.

Project figures come from :class:`~projlife.projections.counting.ProjectFacts` (the counting
layer, as of D) and :func:`projlife.engine.metrics.measure`; ticket figures from the tickets
read model's states as of a date (``pl_ticket_states``); targets and 形象进度 from the target
book as of D. Each value carries its numerator, its denominator and the target entries it was
measured against. Formulas: ``docs/indicators.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.periods import Period
from projlife.domain.targets import TargetMeasure, TargetSubject
from projlife.plugins.indicators import Formula, Indicator
from projlife.plugins.rules import canonical_decimal
from projlife.projections.counting.plan import PlanStatus
from projlife.projections.counting.record import ProjectFacts
from projlife.projections.counting.select import group_by_area

__all__ = [
    "IndicatorInputs",
    "IndicatorValue",
    "area_of",
    "department_completion",
    "department_values",
    "departments_of",
    "indicator_values",
    "project_completion",
    "subject_values",
    "ticket_states",
]


@attrs.frozen
class IndicatorValue:
    """One indicator for one area: ``value`` (a fraction for rates; ``None`` when undefined),
    ``numerator`` and ``denominator``, and ``against``: the target entries it divided by
    (``kind:subject:measure:period@version``)."""

    indicator: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    against: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        def c(d: Decimal | None) -> str | None:
            return None if d is None else canonical_decimal(d)

        return {
            "indicator": self.indicator,
            "value": c(self.value),
            "numerator": c(self.numerator),
            "denominator": c(self.denominator),
            "against": list(self.against),
        }


@attrs.frozen
class IndicatorInputs:
    """What indicators are computed from, for one city, period and as-of date.

    ``tickets_end``/``tickets_before``: ticket states (rows of ``pl_ticket_states``) as of the
    end of the window and as of the day before the period began; ``targets``: a
    :class:`~projlife.targets.TargetTable` as of ``as_of``.
    """

    tree: AreaTree
    facts: Sequence[ProjectFacts]
    tickets_end: Sequence[Any]
    tickets_before: Sequence[Any]
    targets: Any
    calendar: WorkdayCalendar
    period: Period
    as_of: date
    plans: Mapping[str, PlanStatus] = attrs.field(factory=dict)
    """Plan statuses by project id as of :attr:`window_end` (the counting layer's
    :func:`~projlife.projections.counting.plan.city_plans`), for :attr:`Formula.PLAN_LAG`."""

    @property
    def window_end(self) -> date:
        return min(self.period.end, self.as_of)


def area_of(area_code: str, tree: AreaTree, areas: Iterable[str]) -> str | None:
    """The nearest of ``areas`` at or above ``area_code`` (a ticket's or project's area)."""
    wanted = set(areas)
    if area_code not in tree:
        return None
    for code in (area_code, *(a.code for a in tree.ancestors(area_code))):
        if code in wanted:
            return code
    return None


def _ratio(num: Decimal, den: Decimal | None) -> Decimal | None:
    if den is None or den == 0:
        return None
    return num / den


def _tickets_by_area(states: Iterable[Any], tree: AreaTree, areas: Sequence[Area]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {a.code: [] for a in areas}
    codes = [a.code for a in areas]
    for s in states:
        code = area_of(s.area_code, tree, codes)
        if code is not None:
            out[code].append(s)
    return out


def _entry_ref(e: Any) -> str:
    return f"{e.subject_kind.value}:{e.subject}:{e.measure.value}:{e.period}@{e.version}"


def indicator_values(
    indicator: Indicator, inputs: IndicatorInputs, areas: Sequence[Area]
) -> dict[str, IndicatorValue]:
    """``indicator`` for each of ``areas`` (an area counts its own and its sub-areas' projects and tickets)."""
    groups = group_by_area(inputs.facts, inputs.tree, areas)
    tickets: Mapping[str, Sequence[Any]] | None = None
    if indicator.formula in _TICKET_FORMULAS:
        tickets = _tickets_by_area(inputs.tickets_end, inputs.tree, areas)
    return subject_values(indicator, inputs, TargetSubject.AREA, groups, tickets)


def departments_of(inputs: IndicatorInputs) -> dict[str, list[ProjectFacts]]:
    """Each department's projects in scope (the sponsor's 包保部门), with every department that
    has an investment target for the period even without a project; by department name."""
    out: dict[str, list[ProjectFacts]] = {}
    for f in inputs.facts:
        if f.sponsor_department is not None and f.in_scope():
            out.setdefault(f.sponsor_department, []).append(f)
    for e in inputs.targets.of_kind(TargetSubject.DEPARTMENT, TargetMeasure.INVESTMENT, str(inputs.period)):
        out.setdefault(e.subject, [])
    return dict(sorted(out.items()))


def department_values(indicator: Indicator, inputs: IndicatorInputs) -> dict[str, IndicatorValue]:
    """``indicator`` for each department (:func:`departments_of`); ticket indicators have no
    department (a ticket belongs to a locality) and are refused."""
    return subject_values(indicator, inputs, TargetSubject.DEPARTMENT, departments_of(inputs), None)


_TICKET_FORMULAS = frozenset({Formula.TICKET_SATISFACTION, Formula.ON_TIME_ANSWER})


def subject_values(
    indicator: Indicator,
    inputs: IndicatorInputs,
    kind: TargetSubject,
    groups: Mapping[str, Sequence[ProjectFacts]],
    tickets: Mapping[str, Sequence[Any]] | None,
) -> dict[str, IndicatorValue]:
    """``indicator`` for each subject of ``groups`` (subject code → its projects; ``tickets``:
    subject code → its ticket states, for ticket formulas). The one formula code path for areas
    and departments alike."""
    f = indicator.formula
    out: dict[str, IndicatorValue] = {}
    if f is Formula.METRIC:
        from projlife.engine.metrics import measure

        assert indicator.metric is not None
        for code, projects in groups.items():
            mv = measure(indicator.metric, list(projects), inputs.period, inputs.as_of, inputs.calendar)
            out[code] = IndicatorValue(indicator.id, mv.value, mv.numerator, mv.denominator)
        return out
    if f in _TICKET_FORMULAS:
        if tickets is None:
            raise ValueError(
                f"indicator {indicator.id} counts tickets, which belong to a locality, not a {kind.value}"
            )
        before = {s.ticket_id: s for s in inputs.tickets_before}
        start, stop = inputs.period.start, inputs.window_end
        for code in groups:
            num = den = 0
            for s in tickets.get(code, ()):
                if f is Formula.TICKET_SATISFACTION:
                    b = before.get(s.ticket_id)
                    den += s.revisits - (b.revisits if b is not None else 0)
                    num += s.satisfied_revisits - (b.satisfied_revisits if b is not None else 0)
                elif s.answered_on is not None and start <= s.answered_on <= stop:
                    den += 1
                    num += int(s.due_on is None or s.answered_on <= s.due_on)
            out[code] = IndicatorValue(
                indicator.id, _ratio(Decimal(num), Decimal(den)), Decimal(num), Decimal(den)
            )
        return out
    period = str(inputs.period)
    targets = inputs.targets
    if f is Formula.INVESTMENT_COMPLETION:
        for code, group in groups.items():
            projects = [p for p in group if p.in_scope()]
            done = sum(
                (
                    m.yuan
                    for p in projects
                    for d, m in p.investment.items()
                    if inputs.period.start <= d <= inputs.window_end
                ),
                Decimal(0),
            )
            own = targets.get(kind, code, TargetMeasure.INVESTMENT, period)
            if own is not None:
                against: list[Any] = [own]
            else:
                against = [
                    e
                    for p in projects
                    if (e := targets.get(TargetSubject.PROJECT, p.code, TargetMeasure.INVESTMENT, period))
                    is not None
                ]
            plan = sum((e.value for e in against), Decimal(0)) if against else None
            out[code] = IndicatorValue(
                indicator.id, _ratio(done, plan), done, plan, tuple(_entry_ref(e) for e in against)
            )
        return out
    if f is Formula.PROGRESS_COMPLETION:
        for code, group in groups.items():
            reached = total = 0
            against = []
            for p in group:
                goal = targets.get(TargetSubject.PROJECT, p.code, TargetMeasure.PROGRESS, period)
                if goal is None:
                    continue
                total += 1
                against.append(goal)
                latest = targets.progress.get(p.code)
                reached += int(latest is not None and latest.percent >= goal.value)
            out[code] = IndicatorValue(
                indicator.id,
                _ratio(Decimal(reached), Decimal(total)),
                Decimal(reached),
                Decimal(total),
                tuple(_entry_ref(e) for e in against),
            )
        return out
    if f is Formula.PLAN_LAG:
        for code, group in groups.items():
            lagging = total = 0
            refs: list[str] = []
            for p in group:
                status = inputs.plans.get(str(p.project_id))
                if status is None or (status.investment_plan is None and status.progress_target is None):
                    continue
                total += 1
                lagging += int(status.lagging)
                refs += status.against
            out[code] = IndicatorValue(
                indicator.id,
                _ratio(Decimal(lagging), Decimal(total)),
                Decimal(lagging),
                Decimal(total),
                tuple(refs),
            )
        return out
    raise AssertionError(f"unhandled formula {f}")  # pragma: no cover - every Formula is handled


def project_completion(facts: ProjectFacts, targets: Any, period: Period, as_of: date) -> IndicatorValue:
    """One project's 投资完成率 for ``period``: investment reported ÷ its investment target."""
    end = min(period.end, as_of)
    done = sum((m.yuan for d, m in facts.investment.items() if period.start <= d <= end), Decimal(0))
    goal = targets.get(TargetSubject.PROJECT, facts.code, TargetMeasure.INVESTMENT, str(period))
    plan = None if goal is None else goal.value
    return IndicatorValue(
        "investment.completion", _ratio(done, plan), done, plan, () if goal is None else (_entry_ref(goal),)
    )


def department_completion(
    facts: Iterable[ProjectFacts], targets: Any, period: Period, as_of: date
) -> dict[str, IndicatorValue]:
    """投资完成率 per department (the sponsor's 包保部门): its projects' reported investment in
    ``period`` ÷ the department's investment target for it (else the sum of its projects').

    Departments with neither a target nor a project are left out. The same code path as the
    ``investment.completion`` indicator of a department ranking (:func:`department_values`).
    """
    from projlife.plugins.indicators import INVESTMENT_COMPLETION

    no_areas = AreaTree([Area("0", "-", AreaLevel.CITY)])  # departments are not areas
    inputs = IndicatorInputs(no_areas, list(facts), (), (), targets, WorkdayCalendar(), period, as_of)
    return department_values(INVESTMENT_COMPLETION, inputs)


def day_before(d: date) -> date:
    return d - timedelta(days=1)


def ticket_states(app: Any, city_code: str, period: Period, as_of: date) -> tuple[list[Any], list[Any]]:
    """Ticket states at the end of the window and the day before ``period`` (the read model, caught up)."""
    end = min(period.end, as_of)
    return (
        app.tickets.states_as_of(end, city_code=city_code),
        app.tickets.states_as_of(day_before(period.start), city_code=city_code),
    )


def by_id(indicators: Iterable[Indicator]) -> Mapping[str, Indicator]:
    return {i.id: i for i in indicators}
