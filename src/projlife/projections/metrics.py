"""Conversion metrics: stage entries, cohort funnels, rates and pace (``app.metrics``).

Every figure is counted by the one counting layer (:mod:`projlife.projections.counting`): the
projects of the scope as of D, as known at T, under the city's counting policy, asked the same
questions the rule engine and the bulletin ask (entered, reached, removed, cancelled, rejected).
Every rate carries its numerator and denominator, the project ids behind both and the projects
left out. A zero denominator gives ``value is None`` ("n/a"), never 0 or 100%. Rates are shown
rounded half up (四舍五入) once, from the exact fraction. Exact definitions: ``docs/projections.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period, PeriodKind
from projlife.plugins.counting_policy import CountingPolicy
from projlife.projections.counting import (
    DEFAULT_POLICY,
    Counting,
    Entering,
    ProjectFacts,
    entries,
    pool_of,
)
from projlife.projections.facts import projects_table
from projlife.projections.ledger import Scope
from projlife.projections.metric_values import (
    RATES,
    EntryCount,
    Exclusion,
    Funnel,
    FunnelStep,
    Pace,
    PaceBucket,
    Rate,
    RateDefinition,
    _exclusions,
)

__all__ = [
    "RATES",
    "EntryCount",
    "Exclusion",
    "Funnel",
    "FunnelStep",
    "Metrics",
    "Pace",
    "PaceBucket",
    "Rate",
    "RateDefinition",
    "pool_of",
]


class Metrics:
    """``app.metrics``: counts, funnels, rates and pace, read through the counting layer.

    ``counting`` reads the projects; ``resolve`` turns (city, county, area) into a checked
    :class:`~projlife.projections.ledger.Scope`; ``policy_of`` gives a city's counting policy
    (by city code; the default policy if not given); ``engine`` lists the cities that have
    projects when a query names none.
    """

    def __init__(
        self,
        counting: Counting,
        resolve: Callable[[str | None, str | None, str | None], Scope],
        policy_of: Callable[[str], CountingPolicy] | None = None,
        *,
        engine: sa.Engine,
    ) -> None:
        self.counting = counting
        self._resolve = resolve
        self._policy_of = policy_of or (lambda _code: DEFAULT_POLICY)
        self._engine = engine

    # -- the projects in scope ---------------------------------------------------------

    def projects(
        self,
        *,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        entering: Entering | None = None,
    ) -> list[ProjectFacts]:
        """The projects in scope as of ``as_of``, as known at ``known_at``, under their city's policy
        (``entering``: only those that may have entered a stage in a period, see :class:`Entering`)."""
        scope = self._resolve(city, county, area)
        codes = [scope.city_code] if scope.city_code is not None else self._cities()
        out: list[ProjectFacts] = []
        for code in codes:
            out.extend(
                f
                for f in self.counting.projects(
                    code,
                    as_of=as_of,
                    known_at=known_at,
                    policy=self._policy_of(code),
                    county_code=scope.county_code,
                    entering=entering,
                )
                if scope.area_code is None or f.area_code == scope.area_code
            )
        return out

    def _cities(self) -> list[str]:
        with self._engine.connect() as conn:
            return sorted({r[0] for r in conn.execute(sa.select(projects_table.c.city_code).distinct())})

    # -- public ----------------------------------------------------------------------

    def count_entries(
        self,
        stage: Stage | str,
        *,
        period: Period | str,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        verified: bool = False,
    ) -> EntryCount:
        """Projects entering ``stage`` in ``period`` as counted (removed, cancelled, rejected ones shown, not counted)."""
        stage, period = Stage(stage), _period(period)
        entering = Entering(stage, period.start, period.end)  # only the candidates are folded
        facts = self.projects(
            city=city, county=county, area=area, as_of=as_of, known_at=known_at, entering=entering
        )
        c = entries(
            (f for f in facts if f.in_scope(stage)), stage, period.start, period.end, verified=verified
        )
        return EntryCount(
            stage,
            period,
            c.count,
            c.project_ids,
            c.event_ids,
            _exclusions(c),
            tuple((e.project_id, e.on, e.event_id or 0) for e in c.excluded if e.why == "rejected"),
            tuple(e.project_id for e in c.excluded if e.why == "cancelled"),
        )

    def funnel(
        self,
        period: Period | str,
        *,
        cohort_stage: Stage | str = Stage.SIGNED,
        steps: Iterable[Stage | str] = (Stage.STARTED, Stage.IN_STATISTICS, Stage.PRODUCING),
        within_days: int | None = None,
        by: date | None = None,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        verified: bool = False,
    ) -> Funnel:
        """Cohort funnel: of the projects entering ``cohort_stage`` in ``period``, how many reached each step.

        A step counts if the project reached it (as counted) on or before the earliest of ``by``,
        ``as_of`` and (per project) its cohort date + ``within_days``.
        """
        cohort_stage, period = Stage(cohort_stage), _period(period)
        step_stages = [Stage(s) for s in steps]
        for s in step_stages:
            if s <= cohort_stage:
                raise ProjlifeError(
                    f"build a funnel from {cohort_stage} to {s}",
                    "a step must come after the cohort stage",
                    "later stages",
                )
        if within_days is not None and within_days < 0:
            raise ProjlifeError("build a funnel", f"within_days {within_days} is negative", "0 or more days")
        # Only the cohort's candidates are read and folded: the same rules then decide, as over all.
        entering = Entering(cohort_stage, period.start, period.end)
        facts = self.projects(
            city=city, county=county, area=area, as_of=as_of, known_at=known_at, entering=entering
        )
        chosen = [f for f in facts if f.in_scope(cohort_stage)]
        c = entries(chosen, cohort_stage, period.start, period.end, verified=verified)
        by_id = {str(f.project_id): f for f in chosen}
        members = list(c.project_ids)
        excluded = _exclusions(c)
        base = _min_date(by, as_of)
        out = []
        for s in step_stages:
            hit = []
            for pid in members:
                f = by_id[pid]
                on = f.reached(s, verified=verified)
                if on is None:
                    continue
                bound = base
                if within_days is not None:
                    entered = f.stage_dates[cohort_stage]
                    cap = date.fromordinal(entered.toordinal() + within_days)
                    bound = cap if bound is None else min(bound, cap)
                if bound is None or on <= bound:
                    hit.append(pid)
            rate = Rate(
                f"{cohort_stage}_to_{s}",
                f"{cohort_stage.label_zh}→{s.label_zh}",
                len(hit),
                len(members),
                tuple(hit),
                tuple(members),
                excluded,
            )
            out.append(FunnelStep(s, rate))
        return Funnel(cohort_stage, period, len(members), tuple(out), excluded, within_days, by)

    def rate(
        self,
        name: str,
        *,
        period: Period | str,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        verified: bool = False,
        annual_target: Money | None = None,
    ) -> Rate:
        """A named rate (see :data:`RATES`, plus ``on_time_start`` and ``investment_completion``)."""
        period = _period(period)
        where: dict[str, Any] = {
            "city": city,
            "county": county,
            "area": area,
            "as_of": as_of,
            "known_at": known_at,
        }
        if name == "on_time_start":
            return self.on_time_start(period=period, **where)
        if name == "investment_completion":
            return self.investment_completion(period=period, annual_target=annual_target, **where)
        d = RATES.get(name)
        if d is None:
            known = [*RATES, "on_time_start", "investment_completion"]
            raise ProjlifeError(f"compute rate {name!r}", "unknown rate", ", ".join(known))
        f = self.funnel(period, cohort_stage=d.cohort, steps=[d.reached], verified=verified, **where)
        return attrs.evolve(f.steps[0].rate, name=d.name, label_zh=d.label_zh)

    def rates(self, *, period: Period | str, **kwargs: Any) -> dict[str, Rate]:
        """Every rate for the period."""
        names = [*RATES, "on_time_start", "investment_completion"]
        return {n: self.rate(n, period=period, **kwargs) for n in names}

    def on_time_start(
        self,
        *,
        period: Period | str,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> Rate:
        """Of the projects whose planned start date falls in ``period``, how many started on or before it."""
        period = _period(period)
        facts = self.projects(city=city, county=county, area=area, as_of=as_of, known_at=known_at)
        members, hit, excluded = [], [], []
        for f in sorted(facts, key=lambda f: str(f.project_id)):
            planned = f.scheduled.get(Stage.STARTED)
            if planned is None or not period.contains(planned) or not f.in_scope(Stage.STARTED):
                continue
            pid = str(f.project_id)
            removal = f.removal_of(Stage.STARTED)
            if removal is not None and Stage.STARTED in f.stage_dates:
                excluded.append(
                    Exclusion(pid, Pool.STARTED, removal[1].value, removal[2], f.removal_events[Pool.STARTED])
                )
                continue
            members.append(pid)
            started = f.entered(Stage.STARTED)
            if started is not None and started <= planned:
                hit.append(pid)
        return Rate(
            "on_time_start", "按期开工率", len(hit), len(members), tuple(hit), tuple(members), tuple(excluded)
        )

    def investment_completion(
        self,
        *,
        period: Period | str,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
        annual_target: Money | None = None,
    ) -> Rate:
        """投资完成率: investment completed ÷ the year's planned investment (may exceed 1).

        001: 每月通报…投资完成率 — the denominator is the 年度投资目标 of the 目标责任书 (the
        year's target, ``annual_target``), not the projects' total planned investment; without
        it the rate is n/a. The numerator is the investment reported for the months of the
        period's year up to the period's end, by projects in scope not removed from the started pool.
        """
        period = _period(period)
        facts = self.projects(city=city, county=county, area=area, as_of=as_of, known_at=known_at)
        year_start = date(period.start.year, 1, 1)
        num = Decimal(0)
        members, excluded = [], []
        for f in sorted(facts, key=lambda f: str(f.project_id)):
            if not f.in_scope():
                continue
            pid = str(f.project_id)
            removal = f.removal_of(Stage.STARTED)
            if removal is not None:
                excluded.append(
                    Exclusion(pid, Pool.STARTED, removal[1].value, removal[2], f.removal_events[Pool.STARTED])
                )
                continue
            amount = sum(
                (a.yuan for m, a in f.investment.items() if year_start <= m <= period.end), Decimal(0)
            )
            if amount:
                members.append(pid)
                num += amount
        den = Decimal(0) if annual_target is None else annual_target.yuan
        return Rate(
            "investment_completion",
            "投资完成率",
            num,
            den,
            tuple(members),
            (),
            tuple(excluded),
            bounded=False,
        )

    def pace(
        self,
        stage: Stage | str,
        *,
        period: Period | str,
        target: int,
        bucket: PeriodKind | str = PeriodKind.WEEK,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> Pace:
        """Entries into ``stage`` per ``bucket`` (day/week/month) across ``period`` against ``target``."""
        stage, period, bucket = Stage(stage), _period(period), PeriodKind(bucket)
        if target < 0:
            raise ProjlifeError(f"measure pace of {stage}", f"target {target} is negative", "0 or more")
        entering = Entering(stage, period.start, period.end)  # only the candidates are folded
        facts = self.projects(
            city=city, county=county, area=area, as_of=as_of, known_at=known_at, entering=entering
        )
        chosen = [f for f in facts if f.in_scope(stage)]
        c = entries(chosen, stage, period.start, period.end)
        member = set(c.project_ids)
        days = sorted(f.stage_dates[stage] for f in chosen if str(f.project_id) in member)
        out: list[PaceBucket] = []
        b = Period.containing(bucket, period.start)
        cumulative = 0
        while b.start <= period.end:
            lo, hi = max(b.start, period.start), min(b.end, period.end)
            n = sum(1 for d in days if lo <= d <= hi)
            cumulative += n
            due = (Decimal(target) * Decimal((hi - period.start).days + 1) / Decimal(period.days)).quantize(
                Decimal("0.01")
            )
            out.append(PaceBucket(b, n, cumulative, due))
            if as_of is not None and hi >= as_of:
                break
            b = b.next()
        progress = Rate(
            f"pace_{stage}",
            f"{stage.label_zh}进度",
            cumulative,
            target,
            c.project_ids,
            (),
            _exclusions(c),
            bounded=False,
        )
        return Pace(stage, period, target, tuple(out), progress)


def _period(p: Period | str) -> Period:
    return p if isinstance(p, Period) else Period.parse(p)


def _min_date(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
