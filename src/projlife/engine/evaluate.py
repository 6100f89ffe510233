"""Quotas, deadlines and rankings at any as-of date, each stamped with its rule-set hash.

Each function takes either a :class:`~projlife.ports.CountingSource`, such as the application
(facts from the one counting layer, :class:`~projlife.projections.counting.Counting`, as of the
date and optionally as known at ``known_at``; rules from its plugins) or an in-memory :class:`~projlife.engine.facts.FactsSource` together with
a :class:`~projlife.plugins.rules.RuleSet` (and optionally the calendar). Every result carries
``rule_set_sha256``: the same facts and the same hash give the same result, and a change of
rules shows as a change of hash.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from projlife.calendar import (
    DeadlineStatus,
    WorkdayCalendar,
    calendar_warning,
    overdue_working_days,
    status,
)
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.facts import FactsSource, ProjectFacts, SiteSheetsSource
from projlife.engine.metrics import MetricValue, facts_by_area, measure
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import (
    Comparison,
    EventRefKind,
    Normalisation,
    RuleSet,
    ScoringRule,
    canonical_decimal,
)
from projlife.plugins.site_scoring import SiteScoring
from projlife.plugins.types import CityProfile
from projlife.projections.counting import Counting

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = [
    "DeadlineReport",
    "DeadlineResult",
    "EngineError",
    "QuotaReport",
    "QuotaResult",
    "QuotaStatus",
    "RankedArea",
    "Ranking",
    "evaluate_deadlines",
    "evaluate_quotas",
    "rank",
]


class EngineError(ProjlifeError):
    """An evaluation was asked for something the rules do not define."""


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else canonical_decimal(value)


# -- resolving the inputs -----------------------------------------------------------------------


@attrs.frozen
class _Inputs:
    city: CityProfile
    facts: list[ProjectFacts]
    rules: RuleSet
    calendar: WorkdayCalendar


def _inputs(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    period: Period,
    as_of: date,
    rules: RuleSet | None,
    calendar: WorkdayCalendar | None,
    known_at: datetime | None = None,
) -> _Inputs:
    counting: Counting | None = None
    if not isinstance(source, FactsSource):
        profile = source.city(city) if isinstance(city, str) else city
        counting = Counting(source.engine, catch_up=lambda: _caught_up(source))
        if rules is None:
            rules = rule_set(source.plugins, profile, period)
        if calendar is None:
            calendar = city_calendar(source.plugins, profile, source.calendar)
    else:
        if not isinstance(city, CityProfile):
            raise EngineError(
                "evaluate rules", "a facts source needs a CityProfile, not a slug", "a CityProfile"
            )
        profile = city
        if rules is None:
            raise EngineError(
                f"evaluate rules of {profile.slug}",
                "a facts source without an application needs its RuleSet",
                "pass rules=rule_set(pm, city, period) or the application",
            )
    if rules.city_code != profile.code:
        raise EngineError(
            f"evaluate rules of {profile.slug}",
            f"the rule set is for {rules.city}",
            "the rule set of this city",
        )
    if calendar is None:
        calendar = WorkdayCalendar.china().with_overrides(rules.calendar)
    policy = rules.counting
    if counting is not None:
        known = counting.projects(profile.code, as_of=as_of, known_at=known_at, policy=policy)
    else:
        assert isinstance(source, FactsSource)
        known = [
            attrs.evolve(g, policy=policy)
            for f in source.project_facts(profile)
            if (g := f.as_of(as_of)) is not None
        ]
    return _Inputs(profile, known, rules, calendar)


def _caught_up(app: CountingSource) -> None:
    """Catch the projections up; refuse to count from a read model stopped behind the log."""
    from projlife.projections.details import DETAILS_PROJECTION
    from projlife.projections.facts import LEDGER_PROJECTION
    from projlife.projections.site_scores import SITE_SCORES_PROJECTION

    app.projections.run()
    app.projections.raise_if_stopped(
        attempted="count the engine's facts from the projections",
        names=(LEDGER_PROJECTION, DETAILS_PROJECTION, SITE_SCORES_PROJECTION),
    )


# -- quotas -----------------------------------------------------------------------------------


class QuotaStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "n/a"


@attrs.frozen
class QuotaResult:
    """One quota for one area (or the whole city): the numbers and whether the target is met.

    ``final`` is True once ``as_of`` has reached the period's end; before that a ``not_met`` is
    "not met yet". ``n/a``: the metric is undefined (empty cohort, period not begun).
    """

    rule_id: str
    area_code: str
    area_name: str
    value: MetricValue
    target: Decimal
    comparison: Comparison
    status: QuotaStatus
    final: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "area_code": self.area_code,
            "area_name": self.area_name,
            **self.value.as_dict(),
            "target": canonical_decimal(self.target),
            "comparison": self.comparison.value,
            "status": self.status.value,
            "final": self.final,
        }


@attrs.frozen
class QuotaReport:
    city: str
    period: Period
    as_of: date
    rule_set_sha256: str
    results: tuple[QuotaResult, ...]

    def not_met(self) -> tuple[QuotaResult, ...]:
        return tuple(r for r in self.results if r.status is QuotaStatus.NOT_MET)

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "results": [r.as_dict() for r in self.results],
        }


def _quota_status(value: Decimal | None, target: Decimal, comparison: Comparison) -> QuotaStatus:
    if value is None:
        return QuotaStatus.NOT_APPLICABLE
    ok = value >= target if comparison is Comparison.AT_LEAST else value <= target
    return QuotaStatus.MET if ok else QuotaStatus.NOT_MET


def evaluate_quotas(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    period: Period,
    as_of: date,
    *,
    rules: RuleSet | None = None,
    calendar: WorkdayCalendar | None = None,
    known_at: datetime | None = None,
) -> QuotaReport:
    """Every quota of ``period``'s kind, per area (or city-wide), as of ``as_of``.

    Rules of other period kinds are not evaluated here (evaluate them on their own periods).
    Results are ordered by rule id, then area code.
    """
    inp = _inputs(source, city, period, as_of, rules, calendar, known_at)
    results: list[QuotaResult] = []
    final = as_of >= period.end
    for rule in sorted(inp.rules.quotas, key=lambda q: q.id):
        if rule.period_kind is not period.kind:
            continue
        groups = facts_by_area(inp.facts, inp.city.areas, rule.scope)
        for code, area_facts in sorted(groups.items()):
            if as_of < period.start:
                value = MetricValue(None)
            else:
                value = measure(rule.metric, area_facts, period, as_of, inp.calendar)
            results.append(
                QuotaResult(
                    rule_id=rule.id,
                    area_code=code,
                    area_name=inp.city.areas[code].name,
                    value=value,
                    target=rule.target,
                    comparison=rule.comparison,
                    status=_quota_status(value.value, rule.target, rule.comparison),
                    final=final,
                )
            )
    return QuotaReport(inp.city.slug, period, as_of, inp.rules.sha256, tuple(results))


# -- deadlines ----------------------------------------------------------------------------------


@attrs.frozen
class DeadlineResult:
    """One deadline of one project: when it was triggered, when it is due, where it stands.

    ``provisional``: the due day was computed on assumed Monday–Friday days (no official table).
    ``flag``: the flag an overdue (or late) project gets, from the rule.
    """

    rule_id: str
    project_id: UUID
    project_code: str
    area_code: str
    trigger_on: date
    due_on: date
    provisional: bool
    met_on: date | None
    status: DeadlineStatus
    overdue_working_days: int
    flag: str | None
    calendar_version: str = ""
    years_without_data: tuple[int, ...] = ()

    @property
    def is_overdue(self) -> bool:
        return self.status is DeadlineStatus.OVERDUE

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "project_id": str(self.project_id),
            "project_code": self.project_code,
            "area_code": self.area_code,
            "trigger_on": self.trigger_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "provisional": self.provisional,
            "met_on": None if self.met_on is None else self.met_on.isoformat(),
            "status": self.status.value,
            "overdue_working_days": self.overdue_working_days,
            "flag": self.flag,
            "calendar_version": self.calendar_version,
            "years_without_data": list(self.years_without_data),
        }


@attrs.frozen
class DeadlineReport:
    city: str
    as_of: date
    rule_set_sha256: str
    results: tuple[DeadlineResult, ...]

    def overdue(self) -> tuple[DeadlineResult, ...]:
        """The projects flagged: overdue as of the report date."""
        return tuple(r for r in self.results if r.is_overdue)

    @property
    def years_without_data(self) -> tuple[int, ...]:
        """Years some due day was counted across without official holiday data."""
        return tuple(sorted({y for r in self.results for y in r.years_without_data}))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Loud warnings for the reader (a due day counted on assumed Monday–Friday weeks)."""
        warning = calendar_warning(self.years_without_data)
        return () if warning is None else (warning,)

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "results": [r.as_dict() for r in self.results],
            "warnings": list(self.warnings),
        }


def evaluate_deadlines(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    as_of: date,
    *,
    rules: RuleSet | None = None,
    calendar: WorkdayCalendar | None = None,
    known_at: datetime | None = None,
) -> DeadlineReport:
    """Every triggered deadline of every project of ``city`` as of ``as_of``.

    Uses the rule set of the year containing ``as_of`` unless ``rules`` is given. A project
    cancelled before meeting a deadline owes nothing and is left out. Results are ordered by
    rule id, then project code.
    """
    inp = _inputs(source, city, Period.containing(PeriodKind.YEAR, as_of), as_of, rules, calendar, known_at)
    results: list[DeadlineResult] = []
    for spec in sorted(inp.rules.deadlines, key=lambda d: d.id):
        for f in sorted(inp.facts, key=lambda f: f.code):
            trigger_stage = Stage(spec.trigger.name) if spec.trigger.kind is EventRefKind.STAGE else None
            if not f.matches(spec.filter, trigger_stage):
                continue
            trigger_on = f.happened(spec.trigger)
            if trigger_on is None:
                continue
            met_on = f.happened(spec.target)
            if met_on is not None and met_on < trigger_on:
                met_on = trigger_on  # the target came first: met on the day it was owed
            if met_on is None and f.cancelled_on is not None:
                continue
            deadline = spec.rule.due(trigger_on, inp.calendar)
            st = status(deadline, met_on, as_of)
            results.append(
                DeadlineResult(
                    rule_id=spec.id,
                    project_id=f.project_id,
                    project_code=f.code,
                    area_code=f.area_code,
                    trigger_on=trigger_on,
                    due_on=deadline.due_on,
                    provisional=deadline.provisional,
                    met_on=met_on,
                    status=st,
                    overdue_working_days=overdue_working_days(deadline, met_on, as_of, inp.calendar),
                    flag=spec.flag if st in (DeadlineStatus.OVERDUE, DeadlineStatus.MET_LATE) else None,
                    calendar_version=deadline.calendar_version,
                    years_without_data=deadline.years_without_data,
                )
            )
    return DeadlineReport(inp.city.slug, as_of, inp.rules.sha256, tuple(results))


# -- ranking ----------------------------------------------------------------------------------


@attrs.frozen
class RankedArea:
    """One area's place: its score, its raw indicator values and its points per indicator."""

    rank: int
    area_code: str
    area_name: str
    score: Decimal
    values: tuple[tuple[str, MetricValue], ...]
    points: tuple[tuple[str, Decimal], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "area_code": self.area_code,
            "area_name": self.area_name,
            "score": canonical_decimal(self.score),
            "values": {k: v.as_dict() for k, v in self.values},
            "points": {k: canonical_decimal(p) for k, p in self.points},
        }


@attrs.frozen
class Ranking:
    """Areas in rank order under one scoring rule, with the top and bottom N."""

    city: str
    rule_id: str
    period: Period
    as_of: date
    rule_set_sha256: str
    rows: tuple[RankedArea, ...]
    top_n: int
    bottom_n: int

    @property
    def top(self) -> tuple[RankedArea, ...]:
        """The areas ranked within ``top_n``, everyone tied at the boundary included (并列).

        When every area has the same score the ranking separates no one: nobody is top or bottom.
        """
        if len({r.score for r in self.rows}) <= 1:
            return ()
        return tuple(r for r in self.rows if r.rank <= self.top_n)

    @property
    def bottom(self) -> tuple[RankedArea, ...]:
        """The last ``bottom_n`` areas, everyone tied at the boundary included (并列), and never an
        area that is also in :attr:`top`."""
        if not self.bottom_n or len({r.score for r in self.rows}) <= 1:
            return ()
        top = {r.area_code for r in self.top}
        return tuple(
            r
            for r in self.rows
            if r.area_code not in top and sum(1 for o in self.rows if o.score < r.score) < self.bottom_n
        )

    def tied(self, row: RankedArea) -> bool:
        """Whether another area shares ``row``'s rank (并列)."""
        return sum(1 for r in self.rows if r.rank == row.rank) > 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "rule_id": self.rule_id,
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "rows": [r.as_dict() for r in self.rows],
            "top": [r.area_code for r in self.top],
            "bottom": [r.area_code for r in self.bottom],
        }


def _pick_scoring(rules: RuleSet, period: Period, rule_id: str | None) -> ScoringRule:
    if rule_id is not None:
        return rules.scoring_rule(rule_id)
    matching = [s for s in rules.scoring if s.period_kind is period.kind]
    if len(matching) != 1:
        raise EngineError(
            f"rank the areas of {rules.city} for {period}",
            f"{len(matching)} scoring rules of kind {period.kind.value}",
            "name one with rule_id=" + (", ".join(sorted(s.id for s in rules.scoring)) or "(none defined)"),
        )
    return matching[0]


def _points(
    value: Decimal | None, best: Decimal, normalisation: Normalisation, target: Decimal | None
) -> Decimal:
    v = value if value is not None else Decimal(0)
    if normalisation is Normalisation.RAW:
        return v
    if normalisation is Normalisation.SHARE_OF_MAX:
        return v / best if best > 0 else Decimal(0)
    assert target is not None
    return min(v / target, Decimal(1))


def rank(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    period: Period,
    as_of: date,
    *,
    rule_id: str | None = None,
    rules: RuleSet | None = None,
    calendar: WorkdayCalendar | None = None,
    known_at: datetime | None = None,
) -> Ranking:
    """Score and rank ``city``'s areas over ``period`` as of ``as_of``.

    Score = Σ weight × points, where points are the indicator's value normalised (raw, share of
    the best area, or ratio to target capped at 1); an undefined value (empty cohort) counts 0.
    Equal scores share a rank (并列: ranks 1, 2, 2, 4); rows are listed by score descending,
    then area code. Top and bottom N include every area tied at the boundary.
    """
    inp = _inputs(source, city, period, as_of, rules, calendar, known_at)
    scoring = _pick_scoring(inp.rules, period, rule_id)
    groups = facts_by_area(inp.facts, inp.city.areas, scoring.scope)
    if scoring.on_site:
        site = inp.rules.counting.site_scoring
        if site is None or site.rule_id != scoring.id:
            raise EngineError(
                f"rank {inp.city.slug} by on-site scores under {scoring.id}",
                "the counting policy has no SiteScoring for this rule",
                f"a CountingPolicy(site_scoring=SiteScoring(rule_id={scoring.id!r}, …))",
            )
        return _rank_site_scores(source, inp, scoring, site, sorted(groups), period, as_of, known_at)
    codes = sorted(groups)
    values: dict[str, dict[str, MetricValue]] = {c: {} for c in codes}
    for ind in scoring.indicators:
        for code in codes:
            values[code][ind.id] = measure(ind.metric, groups[code], period, as_of, inp.calendar)
    rows: list[tuple[str, Decimal, list[Decimal], list[tuple[str, Decimal]]]] = []
    best = {
        ind.id: max((values[c][ind.id].value or Decimal(0) for c in codes), default=Decimal(0))
        for ind in scoring.indicators
    }
    for code in codes:
        pts = [
            (
                ind.id,
                ind.weight * _points(values[code][ind.id].value, best[ind.id], ind.normalisation, ind.target),
            )
            for ind in scoring.indicators
        ]
        score = sum((p for _, p in pts), Decimal(0))
        raw = [values[code][ind.id].value or Decimal(0) for ind in scoring.indicators]
        rows.append((code, score, raw, pts))
    # Equal scores share a rank (并列): rank = 1 + the number of areas with a higher score.
    rows.sort(key=lambda r: (-r[1], r[0]))
    ranked = tuple(
        RankedArea(
            rank=1 + sum(1 for other in rows if other[1] > score),
            area_code=code,
            area_name=inp.city.areas[code].name,
            score=score,
            values=tuple((ind.id, values[code][ind.id]) for ind in scoring.indicators),
            points=tuple(pts),
        )
        for code, score, _, pts in rows
    )
    return Ranking(
        inp.city.slug, scoring.id, period, as_of, inp.rules.sha256, ranked, scoring.top_n, scoring.bottom_n
    )


def _rank_site_scores(
    source: CountingSource | FactsSource,
    inp: _Inputs,
    scoring: ScoringRule,
    site: SiteScoring,
    codes: list[str],
    period: Period,
    as_of: date,
    known_at: datetime | None,
) -> Ranking:
    """Rank on the on-site scoring sheets (000: 实地观摩、现场评分) combined by the city's rule.

    The score is the area's combined score rounded half up to the rule's places; areas whose
    rounded scores are equal share a rank (并列). ``values`` carry, per area, the exact score
    (``site_score``: value, the number of scored projects as numerator and of drawn projects as
    denominator); there is no count proxy.
    """
    if isinstance(source, SiteSheetsSource):
        sheets = source.site_sheets(inp.city.code, str(period), as_of=as_of, known_at=known_at)
    elif not isinstance(source, FactsSource):
        app = source
        sheets = Counting(app.engine, catch_up=lambda: _caught_up(app)).site_sheets(
            inp.city.code, str(period), as_of=as_of, known_at=known_at
        )
    else:
        raise EngineError(
            f"rank {inp.city.slug} by on-site scores",
            "the facts source has no on-site scoring sheets (no site_sheets method)",
            "pass the application or a source with site_sheets(city_code, period, as_of=, known_at=)",
        )
    tree = inp.city.areas

    def ranked_area(area: str) -> str | None:
        for code in (area, *(a.code for a in tree.ancestors(area))) if area in tree else ():
            if code in codes:
                return code
        return None

    scores = sheets.combine(site, codes, ranked_area)
    rows = sorted(codes, key=lambda c: (-scores[c].score, c))
    ranked = tuple(
        RankedArea(
            rank=1 + sum(1 for o in codes if scores[o].score > scores[c].score),
            area_code=c,
            area_name=tree[c].name,
            score=scores[c].score,
            values=(
                (
                    "site_score",
                    MetricValue(
                        scores[c].exact,
                        Decimal(sum(1 for p in scores[c].projects if p.score is not None)),
                        Decimal(len(scores[c].projects)),
                    ),
                ),
            ),
            points=(("site_score", scores[c].score),),
        )
        for c in rows
    )
    return Ranking(
        inp.city.slug, scoring.id, period, as_of, inp.rules.sha256, ranked, scoring.top_n, scoring.bottom_n
    )
