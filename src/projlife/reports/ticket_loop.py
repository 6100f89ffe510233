"""The bulletin's 企业诉求闭环 section, from the tickets read model (``app.tickets``).

The loop counts are city-wide, as of the bulletin's date (``app.tickets.summary``); overdue
tickets are also counted per county (``app.tickets.overdue``, each ticket's area mapped to
its county) and the most overdue are listed by code.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.plugins.types import CityProfile
from projlife.reports.city_rules import county_name

if TYPE_CHECKING:
    from projlife.ports import ReportSource

__all__ = ["OverdueTicketLine", "TicketLoop", "ticket_loop"]


@attrs.frozen
class OverdueTicketLine:
    code: str
    area_code: str
    area_name: str
    category: str
    assignee: str
    due_on: date
    overdue_working_days: int
    escalation_level: int


@attrs.frozen
class TicketLoop:
    """Enterprise problems as of the date: raised (to date), open, answered, closed, overdue,
    reopened, and satisfaction among revisits."""

    as_of: date
    raised: int
    open: int
    answered: int
    closed: int
    withdrawn: int
    overdue: int
    reopened: int
    revisits: int
    satisfied_share: Decimal | None
    """Share of revisits that met the city's satisfaction bar; None when no revisit yet."""
    mean_satisfaction: Decimal | None
    overdue_by_county: dict[str, int]
    most_overdue: tuple[OverdueTicketLine, ...]


def ticket_loop(app: ReportSource, city: CityProfile, as_of: date, *, list_top: int = 5) -> TicketLoop:
    s = app.tickets.summary(as_of=as_of, city_code=city.code)
    overdue = app.tickets.overdue(as_of=as_of, city_code=city.code)
    by_county: Counter[str] = Counter()
    for t in overdue:
        county = city.areas.unit_of(t.area_code) if t.area_code in city.areas else None
        by_county[county.code if county else city.code] += 1
    return TicketLoop(
        as_of=as_of,
        raised=s.raised,
        open=s.open,
        answered=s.answered,
        closed=s.closed,
        withdrawn=s.withdrawn,
        overdue=s.overdue,
        reopened=s.reopened,
        revisits=s.revisits,
        satisfied_share=s.satisfied_share,
        mean_satisfaction=s.mean_satisfaction,
        overdue_by_county=dict(by_county),
        most_overdue=tuple(
            OverdueTicketLine(
                t.code,
                t.area_code,
                county_name(city, t.area_code),
                t.category,
                city.areas[t.assignee].name if t.assignee in city.areas else t.assignee,
                t.effective_due_on,
                t.overdue_working_days,
                t.escalation_level,
            )
            for t in overdue[:list_top]
        ),
    )
