"""Xiamen's closed loop: planned dates and their lateness, and the three lists per project."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

import attrs

from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.ticket import TicketStatus
from projlife.plugins.cities._evaluation import ProjectRecord, record_of
from projlife.plugins.cities._support import city_projects
from projlife.plugins.cities.xiamen.rules import PLANNED_STAGES, REGISTRATION_NODE

if TYPE_CHECKING:
    from projlife.ports import BulletinSource

__all__ = ["ClosedLoopLists", "Lateness", "closed_loop_lists", "schedule_lateness"]


@attrs.frozen
class Lateness:
    """One planned date of one project: when it was planned, when it happened, how late."""

    project_code: str
    node_zh: str
    stage: Stage | None
    """The stage that meets the node (``None`` when a milestone does: 注册)."""
    planned_on: date
    actual_on: date | None
    days_late: int
    """Calendar days after the planned date: to the actual date, or to the as-of date while not met;
    0 when met on time or not yet due."""

    milestone: Milestone | None = None
    """The milestone that meets the node: ``registered`` (注册) for a 招商 project's 开工(注册)."""

    @property
    def is_late(self) -> bool:
        return self.days_late > 0


def schedule_lateness(records: Iterable[ProjectRecord], as_of: date) -> list[Lateness]:
    """Every planned node (策划生成, 开工(注册), 竣工投产) of ``records`` as of ``as_of``.

    002: 明确每个项目策划生成、开工(注册)、竣工投产时间节点. For a 招商 project — one that planned its
    company registration (``plan_milestone registered``) — the node 开工(注册) is its registration
    (注册, the ``registered`` milestone), its own fact, not the construction start; for every other
    project it is the start (``ScheduleStage started``).
    """
    out: list[Lateness] = []
    for r in sorted(records, key=lambda r: r.code):
        for zh, stage in PLANNED_STAGES:
            if stage is REGISTRATION_NODE and Milestone.REGISTERED in r.milestones_planned:
                due = r.milestones_planned[Milestone.REGISTERED]
                met = r.milestones_met.get(Milestone.REGISTERED)
                registered = met if met is not None and met <= as_of else None
                late = max(0, ((registered or as_of) - due).days)
                out.append(Lateness(r.code, zh, None, due, registered, late, Milestone.REGISTERED))
                continue
            planned = r.planned_dates.get(stage)
            if planned is None:
                continue
            actual = r.entered(stage, as_of)
            until = actual if actual is not None else as_of
            out.append(Lateness(r.code, zh, stage, planned, actual, max(0, (until - planned).days)))
    return out


@attrs.frozen
class ClosedLoopLists:
    """The three lists of one project (问题清单, 责任清单, 落实清单)."""

    project_code: str
    problems: tuple[str, ...]
    responsibility: tuple[str, ...]
    implementation: tuple[Lateness, ...]


def closed_loop_lists(app: BulletinSource, as_of: date) -> list[ClosedLoopLists]:
    """The three lists for every Xiamen project: open tickets and flags; sponsor and team; the
    planned dates with their lateness."""
    city = app.city("xiamen")
    open_tickets: dict[object, list[str]] = {}
    for t in app.tickets.tickets(city_code=city.code):
        seen = app.tickets.ticket_as_of(t.id, as_of)
        if seen is None or seen.project_id is None:
            continue
        if seen.status not in (TicketStatus.CLOSED, TicketStatus.WITHDRAWN):
            open_tickets.setdefault(seen.project_id, []).append(
                f"{seen.code} {seen.category}: {seen.description}"
            )
    out: list[ClosedLoopLists] = []
    for p in sorted(city_projects(app, city), key=lambda p: p.code):
        problems = [
            *sorted(open_tickets.get(p.id, [])),
            *(f"挂牌: {f}" for f, d in sorted(p.flags.items()) if d <= as_of),
        ]
        responsibility = []
        if p.sponsor is not None:
            responsibility += [f"责任人: {p.sponsor[0]}", f"责任部门: {p.sponsor[1]}"]
        if p.team is not None:
            responsibility += [f"项目单位专班: {p.team[0]} ({p.team[1]})"]
        out.append(
            ClosedLoopLists(
                p.code,
                tuple(problems),
                tuple(responsibility),
                tuple(schedule_lateness([record_of(p)], as_of)),
            )
        )
    return out
