"""Builders shared by the domain tests: actors, a fresh project, and a project at any stage."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from projlife.domain import Actor, Money, Project, ProjectCategory, Role, Stage

CLERK = Actor(id="clerk-1", role=Role.CLERK, area_code="420902")
CLERK_2 = Actor(id="clerk-2", role=Role.CLERK)
VERIFIER = Actor(id="verifier-1", role=Role.VERIFIER)
VERIFIER_2 = Actor(id="verifier-2", role=Role.VERIFIER)
START = date(2024, 1, 10)

# The shortest path from conceived to each stage, one command per step.
PATH: dict[Stage, tuple[Stage, ...]] = {
    Stage.CONCEIVED: (),
    Stage.RESERVED: (Stage.RESERVED,),
    Stage.SIGNED: (Stage.RESERVED, Stage.SIGNED),
    Stage.LANDED: (Stage.RESERVED, Stage.SIGNED, Stage.LANDED),
    Stage.STARTED: (Stage.RESERVED, Stage.SIGNED, Stage.LANDED, Stage.STARTED),
}
PATH[Stage.IN_STATISTICS] = (*PATH[Stage.STARTED], Stage.IN_STATISTICS)
PATH[Stage.COMPLETED] = (*PATH[Stage.IN_STATISTICS], Stage.COMPLETED)
PATH[Stage.PRODUCING] = (*PATH[Stage.COMPLETED], Stage.PRODUCING)
PATH[Stage.ABOVE_SCALE] = (*PATH[Stage.PRODUCING], Stage.ABOVE_SCALE)
PATH[Stage.AT_CAPACITY] = (*PATH[Stage.ABOVE_SCALE], Stage.AT_CAPACITY)

COMMAND_FOR: dict[Stage, str] = {
    Stage.RESERVED: "reserve",
    Stage.SIGNED: "sign",
    Stage.LANDED: "land",
    Stage.STARTED: "start",
    Stage.IN_STATISTICS: "enter_statistics",
    Stage.COMPLETED: "complete",
    Stage.PRODUCING: "begin_production",
    Stage.ABOVE_SCALE: "become_above_scale",
    Stage.AT_CAPACITY: "reach_capacity",
}


def new_project(code: str = "XG-2024-001", on: date = START, **kwargs: Any) -> Project:
    fields: dict[str, Any] = {
        "code": code,
        "name": "新能源电池项目",
        "city_code": "420900",
        "area_code": "420902",
        "category": ProjectCategory.INDUSTRIAL,
        "planned_investment": Money.yi(5),
        "occurred_on": on,
        "actor": CLERK,
    }
    fields.update(kwargs)
    return Project.conceive(**fields)


def enter(project: Project, target: Stage, on: date, actor: Actor = CLERK) -> None:
    """Run the command that enters ``target``."""
    method = getattr(project, COMMAND_FOR[target])
    if target is Stage.SIGNED:
        method(amount=Money.yi(5), counterparty="某新能源公司", occurred_on=on, actor=actor)
    else:
        method(occurred_on=on, actor=actor)


def project_at(stage: Stage, code: str = "XG-2024-001") -> Project:
    """A project driven along the shortest path to ``stage``, ten days per step."""
    project = new_project(code)
    on = START
    for step in PATH[stage]:
        on += timedelta(days=10)
        enter(project, step, on)
    assert project.stage is stage
    return project
