"""Brute-force reference for the tickets read model: replay every ticket's events up to D.

This is how ``app.tickets.overdue()``/``summary()`` were computed before the projection: each
ticket rebuilt through the ``Ticket`` aggregate from its facts with a business date ≤ D.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from projlife.app.application import Projlife
from projlife.domain.ticket import AssigneeKind, Satisfaction, Ticket, TicketStatus


def tickets_as_of(app: Projlife, as_of: date, city_code: str | None = None) -> list[Ticket]:
    out = []
    for tid in app.tickets.ticket_ids():
        ticket = app.tickets.ticket_as_of(tid, as_of)
        if ticket is not None and (city_code is None or ticket.city_code == city_code):
            out.append(ticket)
    return out


def overdue(app: Projlife, as_of: date, **filters: Any) -> list[tuple[Any, ...]]:
    """(code, due, effective due, paused, overdue days, department) of each overdue ticket."""
    out = []
    for t in tickets_as_of(app, as_of, filters.get("city_code")):
        state = t.overdue_as_of(as_of, app.tickets.calendar)
        if state is None or not state.is_overdue:
            continue
        dept = t.assignee if t.assignee_kind is AssigneeKind.DEPARTMENT else None
        if "department" in filters and dept != filters["department"]:
            continue
        if "area" in filters and t.area_code != filters["area"]:
            continue
        out.append(
            (
                t.code,
                state.due_on,
                state.effective_due_on,
                state.paused_working_days,
                state.overdue_working_days,
                t.escalation_level,
                t.reopen_count,
            )
        )
    return sorted(out, key=lambda o: (-o[4], o[0]))


def summary(app: Projlife, as_of: date, city_code: str | None = None) -> dict[str, Any]:
    status: Counter[TicketStatus] = Counter()
    ratings: Counter[int] = Counter()
    overdue_n = reopened = satisfied = 0
    categories: Counter[str] = Counter()
    for t in tickets_as_of(app, as_of, city_code):
        status[t.status] += 1
        categories[t.category] += 1
        reopened += t.reopen_count
        for r in t.revisits:
            ratings[int(r.satisfaction)] += 1
            satisfied += int(r.satisfactory)
        state = t.overdue_as_of(as_of, app.tickets.calendar)
        overdue_n += int(state is not None and state.is_overdue)
    return {
        "raised": sum(status.values()),
        "open": status[TicketStatus.RAISED] + status[TicketStatus.ASSIGNED],
        "answered": status[TicketStatus.ANSWERED],
        "closed": status[TicketStatus.CLOSED],
        "withdrawn": status[TicketStatus.WITHDRAWN],
        "overdue": overdue_n,
        "reopened": reopened,
        "satisfaction": {int(s): ratings[int(s)] for s in Satisfaction},
        "satisfied": satisfied,
        "by_category": dict(sorted(categories.items())),
    }
