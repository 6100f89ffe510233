"""``app.meetings``: the weekly meeting (周例会) and its decisions, as validated commands.

Commands: ``convene_meeting`` (the meeting took place, with the agenda it worked from),
``record_decision`` (what was decided, about which ticket or project, owner, due date) and
``follow_up_decision`` (a later meeting: done, carried over with a new due date, dropped).
Who may issue them: :data:`~projlife.app.authorization.MEETING_COMMAND_ROLES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from pydantic import Field, model_validator

from projlife.app.authorization import MEETING_COMMAND_ROLES, require_role
from projlife.app.commands import AreaCode, Command, LongText, ShortText
from projlife.app.results import CommandResult, last_position, save_new, validate
from projlife.app.retry import save_with_retries
from projlife.domain.errors import CommandRejected, NotFound, Problem
from projlife.domain.meeting import FollowUp, WeeklyMeeting, meeting_id_for
from projlife.ports import CityDirectory, EventLog

__all__ = [
    "MEETING_COMMANDS",
    "ConveneMeeting",
    "FollowUpDecision",
    "MeetingService",
    "RecordDecision",
]

Subject = Field(pattern=r"^(ticket|project):[\w\-./]+$", min_length=9, max_length=80)


class ConveneMeeting(Command):
    """The meeting of ``area_code`` (the city's own code for the city office) on ``occurred_on``."""

    name: ClassVar[str] = "convene_meeting"
    city_code: AreaCode
    area_code: AreaCode
    chair: ShortText
    agenda: tuple[ShortText, ...] = Field(default=(), max_length=200)


class MeetingCommand(Command):
    meeting_id: UUID


class RecordDecision(MeetingCommand):
    name: ClassVar[str] = "record_decision"
    subject: str = Subject
    decision: LongText
    owner: ShortText
    due_on: date


class FollowUpDecision(MeetingCommand):
    name: ClassVar[str] = "follow_up_decision"
    number: int = Field(ge=1, le=10_000)
    outcome: FollowUp
    note: LongText
    new_due_on: date | None = None

    @model_validator(mode="after")
    def _due_with_carry_over(self) -> FollowUpDecision:
        if (self.outcome is FollowUp.CARRIED_OVER) != (self.new_due_on is not None):
            raise ValueError("new_due_on is given exactly when the outcome is carried_over")
        return self


MEETING_COMMANDS: dict[str, type[Command]] = {
    c.name: c for c in (ConveneMeeting, RecordDecision, FollowUpDecision)
}


class MeetingService:
    """Commands on weekly meetings. Every method validates, loads, applies, saves, or raises."""

    def __init__(self, store: EventLog, cities: CityDirectory) -> None:
        self._store = store
        self._cities = cities

    def execute(self, command: Command | Mapping[str, Any], *, kind: str | None = None) -> CommandResult:
        cmd = self._parse(command, kind)
        actor = cmd.actor.to_domain()
        require_role(actor, sorted(MEETING_COMMAND_ROLES[cmd.name]), attempted=f"{cmd.name} (as {actor.id})")
        if isinstance(cmd, ConveneMeeting):
            return self._convene(cmd)
        assert isinstance(cmd, MeetingCommand)

        def load_and_apply() -> WeeklyMeeting:
            meeting = self.get(cmd.meeting_id)
            meta = cmd.meta()
            if isinstance(cmd, RecordDecision):
                meeting.record_decision(
                    subject=cmd.subject, decision=cmd.decision, owner=cmd.owner, due_on=cmd.due_on, **meta
                )
            elif isinstance(cmd, FollowUpDecision):
                meeting.follow_up(
                    number=cmd.number, outcome=cmd.outcome, note=cmd.note, new_due_on=cmd.new_due_on, **meta
                )
            return meeting

        meeting, recordings = save_with_retries(
            self._store, load_and_apply, attempted=f"{cmd.name} meeting {cmd.meeting_id}", what="meeting"
        )
        return CommandResult(meeting.id, meeting.version, last_position(recordings))

    def _parse(self, command: Command | Mapping[str, Any], kind: str | None) -> Command:
        if isinstance(command, Command):
            if command.name not in MEETING_COMMANDS:
                raise CommandRejected(command.name, [Problem("(command)", "not a meeting command")])
            return command
        if not isinstance(command, Mapping):
            raise CommandRejected(
                f"run command {kind or '?'}",
                [Problem("(command)", f"a command is a mapping of fields, not {type(command).__name__}")],
            )
        name = kind or str(command.get("command", ""))
        model = MEETING_COMMANDS.get(name)
        if model is None:
            raise CommandRejected(
                f"run command {name!r}",
                [Problem("command", f"unknown command; known: {', '.join(sorted(MEETING_COMMANDS))}", name)],
            )
        return validate(model, {k: v for k, v in command.items() if k != "command"})

    def _convene(self, cmd: ConveneMeeting) -> CommandResult:
        city = self._cities.city_by_code(cmd.city_code)
        if city is None:
            raise CommandRejected("convene_meeting", [Problem("city_code", "unknown city", cmd.city_code)])
        if cmd.area_code not in city.areas:
            raise CommandRejected(
                "convene_meeting", [Problem("area_code", f"not an area of {city.name_zh}", cmd.area_code)]
            )
        meeting = WeeklyMeeting.convene(
            city_code=cmd.city_code, area_code=cmd.area_code, chair=cmd.chair, agenda=cmd.agenda, **cmd.meta()
        )
        return save_new(
            self._store,
            meeting,
            attempted=f"convene the meeting of {cmd.area_code} on {cmd.occurred_on}",
            code=f"{cmd.area_code}/{cmd.occurred_on}",
            city_code=cmd.city_code,
            kind="meeting",
        )

    def get(self, meeting_id: UUID) -> WeeklyMeeting:
        try:
            meeting: WeeklyMeeting = self._store.repository.get(meeting_id)
        except AggregateNotFoundError:
            raise NotFound(
                f"load meeting {meeting_id}", "no such meeting", "the id convene_meeting returned"
            ) from None
        if not isinstance(meeting, WeeklyMeeting):
            raise NotFound(f"load meeting {meeting_id}", "that id is not a meeting", "a meeting id")
        return meeting

    @staticmethod
    def id_for(city_code: str, area_code: str, held_on: date) -> UUID:
        return meeting_id_for(city_code, area_code, held_on)
