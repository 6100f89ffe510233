"""On-site visits (观摩/拉练), at ``app.site_visits``: draw the projects, record the scoring sheets.

``draw`` (command ``draw_site_visit``) draws, with a seed, ``per_area`` projects in each ranked
area from the projects the city's :class:`~projlife.plugins.site_scoring.SiteScoring` names —
孝感 (000): 在"211"项目库中抽选已完工项目 — counted by the counting layer as of the draw date.
``execute`` (command ``fill_score_sheet``) records one scorer's sheet for one drawn project; only
an actor in ``Role.SCORER`` may (``projlife.app.authorization.COMMAND_ROLES``). The ranking reads
the sheets through the counting layer (``projlife.engine.rank``). Bad input writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import BeforeValidator, Field

from projlife.app.authorization import authorize_command
from projlife.app.commands import AreaCode, Command, ShortText, _no_float
from projlife.app.results import CommandResult, last_position, save_new, validate
from projlife.app.retry import save_with_retries
from projlife.domain.errors import CommandRejected, NotFound, Problem
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period
from projlife.domain.site_visit import SiteVisit, site_visit_id_for
from projlife.engine.metrics import facts_by_area
from projlife.plugins.manager import rule_set
from projlife.plugins.site_scoring import SiteScoring
from projlife.ports import CityDirectory
from projlife.projections.counting import Counting, entries

__all__ = ["SITE_VISIT_COMMANDS", "DrawSiteVisit", "FillScoreSheet", "SiteVisitService"]

Score = Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, le=Decimal("1e6"), allow_inf_nan=False)]


class DrawSiteVisit(Command):
    """Draw the projects of a site visit (观摩/拉练) for ``period`` (``2024-H1``) with ``seed``."""

    name: ClassVar[str] = "draw_site_visit"
    city_code: AreaCode
    period: ShortText
    seed: ShortText
    title_zh: ShortText | None = None
    per_area: Annotated[int, Field(ge=1, le=100, strict=True)] | None = None


class FillScoreSheet(Command):
    """现场评分: one scorer's score for one drawn project of a visit (0 to the visit's maximum)."""

    name: ClassVar[str] = "fill_score_sheet"
    visit_id: UUID
    project_id: UUID
    score: Score


SITE_VISIT_COMMANDS: dict[str, type[Command]] = {c.name: c for c in (DrawSiteVisit, FillScoreSheet)}


class SiteVisitService:
    """Commands on site visits and the visits themselves (``app.site_visits``)."""

    def __init__(self, store: Any, counting: Counting, cities: CityDirectory, plugins: Any) -> None:
        self._store = store
        self._counting = counting
        self._cities = cities
        self._plugins = plugins

    def execute(self, command: Command | Mapping[str, Any]) -> CommandResult:
        """Run ``draw_site_visit`` or ``fill_score_sheet`` (a model, or a mapping with ``command``)."""
        cmd = self._parse(command)
        authorize_command(cmd.name, cmd.actor.to_domain())
        if isinstance(cmd, DrawSiteVisit):
            visit = self._draw(cmd)
            return save_new(
                self._store, visit, attempted=f"draw site visit {cmd.seed!r}", code=cmd.seed,
                city_code=cmd.city_code, kind="site visit with seed",
            )  # fmt: skip
        assert isinstance(cmd, FillScoreSheet)

        def load_and_apply() -> SiteVisit:
            visit = self.get(cmd.visit_id)
            visit.fill_sheet(project_id=cmd.project_id, score=cmd.score, **_meta(cmd))
            return visit

        visit, recordings = save_with_retries(
            self._store, load_and_apply, attempted=f"fill_score_sheet {cmd.visit_id}", what="site visit"
        )
        return CommandResult(visit.id, visit.version, last_position(recordings))

    def get(self, visit_id: UUID | str) -> SiteVisit:
        """The visit with this id (``NotFound`` if there is none)."""
        try:
            visit: Any = self._store.repository.get(UUID(str(visit_id)))
        except AggregateNotFoundError:
            visit = None
        if not isinstance(visit, SiteVisit):
            raise NotFound(
                f"load site visit {visit_id}", "no site visit with this id", "the id of a drawn visit"
            )
        return visit

    def visit_id_for(self, city_code: str, seed: str) -> UUID:
        return site_visit_id_for(city_code, seed)

    # -- internals ---------------------------------------------------------------

    def _parse(self, command: Command | Mapping[str, Any]) -> Command:
        if isinstance(command, Command):
            return command
        name = str(command.get("command", ""))
        model = SITE_VISIT_COMMANDS.get(name)
        if model is None:
            known = ", ".join(sorted(SITE_VISIT_COMMANDS))
            raise CommandRejected(
                f"run command {name!r}", [Problem("command", f"unknown command; known: {known}", name)]
            )
        return validate(model, {k: v for k, v in command.items() if k != "command"})

    def _draw(self, cmd: DrawSiteVisit) -> SiteVisit:
        attempted = f"draw site visit {cmd.seed!r} in {cmd.city_code}"
        city = self._cities.city_by_code(cmd.city_code)
        if city is None:
            raise CommandRejected(attempted, [Problem("city_code", "unknown city", cmd.city_code)])
        try:
            period = Period.parse(cmd.period)
        except ValueError as exc:
            raise CommandRejected(attempted, [Problem("period", str(exc), cmd.period)]) from None
        rules = rule_set(self._plugins, city, period)
        site: SiteScoring | None = rules.counting.site_scoring
        if site is None:
            raise CommandRejected(
                attempted,
                [
                    Problem(
                        "city_code", "the city's rules score no site visits (no SiteScoring)", cmd.city_code
                    )
                ],
            )
        if cmd.occurred_on < period.start:
            raise CommandRejected(
                attempted,
                [Problem("occurred_on", f"before the period {period} begins", cmd.occurred_on.isoformat())],
            )
        scoring = rules.scoring_rule(site.rule_id)
        facts = self._counting.projects(city.code, as_of=cmd.occurred_on, policy=rules.counting)
        facts = [f for f in facts if not site.categories or f.category.value in site.categories]
        end = min(period.end, cmd.occurred_on)
        if site.completed_within_period:
            eligible = set(entries(facts, Stage.COMPLETED, period.start, end).project_ids)
        else:
            eligible = {str(f.project_id) for f in facts if f.reached(Stage.COMPLETED) is not None}
        population = {
            f.project_id: area
            for area, group in facts_by_area(
                [f for f in facts if str(f.project_id) in eligible and f.in_scope(Stage.COMPLETED)],
                city.areas,
                scoring.scope,
            ).items()
            for f in group
        }
        if not population:
            raise CommandRejected(
                attempted,
                [
                    Problem(
                        "period",
                        f"no completed project in the drive's pool to visit in {period}",
                        str(period),
                    )
                ],
            )
        return SiteVisit.make(
            city_code=city.code,
            period=str(period),
            title_zh=cmd.title_zh or scoring.title_zh,
            seed=cmd.seed,
            per_area=cmd.per_area or site.per_area,
            scale_max=site.scale_max,
            population=population,
            occurred_on=cmd.occurred_on,
            actor=cmd.actor.to_domain(),
            reason=cmd.reason,
        )


def _meta(cmd: Command) -> dict[str, Any]:
    return {"occurred_on": cmd.occurred_on, "actor": cmd.actor.to_domain(), "reason": cmd.reason}
