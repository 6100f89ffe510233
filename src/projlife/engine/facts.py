"""The per-project facts the rule engine reads, and where they come from.

The engine needs, for each project of a city, the business dates it entered each stage, met
each milestone and first recorded each kind of event, plus the values its rules filter and sum
on. :class:`FactsSource` is that small interface; :class:`StoreFacts` answers it from the event
store (every project's current state: corrections and rejected claims are already applied). A
projections read model can answer it faster later without the engine changing.

"As of" a date means by business date: a fact counts when its ``occurred_on`` is on or before
the as-of date (:meth:`ProjectFacts.as_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol
from uuid import UUID

import attrs

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.plugins.rules import EventRef, EventRefKind, ProjectFilter
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.app.application import Projlife
    from projlife.domain.project import Project

__all__ = ["FactsSource", "ProjectFacts", "StoreFacts", "facts_from_project"]


def _frozen_map(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class ProjectFacts:
    """What the engine knows about one project.

    ``stage_dates``: business date each stage was entered (claimed and not rejected);
    ``milestone_dates``: date each milestone was met; ``event_dates``: first business date of
    each event topic; ``investment``: reported investment by month (first day of the month);
    ``removed``: pools left, with reason and date; ``cancelled_on``: when cancelled, if ever.
    """

    project_id: UUID
    code: str
    area_code: str
    category: ProjectCategory
    planned_investment: Money
    conceived_on: date
    investor_classes: tuple[InvestorClass, ...] = ()
    signed_amount: Money | None = None
    stage_dates: Mapping[Stage, date] = attrs.field(factory=dict, converter=_frozen_map)
    milestone_dates: Mapping[Milestone, date] = attrs.field(factory=dict, converter=_frozen_map)
    event_dates: Mapping[str, date] = attrs.field(factory=dict, converter=_frozen_map)
    investment: Mapping[date, Money] = attrs.field(factory=dict, converter=_frozen_map)
    removed: Mapping[Pool, tuple[RemovalReason, date]] = attrs.field(factory=dict, converter=_frozen_map)
    cancelled_on: date | None = None

    def as_of(self, day: date) -> ProjectFacts | None:
        """The facts known by business date ``day``; ``None`` if the project was not yet conceived."""
        if self.conceived_on > day:
            return None
        return attrs.evolve(
            self,
            signed_amount=self.signed_amount if self.stage_dates.get(Stage.SIGNED, date.max) <= day else None,
            stage_dates={s: d for s, d in self.stage_dates.items() if d <= day},
            milestone_dates={m: d for m, d in self.milestone_dates.items() if d <= day},
            event_dates={t: d for t, d in self.event_dates.items() if d <= day},
            investment={m: a for m, a in self.investment.items() if m <= day},
            removed={p: r for p, r in self.removed.items() if r[1] <= day},
            cancelled_on=self.cancelled_on
            if self.cancelled_on is not None and self.cancelled_on <= day
            else None,
        )

    @property
    def stage(self) -> Stage:
        """The furthest stage entered."""
        return max(self.stage_dates, default=Stage.CONCEIVED)

    def matches(self, flt: ProjectFilter) -> bool:
        return flt.matches(
            planned_investment=self.planned_investment,
            category=self.category,
            investor_classes=self.investor_classes,
        )

    def entered(self, stage: Stage) -> date | None:
        """When the project entered ``stage``, unless that claim was removed as not genuine."""
        for pool, (reason, _) in self.removed.items():
            if reason is RemovalReason.NOT_GENUINE and stage in pool.stages:
                return None
        return self.stage_dates.get(stage)

    def reached(self, stage: Stage) -> date | None:
        """When the project first stood at ``stage`` or beyond (a project that skipped the
        optional ``landed`` stage reached it when it started)."""
        dates = [d for s in self.stage_dates if s >= stage and (d := self.entered(s)) is not None]
        return min(dates, default=None)

    def happened(self, ref: EventRef) -> date | None:
        """The business date of the fact ``ref`` names, or ``None`` if it has not happened.

        A stage counts as happened once the project reached it or any later stage.
        """
        if ref.kind is EventRefKind.STAGE:
            return self.reached(Stage(ref.name))
        if ref.kind is EventRefKind.MILESTONE:
            return self.milestone_dates.get(Milestone(ref.name))
        return self.event_dates.get(ref.name)

    def in_stock(self, stage: Stage) -> bool:
        """Whether the project sits at ``stage`` now: not cancelled, not removed from its pool."""
        if self.cancelled_on is not None or self.stage is not stage:
            return False
        return not any(stage in pool.stages for pool in self.removed)


class FactsSource(Protocol):
    """Anything that lists the facts of a city's projects (all of them; the engine applies as-of)."""

    def project_facts(self, city: CityProfile) -> Iterable[ProjectFacts]: ...


def facts_from_project(project: Project, events: Iterable[Any] = ()) -> ProjectFacts:
    """Facts from a project aggregate and (optionally) its stored events, for event-topic look-ups."""
    event_dates: dict[str, date] = {}
    for event in events:
        topic = getattr(type(event), "TOPIC", None)
        occurred = getattr(event, "occurred_on", None)
        if isinstance(topic, str) and isinstance(occurred, date):
            if topic not in event_dates or occurred < event_dates[topic]:
                event_dates[topic] = occurred
    return ProjectFacts(
        project_id=project.id,
        code=project.code,
        area_code=project.area_code,
        category=project.category,
        planned_investment=project.planned_investment,
        conceived_on=project.conceived_on,
        investor_classes=tuple(project.investor_classes),
        signed_amount=project.signed_amount,
        stage_dates={stage: claim.occurred_on for stage, claim in project.claims.items()},
        milestone_dates={m: d for m, (d, _) in project.milestones_met.items()},
        event_dates=event_dates,
        investment={month: amount for month, (amount, _) in project.investment_reports.items()},
        removed=dict(project.removed_from),
        cancelled_on=project.cancelled_on,
    )


class StoreFacts:
    """:class:`FactsSource` over a :class:`~projlife.app.application.Projlife`'s event store.

    Reads the notification log for the projects conceived in the city, then each project's
    events. Exact and simple; a projections read model is the faster source for large drives.
    """

    PAGE = 1000

    def __init__(self, app: Projlife) -> None:
        self._app = app

    def _conceived(self) -> Iterator[Any]:
        """Every ``Conceived`` notification, in log order."""
        recorder = self._app.store.recorder
        start: int | None = None
        while True:
            page = recorder.select_notifications(
                start, self.PAGE, topics=["projlife:Project.Conceived"], inclusive_of_start=start is None
            )
            if not page:
                return
            yield from page
            start = page[-1].id

    def project_facts(self, city: CityProfile) -> Iterator[ProjectFacts]:
        store = self._app.store
        for notification in self._conceived():
            # The city is in the Conceived event itself: decode it and skip other cities'
            # projects before reading their histories.
            conceived: Any = store.mapper.to_domain_event(notification)
            if conceived.city_code != city.code:
                continue
            events: list[Any] = list(store.repository.event_store.get(notification.originator_id))
            project: Any = None
            for event in events:  # one read per project: replay the events just read
                project = event.mutate(project)
            yield facts_from_project(project, events)
