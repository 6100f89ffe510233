"""The bulletin's rule sections, from the city rule engine: quotas, overdue deadlines, ranking.

Every figure here comes from :mod:`projlife.engine` evaluated on the city plugin's rules for
the period, and carries the ``rule_set_sha256`` of the rules that produced it. The facts are
read once through the counting layer (:class:`~projlife.projections.counting.Counting`, as of the
bulletin's date and, with ``known_at``, as known at that time) and every rule is evaluated on
those facts, so the sections agree with each other and with every other surface.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.calendar import WorkdayCalendar, calendar_warning
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.evaluate import QuotaStatus, evaluate_deadlines, evaluate_quotas, rank
from projlife.engine.facts import ProjectFacts
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import Comparison, Measure, RuleSet
from projlife.plugins.types import CityProfile
from projlife.projections.counting import Counting, SiteScores
from projlife.reports.terms import deadline_title, quota_title, ranking_title

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = [
    "DeadlineSection",
    "OverdueDeadline",
    "PacePoint",
    "QuotaLine",
    "QuotaSection",
    "Ranking",
    "RankingEntry",
    "RuleSections",
    "county_name",
    "rule_sections",
]


@attrs.frozen
class QuotaLine:
    """One quota for one area (or city-wide), as the engine evaluated it.

    ``margin`` is value − target in the metric's unit (positive: over the target; for an
    "at most" quota a negative margin is good); ``None`` when the value is undefined.
    """

    rule_id: str
    title_zh: str
    period: Period
    area_code: str
    area_name: str
    city_wide: bool
    measure: str
    stage: Stage | None
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal
    at_least: bool
    """The target is a minimum (else a maximum)."""
    status: QuotaStatus
    final: bool
    """True once the period has ended: "not met" is then definitive, before it means "not yet"."""
    rule_set_sha256: str
    """The hash of the rule set (of this period) that produced the figure."""
    title_en: str = ""
    """An English name built from the rule's metric (:func:`projlife.reports.terms.quota_title`)."""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    @property
    def per_day(self) -> bool:
        """A daily average (日均): the value and the target are per day."""
        return self.measure == Measure.PACE.value

    @property
    def margin(self) -> Decimal | None:
        return None if self.value is None else self.value - self.target

    @property
    def is_rate(self) -> bool:
        return self.measure == Measure.RATE.value


@attrs.frozen
class QuotaSection:
    lines: tuple[QuotaLine, ...]

    @property
    def hashes(self) -> dict[Period, str]:
        """The rule-set hash of each period evaluated (rules can change from one period to the next)."""
        return {q.period: q.rule_set_sha256 for q in self.lines}

    def for_area(self, code: str) -> tuple[QuotaLine, ...]:
        return tuple(q for q in self.lines if q.area_code == code and not q.city_wide)

    @property
    def city_wide(self) -> tuple[QuotaLine, ...]:
        return tuple(q for q in self.lines if q.city_wide)

    def counts(self) -> Counter[QuotaStatus]:
        return Counter(q.status for q in self.lines)


@attrs.frozen
class OverdueDeadline:
    rule_id: str
    title_zh: str
    project_code: str
    area_code: str
    area_name: str
    due_on: date
    overdue_working_days: int
    flag: str | None
    title_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh


@attrs.frozen
class DeadlineSection:
    """Deadlines triggered by the as-of date, and those overdue (most overdue first)."""

    rule_set_sha256: str
    triggered: int
    overdue: tuple[OverdueDeadline, ...]
    by_county: dict[str, int]
    """Overdue deadlines per county code (a city-level project counts under the city code)."""
    calendar_version: str = ""
    """The working-day calendar data the due days were counted with."""
    years_without_data: tuple[int, ...] = ()
    """Years the due days or the report's date fall in that have no official holiday data."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Loud warnings: days counted Monday–Friday for want of an official holiday table."""
        warning = calendar_warning(self.years_without_data)
        return () if warning is None else (warning,)


@attrs.frozen
class RankingEntry:
    rank: int
    area_code: str
    name: str
    score: Decimal
    mark: str | None
    """``top`` or ``bottom`` when the rule marks the first or last N (通报表扬 / 通报批评); everyone
    tied at the boundary is marked (并列)."""
    tied: bool = False
    """Another area has the same score and shares this rank (并列)."""


@attrs.frozen
class Ranking:
    rule_id: str
    title_zh: str
    period: Period
    rule_set_sha256: str
    entries: tuple[RankingEntry, ...]
    top_n: int
    bottom_n: int
    title_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh


@attrs.frozen
class PacePoint:
    day: date
    actual: Decimal
    target: Decimal
    """The pro-rata share of the quota due by this day."""


@attrs.frozen
class RuleSections:
    rule_set_sha256: str
    """The hash of the rule set of the year containing the date (deadlines are evaluated on it)."""
    quotas: QuotaSection
    deadlines: DeadlineSection
    rankings: tuple[Ranking, ...]
    pace: tuple[PacePoint, ...] | None
    pace_rule: QuotaLine | None
    """The quota the pace chart follows (a city-wide or summed per-county stage quota)."""


def county_name(city: CityProfile, code: str) -> str:
    """The county's name for an area code (the area's own name above county level)."""
    if code not in city.areas:
        return code
    county = city.areas.unit_of(code)
    return (county or city.areas[code]).name


class _Facts:
    """The facts counted once for every section, and the site scores from the same counting layer."""

    def __init__(self, facts: Sequence[ProjectFacts], counting: Counting, known_at: datetime | None) -> None:
        self._facts = facts
        self._counting = counting
        self._known_at = known_at

    def project_facts(self, city: CityProfile) -> Sequence[ProjectFacts]:
        return self._facts

    def site_sheets(
        self, city_code: str, period: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> SiteScores:
        return self._counting.site_sheets(
            city_code, period, as_of=as_of, known_at=known_at if known_at is not None else self._known_at
        )


def _kinds(rules: RuleSet) -> list[PeriodKind]:
    return sorted({q.period_kind for q in rules.quotas}, key=lambda k: (k.months, k.value))


def _years_without_data(calendar: WorkdayCalendar, as_of: date, years: tuple[int, ...]) -> tuple[int, ...]:
    missing = set(years)
    if not calendar.has_official_data(as_of.year):
        missing.add(as_of.year)
    return tuple(sorted(missing))


def _quota_period(kind: PeriodKind, bulletin: Period, as_of: date) -> Period:
    """The period of ``kind`` a bulletin over ``bulletin`` reports a quota on.

    The period containing ``as_of``, unless it is a shorter period that runs past the bulletin's
    end: a Q4 bulletin as of 2024-12-31 reports the week 2024-12-23至12-29, the last week inside
    the quarter, not the week 2024-12-30至2025-01-05 that belongs to the next year.
    """
    period = Period.containing(kind, as_of)
    while period.days < bulletin.days and period.end > bulletin.end and period.start > bulletin.start:
        period = period.previous()
    return period


def rule_sections(
    app: CountingSource, city: CityProfile, kind: PeriodKind, as_of: date, known_at: datetime | None = None
) -> RuleSections:
    """Quotas of every kind (each on its period containing ``as_of``), deadlines and rankings.

    Quotas of the bulletin's own period kind come first; longer periods follow (a weekly
    bulletin shows progress towards the quarter's and the year's quotas).
    """
    calendar = city_calendar(app.plugins, city, app.calendar)
    year_rules = rule_set(app.plugins, city, Period.containing(PeriodKind.YEAR, as_of))
    app.projections.run()
    counting = Counting(app.engine)
    facts = _Facts(
        counting.projects(city.code, as_of=as_of, known_at=known_at, policy=year_rules.counting),
        counting,
        known_at,
    )
    kinds = _kinds(year_rules)
    kinds.sort(key=lambda k: (k is not kind, k.months, k.value))
    lines: list[QuotaLine] = []
    own = Period.containing(kind, as_of)
    for k in kinds:
        period = _quota_period(k, own, as_of)
        rules = rule_set(app.plugins, city, period)
        by_id = {q.id: q for q in rules.quotas}
        report = evaluate_quotas(facts, city, period, as_of, rules=rules, calendar=calendar)
        for r in report.results:
            rule = by_id[r.rule_id]
            lines.append(
                QuotaLine(
                    rule_id=r.rule_id,
                    title_zh=rule.title_zh,
                    period=period,
                    area_code=r.area_code,
                    area_name=r.area_name,
                    city_wide=rule.scope.city_wide,
                    measure=rule.metric.measure.value,
                    stage=rule.metric.stage,
                    value=r.value.value,
                    numerator=r.value.numerator,
                    denominator=r.value.denominator,
                    target=r.target,
                    at_least=r.comparison is Comparison.AT_LEAST,
                    status=r.status,
                    final=r.final,
                    rule_set_sha256=report.rule_set_sha256,
                    title_en=quota_title(rule.title_zh, rule.metric, "en"),
                )
            )
    deadlines = evaluate_deadlines(facts, city, as_of, rules=year_rules, calendar=calendar)
    titles = {d.id: d.title_zh for d in year_rules.deadlines}
    specs = {d.id: d for d in year_rules.deadlines}
    overdue = sorted(deadlines.overdue(), key=lambda d: (-d.overdue_working_days, d.project_code, d.rule_id))
    by_county: Counter[str] = Counter()
    for d in overdue:
        county = city.areas.unit_of(d.area_code) if d.area_code in city.areas else None
        by_county[county.code if county else city.code] += 1
    deadline_section = DeadlineSection(
        deadlines.rule_set_sha256,
        len(deadlines.results),
        tuple(
            OverdueDeadline(
                d.rule_id,
                titles[d.rule_id],
                d.project_code,
                d.area_code,
                county_name(city, d.area_code),
                d.due_on,
                d.overdue_working_days,
                d.flag,
                deadline_title(specs.get(d.rule_id), titles[d.rule_id], "en"),
            )
            for d in overdue
        ),
        dict(by_county),
        calendar.calendar_version,
        _years_without_data(calendar, as_of, deadlines.years_without_data),
    )
    rankings = []
    for scoring in sorted(year_rules.scoring, key=lambda s: (s.period_kind is not kind, s.id)):
        period = Period.containing(scoring.period_kind, as_of)
        ranked = rank(
            facts,
            city,
            period,
            as_of,
            rule_id=scoring.id,
            rules=rule_set(app.plugins, city, period),
            calendar=calendar,
        )
        top = {a.area_code for a in ranked.top}
        bottom = {a.area_code for a in ranked.bottom}
        rankings.append(
            Ranking(
                scoring.id,
                scoring.title_zh,
                period,
                ranked.rule_set_sha256,
                tuple(
                    RankingEntry(
                        a.rank,
                        a.area_code,
                        a.area_name,
                        a.score,
                        "top" if a.area_code in top else "bottom" if a.area_code in bottom else None,
                        ranked.tied(a),
                    )
                    for a in ranked.rows
                ),
                ranked.top_n,
                ranked.bottom_n,
                ranking_title(scoring, scoring.title_zh, "en"),
            )
        )
    pace_rule, pace = _pace(app, facts, city, kind, as_of, lines, calendar)
    return RuleSections(
        year_rules.sha256,
        QuotaSection(tuple(lines)),
        deadline_section,
        tuple(rankings),
        pace,
        pace_rule,
    )


def _pace(
    app: CountingSource,
    facts: _Facts,
    city: CityProfile,
    kind: PeriodKind,
    as_of: date,
    lines: Sequence[QuotaLine],
    calendar: WorkdayCalendar,
) -> tuple[QuotaLine | None, tuple[PacePoint, ...] | None]:
    """Pace of the first stage-entry quota of the bulletin's period: the engine's value on each day."""
    totals: dict[str, Decimal] = {}
    for q in lines:
        if q.measure == Measure.STAGE_ENTRIES.value and q.period.kind is kind:
            totals[q.rule_id] = totals.get(q.rule_id, Decimal(0)) + q.target
    if not totals:
        return None, None
    first = {q.rule_id: q for q in reversed(lines)}
    rule_id = min(
        totals,
        key=lambda i: (first[i].city_wide, first[i].stage is not Stage.STARTED, -totals[i], i),
    )
    period = first[rule_id].period
    rules = rule_set(app.plugins, city, period)
    rule = next(q for q in rules.quotas if q.id == rule_id)
    chosen = [q for q in lines if q.rule_id == rule_id]
    target = sum((q.target for q in chosen), Decimal(0))
    end = min(period.end, as_of)
    step = timedelta(days=1 if period.days <= 31 else 7)
    points: list[PacePoint] = []
    day = period.start
    only = attrs.evolve(rules, quotas=(rule,))
    while True:
        report = evaluate_quotas(facts, city, period, day, rules=only, calendar=calendar)
        actual = sum((r.value.value or Decimal(0) for r in report.results), Decimal(0))
        due = target * Decimal((day - period.start).days + 1) / Decimal(period.days)
        points.append(PacePoint(day, actual, due))
        if day >= end:
            break
        day = min(day + step, end)
    summary = attrs.evolve(
        chosen[0],
        area_code=city.code,
        area_name=city.name_zh,
        value=points[-1].actual,
        target=target,
        city_wide=True,
        status=QuotaStatus.MET if points[-1].actual >= target else QuotaStatus.NOT_MET,
    )
    return summary, tuple(points)
