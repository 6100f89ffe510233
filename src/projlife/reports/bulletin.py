"""The bulletin (周通报 / 月调度 / 季度 / 半年): a city's figures per county for a period, as of a date.

:func:`build_bulletin` assembles a :class:`Bulletin` from the ledger (stage dates as of
the date), and from optional sources, each a small Protocol so that the city rule
engine, the tickets service and the audit trail plug in when present: quotas
(:class:`QuotaSource`), a ranking (:class:`RankingSource`), the ticket loop
(:class:`TicketLoopSource`) and the audit checkpoint the figures come from. A section
whose source is absent is ``None`` and renders as "n/a" (暂无数据), never as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any, Protocol

import attrs

from projlife.audit.checkpoint import Checkpoint
from projlife.domain.areas import Area, AreaLevel
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.plugins.types import CityProfile
from projlife.reports.ledger_rows import LedgerRow

__all__ = [
    "BULLETIN_KINDS",
    "FUNNEL_STAGES",
    "Bulletin",
    "CountyFigures",
    "FunnelStep",
    "PacePoint",
    "QuotaResult",
    "QuotaSource",
    "Ranking",
    "RankingEntry",
    "RankingSource",
    "StaticQuotas",
    "TicketLoop",
    "TicketLoopSource",
    "build_bulletin",
]

BULLETIN_KINDS: dict[str, PeriodKind] = {
    "weekly": PeriodKind.WEEK,
    "monthly": PeriodKind.MONTH,
    "quarterly": PeriodKind.QUARTER,
    "half_year": PeriodKind.HALF_YEAR,
}
"""The bulletins officials read: 周通报, 月调度, 季度通报, 半年通报."""

FUNNEL_STAGES: tuple[Stage, ...] = (Stage.SIGNED, Stage.STARTED, Stage.IN_STATISTICS, Stage.PRODUCING)
"""The stages a bulletin counts, in order: 签约, 开工, 纳统, 投产."""


@attrs.frozen
class QuotaResult:
    """A quota for one stage in the period: target, actual, met or not, and the gap."""

    stage: Stage
    target: int
    actual: int

    @property
    def met(self) -> bool:
        return self.actual >= self.target

    @property
    def gap(self) -> int:
        """How many short of the target (0 when met)."""
        return max(0, self.target - self.actual)

    @property
    def surplus(self) -> int:
        return max(0, self.actual - self.target)


@attrs.frozen
class FunnelStep:
    """One step of the conversion funnel: count, and the rate from the previous step with its denominator."""

    stage: Stage
    count: int
    denominator: int | None

    @property
    def rate(self) -> float | None:
        if self.denominator is None or self.denominator == 0:
            return None
        return self.count / self.denominator


@attrs.frozen
class CountyFigures:
    area_code: str
    name: str
    is_zone: bool
    in_period: dict[Stage, int]
    """Projects that reached each stage within the period (up to the as-of date)."""
    cumulative: dict[Stage, int]
    """Projects that have reached each stage by the as-of date (claims not rejected)."""
    funnel: tuple[FunnelStep, ...]
    quotas: tuple[QuotaResult, ...] | None
    overdue: int
    """Projects whose scheduled start or completion date has passed without it (计划节点逾期)."""
    flagged: int
    """Projects carrying a flag (挂牌) on the as-of date."""
    removed: int
    cancelled: int


@attrs.frozen
class RankingEntry:
    rank: int
    area_code: str
    name: str
    score: float


@attrs.frozen
class Ranking:
    """A ranking computed by the city's rules, with the hash of the rule set that produced it."""

    entries: tuple[RankingEntry, ...]
    rule_set_hash: str
    title: str = "综合排名"


@attrs.frozen
class TicketLoop:
    """The enterprise-problem loop in the period (诉求闭环)."""

    raised: int
    closed: int
    overdue: int
    reopened: int
    satisfaction: float | None
    """Share of revisited tickets rated satisfied (0–1), None if none revisited."""


@attrs.frozen
class PacePoint:
    day: date
    actual: int
    quota: float


class QuotaSource(Protocol):
    """Where quotas come from (the city rule engine)."""

    def quota(self, area: Area, stage: Stage, period: Period) -> int | None: ...

    def counts(self, row: LedgerRow) -> bool:
        """Whether the project counts toward the quota (e.g. only industry projects)."""
        ...


class RankingSource(Protocol):
    def ranking(self, city: CityProfile, period: Period, as_of: date) -> Ranking | None: ...


class TicketLoopSource(Protocol):
    def loop_summary(self, city: CityProfile, period: Period, as_of: date) -> TicketLoop | None: ...


@attrs.frozen
class StaticQuotas:
    """Quotas given as numbers per period kind, for counties and for zones (开发区/示范区).

    ``source`` names the document the numbers come from. A quota for a longer period is
    scaled down pro rata to shorter periods only if ``prorate`` is true.
    """

    kind: PeriodKind
    county: Mapping[Stage, int]
    zone: Mapping[Stage, int]
    source: str
    prorate: bool = False
    industry_only: bool = False
    """Only industry projects (产业项目) count toward the quota."""

    def counts(self, row: LedgerRow) -> bool:
        return not self.industry_only or ProjectCategory(row.category).is_industry

    def quota(self, area: Area, stage: Stage, period: Period) -> int | None:
        table = self.zone if area.is_zone else self.county
        if stage not in table:
            return None
        if period.kind is self.kind:
            return table[stage]
        if self.prorate and period.kind.months and self.kind.months:
            return round(table[stage] * period.kind.months / self.kind.months)
        return None


@attrs.frozen
class Bulletin:
    """Everything a bulletin shows; renderers turn it into Markdown, JSON or HTML."""

    city_slug: str
    city_code: str
    city_name: str
    kind: str
    period: Period
    as_of: date
    counties: tuple[CountyFigures, ...]
    totals: CountyFigures
    funnel: tuple[FunnelStep, ...]
    pace: tuple[PacePoint, ...] | None
    pace_stage: Stage
    quota_source: str | None
    ranking: Ranking | None
    tickets: TicketLoop | None
    checkpoint: Checkpoint | None
    projects: int
    generated_by: str = "projlife"

    @property
    def period_start(self) -> date:
        return self.period.start

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates ISO, stages by value, rates with their denominators)."""

        def figures(c: CountyFigures) -> dict[str, Any]:
            return {
                "area_code": c.area_code,
                "name": c.name,
                "is_zone": c.is_zone,
                "in_period": {s.value: n for s, n in c.in_period.items()},
                "cumulative": {s.value: n for s, n in c.cumulative.items()},
                "funnel": [step(f) for f in c.funnel],
                "quotas": None
                if c.quotas is None
                else [
                    {
                        "stage": q.stage.value,
                        "target": q.target,
                        "actual": q.actual,
                        "met": q.met,
                        "gap": q.gap,
                    }
                    for q in c.quotas
                ],
                "overdue": c.overdue,
                "flagged": c.flagged,
                "removed": c.removed,
                "cancelled": c.cancelled,
            }

        def step(f: FunnelStep) -> dict[str, Any]:
            return {
                "stage": f.stage.value,
                "count": f.count,
                "denominator": f.denominator,
                "rate": None if f.rate is None else round(f.rate, 4),
            }

        return {
            "city": {"slug": self.city_slug, "code": self.city_code, "name": self.city_name},
            "kind": self.kind,
            "period": {
                "label": str(self.period),
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "as_of": self.as_of.isoformat(),
            "projects": self.projects,
            "counties": [figures(c) for c in self.counties],
            "totals": figures(self.totals),
            "funnel": [step(f) for f in self.funnel],
            "pace": None
            if self.pace is None
            else {
                "stage": self.pace_stage.value,
                "points": [
                    {"day": p.day.isoformat(), "actual": p.actual, "quota": round(p.quota, 2)}
                    for p in self.pace
                ],
            },
            "quota_source": self.quota_source,
            "ranking": None
            if self.ranking is None
            else {
                "title": self.ranking.title,
                "rule_set_hash": self.ranking.rule_set_hash,
                "entries": [attrs.asdict(e) for e in self.ranking.entries],
            },
            "tickets": None if self.tickets is None else attrs.asdict(self.tickets),
            "checkpoint": None if self.checkpoint is None else self.checkpoint.to_dict(),
        }


def _funnel(cumulative: Mapping[Stage, int]) -> tuple[FunnelStep, ...]:
    steps = []
    previous: int | None = None
    for stage in FUNNEL_STAGES:
        steps.append(FunnelStep(stage, cumulative[stage], previous))
        previous = cumulative[stage]
    return tuple(steps)


def _overdue(row: LedgerRow, as_of: date) -> bool:
    if row.cancelled_on is not None:
        return False
    return any(
        planned < as_of and stage not in row.stage_dates for stage, planned in row.planned_stage_dates.items()
    )


def _figures(
    area: Area | None,
    name: str,
    rows: Sequence[LedgerRow],
    period: Period,
    as_of: date,
    quotas: QuotaSource | None,
) -> CountyFigures:
    window = (period.start, min(period.end, as_of))
    in_period = {s: sum(r.reached(s, window) for r in rows) for s in FUNNEL_STAGES}
    cumulative = {s: sum(r.reached(s) for r in rows) for s in FUNNEL_STAGES}
    results: tuple[QuotaResult, ...] | None = None
    if quotas is not None and area is not None:
        found = []
        for stage in FUNNEL_STAGES:
            target = quotas.quota(area, stage, period)
            if target is not None:
                actual = sum(r.reached(stage, window) for r in rows if quotas.counts(r))
                found.append(QuotaResult(stage, target, actual))
        results = tuple(found)
    return CountyFigures(
        area_code=area.code if area else "",
        name=name,
        is_zone=bool(area and area.is_zone),
        in_period=in_period,
        cumulative=cumulative,
        funnel=_funnel(cumulative),
        quotas=results,
        overdue=sum(_overdue(r, as_of) for r in rows),
        flagged=sum(bool(r.flags) for r in rows),
        removed=sum(bool(r.removals) for r in rows),
        cancelled=sum(r.cancelled_on is not None for r in rows),
    )


def _pace(
    rows: Sequence[LedgerRow],
    counties: Sequence[Area],
    period: Period,
    as_of: date,
    stage: Stage,
    quotas: QuotaSource | None,
) -> tuple[PacePoint, ...] | None:
    if quotas is None:
        return None
    target = 0
    for area in counties:
        t = quotas.quota(area, stage, period)
        if t is not None:
            target += t
    if target == 0:
        return None
    end = min(period.end, as_of)
    days = sorted(
        r.stage_dates[stage] for r in rows if r.reached(stage, (period.start, end)) and quotas.counts(r)
    )
    points = []
    day = period.start
    step = timedelta(days=1 if period.days <= 31 else 7)
    while True:
        actual = sum(1 for d in days if d <= day)
        quota = target * ((day - period.start).days + 1) / period.days
        points.append(PacePoint(day, actual, quota))
        if day >= end:
            break
        day = min(day + step, end)
    return tuple(points)


def build_bulletin(
    rows: Iterable[LedgerRow],
    city: CityProfile,
    *,
    kind: str | PeriodKind,
    as_of: date,
    quotas: QuotaSource | None = None,
    quota_source: str | None = None,
    ranking: RankingSource | None = None,
    tickets: TicketLoopSource | None = None,
    checkpoint: Checkpoint | None = None,
    pace_stage: Stage = Stage.STARTED,
) -> Bulletin:
    """Assemble a bulletin from ledger rows as of ``as_of`` (see :func:`ledger_rows`)."""
    period_kind = (
        BULLETIN_KINDS[kind] if isinstance(kind, str) and kind in BULLETIN_KINDS else PeriodKind(kind)
    )
    kind_name = (
        next(k for k, v in BULLETIN_KINDS.items() if v is period_kind)
        if period_kind in BULLETIN_KINDS.values()
        else period_kind.value
    )
    period = Period.containing(period_kind, as_of)
    all_rows = [r for r in rows if r.stage_dates.get(Stage.CONCEIVED, as_of) <= as_of]
    counties = [a for a in city.areas if a.level is AreaLevel.COUNTY]
    by_county: dict[str, list[LedgerRow]] = {a.code: [] for a in counties}
    city_level: list[LedgerRow] = []
    for row in all_rows:
        by_county.get(row.county_code, city_level).append(row)
    figures = tuple(_figures(a, a.name, by_county[a.code], period, as_of, quotas) for a in counties)
    if city_level:
        figures += (_figures(None, f"{city.name_zh}本级", city_level, period, as_of, None),)
    totals = _figures(None, "合计", all_rows, period, as_of, None)
    if quotas is not None:
        sums: dict[Stage, int] = {}
        for c in figures:
            for q in c.quotas or ():
                sums[q.stage] = sums.get(q.stage, 0) + q.target
        actuals: dict[Stage, int] = {}
        for c in figures:
            for q in c.quotas or ():
                actuals[q.stage] = actuals.get(q.stage, 0) + q.actual
        totals = attrs.evolve(totals, quotas=tuple(QuotaResult(s, t, actuals[s]) for s, t in sums.items()))
    return Bulletin(
        city_slug=city.slug,
        city_code=city.code,
        city_name=city.name_zh,
        kind=kind_name,
        period=period,
        as_of=as_of,
        counties=figures,
        totals=totals,
        funnel=totals.funnel,
        pace=_pace(all_rows, counties, period, as_of, pace_stage, quotas),
        pace_stage=pace_stage,
        quota_source=quota_source if quotas is not None else None,
        ranking=ranking.ranking(city, period, as_of) if ranking is not None else None,
        tickets=tickets.loop_summary(city, period, as_of) if tickets is not None else None,
        checkpoint=checkpoint,
        projects=len(all_rows),
    )
