"""The tickets read model: one row per ticket, and its state after each of its events.

Two tables, filled by :class:`TicketsProjection` (a default projection of the runner):

- ``pl_tickets``: one row per ticket, its state after its latest event: status, category,
  area, department, raised/assigned/due/answered/closed dates, paused working days (up to its
  latest business date), reopen count, last satisfaction, revisit counts per rating.
- ``pl_ticket_states``: one row per ticket event (keyed by log position): the ticket's state
  right after that event, with the event's business date (``business``, a date ordinal).

**As of a business date D** a ticket's state is its ``pl_ticket_states`` row with the highest
version whose business date is ≤ D (business dates never go backwards within a ticket, so the
facts ≤ D are a prefix of its history, exactly what ``TicketService.ticket_as_of`` replays).
A ticket raised after D is absent. Overdue is computed from that row's running clock cycle
(its start, due date and pauses) with the working-day calendar, as ``Ticket.overdue_as_of``.

The projection rebuilds each ticket's aggregate to compute the state after an event: from an
in-memory copy when it holds the previous version, else from the event store at that version.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.persistence import Notification

from projlife.domain.ticket import (
    AssigneeKind,
    DeadlineCycle,
    OverdueState,
    Satisfaction,
    Ticket,
    TicketStatus,
    WorkingDays,
)
from projlife.projections.registry import register_projection
from projlife.projections.runner import DomainEvent, Item
from projlife.store.dialect import sql_dialect
from projlife.store.sql import SCHEMA_MODULES, metadata

if TYPE_CHECKING:
    from projlife.ports import ReadModelSources

__all__ = [
    "TICKETS_PROJECTION",
    "TICKET_TOPICS",
    "TicketState",
    "TicketsProjection",
    "ticket_states_table",
    "tickets_table",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

TICKETS_PROJECTION = "projlife.tickets"

TICKET_TOPICS: tuple[str, ...] = tuple(
    sorted(
        {
            cls.TOPIC
            for cls in vars(Ticket).values()
            if isinstance(cls, type) and issubclass(cls, Ticket.Event) and hasattr(cls, "TOPIC")
        }
    )
)
"""Every ``Ticket`` event topic."""


def _state_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("city_code", sa.String(32), nullable=False),
        sa.Column("area_code", sa.String(32), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assignee_kind", sa.String(20), nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("department", sa.String(200), nullable=True),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("assigned_on", sa.Date, nullable=True),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("answered_on", sa.Date, nullable=True),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("withdrawn_on", sa.Date, nullable=True),
        sa.Column("clock_started_on", sa.Date, nullable=True),
        sa.Column("clock_running", sa.Boolean, nullable=False),
        sa.Column("pauses", sa.Text, nullable=False),
        sa.Column("escalation_level", sa.Integer, nullable=False),
        sa.Column("reopen_count", sa.Integer, nullable=False),
        sa.Column("revisits", sa.Integer, nullable=False),
        sa.Column("satisfied_revisits", sa.Integer, nullable=False),
        sa.Column("ratings", sa.String(40), nullable=False),
        sa.Column("last_satisfaction", sa.SmallInteger, nullable=True),
        sa.Column("business", sa.Integer, nullable=False),
    ]


tickets_table = sa.Table(
    "pl_tickets",
    metadata,
    sa.Column("ticket_id", sa.String(36), primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("pos", sa.BigInteger, nullable=False),
    sa.Column("paused_working_days", sa.Integer, nullable=False),
    *_state_columns(),
    sa.Index("ix_pl_tickets_city_status", "city_code", "status"),
)
"""One row per ticket: its state after its latest event."""

ticket_states_table = sa.Table(
    "pl_ticket_states",
    metadata,
    sa.Column("pos", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("ticket_id", sa.String(36), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    *_state_columns(),
    sa.Index("ix_pl_ticket_states_ticket", "ticket_id", "business", "version"),
    sa.Index("ix_pl_ticket_states_city", "city_code", "business"),
)
"""One row per ticket event: the ticket's state right after it."""


def _state(ticket: Ticket, business: date) -> dict[str, Any]:
    cycle = ticket.cycles[-1] if ticket.cycles else None
    kind = ticket.assignee_kind
    ratings = Counter(int(r.satisfaction) for r in ticket.revisits)
    last = ticket.last_satisfaction
    return {
        "code": ticket.code,
        "city_code": ticket.city_code,
        "area_code": ticket.area_code,
        "category": ticket.category,
        "status": ticket.status.value,
        "assignee_kind": None if kind is None else kind.value,
        "assignee": ticket.assignee,
        "department": ticket.assignee if kind is AssigneeKind.DEPARTMENT else None,
        "raised_on": ticket.raised_on,
        "assigned_on": ticket.assigned_on,
        "due_on": ticket.due_on,
        "answered_on": ticket.answered_on,
        "closed_on": ticket.closed_on,
        "withdrawn_on": ticket.withdrawn_on,
        "clock_started_on": None if cycle is None else cycle.started_on,
        "clock_running": cycle is not None and cycle.ended_on is None,
        "pauses": json.dumps(
            []
            if cycle is None
            else [[a.isoformat(), None if b is None else b.isoformat()] for a, b in cycle.pauses]
        ),
        "escalation_level": ticket.escalation_level,
        "reopen_count": ticket.reopen_count,
        "revisits": len(ticket.revisits),
        "satisfied_revisits": sum(1 for r in ticket.revisits if r.satisfactory),
        "ratings": ",".join(str(ratings[int(s)]) for s in Satisfaction),
        "last_satisfaction": None if last is None else int(last),
        "business": business.toordinal(),
    }


class TicketsProjection:
    """Fills ``pl_tickets`` and ``pl_ticket_states`` from the ``Ticket`` events."""

    name: str = TICKETS_PROJECTION
    topics: tuple[str, ...] = TICKET_TOPICS
    tables: tuple[sa.Table, ...] = (ticket_states_table, tickets_table)

    def __init__(self, sources: ReadModelSources) -> None:
        self._sources = sources
        self._tickets: dict[UUID, Ticket] = {}

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None:
        self.process_batch(conn, [(event, notification)])

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        states: list[dict[str, Any]] = []
        latest: dict[str, dict[str, Any]] = {}
        for event, n in items:
            ticket = self._after(event, n)
            business: date = getattr(event, "occurred_on")  # noqa: B009 - every ticket event has one
            row = _state(ticket, business)
            tid = str(n.originator_id)
            states.append({"pos": n.id, "ticket_id": tid, "version": n.originator_version, **row})
            latest[tid] = {
                "ticket_id": tid,
                "version": n.originator_version,
                "pos": n.id,
                "paused_working_days": ticket.paused_working_days(
                    ticket.last_fact_on, self._sources.calendar
                ),
                **row,
            }
        if not states:
            return
        dialect = sql_dialect(conn)
        conn.execute(dialect.insert_ignore(ticket_states_table, ["pos"]), states)
        update = [c.name for c in tickets_table.columns if c.name != "ticket_id"]
        conn.execute(
            dialect.upsert(tickets_table, ["ticket_id"], update, newer="version"), list(latest.values())
        )

    def _after(self, event: DomainEvent, n: Notification) -> Ticket:
        """The ticket right after ``event`` (version ``n.originator_version``)."""
        tid = UUID(str(n.originator_id))
        held = self._tickets.get(tid)
        if held is None or held.version != n.originator_version - 1:
            held = None
            if n.originator_version > 1:
                loaded: Any = self._sources.store.repository.get(tid, version=n.originator_version - 1)
                held = loaded
        mutating: Any = event
        mutated: Any = mutating.mutate(held)
        if not isinstance(mutated, Ticket):  # pragma: no cover - the topics are Ticket events only
            raise TypeError(f"event {n.id} ({n.topic}) did not yield a Ticket")
        self._tickets[tid] = mutated
        return mutated


register_projection(TicketsProjection)


class TicketState:
    """A ticket as the read model holds it on one business date (a ``pl_ticket_states`` row)."""

    __slots__ = ("_row",)

    def __init__(self, row: Mapping[str, Any] | sa.RowMapping) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        try:
            return self._row[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def ticket_id(self) -> UUID:
        return UUID(str(self._row["ticket_id"]))

    @property
    def status(self) -> TicketStatus:
        return TicketStatus(self._row["status"])

    @property
    def assignee_kind(self) -> AssigneeKind | None:
        kind = self._row["assignee_kind"]
        return None if kind is None else AssigneeKind(kind)

    @property
    def ratings(self) -> dict[int, int]:
        counts = [int(x) for x in str(self._row["ratings"]).split(",")]
        return {int(s): counts[i] for i, s in enumerate(Satisfaction)}

    def overdue_on(self, as_of: date, calendar: WorkingDays) -> OverdueState | None:
        """The running deadline on ``as_of`` (None when no clock runs), as ``Ticket.overdue_as_of``."""
        if not self._row["clock_running"]:
            return None
        pauses = [
            (date.fromisoformat(a), None if b is None else date.fromisoformat(b))
            for a, b in json.loads(self._row["pauses"])
        ]
        kind = self.assignee_kind
        assert kind is not None and self._row["due_on"] is not None
        cycle = DeadlineCycle(
            started_on=self._row["clock_started_on"],
            due_on=self._row["due_on"],
            assignee_kind=kind,
            assignee=self._row["assignee"],
            pauses=pauses,
        )
        return cycle.overdue_on(as_of, calendar)


def states_as_of(conn: sa.Connection, as_of: date, *, city_code: str | None = None) -> list[TicketState]:
    """Every ticket's state as of business date ``as_of`` (tickets raised later are absent)."""
    s = ticket_states_table
    inner = s.alias("later")
    cutoff = as_of.toordinal()
    newest = (
        sa.select(sa.func.max(inner.c.version))
        .where(inner.c.ticket_id == s.c.ticket_id, inner.c.business <= cutoff)
        .scalar_subquery()
    )
    query = sa.select(s).where(s.c.business <= cutoff, s.c.version == newest)
    if city_code is not None:
        query = query.where(s.c.city_code == city_code)
    return [TicketState(r._mapping) for r in conn.execute(query.order_by(s.c.code, s.c.ticket_id))]


def mean_and_share(ratings: Mapping[int, int], satisfied: int) -> tuple[Decimal | None, Decimal | None]:
    """Mean rating (2 places) and satisfied share (4 places), half-up; None without revisits."""
    n = sum(ratings.values())
    if not n:
        return None, None
    total = sum(k * v for k, v in ratings.items())
    mean = (Decimal(total) / n).quantize(Decimal("0.01"), ROUND_HALF_UP)
    share = (Decimal(satisfied) / n).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return mean, share
