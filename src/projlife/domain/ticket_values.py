"""The ``Ticket`` aggregate's values: its id, status, satisfaction scale, assignee kind and close basis."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5

__all__ = ["AssigneeKind", "CloseBasis", "Satisfaction", "TicketStatus", "ticket_id_for"]

_TICKET_NAMESPACE = uuid5(NAMESPACE_URL, "https://projlife.invalid/ticket")


def ticket_id_for(city_code: str, code: str) -> UUID:
    """The stable id of a ticket, derived from its city and its ticket number."""
    return uuid5(_TICKET_NAMESPACE, f"{city_code}/{code}")


class TicketStatus(StrEnum):
    """Where a ticket stands in the loop."""

    RAISED = "raised"
    """收集: recorded, not yet assigned."""
    ASSIGNED = "assigned"
    """分办: with a locality or department, the clock running (also after a reopen)."""
    ANSWERED = "answered"
    """办理反馈: the assignee answered; waiting for a revisit or for closing."""
    CLOSED = "closed"
    """销号: struck off. Final."""
    WITHDRAWN = "withdrawn"
    """The enterprise withdrew it. Final."""

    @property
    def label_zh(self) -> str:
        return _STATUS_ZH[self]


_STATUS_ZH = {
    TicketStatus.RAISED: "已收集",
    TicketStatus.ASSIGNED: "办理中",
    TicketStatus.ANSWERED: "已反馈",
    TicketStatus.CLOSED: "已销号",
    TicketStatus.WITHDRAWN: "已撤回",
}


class Satisfaction(IntEnum):
    """The fixed five-point satisfaction scale of a revisit (满意度评价).

    1 非常不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意. A city sets its bar on this
    scale (the default bar is 4, 满意): a rating at or above the bar closes the ticket.
    """

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    FAIRLY_SATISFIED = 3
    SATISFIED = 4
    VERY_SATISFIED = 5

    @property
    def label_zh(self) -> str:
        return _SATISFACTION_ZH[self]


_SATISFACTION_ZH = {
    Satisfaction.VERY_DISSATISFIED: "非常不满意",
    Satisfaction.DISSATISFIED: "不满意",
    Satisfaction.FAIRLY_SATISFIED: "基本满意",
    Satisfaction.SATISFIED: "满意",
    Satisfaction.VERY_SATISFIED: "非常满意",
}


class AssigneeKind(StrEnum):
    """Who a ticket is handed to (交办相关属地和职能部门)."""

    LOCALITY = "locality"
    """属地: a county, district, town or park, by area code."""
    DEPARTMENT = "department"
    """职能部门: a functional department, by name."""


class CloseBasis(StrEnum):
    """Why a ticket could be closed."""

    REVISIT = "revisit"
    """A satisfactory revisit after the last answer."""
    NOT_SAMPLED = "not_sampled"
    """Not drawn for a revisit, and the city closes such tickets on their answer."""
