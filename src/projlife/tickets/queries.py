"""Ticket queries: load a ticket or draw, list tickets, and the loop as of a date (overdue, summary)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError

from projlife.calendar import WorkdayCalendar
from projlife.domain.errors import NotFound
from projlife.domain.project import Project
from projlife.domain.revisit_draw import RevisitDraw
from projlife.domain.ticket import AssigneeKind, Satisfaction, Ticket, TicketStatus, ticket_id_for
from projlife.projections.rebuilds import refuse_unservable
from projlife.tickets.policy import TicketPolicy, ticket_policy_for
from projlife.tickets.projection import TICKETS_PROJECTION, TicketState, mean_and_share, states_as_of

if TYPE_CHECKING:
    from projlife.ports import CityDirectory, EventLog, SqlDatabase

__all__ = ["LoopSummary", "OverdueTicket", "TicketQueries"]

RAISED_TOPIC = Ticket.Raised.TOPIC


@attrs.frozen
class OverdueTicket:
    """One ticket past its (pause-adjusted) due date on ``as_of``."""

    ticket_id: UUID
    code: str
    city_code: str
    area_code: str
    category: str
    assignee_kind: AssigneeKind
    assignee: str
    due_on: date
    effective_due_on: date
    paused_working_days: int
    overdue_working_days: int
    escalation_level: int
    reopen_count: int

    @property
    def department(self) -> str | None:
        return self.assignee if self.assignee_kind is AssigneeKind.DEPARTMENT else None


@attrs.frozen
class LoopSummary:
    """The loop as of one business date: how many tickets stand where, and how satisfied."""

    as_of: date
    raised: int
    open: int
    """Raised or assigned (not yet answered), not withdrawn."""
    answered: int
    """Answered, waiting for a draw, a revisit or closing."""
    closed: int
    withdrawn: int
    overdue: int
    reopened: int
    """Reopen events (a ticket reopened twice counts twice)."""
    revisits: int
    satisfaction: Mapping[int, int]
    """Revisits per rating 1…5."""
    mean_satisfaction: Decimal | None
    by_category: Mapping[str, int]
    satisfied_share: Decimal | None
    """Share of revisits that met the bar in force when they were made."""


class TicketQueries:
    """Queries on tickets: the event store for one ticket, the tickets read model for the loop."""

    def __init__(
        self,
        store: EventLog,
        database: SqlDatabase,
        cities: CityDirectory,
        *,
        catch_up: Callable[[str], object],
        calendar: WorkdayCalendar | None = None,
    ) -> None:
        """Read tickets from ``store`` and the tickets read model in ``database``.

        ``catch_up(name)`` brings the named projection up to the head of the log before a
        read-model query (the application passes its runner's ``run_one``).
        """
        self._store = store
        self._database = database
        self._cities = cities
        self._catch_up = catch_up
        self.calendar = calendar if calendar is not None else WorkdayCalendar.china()
        self._policies: dict[str, TicketPolicy] = {}

    def policy(self, city_code: str) -> TicketPolicy:
        """The city's policy from its plugins' ticket hooks (asked once per city, then kept)."""
        found = self._policies.get(city_code)
        if found is None:
            found = self._policies[city_code] = ticket_policy_for(self._cities, city_code)
        return found

    # -- queries -----------------------------------------------------------------

    def get(self, ticket_id: UUID, *, attempted: str = "load ticket") -> Ticket:
        try:
            ticket: Any = self._store.repository.get(ticket_id)
        except AggregateNotFoundError:
            raise NotFound(attempted, f"no ticket with id {ticket_id}", "the id of a raised ticket") from None
        if not isinstance(ticket, Ticket):
            raise NotFound(attempted, f"{ticket_id} is not a ticket", "the id of a raised ticket")
        return ticket

    def find(self, city_code: str, code: str) -> Ticket:
        return self.get(ticket_id_for(city_code, code), attempted=f"find ticket {code} in {city_code}")

    def get_draw(self, draw_id: UUID) -> RevisitDraw:
        try:
            draw: Any = self._store.repository.get(draw_id)
        except AggregateNotFoundError:
            raise NotFound("load revisit draw", f"no draw with id {draw_id}", "a draw id") from None
        if not isinstance(draw, RevisitDraw):
            raise NotFound("load revisit draw", f"{draw_id} is not a revisit draw", "a draw id")
        return draw

    def ticket_ids(self) -> list[UUID]:
        """Every ticket id, in the order the tickets were raised (read from the event log)."""
        ids: list[UUID] = []
        start: int | None = None
        recorder: Any = self._store.recorder
        while True:
            page = recorder.select_notifications(
                start, 1000, topics=[RAISED_TOPIC], inclusive_of_start=start is None
            )
            if not page:
                return ids
            ids.extend(n.originator_id for n in page)
            start = page[-1].id

    def tickets(self, *, city_code: str | None = None) -> Iterator[Ticket]:
        for ticket_id in self.ticket_ids():
            ticket = self.get(ticket_id)
            if city_code is None or ticket.city_code == city_code:
                yield ticket

    def ticket_as_of(self, ticket_id: UUID, as_of: date) -> Ticket | None:
        """The ticket rebuilt from its facts with a business date on or before ``as_of``.

        None if it was raised after ``as_of``. Business dates never go backwards within a
        ticket, so these facts are a prefix of its history.
        """
        aggregate: Any = None
        events: Any = self._store.events.get(ticket_id)
        for event in events:
            if event.occurred_on > as_of:
                break
            aggregate = event.mutate(aggregate)
        return aggregate if isinstance(aggregate, Ticket) else None

    def overdue(
        self,
        *,
        as_of: date,
        city_code: str | None = None,
        area: str | None = None,
        department: str | None = None,
        category: str | None = None,
    ) -> list[OverdueTicket]:
        """Tickets past their due date on ``as_of`` (paused working days excluded), most overdue first.

        Read from the tickets projection (caught up first): each ticket's state after its last
        fact with a business date on or before ``as_of``, so facts recorded later with a later
        business date do not change the answer for ``as_of``. ``area`` matches the ticket's
        area (the enterprise's locality); ``department`` the assigned department; ``category``
        the category's label or code.
        """
        found: list[OverdueTicket] = []
        for ticket in self.states_as_of(as_of, city_code=city_code):
            if area is not None and ticket.area_code != area:
                continue
            if category is not None:
                cat = self.policy(ticket.city_code).category(category)
                if ticket.category != (cat.label_zh if cat else category):
                    continue
            state = ticket.overdue_on(as_of, self.calendar)
            if state is None or not state.is_overdue:
                continue
            kind, assignee = ticket.assignee_kind, ticket.assignee
            assert kind is not None and assignee is not None
            if department is not None and ticket.department != department:
                continue
            found.append(
                OverdueTicket(
                    ticket_id=ticket.ticket_id,
                    code=ticket.code,
                    city_code=ticket.city_code,
                    area_code=ticket.area_code,
                    category=ticket.category,
                    assignee_kind=kind,
                    assignee=assignee,
                    due_on=state.due_on,
                    effective_due_on=state.effective_due_on,
                    paused_working_days=state.paused_working_days,
                    overdue_working_days=state.overdue_working_days,
                    escalation_level=ticket.escalation_level,
                    reopen_count=ticket.reopen_count,
                )
            )
        found.sort(key=lambda o: (-o.overdue_working_days, o.code))
        return found

    def summary(self, *, as_of: date, city_code: str | None = None) -> LoopSummary:
        """The loop as of ``as_of``: counts by status, overdue, reopens and satisfaction.

        Read from the tickets projection with the same as-of rule as :meth:`overdue`.
        """
        status: Counter[TicketStatus] = Counter()
        ratings: Counter[int] = Counter()
        by_category: Counter[str] = Counter()
        overdue = reopened = satisfied = 0
        for ticket in self.states_as_of(as_of, city_code=city_code):
            status[ticket.status] += 1
            by_category[ticket.category] += 1
            reopened += ticket.reopen_count
            ratings.update(ticket.ratings)
            satisfied += ticket.satisfied_revisits
            state = ticket.overdue_on(as_of, self.calendar)
            overdue += int(state is not None and state.is_overdue)
        mean, share = mean_and_share(ratings, satisfied)
        return LoopSummary(
            as_of=as_of,
            raised=sum(status.values()),
            open=status[TicketStatus.RAISED] + status[TicketStatus.ASSIGNED],
            answered=status[TicketStatus.ANSWERED],
            closed=status[TicketStatus.CLOSED],
            withdrawn=status[TicketStatus.WITHDRAWN],
            overdue=overdue,
            reopened=reopened,
            revisits=sum(ratings.values()),
            satisfaction={int(s): ratings[int(s)] for s in Satisfaction},
            mean_satisfaction=mean,
            by_category=dict(sorted(by_category.items())),
            satisfied_share=share,
        )

    def states_as_of(self, as_of: date, *, city_code: str | None = None) -> list[TicketState]:
        """Every ticket as the tickets projection holds it on ``as_of`` (caught up first)."""
        self._catch_up(TICKETS_PROJECTION)
        with self._database.engine.connect() as conn:
            refuse_unservable(conn, (TICKETS_PROJECTION,), "read the tickets")  # never stale figures
            return states_as_of(conn, as_of, city_code=city_code)

    def _project(self, project_id: UUID) -> Project | None:
        try:
            project: Any = self._store.repository.get(project_id)
        except AggregateNotFoundError:
            return None
        return project if isinstance(project, Project) else None

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self._store.recorder.select_events(aggregate_id, limit=1))
