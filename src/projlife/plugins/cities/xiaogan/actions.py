"""Xiaogan's rules that act: the quarterly removal (季核查) and the standing review (常盘点).

Each function finds the projects the rule catches as of a date and issues the commands through
``app.projects.execute``, so every action is an event with its actor, date and reason. Both are
idempotent: a project already removed (or already flagged) is not caught again, so running a
check twice records nothing new. ``dry_run=True`` returns the commands without executing them.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from projlife.app.authorization import require_role
from projlife.app.commands import FlagProject, RemoveFromPool
from projlife.calendar import DeadlineStatus, status
from projlife.domain.actor import Actor, Role
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.plugins.cities._support import city_projects
from projlife.plugins.cities.xiaogan.rules import REMOVAL, SUPERVISION, XiaoganSettings
from projlife.plugins.manager import city_calendar

if TYPE_CHECKING:
    from projlife.plugins.types import CityProfile
    from projlife.ports import ActionTarget

__all__ = ["SUPERVISION_FLAG", "quarterly_check", "supervision_review"]

SUPERVISION_FLAG = "supervision.10yi"
"""The flag of a signed project of at least 10 亿 not yet started (flag codes take no ':')."""

_ACTORS = (Role.SYSTEM, Role.VERIFIER, Role.ADMIN)


def _city(app: ActionTarget) -> CityProfile:
    return app.city("xiaogan")


def quarterly_check(
    app: ActionTarget,
    as_of: date,
    actor: Actor,
    *,
    dry_run: bool = False,
    settings: XiaoganSettings | None = None,
) -> list[RemoveFromPool]:
    """Remove from the started pool every project started more than three months before ``as_of``
    and still not in statistics (000: 对开工三个月以上仍未纳统的项目在开工项目库内予以剔除).

    Only projects in the 211 scope (industry, at least 1 亿) are checked. Returns the commands
    executed (or, with ``dry_run``, that would be executed), in project-code order.
    """
    require_role(actor, _ACTORS, attempted=f"run Xiaogan's quarterly check as of {as_of}")
    s = settings or XiaoganSettings()
    cal = city_calendar(app.plugins, _city(app))
    commands: list[RemoveFromPool] = []
    projects = sorted(city_projects(app, _city(app)), key=lambda p: p.code)
    for p in projects:
        if p.is_cancelled or p.stage is not Stage.STARTED or Pool.STARTED in p.removed_from:
            continue
        if not s.scope_filter.matches(
            planned_investment=p.planned_investment, category=p.category, investor_classes=p.investor_classes
        ):
            continue
        started_on = p.stage_date(Stage.STARTED)
        if started_on is None or started_on > as_of:
            continue
        deadline = s.statistics_within.due(started_on, cal)
        if status(deadline, None, as_of) is not DeadlineStatus.OVERDUE:
            continue
        commands.append(
            RemoveFromPool(
                project_id=p.id,
                pool=Pool.STARTED,
                reason_code=RemovalReason.NOT_IN_STATISTICS_IN_TIME,
                reason=f"季核查: 开工于{started_on}, 截至{as_of}仍未纳统 ({REMOVAL})",
                occurred_on=as_of,
                actor=actor,
            )
        )
    if not dry_run:
        for cmd in commands:
            app.projects.execute(cmd)
    return commands


def supervision_review(
    app: ActionTarget,
    as_of: date,
    actor: Actor,
    *,
    dry_run: bool = False,
    settings: XiaoganSettings | None = None,
) -> list[FlagProject]:
    """Flag for supervision every project of at least 10 亿 signed in the three years before
    ``as_of`` and not yet started (000: 全面盘点全市近三年招商引进的10亿元未开工项目).

    Returns the commands executed (or that would be, with ``dry_run``), in project-code order.
    """
    require_role(actor, _ACTORS, attempted=f"run Xiaogan's supervision review as of {as_of}")
    s = settings or XiaoganSettings()
    try:
        since = as_of.replace(year=as_of.year - s.supervision_years)
    except ValueError:  # 29 February
        since = as_of.replace(year=as_of.year - s.supervision_years, day=28)
    commands: list[FlagProject] = []
    for p in sorted(city_projects(app, _city(app)), key=lambda p: p.code):
        if p.is_cancelled or p.stage not in (Stage.SIGNED, Stage.LANDED) or SUPERVISION_FLAG in p.flags:
            continue
        signed_on = p.stage_date(Stage.SIGNED)
        if signed_on is None or not since < signed_on <= as_of:
            continue
        if p.planned_investment < s.supervision_threshold:
            continue
        commands.append(
            FlagProject(
                project_id=p.id,
                flag=SUPERVISION_FLAG,
                reason=f"常盘点: {signed_on}签约、投资{p.planned_investment}, 截至{as_of}未开工 ({SUPERVISION})",
                occurred_on=as_of,
                actor=actor,
            )
        )
    if not dry_run:
        for cmd in commands:
            app.projects.execute(cmd)
    return commands
