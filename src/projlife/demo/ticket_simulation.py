"""Seeded ticket traffic for a simulated drive: raise, assign, sometimes escalate, mostly answer.

:func:`simulate_tickets` turns the projects of a :class:`~projlife.demo.simulation.Simulation` into
ticket commands (as mappings for :meth:`TicketService.execute`), in business-date order.
The same seed always gives the same commands; ticket ids follow from city and code
(:func:`~projlife.domain.ticket.ticket_id_for`), so every command can be written down
before any of them runs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from projlife.calendar import WorkdayCalendar
from projlife.demo.flavour import CityFlavour, flavour_for
from projlife.demo.simulation import SimulatedProject
from projlife.domain.project import project_id_for
from projlife.domain.ticket import ticket_id_for

__all__ = ["simulate_tickets"]


def simulate_tickets(
    city_code: str,
    projects: Sequence[SimulatedProject],
    categories: Sequence[str],
    n_tickets: int,
    *,
    seed: int = 1,
    as_of: date = date(2024, 12, 31),
    calendar: WorkdayCalendar | None = None,
    flavour: CityFlavour | None = None,
) -> list[dict[str, Any]]:
    """Ticket commands about ``projects`` (cancelled ones skipped), raised in the 120 days before ``as_of``.

    About 10% are escalated and 75% answered (if the answer falls 10 days or more before
    ``as_of``); the rest stay open, so some run overdue. ``categories`` are the city's
    ticket category labels (``app.tickets.policy(city_code).category_labels``). The problems, where
    they are collected and the departments come from the city's flavour
    (:func:`~projlife.demo.flavour.flavour_for`), each problem fitting its category.
    """
    fl = flavour if flavour is not None else flavour_for(city_code)
    cal = calendar if calendar is not None else WorkdayCalendar.china()
    rng = random.Random(f"tickets/{seed}/{city_code}")
    live = [p for p in projects if not p.cancelled]
    if not live or not categories:
        return []
    start = as_of - timedelta(days=120)
    clerk = {"id": f"clerk-{city_code}", "role": "clerk"}
    out: list[tuple[date, int, dict[str, Any]]] = []
    for n in range(1, n_tickets + 1):
        sp = rng.choice(live)
        code = f"{sp.code}-T{n:05d}"
        category = rng.choice(list(categories))
        tid = str(ticket_id_for(city_code, code))
        on = cal.roll_forward(start + timedelta(days=rng.randrange(0, 90)))
        cmds: list[tuple[date, dict[str, Any]]] = [
            (
                on,
                {
                    "command": "raise_ticket",
                    "code": code,
                    "city_code": city_code,
                    "area_code": sp.area_code,
                    "category": category,
                    "description": fl.problem(category, rng.randrange(1000)),
                    "raised_by": rng.choice(fl.ticket_sources),
                    "project_id": str(project_id_for(city_code, sp.code)),
                    "occurred_on": on.isoformat(),
                    "actor": clerk,
                },
            )
        ]
        locality = rng.random() < 0.5
        cmds.append(
            (
                on,
                {
                    "command": "assign_ticket",
                    "ticket_id": tid,
                    "assignee_kind": "locality" if locality else "department",
                    "assignee": sp.area_code if locality else rng.choice(fl.departments),
                    "occurred_on": on.isoformat(),
                    "actor": clerk,
                },
            )
        )
        roll = rng.random()
        day = on + timedelta(days=rng.randrange(3, 25))
        if roll < 0.1:
            cmds.append(
                (
                    day,
                    {
                        "command": "escalate_ticket",
                        "ticket_id": tid,
                        "reason": "属地无法协调解决",
                        "occurred_on": day.isoformat(),
                        "actor": clerk,
                    },
                )
            )
        if roll < 0.75 and day <= as_of - timedelta(days=10):
            cmds.append(
                (
                    day,
                    {
                        "command": "answer_ticket",
                        "ticket_id": tid,
                        "resolution": rng.choice(fl.resolutions),
                        "evidence": [f"办结单-{n:05d}"],
                        "occurred_on": day.isoformat(),
                        "actor": {"id": f"handler-{rng.randrange(1, 6)}", "role": "handler"},
                    },
                )
            )
        out += [(d, len(out) + i, c) for i, (d, c) in enumerate(cmds)]
    out.sort(key=lambda item: (item[0], item[1]))
    return [c for _, _, c in out]
