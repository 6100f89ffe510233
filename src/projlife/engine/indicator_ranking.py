"""Rank a city's areas by weighted indicators (``projlife_indicator_rankings``), as of any date.

Every figure comes from :func:`projlife.projections.counting.indicators.indicator_values`; the
result names the rule-set hash, the hash of the ranking and its indicators' definitions, and
the target entries each area was measured against. Weights, normalisation and ties:
``docs/indicators.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from projlife.domain.areas import Area
from projlife.domain.periods import Period
from projlife.engine.evaluate import EngineError
from projlife.engine.ranking import points, shared_ranks
from projlife.plugins.city_extras import city_indicators, city_labels, indicator_rankings, rankings_sha256
from projlife.plugins.indicators import Formula, IndicatorRanking, RankedSubjects, WeightedIndicator
from projlife.plugins.labels import Labels
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import canonical_decimal
from projlife.projections.counting import Counting
from projlife.projections.counting.indicators import (
    IndicatorInputs,
    IndicatorValue,
    department_values,
    departments_of,
    indicator_values,
    ticket_states,
)
from projlife.projections.counting.plan import city_plans

if TYPE_CHECKING:
    from projlife.ports import BulletinSource

__all__ = [
    "IndicatorRankingResult",
    "RankedRow",
    "award_words",
    "points",
    "rank_by_indicators",
    "score_areas",
]


@attrs.frozen
class RankedRow:
    """One area's place: its score, each indicator's value and its points."""

    rank: int
    area_code: str
    area_name: str
    score: Decimal
    values: tuple[IndicatorValue, ...]
    points: tuple[tuple[str, Decimal], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "area_code": self.area_code,
            "area_name": self.area_name,
            "score": canonical_decimal(self.score),
            "values": {v.indicator: v.as_dict() for v in self.values},
            "points": {k: canonical_decimal(p) for k, p in self.points},
        }


@attrs.frozen
class IndicatorRankingResult:
    """Areas in rank order under one :class:`~projlife.plugins.indicators.IndicatorRanking`."""

    city: str
    rule_id: str
    title: str
    period: Period
    as_of: date
    rule_set_sha256: str
    ranking_sha256: str
    rows: tuple[RankedRow, ...]
    top_n: int
    bottom_n: int
    top_award: str
    bottom_award: str
    award_keys: tuple[str, str] = ("top", "bottom")
    """The ranking's ``top_award`` and ``bottom_award`` as written (label keys or literal words)."""
    labels: tuple[tuple[str, str, str], ...] = ()
    """``(indicator id, zh label, en label)`` of each weighted indicator, in the ranking's order."""
    subjects: str = "areas"
    """What was ranked: ``areas`` (rows are areas) or ``departments`` (``area_code`` and
    ``area_name`` are the department's name)."""

    @property
    def top(self) -> tuple[RankedRow, ...]:
        """Areas ranked within ``top_n`` (ties at the boundary included); none when all scores are equal."""
        if len({r.score for r in self.rows}) <= 1:
            return ()
        return tuple(r for r in self.rows if r.rank <= self.top_n)

    @property
    def bottom(self) -> tuple[RankedRow, ...]:
        """The last ``bottom_n`` areas (ties included), never one that is also in :attr:`top`."""
        if not self.bottom_n or len({r.score for r in self.rows}) <= 1:
            return ()
        top = {r.area_code for r in self.top}
        return tuple(
            r
            for r in self.rows
            if r.area_code not in top and sum(1 for o in self.rows if o.score < r.score) < self.bottom_n
        )

    @property
    def measured_against(self) -> tuple[str, ...]:
        """Every target entry a figure was divided by (``kind:subject:measure:period@version``)."""
        return tuple(sorted({a for r in self.rows for v in r.values for a in v.against}))

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "rule_id": self.rule_id,
            "title": self.title,
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "ranking_sha256": self.ranking_sha256,
            "rows": [r.as_dict() for r in self.rows],
            "top": [r.area_code for r in self.top],
            "bottom": [r.area_code for r in self.bottom],
            "top_award": self.top_award,
            "bottom_award": self.bottom_award,
            "measured_against": list(self.measured_against),
            "subjects": self.subjects,
        }


def award_words(labels: Labels, key: str, lang: str, n: int) -> str:
    """The words of an award: the city's label for ``key``, else the library's term, else ``key`` itself."""
    return _award(labels, key, lang, n)


def score_areas(
    terms: Sequence[WeightedIndicator],
    values: Mapping[str, Mapping[str, IndicatorValue]],
    areas: Sequence[tuple[str, str]],
) -> tuple[RankedRow, ...]:
    """Score and rank ``areas`` (code, name) from each term's values per area code.

    Score = Σ weight × :func:`points`; ``share_of_max`` divides by the best area's value; equal
    scores share a rank (:func:`~projlife.engine.ranking.shared_ranks`); rows by score, then code.
    """
    best = {
        t.indicator: max((v.value or Decimal(0) for v in values[t.indicator].values()), default=Decimal(0))
        for t in terms
    }
    scored: list[tuple[str, str, Decimal, list[tuple[str, Decimal]]]] = []
    for code, name in areas:
        pts = [
            (
                t.indicator,
                t.weight
                * points(values[t.indicator][code].value, best[t.indicator], t.normalisation, t.target),
            )
            for t in terms
        ]
        scored.append((code, name, sum((p for _, p in pts), Decimal(0)), pts))
    scored.sort(key=lambda r: (-r[2], r[0]))
    ranks = shared_ranks({code: score for code, _, score, _ in scored})
    return tuple(
        RankedRow(
            rank=ranks[code],
            area_code=code,
            area_name=name,
            score=score,
            values=tuple(values[t.indicator][code] for t in terms),
            points=tuple(pts),
        )
        for code, name, score, pts in scored
    )


def _award(labels: Labels, key: str, lang: str, n: int) -> str:
    from projlife.reports.terms import _TERMS

    word = labels.term(key, lang)
    if word is None:
        if key in _TERMS:
            zh, en = _TERMS[key]
            word = en if lang == "en" else zh
        else:
            word = key
    return word.format(n=n) if "{n}" in word else word


def _pick(
    rankings: tuple[IndicatorRanking, ...], period: Period, rule_id: str | None, city: str
) -> IndicatorRanking:
    if rule_id is not None:
        for r in rankings:
            if r.id == rule_id:
                return r
        known = ", ".join(r.id for r in rankings) or "none"
        raise EngineError(f"rank {city} by {rule_id}", "no such indicator ranking", f"one of: {known}")
    matching = [r for r in rankings if r.period_kind is period.kind]
    if len(matching) != 1:
        raise EngineError(
            f"rank the areas of {city} for {period}",
            f"{len(matching)} indicator rankings of kind {period.kind.value}",
            "name one with rule_id=" + (", ".join(r.id for r in rankings) or "(none defined)"),
        )
    return matching[0]


def rank_by_indicators(
    app: BulletinSource,
    city: str,
    period: Period,
    as_of: date,
    *,
    rule_id: str | None = None,
    lang: str = "zh",
) -> IndicatorRankingResult:
    """Score and rank ``city``'s areas over ``period`` as of ``as_of`` by one indicator ranking.

    Score = Σ weight × points (see :func:`points`); equal scores share a rank (并列: 1, 2, 2,
    4); rows are listed by score descending, then area code.
    """
    profile = app.city(city)
    rankings = indicator_rankings(app.plugins, profile, period)
    ranking = _pick(rankings, period, rule_id, profile.slug)
    indicators = city_indicators(app.plugins, profile)
    rules = rule_set(app.plugins, profile, period)
    from projlife.engine.inputs import _caught_up

    counting = Counting(app.engine, catch_up=lambda: _caught_up(app))
    facts = counting.projects(profile.code, as_of=as_of, policy=rules.counting)
    end, before = ticket_states(app, profile.code, period, as_of)
    window_end = min(period.end, as_of)
    plans = (
        city_plans(app.engine, app.plugins, app.targets, profile, window_end)
        if any(indicators[t.indicator].formula is Formula.PLAN_LAG for t in ranking.terms)
        else {}
    )
    inputs = IndicatorInputs(
        tree=profile.areas,
        facts=facts,
        tickets_end=end,
        tickets_before=before,
        targets=app.targets.table(profile.code, as_of),
        calendar=city_calendar(app.plugins, profile, app.calendar),
        period=period,
        as_of=as_of,
        plans=plans,
    )
    if ranking.subjects is RankedSubjects.DEPARTMENTS:
        departments = departments_of(inputs)
        values = {t.indicator: department_values(indicators[t.indicator], inputs) for t in ranking.terms}
        rows = score_areas(ranking.terms, values, [(d, d) for d in departments])
    else:
        areas: list[Area] = list(ranking.scope.areas(profile.areas))
        values = {
            t.indicator: indicator_values(indicators[t.indicator], inputs, areas) for t in ranking.terms
        }
        rows = score_areas(ranking.terms, values, [(a.code, a.name) for a in areas])
    labels = city_labels(app.plugins, profile)
    return IndicatorRankingResult(
        city=profile.slug,
        rule_id=ranking.id,
        title=ranking.title_en if lang == "en" and ranking.title_en else ranking.title_zh,
        period=period,
        as_of=as_of,
        rule_set_sha256=rules.sha256,
        ranking_sha256=rankings_sha256(ranking, indicators),
        rows=rows,
        top_n=ranking.top_n,
        bottom_n=ranking.bottom_n,
        top_award=_award(labels, ranking.top_award, lang, ranking.top_n),
        bottom_award=_award(labels, ranking.bottom_award, lang, ranking.bottom_n),
        award_keys=(ranking.top_award, ranking.bottom_award),
        labels=tuple(
            (t.indicator, indicators[t.indicator].label_zh, indicators[t.indicator].label_en)
            for t in ranking.terms
        ),
        subjects=ranking.subjects.value,
    )
