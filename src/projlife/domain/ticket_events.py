"""The ``Ticket`` aggregate's events: every fact a ticket's history can hold."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor
from projlife.domain.ticket_deadline import Revisit
from projlife.domain.ticket_values import AssigneeKind, CloseBasis, Satisfaction, TicketStatus

if TYPE_CHECKING:
    from projlife.domain.ticket import Ticket

__all__ = [
    "Answered",
    "Assigned",
    "ClockPaused",
    "ClockResumed",
    "Closed",
    "Escalated",
    "Raised",
    "Reopened",
    "RevisitNotSampled",
    "RevisitSampled",
    "Revisited",
    "TicketEvent",
    "Withdrawn",
]


class TicketEvent(Aggregate.Event):
    """Base of every ticket event: when, who and why."""

    occurred_on: date
    actor: Actor
    reason: str | None
    evidence: tuple[str, ...]
    class_version: ClassVar[int] = 1

    def mutate(self, aggregate: Any) -> Any:
        ticket: Any = super().mutate(aggregate)
        ticket.last_fact_on = self.occurred_on
        return ticket


class Raised(TicketEvent, Aggregate.Created):
    """收集: an enterprise raised a problem."""

    TOPIC = "projlife:Ticket.Raised"
    code: str
    city_code: str
    area_code: str
    category: str
    description: str
    enterprise_code: str | None
    project_id: UUID | None
    raised_by: str


class Assigned(TicketEvent):
    """分办: handed to a locality or department, due on ``due_on`` (inclusive)."""

    TOPIC = "projlife:Ticket.Assigned"
    assignee_kind: AssigneeKind
    assignee: str
    due_on: date
    due_rule: str

    def apply(self, ticket: Ticket) -> None:
        ticket._end_cycle(self.occurred_on)
        ticket._start_cycle(self.occurred_on, self.due_on, self.assignee_kind, self.assignee)
        ticket.assigned_on = self.occurred_on
        ticket.escalation_level = 0
        ticket.status = TicketStatus.ASSIGNED


class Escalated(TicketEvent):
    """升级: one step up the city's ladder, scheduled for ``scheduled_on``."""

    TOPIC = "projlife:Ticket.Escalated"
    level: int
    step: str
    scheduled_on: date

    def apply(self, ticket: Ticket) -> None:
        ticket.escalation_level = self.level
        ticket.escalations.append((self.level, self.step, self.scheduled_on, self.occurred_on))


class Answered(TicketEvent):
    """办理反馈: the assignee answered with a resolution (evidence in ``evidence``)."""

    TOPIC = "projlife:Ticket.Answered"
    resolution: str

    def apply(self, ticket: Ticket) -> None:
        ticket._end_cycle(self.occurred_on)
        ticket.answers.append((self.originator_version, self.actor.id, self.occurred_on))
        ticket.answered_on = self.occurred_on
        ticket.resolution = self.resolution
        ticket.status = TicketStatus.ANSWERED
        ticket.draw_after_answer = None


class RevisitSampled(TicketEvent):
    """The ticket was drawn for a call-back in revisit draw ``draw_id``."""

    TOPIC = "projlife:Ticket.RevisitSampled"
    draw_id: UUID

    def apply(self, ticket: Ticket) -> None:
        ticket.sampled = True
        ticket.draw_after_answer = (UUID(str(self.draw_id)), True)


class RevisitNotSampled(TicketEvent):
    """The ticket was in the population of draw ``draw_id`` but was not drawn."""

    TOPIC = "projlife:Ticket.RevisitNotSampled"
    draw_id: UUID

    def apply(self, ticket: Ticket) -> None:
        ticket.draw_after_answer = (UUID(str(self.draw_id)), False)


class Revisited(TicketEvent):
    """回访复核: the enterprise was called back and rated the handling."""

    TOPIC = "projlife:Ticket.Revisited"
    satisfaction: Satisfaction
    satisfaction_bar: Satisfaction

    def apply(self, ticket: Ticket) -> None:
        ticket.revisits.append(
            Revisit(
                version=self.originator_version,
                called_by=self.actor.id,
                called_on=self.occurred_on,
                satisfaction=Satisfaction(self.satisfaction),
                satisfaction_bar=Satisfaction(self.satisfaction_bar),
                after_answer_version=ticket.answers[-1][0],
            )
        )


class Reopened(TicketEvent):
    """Back to the assignee after an unsatisfactory revisit, due again on ``due_on``."""

    TOPIC = "projlife:Ticket.Reopened"
    due_on: date
    due_rule: str

    def apply(self, ticket: Ticket) -> None:
        last = ticket.cycles[-1]
        ticket._start_cycle(self.occurred_on, self.due_on, last.assignee_kind, last.assignee)
        ticket.reopen_count += 1
        ticket.reopen_reasons.append(self.reason or "")
        ticket.status = TicketStatus.ASSIGNED
        ticket.escalation_level = 0


class Closed(TicketEvent):
    """销号: struck off, on a satisfactory revisit or (where allowed) unsampled on its answer."""

    TOPIC = "projlife:Ticket.Closed"
    basis: CloseBasis

    def apply(self, ticket: Ticket) -> None:
        ticket.status = TicketStatus.CLOSED
        ticket.closed_on = self.occurred_on
        ticket.close_basis = CloseBasis(self.basis)
        ticket.closed_by = self.actor.id


class Withdrawn(TicketEvent):
    """The enterprise withdrew the ticket (reason required)."""

    TOPIC = "projlife:Ticket.Withdrawn"

    def apply(self, ticket: Ticket) -> None:
        ticket._end_cycle(self.occurred_on)
        ticket.status = TicketStatus.WITHDRAWN
        ticket.withdrawn_on = self.occurred_on


class ClockPaused(TicketEvent):
    """The due-date clock stopped (e.g. waiting for the enterprise); reason required."""

    TOPIC = "projlife:Ticket.ClockPaused"

    def apply(self, ticket: Ticket) -> None:
        ticket.cycles[-1].pauses.append((self.occurred_on, None))
        ticket.paused_since = self.occurred_on


class ClockResumed(TicketEvent):
    """The due-date clock runs again; reason required."""

    TOPIC = "projlife:Ticket.ClockResumed"

    def apply(self, ticket: Ticket) -> None:
        pauses = ticket.cycles[-1].pauses
        pauses[-1] = (pauses[-1][0], self.occurred_on)
        ticket.paused_since = None
