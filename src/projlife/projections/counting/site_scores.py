"""On-site scores (现场评分) as counted: the standing sheets of a period's visits, and how they combine.

:meth:`~projlife.projections.counting.Counting.site_sheets` reads ``pl_site_scores`` as of D, as
known at T (the rule of ``docs/projections.md``); :meth:`SiteScores.combine` turns the standing
sheets into one score per area under the city's :class:`~projlife.plugins.site_scoring.SiteScoring`.
The rule engine ranks on these scores (ties share a rank, 并列) and nothing else computes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import attrs

from projlife.plugins.site_scoring import AreaCombination, ProjectCombination, SiteScoring

__all__ = ["AreaScore", "ProjectScore", "Sheet", "SiteScores"]


@attrs.frozen
class Sheet:
    """One scorer's standing sheet for one drawn project (``event_id``: its log position)."""

    visit_id: str
    project_id: str
    area_code: str
    scorer_id: str
    score: Decimal
    on: date
    event_id: int


@attrs.frozen
class ProjectScore:
    """A drawn project's score: the combination of its standing sheets (``None``: not scored yet).

    ``counted`` are the sheets the score is made of, ``dropped`` the highest and lowest a trimmed
    mean left out."""

    visit_id: str
    project_id: str
    area_code: str
    score: Decimal | None
    counted: tuple[Sheet, ...]
    dropped: tuple[Sheet, ...]


@attrs.frozen
class AreaScore:
    """An area's score, rounded half up once to the rule's places (``scored``: any sheet at all)."""

    area_code: str
    score: Decimal
    exact: Decimal
    projects: tuple[ProjectScore, ...]

    @property
    def scored(self) -> bool:
        return any(p.score is not None for p in self.projects)

    @property
    def event_ids(self) -> tuple[int, ...]:
        return tuple(sorted(s.event_id for p in self.projects for s in (*p.counted, *p.dropped)))


@attrs.frozen
class SiteScores:
    """The drawn projects of a city's visits in a period and their standing sheets."""

    city_code: str
    period: str
    drawn: tuple[tuple[str, str, str], ...]
    """(visit id, project id, area code) of every project drawn."""
    sheets: tuple[Sheet, ...]
    """The standing sheets: per (visit, project, scorer), the last one filled."""

    def combine(
        self, rule: SiteScoring, areas: Iterable[str], area_of: Callable[[str], str | None] | None = None
    ) -> dict[str, AreaScore]:
        """One score per area of ``areas`` (``area_of`` maps a drawn project's recorded area to the
        ranked area, default: itself). An area with no scored project scores 0."""
        to_area = area_of or (lambda a: a)
        wanted = list(areas)
        by_project: dict[tuple[str, str], list[Sheet]] = {}
        for s in self.sheets:
            by_project.setdefault((s.visit_id, s.project_id), []).append(s)
        projects: dict[str, list[ProjectScore]] = {a: [] for a in wanted}
        for visit, pid, area in self.drawn:
            ranked = to_area(area)
            if ranked not in projects:
                continue
            projects[ranked].append(_project_score(rule, visit, pid, area, by_project.get((visit, pid), [])))
        out = {}
        quantum = Decimal(1).scaleb(-rule.places)
        for a in wanted:
            scored = [p.score for p in projects[a] if p.score is not None]
            if not scored:
                exact = Decimal(0)
            elif rule.area_score is AreaCombination.SUM:
                exact = sum(scored, Decimal(0))
            else:
                exact = sum(scored, Decimal(0)) / len(scored)
            out[a] = AreaScore(a, exact.quantize(quantum, rounding=ROUND_HALF_UP), exact, tuple(projects[a]))
        return out


def _project_score(rule: SiteScoring, visit: str, pid: str, area: str, sheets: list[Sheet]) -> ProjectScore:
    if not sheets:
        return ProjectScore(visit, pid, area, None, (), ())
    ordered = sorted(sheets, key=lambda s: (s.score, s.scorer_id))
    dropped: tuple[Sheet, ...] = ()
    counted = tuple(ordered)
    if rule.project_score is ProjectCombination.TRIMMED_MEAN and len(ordered) >= rule.trim_from:
        # 去掉一个最高分和一个最低分
        dropped, counted = (ordered[0], ordered[-1]), tuple(ordered[1:-1])
    score = sum((s.score for s in counted), Decimal(0)) / len(counted)
    return ProjectScore(visit, pid, area, score, counted, dropped)
