"""The bulletin (周通报 / 月调度 / 季度 / 半年): a city's figures per county for a period, as of a date.

:func:`build_bulletin` reads every figure from the capability that owns it:

- the 台账 counts per county from the ledger projection (``app.ledger.rows``), as of the
  business date and, with ``known_at``, as the log stood at that recorded time;
- the ledger summary, the cohort funnel and the rates (each with numerator and denominator)
  from ``app.ledger.summary`` and ``app.metrics``, under the same ``as_of``/``known_at``;
- quotas, overdue deadlines and the ranking from the city rule engine
  (:mod:`projlife.reports.city_rules`), stamped with the rule-set hash;
- the enterprise-problem loop from ``app.tickets`` (:mod:`projlife.reports.ticket_loop`);
- the signed audit checkpoint from ``app.audit.latest_checkpoint()``.

Every count of projects (the per-county figures, totals, rule sections, metrics) is read through
the one counting layer (:mod:`projlife.projections.counting`), as of the business date and as
known at ``known_at``, under the city's counting policy (its drive scope: 孝感 counts only
亿元以上产业项目). Each county shows how many stage entries were left out and why (removed,
cancelled, rejected) and how many projects fall outside the scope. The tickets read model
answers "as of a business date" only; a ``known_at`` bulletin leaves that section out and says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from projlife.audit.checkpoint import Checkpoint
from projlife.domain.areas import Area, AreaLevel
from projlife.domain.lifecycle import Stage
from projlife.domain.money import decimal_text
from projlife.domain.periods import Period, PeriodKind
from projlife.plugins.city_extras import bulletin_sections as extra_sections
from projlife.plugins.city_extras import city_labels
from projlife.plugins.counting_policy import CountingPolicy
from projlife.plugins.labels import BulletinSection, Labels
from projlife.plugins.manager import rule_set
from projlife.plugins.rules import canonical_decimal
from projlife.plugins.types import CityProfile
from projlife.projections.counting import Counting, ProjectFacts, Revision, entries, revisions
from projlife.projections.ledger import LedgerSummary
from projlife.projections.metrics import Funnel, Rate
from projlife.reports.city_rules import RuleSections, rule_sections
from projlife.reports.ticket_loop import TicketLoop, ticket_loop

if TYPE_CHECKING:
    from projlife.engine.indicator_ranking import IndicatorRankingResult
    from projlife.ports import BulletinSource
    from projlife.projections.counting.indicators import IndicatorValue
    from projlife.reports.office_report import OfficeSection

__all__ = [
    "BULLETIN_KINDS",
    "FUNNEL_STAGES",
    "Bulletin",
    "CountyFigures",
    "FunnelStep",
    "build_bulletin",
]

BULLETIN_KINDS: dict[str, PeriodKind] = {
    "weekly": PeriodKind.WEEK,
    "monthly": PeriodKind.MONTH,
    "quarterly": PeriodKind.QUARTER,
    "half-year": PeriodKind.HALF_YEAR,
}
"""The bulletins officials read: 周通报, 月调度, 季度通报, 半年通报."""

FUNNEL_STAGES: tuple[Stage, ...] = (Stage.SIGNED, Stage.STARTED, Stage.IN_STATISTICS, Stage.PRODUCING)
"""The stages a bulletin counts, in order: 签约, 开工, 纳统, 投产."""


@attrs.frozen
class FunnelStep:
    """One step of the stock funnel: count, and the rate from the previous step with its denominator."""

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
    overdue: int
    """Projects whose scheduled start or completion date has passed without it (计划节点逾期)."""
    deadlines_overdue: int | None
    """Deadlines of the city's rules overdue in the county (None: rules not evaluated)."""
    tickets_overdue: int | None
    flagged: int
    """Projects carrying a flag (挂牌) on the as-of date."""
    removed: int
    """Projects in scope removed (剔除) from a pool they were counted in."""
    cancelled: int
    left_out: dict[str, int] = attrs.field(factory=dict)
    """Stage entries of the period left out of ``in_period``, by why: removed, cancelled, rejected."""
    out_of_scope: int = 0
    """Projects outside the city's drive scope (e.g. 孝感 211: under 1 亿 or not 产业项目)."""


@attrs.frozen
class Bulletin:
    """Everything a bulletin shows; renderers turn it into Markdown, JSON or HTML."""

    city_slug: str
    city_code: str
    city_name: str
    kind: str
    period: Period
    as_of: date
    known_at: datetime | None
    counties: tuple[CountyFigures, ...]
    totals: CountyFigures
    funnel: tuple[FunnelStep, ...]
    ledger: LedgerSummary
    cohort_funnel: Funnel
    rates: tuple[Rate, ...]
    rules: RuleSections | None
    tickets: TicketLoop | None
    not_as_known: tuple[str, ...]
    """Sections left out because their source cannot answer "as known at" a past time."""
    checkpoint: Checkpoint | None
    log_head: int
    """The last event position in the log when the bulletin was built."""
    projects: int
    generated_by: str = "projlife"
    published_at: datetime | None = None
    """When the period's figures were published (``build_bulletin(published_at=…)``)."""
    revisions: tuple[Revision, ...] = ()
    """The period's figures (per county and in total) a later-recorded, back-dated fact changed
    since ``published_at``: the published count, the revised one and the event ids behind it."""

    city_name_en: str = ""
    units_are_towns: bool = False
    """The city's competing units are towns, streets and parks (镇街(园区)), not counties."""
    labels: Labels = attrs.field(factory=Labels)
    """The city's words for its areas, awards and sections (``projlife_labels``)."""
    extra_sections: tuple[BulletinSection, ...] = ()
    """Sections the city's plugins add (``projlife_bulletin_sections``), after the library's."""
    indicator_rankings: tuple[IndicatorRankingResult, ...] = ()
    """The city's indicator rankings of this period kind (``projlife_indicator_rankings``)."""
    plan_completion: tuple[tuple[str, IndicatorValue], ...] = ()
    """投资完成率 against the 目标责任书 per area (name, value), when the period has targets."""
    office: OfficeSection | None = None
    """The 重点项目办 section (lists, 三个一批, the 004 rates, visits, funding); ``None`` without office facts."""

    @property
    def checkpoint_covers(self) -> bool:
        """Whether the signed checkpoint covers every event the figures were read from."""
        return self.checkpoint is not None and self.checkpoint.last_position >= self.log_head

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (dates ISO, stages and decimals as strings, rates with denominators)."""
        return _to_dict(self)


def _funnel(cumulative: Mapping[Stage, int]) -> tuple[FunnelStep, ...]:
    steps = []
    previous: int | None = None
    for stage in FUNNEL_STAGES:
        steps.append(FunnelStep(stage, cumulative[stage], previous))
        previous = cumulative[stage]
    return tuple(steps)


def _planned_overdue(f: ProjectFacts, as_of: date) -> bool:
    if f.cancelled_on is not None:
        return False
    return any(planned < as_of and stage not in f.stage_dates for stage, planned in f.scheduled.items())


def _figures(
    code: str,
    name: str,
    is_zone: bool,
    facts: Sequence[ProjectFacts],
    period: Period,
    as_of: date,
    deadlines: Mapping[str, int] | None,
    tickets: Mapping[str, int] | None,
) -> CountyFigures:
    start, end = period.start, min(period.end, as_of)
    in_period: dict[Stage, int] = {}
    cumulative: dict[Stage, int] = {}
    left_out: dict[str, int] = {"removed": 0, "cancelled": 0, "rejected": 0}
    for s in FUNNEL_STAGES:
        chosen = [f for f in facts if f.in_scope(s)]
        window = entries(chosen, s, start, end)
        in_period[s] = window.count
        for why in left_out:
            left_out[why] += window.left_out(why)
        cumulative[s] = entries(chosen, s, date.min, as_of).count
    inside = [f for f in facts if f.in_scope()]
    return CountyFigures(
        area_code=code,
        name=name,
        is_zone=is_zone,
        in_period=in_period,
        cumulative=cumulative,
        funnel=_funnel(cumulative),
        overdue=sum(_planned_overdue(f, as_of) for f in inside),
        deadlines_overdue=None if deadlines is None else deadlines.get(code, 0),
        tickets_overdue=None if tickets is None else tickets.get(code, 0),
        flagged=sum(bool(f.flags) for f in inside),
        removed=sum(any(f.removal_of(s) for s in f.stage_dates) for f in inside),
        cancelled=sum(f.cancelled_on is not None for f in inside),
        left_out=left_out,
        out_of_scope=len(facts) - len(inside),
    )


def _sum(name: str, parts: Sequence[CountyFigures]) -> CountyFigures:
    def total(values: Sequence[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v or 0 for v in values)

    cumulative = {s: sum(p.cumulative[s] for p in parts) for s in FUNNEL_STAGES}
    return CountyFigures(
        area_code="",
        name=name,
        is_zone=False,
        in_period={s: sum(p.in_period[s] for p in parts) for s in FUNNEL_STAGES},
        cumulative=cumulative,
        funnel=_funnel(cumulative),
        overdue=sum(p.overdue for p in parts),
        deadlines_overdue=total([p.deadlines_overdue for p in parts]),
        tickets_overdue=total([p.tickets_overdue for p in parts]),
        flagged=sum(p.flagged for p in parts),
        removed=sum(p.removed for p in parts),
        cancelled=sum(p.cancelled for p in parts),
        left_out={w: sum(p.left_out.get(w, 0) for p in parts) for w in ("removed", "cancelled", "rejected")},
        out_of_scope=sum(p.out_of_scope for p in parts),
    )


def bulletin_kind(kind: str | PeriodKind) -> tuple[str, PeriodKind]:
    """The bulletin's name and period kind (``weekly`` … ``half-year``; ``half_year`` accepted)."""
    if isinstance(kind, str) and kind.replace("_", "-") in BULLETIN_KINDS:
        name = kind.replace("_", "-")
        return name, BULLETIN_KINDS[name]
    pk = PeriodKind(kind)
    for name, k in BULLETIN_KINDS.items():
        if k is pk:
            return name, pk
    return pk.value, pk


def build_bulletin(
    app: BulletinSource,
    city: CityProfile | str,
    *,
    kind: str | PeriodKind,
    as_of: date,
    known_at: datetime | None = None,
    checkpoint: Checkpoint | None = None,
    published_at: datetime | None = None,
) -> Bulletin:
    """Assemble the bulletin of ``city`` for the period of ``kind`` containing ``as_of``.

    Catch the projections up (``app.projections.run()``) before calling it: the ledger and
    metrics read their tables as they stand. ``checkpoint`` defaults to the audit trail's
    latest signed checkpoint.

    ``published_at`` (tz-aware): when this period's figures were published. The bulletin then
    also lists, under ``revisions``, every in-period figure (per county and the totals) that facts
    recorded after ``published_at`` and dated by the period's end have changed: published count,
    revised count, the projects added and dropped, and the event ids behind the change.
    """
    profile = app.city(city) if isinstance(city, str) else city
    kind_name, period_kind = bulletin_kind(kind)
    period = Period.containing(period_kind, as_of)
    year_rules = rule_set(app.plugins, profile, Period.containing(PeriodKind.YEAR, as_of))
    facts = Counting(app.engine).projects(
        profile.code, as_of=as_of, known_at=known_at, policy=year_rules.counting
    )
    summary = app.ledger.summary(city=profile.code, as_of=as_of, known_at=known_at)
    cohort = app.metrics.funnel(period, city=profile.code, as_of=as_of, known_at=known_at)
    rates = app.metrics.rates(period=period, city=profile.code, as_of=as_of, known_at=known_at)
    not_as_known: tuple[str, ...] = ()
    rules = rule_sections(app, profile, period_kind, as_of, known_at)
    tickets: TicketLoop | None = None
    if known_at is None:
        tickets = ticket_loop(app, profile, as_of)
    else:
        not_as_known = ("tickets",)
    counties: list[Area] = list(profile.areas.units)  # 县市区, or a county plugin's 镇街(园区)
    by_county: dict[str, list[ProjectFacts]] = {a.code: [] for a in counties}
    city_level: list[ProjectFacts] = []
    for f in facts:
        county = profile.areas.unit_of(f.area_code) if f.area_code in profile.areas else None
        by_county.get(county.code if county is not None else "", city_level).append(f)
    deadlines = rules.deadlines.by_county
    overdue_tickets = tickets.overdue_by_county if tickets is not None else None
    figures = [
        _figures(a.code, a.name, a.is_zone, by_county[a.code], period, as_of, deadlines, overdue_tickets)
        for a in counties
    ]
    if city_level or (deadlines or {}).get(profile.code) or (overdue_tickets or {}).get(profile.code):
        figures.append(
            _figures(
                profile.code,
                f"{profile.name_zh}本级",
                False,
                city_level,
                period,
                as_of,
                deadlines,
                overdue_tickets,
            )
        )
    totals = _sum("合计", figures)
    revised: list[Revision] = []
    if published_at is not None:
        revised = _revisions(
            app, profile, counties, facts, period, as_of, known_at, published_at, year_rules.counting
        )
    if checkpoint is None:
        checkpoint = app.audit.latest_checkpoint()
    from projlife.plugins.office_settings import office_settings
    from projlife.reports.office_report import (
        office_section,
    )  # it lays out with render_md, which imports this

    if known_at is None:
        settings = office_settings(app.plugins, profile)  # the city's readings and 亩均 benchmarks
        office = office_section(
            app.office_figures,
            app.office,
            profile.code,
            as_of,
            benchmarks=settings.benchmarks,
            settings=settings.rates,
            per_mu_rank=settings.per_mu_rank,
            areas=profile.areas,
        )
    else:
        office = None
    return Bulletin(
        city_slug=profile.slug,
        city_code=profile.code,
        city_name=profile.name_zh,
        kind=kind_name,
        period=period,
        as_of=as_of,
        known_at=known_at,
        counties=tuple(figures),
        totals=totals,
        funnel=totals.funnel,
        ledger=summary,
        cohort_funnel=cohort,
        rates=tuple(rates.values()),
        rules=rules,
        tickets=tickets,
        not_as_known=not_as_known,
        checkpoint=checkpoint,
        log_head=app.store.recorder.max_notification_id() or 0,
        projects=sum(1 for f in facts if f.in_scope()),
        published_at=published_at,
        revisions=tuple(revised),
        city_name_en=profile.name_en,
        units_are_towns=any(a.level is AreaLevel.TOWN for a in profile.areas),
        labels=city_labels(app.plugins, profile),
        indicator_rankings=() if known_at is not None else _indicator_rankings(app, profile, period, as_of),
        plan_completion=() if known_at is not None else _plan_completion(app, profile, facts, period, as_of),
        extra_sections=extra_sections(app, profile, kind_name, period, as_of),
        office=office,
    )


def _revisions(
    app: BulletinSource,
    profile: CityProfile,
    counties: Sequence[Area],
    facts: Sequence[ProjectFacts],
    period: Period,
    as_of: date,
    known_at: datetime | None,
    published_at: datetime,
    policy: CountingPolicy,
) -> list[Revision]:
    """The period's entries as published (as of its end, as known at ``published_at``) against
    the same entries now, per county and in total (``area_code`` None)."""
    end = min(period.end, as_of)
    counting = Counting(app.engine)
    known = published_at if known_at is None else min(published_at, known_at)
    published = counting.projects(profile.code, as_of=end, known_at=known, policy=policy)
    current = (
        facts
        if end == as_of
        else counting.projects(profile.code, as_of=end, known_at=known_at, policy=policy)
    )

    def causes(ids: Sequence[str]) -> Mapping[str, tuple[int, ...]]:
        found = counting.recorded_after(ids, after=published_at, as_of=end)
        if known_at is None:
            return found
        cut = counting.recorded_after(ids, after=known_at, as_of=end)
        return {p: tuple(e for e in es if e not in set(cut.get(p, ()))) for p, es in found.items()}

    def county_of(f: ProjectFacts) -> str | None:
        county = profile.areas.unit_of(f.area_code) if f.area_code in profile.areas else None
        return None if county is None else county.code

    out = revisions(published, current, FUNNEL_STAGES, period.start, end, causes)
    for a in counties:
        out += revisions(
            [f for f in published if county_of(f) == a.code],
            [f for f in current if county_of(f) == a.code],
            FUNNEL_STAGES, period.start, end, causes, area_code=a.code,
        )  # fmt: skip
    return out


def _plan_completion(
    app: BulletinSource, profile: CityProfile, facts: Sequence[ProjectFacts], period: Period, as_of: date
) -> tuple[tuple[str, IndicatorValue], ...]:
    """Each area's 投资完成率 for ``period`` against the targets in force on ``as_of`` (none: empty)."""
    from projlife.plugins.indicators import INVESTMENT_COMPLETION
    from projlife.projections.counting.indicators import IndicatorInputs, indicator_values

    table = app.targets.table(profile.code, as_of)
    if not any(k[2] == "investment" and k[3] == str(period) for k in table.targets):
        return ()
    areas = list(profile.areas.units)
    inputs = IndicatorInputs(profile.areas, facts, (), (), table, app.calendar, period, as_of)
    values = indicator_values(INVESTMENT_COMPLETION, inputs, areas)
    return tuple((a.name, values[a.code]) for a in areas if values[a.code].denominator is not None)


def _indicator_rankings(
    app: BulletinSource, profile: CityProfile, period: Period, as_of: date
) -> tuple[IndicatorRankingResult, ...]:
    from projlife.engine.indicator_ranking import rank_by_indicators
    from projlife.plugins.city_extras import indicator_rankings

    return tuple(
        rank_by_indicators(app, profile.slug, period, as_of, rule_id=r.id)
        for r in indicator_rankings(app.plugins, profile, period)
        if r.period_kind is period.kind
    )


# -- JSON ----------------------------------------------------------------------------------------


def _d(value: Decimal | None) -> str | None:
    return None if value is None else canonical_decimal(value)


def _count_or_d(value: Decimal | None, measure: str) -> int | str | None:
    """A count as a JSON integer; an amount (or a fraction) as a decimal string."""
    if value is not None and measure != "amount" and value == value.to_integral_value():
        return int(value)
    return _d(value)


def _to_dict(b: Bulletin) -> dict[str, Any]:
    def step(f: FunnelStep) -> dict[str, Any]:
        return {
            "stage": f.stage.value,
            "count": f.count,
            "denominator": f.denominator,
            "rate": None if f.rate is None else round(f.rate, 4),
        }

    def figures(c: CountyFigures) -> dict[str, Any]:
        return {
            "area_code": c.area_code,
            "name": c.name,
            "is_zone": c.is_zone,
            "in_period": {s.value: n for s, n in c.in_period.items()},
            "cumulative": {s.value: n for s, n in c.cumulative.items()},
            "funnel": [step(f) for f in c.funnel],
            "overdue_planned": c.overdue,
            "deadlines_overdue": c.deadlines_overdue,
            "tickets_overdue": c.tickets_overdue,
            "flagged": c.flagged,
            "removed": c.removed,
            "cancelled": c.cancelled,
            "left_out": dict(c.left_out),
            "out_of_scope": c.out_of_scope,
        }

    led = b.ledger
    out: dict[str, Any] = {
        "city": {"slug": b.city_slug, "code": b.city_code, "name": b.city_name},
        "kind": b.kind,
        "period": {
            "label": str(b.period),
            "start": b.period.start.isoformat(),
            "end": b.period.end.isoformat(),
        },
        "as_of": b.as_of.isoformat(),
        "known_at": None if b.known_at is None else b.known_at.isoformat(),
        "projects": b.projects,
        **({"labels": b.labels.as_dict()} if b.labels.words else {}),
        **({"extra_sections": [x.as_dict() for x in b.extra_sections]} if b.extra_sections else {}),
        **(
            {"indicator_rankings": [r.as_dict() for r in b.indicator_rankings]}
            if b.indicator_rankings
            else {}
        ),
        **(
            {"plan_completion": [{"area": n, **v.as_dict()} for n, v in b.plan_completion]}
            if b.plan_completion
            else {}
        ),
        "counties": [figures(c) for c in b.counties],
        "totals": figures(b.totals),
        "funnel": [step(f) for f in b.funnel],
        "ledger": {
            "projects": led.projects,
            "by_stage": {str(s): n for s, n in led.by_stage.items()},
            "by_verified_stage": {str(s): n for s, n in led.by_verified_stage.items()},
            "planned_investment_yuan": decimal_text(led.planned_investment),
            "signed_amount_yuan": decimal_text(led.signed_amount),
            "investment_reported_yuan": decimal_text(led.investment_reported),
            "removed": led.removed,
            "cancelled": led.cancelled,
            "flagged": led.flagged,
        },
        "cohort_funnel": b.cohort_funnel.as_dict(),
        "rates": {r.name: r.as_dict() for r in b.rates},
        "not_as_known": list(b.not_as_known),
        "warnings": [],
        "quotas": None,
        "deadlines": None,
        "rankings": None,
        "pace": None,
        "tickets": None,
        "published_at": None if b.published_at is None else b.published_at.isoformat(),
        "revisions": [
            {
                "area_code": r.area_code,
                "stage": r.stage.value,
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
                "published": r.published,
                "revised": r.revised,
                "added": list(r.added),
                "dropped": list(r.dropped),
                "event_ids": list(r.event_ids),
            }
            for r in b.revisions
        ],
        "checkpoint": None
        if b.checkpoint is None
        else {**b.checkpoint.to_dict(), "covers_figures": b.checkpoint_covers, "log_head": b.log_head},
    }
    if b.rules is not None:
        r = b.rules
        out["rule_set_sha256"] = r.rule_set_sha256
        out["quota_rule_sets"] = {str(p): sha for p, sha in r.quotas.hashes.items()}
        out["quotas"] = [
            {
                "rule_id": q.rule_id,
                "title_zh": q.title_zh,
                "period": str(q.period),
                "area_code": q.area_code,
                "area_name": q.area_name,
                "city_wide": q.city_wide,
                "measure": q.measure,
                "value": _d(q.value),
                "numerator": _count_or_d(q.numerator, q.measure),
                "denominator": _count_or_d(q.denominator, q.measure),
                "unit": "yuan" if q.measure == "amount" else None,
                "target": _d(q.target),
                "margin": _d(q.margin),
                "status": q.status.value,
                "final": q.final,
                "rule_set_sha256": q.rule_set_sha256,
            }
            for q in r.quotas.lines
        ]
        out["deadlines"] = {
            "rule_set_sha256": r.deadlines.rule_set_sha256,
            "triggered": r.deadlines.triggered,
            "overdue": [
                {**attrs.asdict(d, recurse=False), "due_on": d.due_on.isoformat()}
                for d in r.deadlines.overdue
            ],
            "calendar_version": r.deadlines.calendar_version,
            "years_without_data": list(r.deadlines.years_without_data),
        }
        out["warnings"] = list(r.deadlines.warnings)
        out["rankings"] = [
            {
                "rule_id": k.rule_id,
                "title_zh": k.title_zh,
                "period": str(k.period),
                "rule_set_sha256": k.rule_set_sha256,
                "top_n": k.top_n,
                "bottom_n": k.bottom_n,
                "entries": [
                    {
                        "rank": e.rank,
                        "area_code": e.area_code,
                        "name": e.name,
                        "score": _d(e.score),
                        "mark": e.mark,
                        "tied": e.tied,
                    }
                    for e in k.entries
                ],
            }
            for k in r.rankings
        ]
        if r.pace is not None and r.pace_rule is not None:
            out["pace"] = {
                "rule_id": r.pace_rule.rule_id,
                "title_zh": r.pace_rule.title_zh,
                "points": [
                    {"day": p.day.isoformat(), "actual": _d(p.actual), "target": _d(p.target)} for p in r.pace
                ],
            }
    if b.tickets is not None:
        t = b.tickets
        out["tickets"] = {
            "raised": t.raised,
            "open": t.open,
            "answered": t.answered,
            "closed": t.closed,
            "withdrawn": t.withdrawn,
            "overdue": t.overdue,
            "reopened": t.reopened,
            "revisits": t.revisits,
            "satisfied_share": _d(t.satisfied_share),
            "mean_satisfaction": _d(t.mean_satisfaction),
            "overdue_by_county": t.overdue_by_county,
            "most_overdue": [
                {**attrs.asdict(o, recurse=False), "due_on": o.due_on.isoformat()} for o in t.most_overdue
            ],
        }
    if b.office is not None:
        from projlife.reports.office_report import office_to_dict

        out["office"] = office_to_dict(b.office)
    return out
