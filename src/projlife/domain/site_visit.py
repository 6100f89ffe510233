"""On-site visits (观摩/拉练): a seeded, auditable draw of projects, then scoring sheets.

孝感 (000): 每半年组织开展一次"看比学促"工业项目集中拉练活动,在"211"项目库中抽选已完工项目,通过实地观摩、
现场评分、大会通报、奖惩并举. The mechanism is general: any city can draw projects for a visit and
have several scorers fill a scoring sheet per project.

* :meth:`SiteVisit.make` draws, in each area, the first ``per_area`` projects of that area's
  population in ``sha256-rank-v1`` order (:func:`~projlife.domain.revisit_draw.rank_by_seed`):
  ``SHA-256(seed + "|" + project id)``, ascending. The event records the seed, the algorithm, the
  whole population with each project's area and the drawn ids, so anyone can redo the draw
  (:meth:`SiteVisit.rederive`).
* :meth:`SiteVisit.fill_sheet` records one scorer's sheet for one drawn project
  (``ScoreSheetFilled``): a score between 0 and the visit's ``scale_max``. A scorer who fills the
  sheet of the same project again replaces their own earlier sheet (the earlier event stays).

Who may draw and who may score is the application's table (``projlife.app.authorization``:
``fill_score_sheet`` needs ``Role.SCORER``); how sheets combine into a ranking is the city's rule
(``projlife.plugins.site_scoring``), counted by ``projlife.projections.counting.site_scores``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor
from projlife.domain.errors import IllegalTransition, ProjlifeError
from projlife.domain.revisit_draw import DRAW_ALGORITHM, rank_by_seed

__all__ = ["ScoreSheet", "SiteVisit", "draw_projects", "site_visit_id_for"]

_VISIT_NAMESPACE = uuid5(NAMESPACE_URL, "https://projlife.invalid/site-visit")


def site_visit_id_for(city_code: str, seed: str) -> UUID:
    """The id of the visit drawn with ``seed`` in a city (a seed is used once per city)."""
    return uuid5(_VISIT_NAMESPACE, f"{city_code}/{seed}")


def draw_projects(seed: str, population: Mapping[UUID, str], per_area: int) -> tuple[UUID, ...]:
    """The drawn project ids: per area (``population`` maps project id → area code), the first
    ``per_area`` in ``sha256-rank-v1`` order; listed by area code, then rank."""
    by_area: dict[str, list[str]] = {}
    for pid, area in population.items():
        by_area.setdefault(area, []).append(str(UUID(str(pid))))
    out: list[UUID] = []
    for area in sorted(by_area):
        out += [UUID(k) for k in rank_by_seed(seed, by_area[area])[:per_area]]
    return tuple(out)


class ScoreSheet:
    """One scorer's standing sheet for one project (the last one they filled)."""

    __slots__ = ("filled_on", "project_id", "score", "scorer_id", "version")

    def __init__(
        self, project_id: UUID, scorer_id: str, score: Decimal, filled_on: date, version: int
    ) -> None:
        self.project_id = project_id
        self.scorer_id = scorer_id
        self.score = score
        self.filled_on = filled_on
        self.version = version


class SiteVisit(Aggregate):
    """One visit: the projects drawn for it and the scoring sheets filled on site."""

    TOPIC = "projlife:SiteVisit"

    class Event(Aggregate.Event):
        """Base of site visit events: every one has a business date, an actor and a reason."""

        occurred_on: date
        actor: Actor
        reason: str | None
        class_version: ClassVar[int] = 1

    class Drawn(Event, Aggregate.Created):
        """The projects to visit were drawn."""

        TOPIC = "projlife:SiteVisit.Drawn"
        city_code: str
        period: str
        title_zh: str
        seed: str
        algorithm: str
        per_area: int
        scale_max: Decimal
        population: tuple[UUID, ...]
        population_areas: tuple[str, ...]
        drawn: tuple[UUID, ...]

    Created = Drawn

    class ScoreSheetFilled(Event):
        """现场评分: one scorer scored one drawn project on site."""

        TOPIC = "projlife:SiteVisit.ScoreSheetFilled"
        project_id: UUID
        score: Decimal

        def apply(self, visit: SiteVisit) -> None:
            pid = UUID(str(self.project_id))
            visit.sheets[(pid, self.actor.id)] = ScoreSheet(
                pid, self.actor.id, Decimal(self.score), self.occurred_on, self.originator_version
            )

    def __init__(
        self,
        *,
        city_code: str,
        period: str,
        title_zh: str,
        seed: str,
        algorithm: str,
        per_area: int,
        scale_max: Decimal,
        population: tuple[UUID, ...],
        population_areas: tuple[str, ...],
        drawn: tuple[UUID, ...],
        occurred_on: date,
        actor: Actor,
        reason: str | None,
    ) -> None:
        self.city_code = city_code
        self.period = period
        self.title_zh = title_zh
        self.seed = seed
        self.algorithm = algorithm
        self.per_area = per_area
        self.scale_max = Decimal(scale_max)
        self.population = {UUID(str(p)): a for p, a in zip(population, population_areas, strict=True)}
        self.drawn = tuple(UUID(str(p)) for p in drawn)
        self.drawn_on = occurred_on
        self.drawn_by = actor.id
        self.sheets: dict[tuple[UUID, str], ScoreSheet] = {}

    @classmethod
    def make(
        cls,
        *,
        city_code: str,
        period: str,
        title_zh: str,
        seed: str,
        per_area: int,
        scale_max: Decimal,
        population: Mapping[UUID, str],
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
    ) -> SiteVisit:
        """Draw ``per_area`` projects per area of ``population`` (project id → area code) with ``seed``."""
        attempted = f"draw site visit {seed!r} in {city_code}"
        if not seed or not seed.strip():
            raise ProjlifeError(attempted, "the seed must not be empty", "a non-empty seed string")
        if per_area < 1:
            raise ProjlifeError(attempted, f"per_area is {per_area}", "at least 1 project per area")
        scale = _decimal(attempted, "scale_max", scale_max)
        if scale <= 0:
            raise ProjlifeError(attempted, f"scale_max is {scale}", "a positive maximum score")
        if not population:
            raise ProjlifeError(attempted, "no project is eligible for the draw", "at least one project")
        ids = sorted(population, key=str)
        return cls._create(
            cls.Drawn,
            id=site_visit_id_for(city_code, seed),
            city_code=city_code,
            period=period,
            title_zh=title_zh,
            seed=seed,
            algorithm=DRAW_ALGORITHM,
            per_area=per_area,
            scale_max=scale,
            population=tuple(ids),
            population_areas=tuple(population[i] for i in ids),
            drawn=draw_projects(seed, population, per_area),
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
        )

    def fill_sheet(
        self, *, project_id: UUID, score: Any, occurred_on: date, actor: Actor, reason: str | None = None
    ) -> None:
        """Record ``actor``'s scoring sheet for ``project_id`` (a drawn project), 0 ≤ score ≤ scale_max."""
        pid = UUID(str(project_id))
        attempted = f"fill the scoring sheet of project {pid} at site visit {self.seed!r}"
        if pid not in self.drawn:
            raise IllegalTransition(attempted, "the project was not drawn for this visit", "a drawn project")
        value = _decimal(attempted, "score", score)
        if value < 0 or value > self.scale_max:
            raise ProjlifeError(
                attempted, f"score {value} is outside [0, {self.scale_max}]", f"0 to {self.scale_max}"
            )
        if occurred_on < self.drawn_on:
            raise ProjlifeError(
                attempted,
                f"business date {occurred_on} is before the draw ({self.drawn_on})",
                f"a date on or after {self.drawn_on}",
            )
        self.trigger_event(
            self.ScoreSheetFilled,
            project_id=pid,
            score=value,
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
        )

    def area_of(self, project_id: UUID) -> str:
        return self.population[UUID(str(project_id))]

    def rederive(self) -> tuple[UUID, ...]:
        """Re-run the recorded algorithm on the recorded seed, population and ``per_area``."""
        if self.algorithm != DRAW_ALGORITHM:
            raise ProjlifeError(
                f"re-derive site visit {self.seed!r}", f"unknown algorithm {self.algorithm!r}", DRAW_ALGORITHM
            )
        return draw_projects(self.seed, self.population, self.per_area)

    @property
    def is_reproducible(self) -> bool:
        """Whether re-running the draw gives exactly the recorded projects."""
        return self.rederive() == self.drawn

    def scorers(self) -> Iterable[str]:
        return sorted({s for _, s in self.sheets})


def _decimal(attempted: str, field: str, value: Any) -> Decimal:
    if isinstance(value, float):
        raise ProjlifeError(attempted, f"{field} {value!r} is a float", "a decimal string or integer")
    try:
        out = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ProjlifeError(attempted, f"{field} {value!r} is not a number", "a decimal number") from None
    if not out.is_finite():
        raise ProjlifeError(attempted, f"{field} {value!r} is not finite", "a finite decimal number")
    return out
