"""The ``Ticket`` aggregate: one problem an enterprise raised, through the closed loop.

收集 → 分办 → 办理 → 回访 → 销号 (raise → assign → answer → revisit → close). A ticket is
closed only on a satisfactory revisit after its last answer (or, where the city allows it,
on its answer when it was not drawn for a revisit); an unsatisfactory revisit reopens it
back to its assignee with a new due date. Whoever answered a ticket can neither revisit
nor close it.

The aggregate is pure: every city rule it needs (the category list, the computed due date,
the escalation ladder, the satisfaction bar, whether unsampled tickets close on answer)
arrives as a plain argument of the command, computed by the application from the city's
:class:`~projlife.tickets.policy.TicketPolicy`.

The parts: values in :mod:`~projlife.domain.ticket_values`, the clock in
:mod:`~projlife.domain.ticket_deadline`, events in :mod:`~projlife.domain.ticket_events`, shared
state and checks in :mod:`~projlife.domain.ticket_base`, commands in
:mod:`~projlife.domain.ticket_handling` and :mod:`~projlife.domain.ticket_revisits`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate

from projlife.domain import ticket_events as events
from projlife.domain.actor import Actor
from projlife.domain.errors import ProjlifeError
from projlife.domain.ticket_base import text
from projlife.domain.ticket_deadline import DeadlineCycle, OverdueState, Revisit, WorkingDays
from projlife.domain.ticket_handling import HandlingCommands
from projlife.domain.ticket_revisits import RevisitCommands
from projlife.domain.ticket_values import AssigneeKind, CloseBasis, Satisfaction, TicketStatus, ticket_id_for

__all__ = [
    "AssigneeKind",
    "CloseBasis",
    "DeadlineCycle",
    "OverdueState",
    "Revisit",
    "Satisfaction",
    "Ticket",
    "TicketStatus",
    "WorkingDays",
    "ticket_id_for",
]


class Ticket(HandlingCommands, RevisitCommands, Aggregate):
    """One enterprise problem (问题/诉求), from collection to being struck off.

    Create with :meth:`raise_`; the other commands are imperative methods that check, then
    record, or raise a :class:`ProjlifeError` and record nothing.
    """

    TOPIC = "projlife:Ticket"

    # The events live in :mod:`projlife.domain.ticket_events`; binding them here keeps
    # ``Ticket.Raised`` and friends, and registers every explicit TOPIC with the aggregate.
    Event = events.TicketEvent
    Raised = events.Raised
    Assigned = events.Assigned
    Escalated = events.Escalated
    Answered = events.Answered
    RevisitSampled = events.RevisitSampled
    RevisitNotSampled = events.RevisitNotSampled
    Revisited = events.Revisited
    Reopened = events.Reopened
    Closed = events.Closed
    Withdrawn = events.Withdrawn
    ClockPaused = events.ClockPaused
    ClockResumed = events.ClockResumed
    Created = events.Raised

    # -- state ------------------------------------------------------------------

    def __init__(
        self,
        *,
        code: str,
        city_code: str,
        area_code: str,
        category: str,
        description: str,
        enterprise_code: str | None,
        project_id: UUID | None,
        raised_by: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None,
        evidence: tuple[str, ...],
    ) -> None:
        self.code = code
        self.city_code = city_code
        self.area_code = area_code
        self.category = category
        self.description = description
        self.enterprise_code = enterprise_code
        self.project_id = UUID(str(project_id)) if project_id is not None else None
        self.raised_by = raised_by
        self.raised_on = occurred_on
        self.recorded_by = actor.id
        self.status = TicketStatus.RAISED
        self.assigned_on: date | None = None
        self.cycles: list[DeadlineCycle] = []
        self.escalation_level = 0
        self.escalations: list[tuple[int, str, date, date]] = []
        self.answers: list[tuple[int, str, date]] = []
        self.answered_on: date | None = None
        self.resolution: str | None = None
        self.sampled = False
        self.draw_after_answer: tuple[UUID, bool] | None = None
        self.revisits: list[Revisit] = []
        self.reopen_count = 0
        self.reopen_reasons: list[str] = []
        self.closed_on: date | None = None
        self.close_basis: CloseBasis | None = None
        self.closed_by: str | None = None
        self.withdrawn_on: date | None = None
        self.paused_since: date | None = None
        self.last_fact_on = occurred_on

    # -- commands -------------------------------------------------------------------

    @classmethod
    def raise_(
        cls,
        *,
        code: str,
        city_code: str,
        area_code: str,
        category: str,
        categories: Collection[str],
        description: str,
        raised_by: str,
        occurred_on: date,
        actor: Actor,
        enterprise_code: str | None = None,
        project_id: UUID | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> Ticket:
        """收集: record a problem in one of ``categories`` (the city's list)."""
        attempted = f"raise ticket {code}"
        if category not in categories:
            raise ProjlifeError(attempted, f"unknown category {category!r}", ", ".join(categories))
        description = text(attempted, "description", description)
        raised_by = text(attempted, "raised_by", raised_by)
        if enterprise_code is None and project_id is None:
            raise ProjlifeError(
                attempted,
                "a ticket must name an enterprise or a project",
                "enterprise_code and/or project_id",
            )
        return cls._create(
            cls.Raised,
            id=ticket_id_for(city_code, code),
            code=code,
            city_code=city_code,
            area_code=area_code,
            category=category,
            description=description,
            enterprise_code=enterprise_code,
            project_id=project_id,
            raised_by=raised_by,
            **cls._meta(occurred_on, actor, reason, evidence),
        )


for _name in events.__all__:
    # Keep the qualified names the events had when they were nested in ``Ticket``.
    _event = getattr(events, _name)
    _event.__qualname__ = f"Ticket.{'Event' if _name == 'TicketEvent' else _name}"
