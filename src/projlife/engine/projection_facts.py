"""The engine's facts read from the projections' tables instead of replaying the event store.

:class:`ProjectionFacts` answers :class:`~projlife.engine.facts.FactsSource` with the same
:class:`~projlife.engine.facts.ProjectFacts` as :class:`~projlife.engine.facts.StoreFacts`
(the reference), from three queries per city after catching the projections up:

* ``pl_projects``: code, area, category, investor classes;
* ``pl_facts``: every ledger event, folded in log order by the ledger's own fold
  (:func:`projlife.projections.state.fold`: claims, rejections, date and amount corrections,
  investment reports, removals, cancellation);
* ``pl_project_details``: milestones met (with their date corrections), milestones planned and
  teams formed — the project events the ledger does not copy.

``event_dates`` (first business date per event topic) is the minimum business date over the
rows of each topic in the two tables; :data:`TOPIC_SOURCES` says where each ``Project`` event
topic is found, and a test checks that it names every event class of the aggregate.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.project import Project
from projlife.engine.facts import ProjectFacts
from projlife.plugins.types import CityProfile
from projlife.projections.details import DETAILS_PROJECTION, details_table
from projlife.projections.facts import LEDGER_PROJECTION, STAGES, FactKind, facts_table, projects_table
from projlife.projections.runner import ProjectionFailed
from projlife.projections.state import QUERY_COLUMNS, ProjectState, fold

if TYPE_CHECKING:
    from projlife.app.application import Projlife

__all__ = ["CLAIM_TOPICS", "DETAIL_TOPICS", "KIND_TOPICS", "TOPIC_SOURCES", "ProjectionFacts"]

CLAIM_TOPICS: dict[int, str] = {
    Stage.RESERVED.rank: Project.Reserved.TOPIC,
    Stage.SIGNED.rank: Project.Signed.TOPIC,
    Stage.LANDED.rank: Project.Landed.TOPIC,
    Stage.STARTED.rank: Project.ConstructionStarted.TOPIC,
    Stage.IN_STATISTICS.rank: Project.EnteredStatistics.TOPIC,
    Stage.COMPLETED.rank: Project.Completed.TOPIC,
    Stage.PRODUCING.rank: Project.ProductionBegan.TOPIC,
    Stage.ABOVE_SCALE.rank: Project.BecameAboveScale.TOPIC,
    Stage.AT_CAPACITY.rank: Project.ReachedCapacity.TOPIC,
}
"""The topic of a ``pl_facts`` claim row, by the rank of the stage claimed."""

KIND_TOPICS: dict[int, str] = {
    int(FactKind.CONCEIVED): Project.Conceived.TOPIC,
    int(FactKind.VERIFIED): Project.StageVerified.TOPIC,
    int(FactKind.REJECTED): Project.StageClaimRejected.TOPIC,
    int(FactKind.CORRECTED): Project.Corrected.TOPIC,
    int(FactKind.SCHEDULED): Project.StageScheduled.TOPIC,
    int(FactKind.INVESTMENT): Project.InvestmentReported.TOPIC,
    int(FactKind.SPONSOR): Project.SponsorAssigned.TOPIC,
    int(FactKind.FLAGGED): Project.Flagged.TOPIC,
    int(FactKind.FLAG_CLEARED): Project.FlagCleared.TOPIC,
    int(FactKind.REMOVED): Project.RemovedFromPool.TOPIC,
    int(FactKind.CANCELLED): Project.Cancelled.TOPIC,
    int(FactKind.LAND_RECLAIMED): Project.LandReclaimed.TOPIC,
}
"""The topic of every other ``pl_facts`` row, by its kind."""

DETAIL_TOPICS: dict[str, str] = {
    "met:": Project.MilestoneMet.TOPIC,
    "planned:": Project.MilestonePlanned.TOPIC,
    "team": Project.TeamFormed.TOPIC,
}
"""The topic of a ``pl_project_details`` row, by its field (a prefix for milestones)."""

TOPIC_SOURCES: dict[str, str] = {
    **{t: facts_table.name for t in CLAIM_TOPICS.values()},
    **{t: facts_table.name for t in KIND_TOPICS.values()},
    **{t: details_table.name for t in DETAIL_TOPICS.values()},
}
"""Where the first business date of each ``Project`` event topic is read."""

_CLAIM = int(FactKind.CLAIM)


class ProjectionFacts:
    """:class:`~projlife.engine.facts.FactsSource` over the projections' tables (the default).

    Catches the projections up (``app.projections.run()``) and refuses to answer from a
    read model that stopped behind the log (:class:`~projlife.projections.runner.ProjectionFailed`).
    """

    def __init__(self, app: Projlife) -> None:
        self._app = app

    def _catch_up(self) -> None:
        head = self._app.store.recorder.max_notification_id() or 0
        positions = self._app.projections.run()
        behind = {n: positions.get(n, 0) for n in (LEDGER_PROJECTION, DETAILS_PROJECTION)}
        behind = {n: p for n, p in behind.items() if p < head}
        if behind:
            raise ProjectionFailed(
                "read the engine's facts from the projections",
                f"these projections stopped behind log position {head}: {behind}",
                "fix the failing projection (see app.projections.status()), or use StoreFacts(app)",
            )

    def project_facts(self, city: CityProfile) -> Iterator[ProjectFacts]:
        self._catch_up()
        p, f, d = projects_table, facts_table, details_table
        with self._app.engine.connect() as conn:
            projects = {
                r[0]: r
                for r in conn.execute(
                    sa.select(p.c.project_id, p.c.code, p.c.area_code, p.c.category, p.c.investor_classes)
                    .where(p.c.city_code == city.code)
                    .order_by(p.c.conceived_pos)
                )
            }
            rows: list[tuple[Any, ...]] = [
                tuple(r)
                for r in conn.execute(
                    sa.select(*(f.c[c] for c in QUERY_COLUMNS))
                    .where(f.c.city_code == city.code)
                    .order_by(f.c.pos)
                )
            ]
            detail_query = (
                sa.select(d.c.project_id, d.c.field, d.c.value, d.c.version, d.c.business)
                .join(p, p.c.project_id == d.c.project_id)
                .where(
                    p.c.city_code == city.code,
                    sa.or_(
                        d.c.field.like("met:%"),
                        d.c.field.like("planned:%"),
                        d.c.field.in_(("team", "date_corrected")),
                    ),
                )
                .order_by(d.c.pos)
            )
            details: list[Any] = list(conn.execute(detail_query))
        states = fold(rows)
        event_dates: dict[str, dict[str, int]] = {}
        for r in rows:
            topic = CLAIM_TOPICS[r[4]] if r[3] == _CLAIM else KIND_TOPICS[r[3]]
            _first(event_dates, r[1], topic, r[10])
        milestones = _milestones(details, event_dates)
        for pid, project in projects.items():
            state = states.get(pid)
            if state is None:  # its conception is not among the facts: not a project of this city
                continue
            yield _project_facts(project, state, milestones.get(pid, {}), event_dates.get(pid, {}))


def _first(event_dates: dict[str, dict[str, int]], pid: str, topic: str, business: int) -> None:
    dates = event_dates.setdefault(pid, {})
    known = dates.get(topic)
    if known is None or business < known:
        dates[topic] = business


def _milestones(
    details: list[Any], event_dates: dict[str, dict[str, int]]
) -> dict[str, dict[Milestone, date]]:
    """Each project's milestones met, with date corrections applied (rows in log order)."""
    met: dict[str, dict[Milestone, date]] = {}
    met_versions: dict[tuple[str, int], Milestone] = {}
    for pid, field, value, version, business in details:
        if field == "date_corrected":
            milestone = met_versions.get((pid, version))
            if milestone is not None:
                met[pid][milestone] = date.fromisoformat(value)
            continue
        if field == "team":
            _first(event_dates, pid, DETAIL_TOPICS["team"], business)
        elif field.startswith("planned:"):
            _first(event_dates, pid, DETAIL_TOPICS["planned:"], business)
        else:  # met:<milestone>
            _first(event_dates, pid, DETAIL_TOPICS["met:"], business)
            milestone = Milestone(field[len("met:") :])
            met.setdefault(pid, {})[milestone] = date.fromisoformat(value)
            met_versions[(pid, version)] = milestone
    return met


def _project_facts(
    project: Any, state: ProjectState, milestones: dict[Milestone, date], dates: dict[str, int]
) -> ProjectFacts:
    pid, code, area_code, category, investors = project
    assert state.planned is not None  # set by the conception, which every folded state has
    return ProjectFacts(
        project_id=UUID(pid),
        code=code,
        area_code=area_code,
        category=_category(category),
        planned_investment=_money(state.planned[0]),
        conceived_on=date.fromordinal(dates[Project.Conceived.TOPIC]),
        investor_classes=_investors(investors),
        signed_amount=None if state.signed is None else _money(state.signed[0]),
        stage_dates={STAGES[rank]: date.fromordinal(claim.day) for rank, claim in state.claims.items()},
        milestone_dates=milestones,
        event_dates={topic: date.fromordinal(day) for topic, day in dates.items()},
        investment={date.fromordinal(month): _money(report[0]) for month, report in state.investment.items()},
        removed={
            Pool(pool): (RemovalReason(reason), date.fromordinal(day))
            for pool, (reason, day, _) in state.removed.items()
        },
        cancelled_on=None if state.cancelled is None else date.fromordinal(state.cancelled[0]),
    )


@lru_cache(maxsize=256)
def _category(value: str) -> ProjectCategory:
    return ProjectCategory(value)


@lru_cache(maxsize=1024)
def _investors(value: str) -> tuple[InvestorClass, ...]:
    """``pl_projects.investor_classes`` (comma-joined values, in the event's order) as enums."""
    return tuple(InvestorClass(c) for c in value.split(",") if c)


@lru_cache(maxsize=65_536)
def _money(yuan: Decimal) -> Money:
    """Amounts repeat across projects (Money is immutable: one instance per amount will do)."""
    return Money(yuan)
