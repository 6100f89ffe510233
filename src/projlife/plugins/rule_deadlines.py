"""The rule types of deadlines: the event a deadline counts from, and the deadline itself."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import attrs

from projlife.calendar import DeadlineRule
from projlife.domain.lifecycle import Milestone, Stage
from projlife.plugins.rule_fields import check_rule_id
from projlife.plugins.rule_quotas import ProjectFilter

__all__ = ["DeadlineSpec", "EventRef", "EventRefKind"]


class EventRefKind(StrEnum):
    """What an :class:`EventRef` names: a stage entry, a milestone or an event topic."""

    STAGE = "stage"
    """Entering a lifecycle stage (the claim's business date)."""
    MILESTONE = "milestone"
    """Meeting a preparation milestone."""
    EVENT = "event"
    """Any recorded event, by its stable topic (e.g. ``projlife:Project.TeamFormed``)."""


@attrs.frozen
class EventRef:
    """A fact a deadline starts from or waits for: a stage entry, a milestone or an event topic."""

    kind: EventRefKind = attrs.field(converter=EventRefKind)
    name: str

    def __attrs_post_init__(self) -> None:
        if self.kind is EventRefKind.STAGE:
            Stage(self.name)
        elif self.kind is EventRefKind.MILESTONE:
            Milestone(self.name)
        elif not self.name.startswith("projlife:") and ":" not in self.name:
            raise ValueError(
                f"an event reference needs a topic like 'projlife:Project.TeamFormed', got {self.name!r}"
            )

    @classmethod
    def stage(cls, stage: Stage | str) -> EventRef:
        return cls(EventRefKind.STAGE, Stage(stage).value)

    @classmethod
    def milestone(cls, milestone: Milestone | str) -> EventRef:
        return cls(EventRefKind.MILESTONE, Milestone(milestone).value)

    @classmethod
    def event(cls, topic: str) -> EventRef:
        return cls(EventRefKind.EVENT, topic)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.name}"

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "name": self.name}


@attrs.frozen
class DeadlineSpec:
    """A deadline an event triggers: "start within 90 working days of signing".

    When a project's ``trigger`` happens (on its business date), ``target`` is due within
    ``rule`` (a :class:`~projlife.calendar.DeadlineRule`: working days, calendar days or months).
    ``flag`` names the flag an overdue project gets (挂牌提醒); ``filter`` restricts the projects.

    >>> DeadlineSpec("start-90wd", "签约后90个工作日内开工", EventRef.stage("signed"),
    ...              EventRef.stage("started"), DeadlineRule.parse("90 working days"))  # doctest: +SKIP
    """

    id: str = attrs.field(validator=check_rule_id)
    title_zh: str
    trigger: EventRef
    target: EventRef
    rule: DeadlineRule
    filter: ProjectFilter = attrs.field(factory=ProjectFilter)
    flag: str | None = None
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if self.trigger == self.target:
            raise ValueError(f"deadline {self.id}: trigger and target are the same fact")
        if (
            self.trigger.kind is EventRefKind.STAGE
            and self.target.kind is EventRefKind.STAGE
            and Stage(self.target.name) <= Stage(self.trigger.name)
        ):
            raise ValueError(f"deadline {self.id}: target stage must come after the trigger stage")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "trigger": self.trigger.as_dict(),
            "target": self.target.as_dict(),
            "rule": self.rule.as_dict(),
            "filter": self.filter.as_dict(),
            "flag": self.flag,
            "source": self.source,
        }
