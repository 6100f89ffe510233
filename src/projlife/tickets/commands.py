"""Ticket commands, validated with pydantic at the boundary (same conventions as project commands).

City rules (the category list, the due rule, the ladder, the bar) are not known here; the
:class:`~projlife.tickets.service.TicketService` checks them against the city's policy.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import BeforeValidator, Field

from projlife.app.commands import AreaCode, Code, Command, CreditCode, LongText, ShortText, _no_float
from projlife.domain.ticket import AssigneeKind

__all__ = [
    "TICKET_COMMANDS",
    "AnswerTicket",
    "AssignTicket",
    "CloseTicket",
    "DrawRevisitSample",
    "EscalateTicket",
    "PauseTicketClock",
    "RaiseTicket",
    "ResumeTicketClock",
    "RevisitTicket",
    "TicketCommand",
    "WithdrawTicket",
]

Rating = Annotated[int, Field(ge=1, le=5, strict=True)]
"""A satisfaction rating on the fixed 1 (非常不满意) … 5 (非常满意) scale."""


class RaiseTicket(Command):
    """收集: record a problem an enterprise raised, about an enterprise and/or a project."""

    name: ClassVar[str] = "raise_ticket"
    code: Code
    city_code: AreaCode
    area_code: AreaCode
    category: ShortText
    description: LongText
    raised_by: ShortText
    enterprise_code: CreditCode | None = None
    project_id: UUID | None = None


class TicketCommand(Command):
    """A command on an existing ticket."""

    ticket_id: UUID


class AssignTicket(TicketCommand):
    """分办: to a locality (area code) or a department; ``due_on`` defaults to the city's due rule."""

    name: ClassVar[str] = "assign_ticket"
    assignee_kind: AssigneeKind
    assignee: ShortText
    due_on: date | None = None


class EscalateTicket(TicketCommand):
    """One step up the city's ladder."""

    name: ClassVar[str] = "escalate_ticket"


class AnswerTicket(TicketCommand):
    """办理反馈: the resolution; evidence references in ``evidence``."""

    name: ClassVar[str] = "answer_ticket"
    resolution: LongText


class RevisitTicket(TicketCommand):
    """回访: the enterprise's rating; a rating below the bar reopens the ticket and needs a reason."""

    name: ClassVar[str] = "revisit_ticket"
    satisfaction: Rating


class CloseTicket(TicketCommand):
    """销号."""

    name: ClassVar[str] = "close_ticket"


class WithdrawTicket(TicketCommand):
    """The enterprise withdrew the problem (reason required)."""

    name: ClassVar[str] = "withdraw_ticket"
    reason: LongText


class PauseTicketClock(TicketCommand):
    """Stop the due-date clock of an assigned ticket (reason required)."""

    name: ClassVar[str] = "pause_ticket_clock"
    reason: LongText


class ResumeTicketClock(TicketCommand):
    """Restart a paused due-date clock (reason required)."""

    name: ClassVar[str] = "resume_ticket_clock"
    reason: LongText


class DrawRevisitSample(Command):
    """Draw the revisit sample among a city's answered, not yet drawn tickets.

    ``window_start``/``window_end`` limit the population to tickets answered in that range
    (inclusive); ``rate`` defaults to the city's sample rate.
    """

    name: ClassVar[str] = "draw_revisit_sample"
    city_code: AreaCode
    seed: ShortText
    window_start: date | None = None
    window_end: date | None = None
    rate: Annotated[Decimal, BeforeValidator(_no_float), Field(ge=0, le=1, allow_inf_nan=False)] | None = None


TICKET_COMMANDS: dict[str, type[Command]] = {
    cls.name: cls
    for cls in (
        RaiseTicket,
        AssignTicket,
        EscalateTicket,
        AnswerTicket,
        RevisitTicket,
        CloseTicket,
        WithdrawTicket,
        PauseTicketClock,
        ResumeTicketClock,
        DrawRevisitSample,
    )
}
"""Every ticket command by its name, for JSON and CLI input."""
