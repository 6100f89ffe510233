"""Conversion metrics: stage entries, cohort funnels, rates and pace (``app.metrics``).

Every count is of projects whose *effective* claim (claimed, not rejected, its date
after any correction) satisfies the rule; every rate carries its numerator and
denominator, the project ids behind both, and the projects excluded by a removal
(剔除). A zero denominator gives ``value is None`` ("n/a"), never 0 or 100%.
Exact definitions: ``docs/projections.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.projections import timeline
from projlife.projections.facts import STAGES, FactKind, facts_table, recorded_micros, timeline_table
from projlife.projections.ledger import Ledger, Scope, timeline_conditions
from projlife.projections.state import ProjectState
from projlife.projections.timeline import POOL_BITS

if TYPE_CHECKING:
    from projlife.app.application import Projlife

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
]

_Q = Decimal("0.0001")


def _ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_Q, rounding=ROUND_HALF_EVEN)


@attrs.frozen
class Exclusion:
    """A project left out of a count because it was removed from a pool (剔除)."""

    project_id: str
    pool: Pool
    reason_code: str
    on: date
    event_id: int


@attrs.frozen
class Rate:
    """A rate with its parts. ``value`` is None ("n/a") when the denominator is 0.

    ``bounded`` is False for ratios that may exceed 1 (investment completion).
    """

    name: str
    label_zh: str
    numerator: Decimal | int
    denominator: Decimal | int
    numerator_ids: tuple[str, ...] = ()
    denominator_ids: tuple[str, ...] = ()
    excluded: tuple[Exclusion, ...] = ()
    bounded: bool = True

    @property
    def value(self) -> Decimal | None:
        return _ratio(self.numerator, self.denominator)

    def __str__(self) -> str:
        v = self.value
        shown = "n/a" if v is None else f"{(v * 100).quantize(Decimal('0.1'))}%"
        return f"{self.numerator}/{self.denominator} = {shown}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label_zh": self.label_zh,
            # Counts are JSON integers; amounts are decimal strings in the named unit.
            "numerator": self.numerator if isinstance(self.numerator, int) else str(self.numerator),
            "denominator": self.denominator if isinstance(self.denominator, int) else str(self.denominator),
            "unit": "count" if isinstance(self.numerator, int) else "yuan",
            "value": None if self.value is None else str(self.value),
            "display": str(self),
            "excluded": [attrs.asdict(e, value_serializer=_ser) for e in self.excluded],
        }


def _ser(_inst: Any, _field: Any, value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, Pool) else value


@attrs.frozen
class EntryCount:
    """Projects whose effective claim of ``stage`` is dated in ``period``."""

    stage: Stage
    period: Period
    count: int
    project_ids: tuple[str, ...]
    event_ids: tuple[int, ...]
    excluded: tuple[Exclusion, ...]
    """Entered in the period but since removed from the stage's pool (not counted)."""
    rejected: tuple[tuple[str, date, int], ...]
    """Claims of this stage rejected by a verifier: (project id, rejection date, event id)."""


@attrs.frozen
class FunnelStep:
    stage: Stage
    rate: Rate


@attrs.frozen
class Funnel:
    """Of the projects entering ``cohort_stage`` in ``period``, how many reached each later stage."""

    cohort_stage: Stage
    period: Period
    cohort: int
    steps: tuple[FunnelStep, ...]
    excluded: tuple[Exclusion, ...]
    within_days: int | None
    by: date | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "cohort_stage": str(self.cohort_stage),
            "period": str(self.period),
            "cohort": self.cohort,
            "within_days": self.within_days,
            "by": None if self.by is None else self.by.isoformat(),
            "steps": [{"stage": str(s.stage), **s.rate.as_dict()} for s in self.steps],
            "excluded": [attrs.asdict(e, value_serializer=_ser) for e in self.excluded],
        }


@attrs.frozen
class PaceBucket:
    period: Period
    count: int
    cumulative: int
    target_to_date: Decimal
    """The pro-rata share of the target due by the end of this bucket."""


@attrs.frozen
class Pace:
    stage: Stage
    period: Period
    target: int
    buckets: tuple[PaceBucket, ...]
    progress: Rate
    """Entries so far against the whole period's target (may exceed 1)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": str(self.stage),
            "period": str(self.period),
            "target": self.target,
            "progress": self.progress.as_dict(),
            "buckets": [
                {
                    "period": str(b.period),
                    "count": b.count,
                    "cumulative": b.cumulative,
                    "target_to_date": str(b.target_to_date),
                }
                for b in self.buckets
            ],
        }


@attrs.frozen
class RateDefinition:
    name: str
    label_zh: str
    cohort: Stage
    reached: Stage


RATES: dict[str, RateDefinition] = {
    d.name: d
    for d in (
        RateDefinition("reserve_to_signed", "储备转签约率", Stage.RESERVED, Stage.SIGNED),
        RateDefinition("signed_to_landed", "落地率", Stage.SIGNED, Stage.LANDED),
        RateDefinition("signed_to_started", "开工率", Stage.SIGNED, Stage.STARTED),
        RateDefinition("started_to_statistics", "纳统率", Stage.STARTED, Stage.IN_STATISTICS),
        RateDefinition("completed_to_producing", "投产率", Stage.COMPLETED, Stage.PRODUCING),
    )
}
"""The stage-conversion rates (cohort stage → reached stage)."""

_POOL_OF: dict[Stage, Pool] = {s: p for p in Pool for s in p.stages}


def pool_of(stage: Stage) -> Pool | None:
    """The pool a project sits in at ``stage`` (removal from it drops the project from counts)."""
    return _POOL_OF.get(stage)


def reached_on(st: ProjectState, stage: Stage) -> date | None:
    """When the project reached ``stage``: the date of its first claim at or beyond it.

    (A project may skip 落地 and start directly; it has then reached ``landed`` when it started.)
    """
    ranks = [r for r in st.claims if r >= stage.rank]
    if not ranks:
        return None
    return st.claims[min(ranks)].on


class Metrics:
    """``app.metrics``: counts, funnels, rates and pace from the ledger facts."""

    def __init__(self, app: Projlife, ledger: Ledger | None = None) -> None:
        self._app = app
        self.ledger = ledger or Ledger(app)

    # -- cohorts -------------------------------------------------------------------

    def _cohort(
        self,
        stage: Stage,
        period: Period,
        scope: Scope,
        as_of: date | None,
        known_at: datetime | None,
        verified: bool,
    ) -> tuple[dict[str, ProjectState], list[str], list[Exclusion]]:
        """Projects whose effective claim of ``stage`` is dated in ``period``: members and exclusions."""
        ids = self._candidates(scope, stage, period, as_of, known_at)
        states = self.ledger.states(scope, as_of=as_of, known_at=known_at, project_ids=ids) if ids else {}
        pool = pool_of(stage)
        members: list[str] = []
        excluded: list[Exclusion] = []
        for pid, st in states.items():
            claim = st.claims.get(stage.rank)
            if claim is None or not period.contains(claim.on):
                continue
            if verified and claim.verified_pos is None:
                continue
            if pool is not None and str(pool) in st.removed:
                reason, day, pos = st.removed[str(pool)]
                excluded.append(Exclusion(pid, pool, reason, date.fromordinal(day), pos))
                continue
            members.append(pid)
        members.sort()
        excluded.sort(key=lambda e: e.project_id)
        return states, members, excluded

    def _timeline_cohort(
        self, stage: Stage, period: Period, scope: Scope, as_of: date | None, verified: bool
    ) -> tuple[dict[str, list[int | None]], list[str], list[Exclusion]] | None:
        """The cohort from the ledger timeline: one indexed query, no fold (None if it is stale).

        Returns each member's claim dates by stage rank (ordinals), the members and the
        exclusions (whose removal details come from a fold of just those projects).
        """
        t = timeline_table
        day_col = t.c[f"d{stage.rank}"]
        day_cols = [t.c[f"d{rank}"] for rank in range(len(STAGES))]
        query = sa.select(t.c.project_id, t.c.verified_mask, t.c.removed_mask, *day_cols).where(
            *timeline_conditions(scope, as_of),
            day_col >= period.start.toordinal(),
            day_col <= period.end.toordinal(),
        )
        with self._app.engine.connect() as conn:
            if timeline.is_stale(conn):
                return None
            rows = conn.execute(query).all()
        pool = pool_of(stage)
        bit = 0 if pool is None else POOL_BITS[str(pool)]
        days: dict[str, list[int | None]] = {}
        members: list[str] = []
        removed: list[str] = []
        for pid, verified_mask, removed_mask, *claimed in rows:
            if verified and not verified_mask >> stage.rank & 1:
                continue
            if removed_mask & bit:
                removed.append(pid)
                continue
            members.append(pid)
            days[pid] = claimed
        members.sort()
        excluded: list[Exclusion] = []
        if removed:
            assert pool is not None
            for pid, st in sorted(self.ledger.states(scope, as_of=as_of, project_ids=removed).items()):
                reason, day, pos = st.removed[str(pool)]
                excluded.append(Exclusion(pid, pool, reason, date.fromordinal(day), pos))
        return days, members, excluded

    def _candidates(
        self, scope: Scope, stage: Stage, period: Period, as_of: date | None, known_at: datetime | None
    ) -> list[str]:
        """Projects with any fact that could date ``stage`` inside the period (a claim, or a date fix)."""
        f = facts_table
        lo, hi = period.start.toordinal(), period.end.toordinal()
        claim = sa.and_(f.c.kind == int(FactKind.CLAIM), f.c.stage == stage.rank)
        if stage in (Stage.CONCEIVED, Stage.RESERVED):
            claim = sa.or_(claim, f.c.kind == int(FactKind.CONCEIVED))
        fix = sa.and_(f.c.kind == int(FactKind.CORRECTED), f.c.text == "occurred_on")
        conds: list[Any] = [sa.or_(claim, fix), f.c.day >= lo, f.c.day <= hi]
        conds += _scope_conditions(scope, as_of, known_at)
        with self._app.engine.connect() as conn:
            return sorted({r[0] for r in conn.execute(sa.select(f.c.project_id).where(*conds))})

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
        """Projects entering ``stage`` in ``period`` (effective claim dated in it; removed ones shown, not counted)."""
        stage, period = Stage(stage), _period(period)
        states, members, excluded = self._cohort(
            stage, period, self.ledger.scope(city, county, area), as_of, known_at, verified
        )
        event_ids = sorted(p for pid in members for p in states[pid].claims[stage.rank].event_ids)
        rejected = sorted(
            (pid, date.fromordinal(day), pos)
            for pid, st in states.items()
            for rank, day, _, pos in st.rejections
            if rank == stage.rank
        )
        return EntryCount(
            stage, period, len(members), tuple(members), tuple(event_ids), tuple(excluded), tuple(rejected)
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

        A step counts if the project reached it on or before the earliest of ``by``,
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
        scope = self.ledger.scope(city, county, area)
        fast = (
            self._timeline_cohort(cohort_stage, period, scope, as_of, verified) if known_at is None else None
        )
        if fast is not None:
            days, members, excluded = fast
        else:
            states, members, excluded = self._cohort(cohort_stage, period, scope, as_of, known_at, verified)
            days = {pid: _claim_days(states[pid]) for pid in members}
        base = _min_date(by, as_of)
        base_day = None if base is None else base.toordinal()
        out = []
        for s in step_stages:
            hit = []
            for pid in members:
                claimed = days[pid]
                on = next((d for d in claimed[s.rank :] if d is not None), None)
                if on is None:
                    continue
                bound = base_day
                if within_days is not None:
                    entered = claimed[cohort_stage.rank]
                    assert entered is not None  # a member has a claim of the cohort stage
                    cap = entered + within_days
                    bound = cap if bound is None else min(bound, cap)
                if bound is None or on <= bound:
                    hit.append(pid)
            out.append(
                FunnelStep(
                    s,
                    Rate(
                        f"{cohort_stage}_to_{s}",
                        f"{cohort_stage.label_zh}→{s.label_zh}",
                        len(hit),
                        len(members),
                        tuple(hit),
                        tuple(members),
                        tuple(excluded),
                    ),
                )
            )
        return Funnel(cohort_stage, period, len(members), tuple(out), tuple(excluded), within_days, by)

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
    ) -> Rate:
        """A named rate (see :data:`RATES`, plus ``on_time_start`` and ``investment_completion``)."""
        period = _period(period)
        if name == "on_time_start":
            return self.on_time_start(
                period=period, city=city, county=county, area=area, as_of=as_of, known_at=known_at
            )
        if name == "investment_completion":
            return self.investment_completion(
                period=period, city=city, county=county, area=area, as_of=as_of, known_at=known_at
            )
        d = RATES.get(name)
        if d is None:
            known = [*RATES, "on_time_start", "investment_completion"]
            raise ProjlifeError(f"compute rate {name!r}", "unknown rate", ", ".join(known))
        f = self.funnel(
            period,
            cohort_stage=d.cohort,
            steps=[d.reached],
            city=city,
            county=county,
            area=area,
            as_of=as_of,
            known_at=known_at,
            verified=verified,
        )
        r = f.steps[0].rate
        return attrs.evolve(r, name=d.name, label_zh=d.label_zh)

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
        scope = self.ledger.scope(city, county, area)
        f = facts_table
        conds: list[Any] = [
            f.c.kind == int(FactKind.SCHEDULED),
            f.c.stage == Stage.STARTED.rank,
            f.c.day >= period.start.toordinal(),
            f.c.day <= period.end.toordinal(),
            *_scope_conditions(scope, as_of, known_at),
        ]
        with self._app.engine.connect() as conn:
            ids = sorted({r[0] for r in conn.execute(sa.select(f.c.project_id).where(*conds))})
        states = self.ledger.states(scope, as_of=as_of, known_at=known_at, project_ids=ids) if ids else {}
        members, hit, excluded = [], [], []
        for pid, st in sorted(states.items()):
            planned = st.scheduled.get(Stage.STARTED.rank)
            if planned is None or not period.contains(date.fromordinal(planned[0])):
                continue
            if str(Pool.STARTED) in st.removed and Stage.STARTED.rank in st.claims:
                reason, day, pos = st.removed[str(Pool.STARTED)]
                excluded.append(Exclusion(pid, Pool.STARTED, reason, date.fromordinal(day), pos))
                continue
            members.append(pid)
            started = st.claims.get(Stage.STARTED.rank)
            if started is not None and started.day <= planned[0] and (as_of is None or started.on <= as_of):
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
    ) -> Rate:
        """Investment reported for months up to the end of ``period`` over planned investment,
        for projects started (effective claim) by the end of the period. May exceed 1."""
        period = _period(period)
        scope = self.ledger.scope(city, county, area)
        states = self.ledger.states(scope, as_of=as_of, known_at=known_at)
        end = period.end.toordinal()
        num = den = Decimal(0)
        members, excluded = [], []
        for pid, st in sorted(states.items()):
            on = reached_on(st, Stage.STARTED)
            if on is None or on > period.end:
                continue
            if str(Pool.STARTED) in st.removed:
                reason, day, pos = st.removed[str(Pool.STARTED)]
                excluded.append(Exclusion(pid, Pool.STARTED, reason, date.fromordinal(day), pos))
                continue
            members.append(pid)
            num += st.investment_total(through_month=end)
            assert st.planned is not None
            den += st.planned[0]
        return Rate(
            "investment_completion",
            "投资完成率",
            num,
            den,
            tuple(members),
            tuple(members),
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
        entries = self.count_entries(
            stage, period=period, city=city, county=county, area=area, as_of=as_of, known_at=known_at
        )
        states = (
            self.ledger.states(
                self.ledger.scope(city, county, area),
                as_of=as_of,
                known_at=known_at,
                project_ids=list(entries.project_ids),
            )
            if entries.project_ids
            else {}
        )
        days = sorted(states[pid].claims[stage.rank].on for pid in entries.project_ids)
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
            entries.project_ids,
            (),
            entries.excluded,
            bounded=False,
        )
        return Pace(stage, period, target, tuple(out), progress)


def _scope_conditions(scope: Scope, as_of: date | None, known_at: datetime | None) -> list[Any]:
    f = facts_table
    conds: list[Any] = []
    if scope.city_code is not None:
        conds.append(f.c.city_code == scope.city_code)
    if scope.county_code is not None:
        conds.append(f.c.county_code == scope.county_code)
    if scope.area_code is not None:
        conds.append(f.c.area_code == scope.area_code)
    if as_of is not None:
        conds.append(f.c.business <= as_of.toordinal())
    if known_at is not None:
        conds.append(f.c.recorded <= recorded_micros(known_at))
    return conds


def _claim_days(st: ProjectState) -> list[int | None]:
    days: list[int | None] = [None] * len(STAGES)
    for rank, claim in st.claims.items():
        days[rank] = claim.day
    return days


def _period(p: Period | str) -> Period:
    return p if isinstance(p, Period) else Period.parse(p)


def _min_date(a: date | None, b: date | None) -> date | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
