"""The ``Ticket`` commands that move it through handling: assign, escalate, answer, withdraw, pause and resume."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from projlife.domain import ticket_events as events
from projlife.domain.actor import Actor, Role
from projlife.domain.errors import (
    IllegalTransition,
    PermissionDenied,
    ProjlifeError,
    SeparationOfDutiesViolation,
)
from projlife.domain.ticket_base import TicketBase, text
from projlife.domain.ticket_values import AssigneeKind, TicketStatus

__all__ = ["HandlingCommands"]


class HandlingCommands(TicketBase):
    """Commands of the assignee's side of the loop and of the clock."""

    def assign(
        self,
        *,
        assignee_kind: AssigneeKind,
        assignee: str,
        due_on: date,
        due_rule: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """分办: hand to a locality or department; reassigning restarts the clock."""
        attempted = f"assign ticket {self.code}"
        self._check_status(attempted, TicketStatus.RAISED, TicketStatus.ASSIGNED)
        self._check_date(attempted, occurred_on)
        if self.is_paused:
            raise IllegalTransition(
                attempted, f"clock paused since {self.paused_since}", "resume the clock first"
            )
        assignee = text(attempted, "assignee", assignee)
        self._check_due(attempted, due_on, occurred_on)
        self.trigger_event(
            events.Assigned,
            assignee_kind=AssigneeKind(assignee_kind),
            assignee=assignee,
            due_on=due_on,
            due_rule=due_rule,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def escalate(
        self,
        *,
        ladder: Sequence[str],
        scheduled_on: date,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """Move one step up ``ladder`` (step 0 is where it was assigned), to be taken up on ``scheduled_on``."""
        attempted = f"escalate ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        self._check_date(attempted, occurred_on)
        level = self.escalation_level + 1
        if level >= len(ladder):
            raise IllegalTransition(
                attempted,
                f"already at the top of the ladder ({ladder[-1] if ladder else 'no ladder'})",
                "answering, pausing or withdrawing the ticket",
            )
        if scheduled_on < occurred_on:
            raise ProjlifeError(
                attempted,
                f"scheduled for {scheduled_on}, before the escalation on {occurred_on}",
                "a later date",
            )
        self.trigger_event(
            events.Escalated,
            level=level,
            step=ladder[level],
            scheduled_on=scheduled_on,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def answer(
        self,
        *,
        resolution: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """办理反馈: the assignee's answer; a handler records it."""
        attempted = f"answer ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        if actor.role is not Role.HANDLER:
            raise PermissionDenied(
                attempted, f"actor {actor.id} has role {actor.role.value}", "the handler role"
            )
        if actor.id in {r.called_by for r in self.revisits}:
            raise SeparationOfDutiesViolation(
                attempted,
                f"{actor.id} revisited this ticket and cannot also answer it",
                "a handler who never revisited it",
            )
        self._check_date(attempted, occurred_on)
        if self.is_paused:
            raise IllegalTransition(
                attempted, f"clock paused since {self.paused_since}", "resume the clock first"
            )
        resolution = text(attempted, "resolution", resolution)
        self.trigger_event(
            events.Answered, resolution=resolution, **self._meta(occurred_on, actor, reason, evidence)
        )

    def withdraw(self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()) -> None:
        """The enterprise withdrew the problem (reason required)."""
        attempted = f"withdraw ticket {self.code}"
        self._check_status(attempted, TicketStatus.RAISED, TicketStatus.ASSIGNED, TicketStatus.ANSWERED)
        why = text(attempted, "reason", reason)
        self._check_date(attempted, occurred_on)
        self.trigger_event(events.Withdrawn, **self._meta(occurred_on, actor, why, evidence))

    def pause_clock(
        self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()
    ) -> None:
        """Stop the due-date clock of an assigned ticket (reason required)."""
        attempted = f"pause the clock of ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        why = text(attempted, "reason", reason)
        if self.is_paused:
            raise IllegalTransition(attempted, f"paused since {self.paused_since}", "resume the clock")
        self._check_date(attempted, occurred_on)
        self.trigger_event(events.ClockPaused, **self._meta(occurred_on, actor, why, evidence))

    def resume_clock(
        self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()
    ) -> None:
        """Restart a paused clock (reason required)."""
        attempted = f"resume the clock of ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        why = text(attempted, "reason", reason)
        if not self.is_paused:
            raise IllegalTransition(attempted, "the clock is running", "pause the clock")
        self._check_date(attempted, occurred_on)
        self.trigger_event(events.ClockResumed, **self._meta(occurred_on, actor, why, evidence))
