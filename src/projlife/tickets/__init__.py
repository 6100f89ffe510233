"""The enterprise problem loop (收集 → 分办 → 办理 → 回访 → 销号): policy, commands, service."""

from projlife.tickets.policy import (
    DEFAULT_TICKET_POLICY,
    ZHUMADIAN_TICKET_POLICY,
    EscalationStep,
    TicketCategory,
    TicketPolicy,
    ticket_policy_for,
)
from projlife.tickets.service import DrawResult, LoopSummary, OverdueTicket, TicketService

__all__ = [
    "DEFAULT_TICKET_POLICY",
    "ZHUMADIAN_TICKET_POLICY",
    "DrawResult",
    "EscalationStep",
    "LoopSummary",
    "OverdueTicket",
    "TicketCategory",
    "TicketPolicy",
    "TicketService",
    "ticket_policy_for",
]
