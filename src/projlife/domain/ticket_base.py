"""What every part of the ``Ticket`` aggregate shares: its state, queries and checks."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from projlife.domain.actor import Actor, Role, fact_meta
from projlife.domain.errors import (
    IllegalTransition,
    PermissionDenied,
    ProjlifeError,
    SeparationOfDutiesViolation,
)
from projlife.domain.ticket_deadline import DeadlineCycle, OverdueState, Revisit, WorkingDays
from projlife.domain.ticket_values import AssigneeKind, CloseBasis, Satisfaction, TicketStatus

if TYPE_CHECKING:
    from eventsourcing.domain import CanMutateAggregate

__all__ = ["TicketBase", "text"]


def text(attempted: str, field: str, value: str | None) -> str:
    """``value`` stripped, or a refusal naming ``field`` when it is empty."""
    if value is None or not value.strip():
        raise ProjlifeError(attempted, f"{field} must not be empty", f"a non-empty {field}")
    return value.strip()


class TicketBase:
    """The state of a ticket and the checks every command shares.

    A plain mixin: :class:`~projlife.domain.ticket.Ticket` combines it with the command
    mixins and ``eventsourcing``'s ``Aggregate``, which sets the state in ``Ticket.__init__``
    and supplies ``trigger_event``.
    """

    code: str
    city_code: str
    area_code: str
    category: str
    description: str
    enterprise_code: str | None
    project_id: UUID | None
    raised_by: str
    raised_on: date
    recorded_by: str
    status: TicketStatus
    assigned_on: date | None
    cycles: list[DeadlineCycle]
    escalation_level: int
    escalations: list[tuple[int, str, date, date]]
    answers: list[tuple[int, str, date]]
    answered_on: date | None
    resolution: str | None
    sampled: bool
    draw_after_answer: tuple[UUID, bool] | None
    revisits: list[Revisit]
    reopen_count: int
    reopen_reasons: list[str]
    closed_on: date | None
    close_basis: CloseBasis | None
    closed_by: str | None
    withdrawn_on: date | None
    paused_since: date | None
    last_fact_on: date

    if TYPE_CHECKING:

        def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None: ...

    # -- queries ------------------------------------------------------------------

    @property
    def is_final(self) -> bool:
        return self.status in (TicketStatus.CLOSED, TicketStatus.WITHDRAWN)

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def assignee(self) -> str | None:
        return self.cycles[-1].assignee if self.cycles else None

    @property
    def assignee_kind(self) -> AssigneeKind | None:
        return self.cycles[-1].assignee_kind if self.cycles else None

    @property
    def due_on(self) -> date | None:
        """The due date of the current (or last) cycle."""
        return self.cycles[-1].due_on if self.cycles else None

    @property
    def answerers(self) -> frozenset[str]:
        """Everyone who ever answered this ticket (none of them may revisit or close it, and no
        revisitor may answer it later)."""
        return frozenset(a[1] for a in self.answers)

    @property
    def last_satisfaction(self) -> Satisfaction | None:
        return self.revisits[-1].satisfaction if self.revisits else None

    @property
    def unsatisfactory_revisits(self) -> int:
        return sum(1 for r in self.revisits if not r.satisfactory)

    def revisit_after_last_answer(self) -> Revisit | None:
        """The revisit of the current answer, if any."""
        if not self.answers or not self.revisits:
            return None
        last = self.revisits[-1]
        return last if last.after_answer_version == self.answers[-1][0] else None

    def overdue_as_of(self, as_of: date, calendar: WorkingDays) -> OverdueState | None:
        """The running deadline on ``as_of`` (None when no clock runs that day).

        Uses only facts with a business date on or before ``as_of``, so the answer for a past
        date does not change when later facts are recorded. Paused working days push the due
        date back.
        """
        for cycle in reversed(self.cycles):
            if cycle.running_on(as_of):
                return cycle.overdue_on(as_of, calendar)
        return None

    def paused_working_days(self, as_of: date, calendar: WorkingDays) -> int:
        """Working days paused over the ticket's whole life, up to ``as_of``."""
        return sum(c.paused_working_days(as_of, calendar) for c in self.cycles)

    # -- internals ------------------------------------------------------------------

    _meta = staticmethod(fact_meta)

    def _check_status(self, attempted: str, *allowed: TicketStatus) -> None:
        if self.status not in allowed:
            raise IllegalTransition(
                attempted,
                f"{self.status.value} ({self.status.label_zh})",
                f"a ticket that is {' or '.join(s.value for s in allowed)}",
            )

    def _check_date(self, attempted: str, occurred_on: date) -> None:
        if occurred_on < self.last_fact_on:
            raise ProjlifeError(
                attempted,
                f"business date {occurred_on} is earlier than the ticket's last fact ({self.last_fact_on})",
                f"a date on or after {self.last_fact_on}",
            )

    def _check_due(self, attempted: str, due_on: date, occurred_on: date) -> None:
        if due_on < self.raised_on or due_on < occurred_on:
            raise ProjlifeError(
                attempted,
                f"due date {due_on} is before the ticket was raised ({self.raised_on}) or assigned ({occurred_on})",
                f"a due date on or after {max(self.raised_on, occurred_on)}",
            )

    def _check_checker(self, attempted: str, actor: Actor, *, need_revisitor: bool) -> None:
        if actor.id in self.answerers:
            raise SeparationOfDutiesViolation(
                attempted,
                f"{actor.id} answered this ticket and cannot also {'revisit' if need_revisitor else 'close'} it",
                "a different actor" + (" with the revisitor role" if need_revisitor else ""),
            )
        if need_revisitor and actor.role is not Role.REVISITOR:
            raise PermissionDenied(
                attempted, f"actor {actor.id} has role {actor.role.value}", "the revisitor role"
            )
        if not need_revisitor and actor.role not in (Role.REVISITOR, Role.CLERK, Role.ADMIN):
            raise PermissionDenied(
                attempted, f"actor {actor.id} has role {actor.role.value}", "revisitor, clerk or admin"
            )

    @staticmethod
    def _rating(attempted: str, field: str, value: Satisfaction | int) -> Satisfaction:
        try:
            if isinstance(value, bool):
                raise ValueError
            return Satisfaction(value)
        except ValueError:
            raise ProjlifeError(
                attempted, f"{field} {value!r} is off the scale", "an integer 1 (非常不满意) … 5 (非常满意)"
            ) from None

    def _start_cycle(self, started_on: date, due_on: date, kind: AssigneeKind | str, assignee: str) -> None:
        self.cycles.append(DeadlineCycle(started_on, due_on, AssigneeKind(kind), assignee))

    def _end_cycle(self, ended_on: date) -> None:
        if self.cycles and self.cycles[-1].ended_on is None:
            cycle = self.cycles[-1]
            cycle.ended_on = ended_on
            if cycle.pauses and cycle.pauses[-1][1] is None:
                cycle.pauses[-1] = (cycle.pauses[-1][0], ended_on)
            self.paused_since = None
