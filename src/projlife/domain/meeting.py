"""The ``WeeklyMeeting`` aggregate: one 重点项目推进周例会 and the decisions it took.

001: "分管副市长每周一集中对分管项目存在问题进行协调解决,解决不了或需统筹协调解决的问题,报市重点项目办列入
项目清单,由市重点项目办及时提交每周二召开的重点项目推进周例会研究解决". A meeting is convened on its
date with the agenda it worked from; each decision names what it is about (a ticket or a project),
who owns it and by when; a later meeting follows it up (done, or carried on with a new due date).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor, fact_meta
from projlife.domain.errors import IllegalTransition, ProjlifeError

__all__ = ["Decision", "FollowUp", "WeeklyMeeting", "meeting_id_for"]

_MEETING_NAMESPACE = uuid5(NAMESPACE_URL, "https://projlife.invalid/weekly-meeting")


def meeting_id_for(city_code: str, area_code: str, held_on: date) -> UUID:
    """One meeting per city, area and day: the same three always give the same id."""
    return uuid5(_MEETING_NAMESPACE, f"{city_code}/{area_code}/{held_on.isoformat()}")


class FollowUp(StrEnum):
    """What a later meeting found about a decision."""

    DONE = "done"
    """落实: carried out."""
    CARRIED_OVER = "carried_over"
    """Not yet done: stays on the agenda with a new due date."""
    DROPPED = "dropped"
    """No longer needed (says why)."""


class Decision:
    """What the meeting remembers about one decision."""

    __slots__ = ("decided_on", "due_on", "number", "outcome", "owner", "subject", "text")

    def __init__(
        self, number: int, subject: str, text: str, owner: str, due_on: date, decided_on: date
    ) -> None:
        self.number = number
        self.subject = subject
        self.text = text
        self.owner = owner
        self.due_on = due_on
        self.decided_on = decided_on
        self.outcome: FollowUp | None = None

    @property
    def is_open(self) -> bool:
        return self.outcome is None or self.outcome is FollowUp.CARRIED_OVER


def _text(attempted: str, field: str, value: str) -> str:
    if not value or not value.strip():
        raise ProjlifeError(attempted, f"{field} is empty", f"a non-empty {field}")
    return value.strip()


class WeeklyMeeting(Aggregate):
    """One weekly meeting of a city's (or an area's) 重点项目办."""

    TOPIC = "projlife:WeeklyMeeting"

    class Event(Aggregate.Event):
        """Base of every meeting event: when, who and why."""

        occurred_on: date
        actor: Actor
        reason: str | None
        evidence: tuple[str, ...]
        class_version: ClassVar[int] = 1

    class Convened(Event, Aggregate.Created):
        """召开: the meeting took place, chaired by ``chair``, on the agenda items listed."""

        TOPIC = "projlife:WeeklyMeeting.Convened"
        city_code: str
        area_code: str
        chair: str
        agenda: tuple[str, ...]

    Created = Convened

    class DecisionRecorded(Event):
        """研究决定: about ``subject`` (``ticket:<code>`` or ``project:<code>``), owned by ``owner``, due ``due_on``."""

        TOPIC = "projlife:WeeklyMeeting.DecisionRecorded"
        number: int
        subject: str
        decision: str
        owner: str
        due_on: date

        def apply(self, meeting: WeeklyMeeting) -> None:
            meeting.decisions[self.number] = Decision(
                self.number, self.subject, self.decision, self.owner, self.due_on, self.occurred_on
            )

    class DecisionFollowedUp(Event):
        """督办: a later look at a decision: done, carried over (``new_due_on``) or dropped."""

        TOPIC = "projlife:WeeklyMeeting.DecisionFollowedUp"
        number: int
        outcome: FollowUp
        note: str
        new_due_on: date | None

        def apply(self, meeting: WeeklyMeeting) -> None:
            decision = meeting.decisions[self.number]
            decision.outcome = FollowUp(self.outcome)
            if self.new_due_on is not None:
                decision.due_on = self.new_due_on

    def __init__(
        self,
        *,
        city_code: str,
        area_code: str,
        chair: str,
        agenda: tuple[str, ...],
        occurred_on: date,
        actor: Actor,
        reason: str | None,
        evidence: tuple[str, ...],
    ) -> None:
        self.city_code = city_code
        self.area_code = area_code
        self.chair = chair
        self.agenda = tuple(agenda)
        self.held_on = occurred_on
        self.decisions: dict[int, Decision] = {}

    @classmethod
    def convene(
        cls,
        *,
        city_code: str,
        area_code: str,
        chair: str,
        occurred_on: date,
        actor: Actor,
        agenda: Iterable[str] = (),
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> WeeklyMeeting:
        attempted = f"convene the weekly meeting of {area_code} on {occurred_on}"
        chair = _text(attempted, "chair", chair)
        return cls._create(
            cls.Convened,
            id=meeting_id_for(city_code, area_code, occurred_on),
            city_code=city_code,
            area_code=area_code,
            chair=chair,
            agenda=tuple(agenda),
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
            evidence=tuple(evidence),
        )

    _meta = staticmethod(fact_meta)

    def record_decision(
        self,
        *,
        subject: str,
        decision: str,
        owner: str,
        due_on: date,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> int:
        """Record one decision of this meeting; returns its number (1, 2, …)."""
        attempted = f"record a decision of the meeting of {self.held_on}"
        subject = _text(attempted, "subject", subject)
        if (
            not (subject.startswith("ticket:") or subject.startswith("project:"))
            or len(subject.split(":", 1)[1]) == 0
        ):
            raise ProjlifeError(
                attempted,
                f"subject {subject!r} names neither a ticket nor a project",
                "ticket:<code> or project:<code>",
            )
        decision = _text(attempted, "decision", decision)
        owner = _text(attempted, "owner", owner)
        if occurred_on != self.held_on:
            raise ProjlifeError(
                attempted,
                f"the business date {occurred_on} is not the meeting's ({self.held_on})",
                str(self.held_on),
            )
        if due_on < occurred_on:
            raise ProjlifeError(
                attempted, f"due on {due_on}, before the meeting", f"a date on or after {occurred_on}"
            )
        number = len(self.decisions) + 1
        self.trigger_event(
            self.DecisionRecorded,
            number=number,
            subject=subject,
            decision=decision,
            owner=owner,
            due_on=due_on,
            **self._meta(occurred_on, actor, reason, evidence),
        )
        return number

    def follow_up(
        self,
        *,
        number: int,
        outcome: FollowUp,
        note: str,
        occurred_on: date,
        actor: Actor,
        new_due_on: date | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        outcome = FollowUp(outcome)
        attempted = f"follow up decision {number} of the meeting of {self.held_on}"
        decision = self.decisions.get(number)
        if decision is None:
            raise IllegalTransition(
                attempted, "no such decision", ", ".join(map(str, sorted(self.decisions))) or "none recorded"
            )
        if not decision.is_open:
            raise IllegalTransition(attempted, f"the decision is {decision.outcome}", "nothing: it is closed")
        note = _text(attempted, "note", note)
        if occurred_on <= self.held_on:
            raise ProjlifeError(
                attempted, f"{occurred_on} is not after the meeting", f"a date after {self.held_on}"
            )
        if outcome is FollowUp.CARRIED_OVER:
            if new_due_on is None or new_due_on < occurred_on:
                raise ProjlifeError(
                    attempted,
                    "a carried-over decision needs a new due date",
                    f"new_due_on on or after {occurred_on}",
                )
        elif new_due_on is not None:
            raise ProjlifeError(
                attempted, f"a decision {outcome.value} takes no new due date", "no new_due_on"
            )
        self.trigger_event(
            self.DecisionFollowedUp,
            number=number,
            outcome=outcome,
            note=note,
            new_due_on=new_due_on,
            **self._meta(occurred_on, actor, reason, evidence),
        )
