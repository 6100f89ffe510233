"""Rank a city's areas by its scoring rule (排名) as of a date, stamped with the rule-set hash."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.periods import Period
from projlife.engine.facts import FactsSource, SiteSheetsSource
from projlife.engine.inputs import EngineError, _caught_up, _Inputs, _inputs
from projlife.engine.metrics import MetricValue, facts_by_area, measure
from projlife.plugins.rules import Normalisation, RuleSet, ScoringRule, canonical_decimal
from projlife.plugins.site_scoring import SiteScoring
from projlife.plugins.types import CityProfile
from projlife.projections.counting import Counting

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = ["RankedArea", "Ranking", "rank", "shared_ranks"]


def shared_ranks(scores: Mapping[str, Decimal | int]) -> dict[str, int]:
    """Rank 1 for the largest score; equal scores share a rank and the next rank skips (并列: 1, 1, 3).

    The one rule every ranking of projlife follows: rank = 1 + the number of entries scoring higher.
    """
    return {k: 1 + sum(1 for other in scores.values() if other > v) for k, v in scores.items()}


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

    def among(self, area_codes: Iterable[str]) -> Ranking:
        """The same ranking restricted to ``area_codes`` (those it ranked), ranked again among
        themselves by the same scores (a county's towns out of a city's): ties still shared."""
        wanted = set(area_codes)
        rows = [r for r in self.rows if r.area_code in wanted]
        ranks = shared_ranks({r.area_code: r.score for r in rows})
        return attrs.evolve(self, rows=tuple(attrs.evolve(r, rank=ranks[r.area_code]) for r in rows))

    def row(self, area_code: str) -> RankedArea | None:
        """The area's row, or ``None`` when the rule does not rank it."""
        return next((r for r in self.rows if r.area_code == area_code), None)

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


def points(
    value: Decimal | None, best: Decimal, normalisation: Normalisation, target: Decimal | None
) -> Decimal:
    """An indicator value's points before its weight (an undefined value scores 0): one rule for
    count rankings and indicator rankings alike."""
    v = value if value is not None else Decimal(0)
    if normalisation is Normalisation.RAW:
        return v
    if normalisation is Normalisation.SHARE_OF_MAX:
        return v / best if best > 0 else Decimal(0)
    if normalisation is Normalisation.COMPLEMENT:
        return Decimal(0) if value is None else Decimal(1) - min(v, Decimal(1))
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
                ind.weight * points(values[code][ind.id].value, best[ind.id], ind.normalisation, ind.target),
            )
            for ind in scoring.indicators
        ]
        score = sum((p for _, p in pts), Decimal(0))
        raw = [values[code][ind.id].value or Decimal(0) for ind in scoring.indicators]
        rows.append((code, score, raw, pts))
    # Equal scores share a rank (并列): rank = 1 + the number of areas with a higher score.
    rows.sort(key=lambda r: (-r[1], r[0]))
    ranks = shared_ranks({code: score for code, score, _, _ in rows})
    ranked = tuple(
        RankedArea(
            rank=ranks[code],
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
    ranks = shared_ranks({c: scores[c].score for c in codes})
    ranked = tuple(
        RankedArea(
            rank=ranks[c],
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
