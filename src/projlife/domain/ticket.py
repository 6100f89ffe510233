"""The ``Ticket`` aggregate: one problem an enterprise raised, through the closed loop.

收集 → 分办 → 办理 → 回访 → 销号 (raise → assign → answer → revisit → close). A ticket is
closed only on a satisfactory revisit after its last answer (or, where the city allows it,
on its answer when it was not drawn for a revisit); an unsatisfactory revisit reopens it
back to its assignee with a new due date. Whoever answered a ticket can neither revisit
nor close it.

The aggregate is pure: every city rule it needs (the category list, the computed due date,
the escalation ladder, the satisfaction bar, whether unsampled tickets close on answer)
arrives as a plain argument of the command, computed by the application from the city's
:class:`~projlife.tickets.policy.TicketPolicy`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from enum import IntEnum, StrEnum
from typing import Any, ClassVar, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import (
    IllegalTransition,
    PermissionDenied,
    ProjlifeError,
    SeparationOfDutiesViolation,
)

__all__ = [
    "AssigneeKind",
    "CloseBasis",
    "DeadlineCycle",
    "OverdueState",
    "Revisit",
    "Satisfaction",
    "Ticket",
    "TicketStatus",
    "WorkingDays",
    "ticket_id_for",
]

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


class WorkingDays(Protocol):
    """What the overdue computation needs from a working-day calendar."""

    def working_days_between(self, start: date, end: date) -> int: ...

    def add_working_days(self, start: date, n: int) -> date: ...


@attrs.define
class DeadlineCycle:
    """One stretch of the clock: from an assignment (or reopen) to its answer or end.

    The cycle is running on every day ``d`` with ``started_on <= d < ended_on`` (open-ended
    while ``ended_on`` is None). ``pauses`` are ``(paused_on, resumed_on or None)``.
    """

    started_on: date
    due_on: date
    assignee_kind: AssigneeKind
    assignee: str
    ended_on: date | None = None
    pauses: list[tuple[date, date | None]] = attrs.field(factory=list)

    def running_on(self, d: date) -> bool:
        return self.started_on <= d and (self.ended_on is None or d < self.ended_on)

    def paused_working_days(self, as_of: date, calendar: WorkingDays) -> int:
        """Working days the clock was paused in this cycle, counted up to ``as_of``."""
        total = 0
        for start, end in self.pauses:
            if start >= as_of:
                continue
            stop = as_of if end is None or end > as_of else end
            total += calendar.working_days_between(start, stop)
        return total

    def overdue_on(self, as_of: date, calendar: WorkingDays) -> OverdueState:
        """This cycle's deadline on ``as_of``: paused working days push the due date back."""
        paused = self.paused_working_days(as_of, calendar)
        effective = calendar.add_working_days(self.due_on, paused) if paused else self.due_on
        late = calendar.working_days_between(effective, as_of) if as_of > effective else 0
        return OverdueState(self.due_on, effective, paused, max(0, late))


@attrs.frozen
class OverdueState:
    """A ticket's deadline as seen on one business date."""

    due_on: date
    """The due date as assigned (before pauses)."""
    effective_due_on: date
    """The due date pushed back by the paused working days."""
    paused_working_days: int
    overdue_working_days: int
    """Working days past ``effective_due_on`` (0 when not overdue)."""

    @property
    def is_overdue(self) -> bool:
        return self.overdue_working_days > 0


@attrs.frozen
class Revisit:
    """One call-back: who called, when, the rating and whether it met the bar."""

    version: int
    called_by: str
    called_on: date
    satisfaction: Satisfaction
    satisfaction_bar: Satisfaction
    after_answer_version: int

    @property
    def satisfactory(self) -> bool:
        return self.satisfaction >= self.satisfaction_bar


def _text(attempted: str, field: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise ProjlifeError(attempted, f"{field} must not be empty", f"a non-empty {field}")
    return value.strip()


class Ticket(Aggregate):
    """One enterprise problem (问题/诉求), from collection to being struck off.

    Create with :meth:`raise_`; the other commands are imperative methods that check, then
    record, or raise a :class:`ProjlifeError` and record nothing.
    """

    TOPIC = "projlife:Ticket"

    class Event(Aggregate.Event):
        """Base of every ticket event: when, who and why."""

        occurred_on: date
        actor: Actor
        reason: str | None
        evidence: tuple[str, ...]
        class_version: ClassVar[int] = 1

        def mutate(self, aggregate: Any) -> Any:
            ticket: Any = super().mutate(aggregate)
            ticket.last_fact_on = self.occurred_on
            return ticket

    class Raised(Event, Aggregate.Created):
        """收集: an enterprise raised a problem."""

        TOPIC = "projlife:Ticket.Raised"
        code: str
        city_code: str
        area_code: str
        category: str
        description: str
        enterprise_code: str | None
        project_id: UUID | None
        raised_by: str

    Created = Raised

    class Assigned(Event):
        """分办: handed to a locality or department, due on ``due_on`` (inclusive)."""

        TOPIC = "projlife:Ticket.Assigned"
        assignee_kind: AssigneeKind
        assignee: str
        due_on: date
        due_rule: str

        def apply(self, ticket: Ticket) -> None:
            ticket._end_cycle(self.occurred_on)
            ticket._start_cycle(self.occurred_on, self.due_on, self.assignee_kind, self.assignee)
            ticket.assigned_on = self.occurred_on
            ticket.escalation_level = 0
            ticket.status = TicketStatus.ASSIGNED

    class Escalated(Event):
        """升级: one step up the city's ladder, scheduled for ``scheduled_on``."""

        TOPIC = "projlife:Ticket.Escalated"
        level: int
        step: str
        scheduled_on: date

        def apply(self, ticket: Ticket) -> None:
            ticket.escalation_level = self.level
            ticket.escalations.append((self.level, self.step, self.scheduled_on, self.occurred_on))

    class Answered(Event):
        """办理反馈: the assignee answered with a resolution (evidence in ``evidence``)."""

        TOPIC = "projlife:Ticket.Answered"
        resolution: str

        def apply(self, ticket: Ticket) -> None:
            ticket._end_cycle(self.occurred_on)
            ticket.answers.append((self.originator_version, self.actor.id, self.occurred_on))
            ticket.answered_on = self.occurred_on
            ticket.resolution = self.resolution
            ticket.status = TicketStatus.ANSWERED
            ticket.draw_after_answer = None

    class RevisitSampled(Event):
        """The ticket was drawn for a call-back in revisit draw ``draw_id``."""

        TOPIC = "projlife:Ticket.RevisitSampled"
        draw_id: UUID

        def apply(self, ticket: Ticket) -> None:
            ticket.sampled = True
            ticket.draw_after_answer = (UUID(str(self.draw_id)), True)

    class RevisitNotSampled(Event):
        """The ticket was in the population of draw ``draw_id`` but was not drawn."""

        TOPIC = "projlife:Ticket.RevisitNotSampled"
        draw_id: UUID

        def apply(self, ticket: Ticket) -> None:
            ticket.draw_after_answer = (UUID(str(self.draw_id)), False)

    class Revisited(Event):
        """回访复核: the enterprise was called back and rated the handling."""

        TOPIC = "projlife:Ticket.Revisited"
        satisfaction: Satisfaction
        satisfaction_bar: Satisfaction

        def apply(self, ticket: Ticket) -> None:
            ticket.revisits.append(
                Revisit(
                    version=self.originator_version,
                    called_by=self.actor.id,
                    called_on=self.occurred_on,
                    satisfaction=Satisfaction(self.satisfaction),
                    satisfaction_bar=Satisfaction(self.satisfaction_bar),
                    after_answer_version=ticket.answers[-1][0],
                )
            )

    class Reopened(Event):
        """Back to the assignee after an unsatisfactory revisit, due again on ``due_on``."""

        TOPIC = "projlife:Ticket.Reopened"
        due_on: date
        due_rule: str

        def apply(self, ticket: Ticket) -> None:
            last = ticket.cycles[-1]
            ticket._start_cycle(self.occurred_on, self.due_on, last.assignee_kind, last.assignee)
            ticket.reopen_count += 1
            ticket.reopen_reasons.append(self.reason or "")
            ticket.status = TicketStatus.ASSIGNED
            ticket.escalation_level = 0

    class Closed(Event):
        """销号: struck off, on a satisfactory revisit or (where allowed) unsampled on its answer."""

        TOPIC = "projlife:Ticket.Closed"
        basis: CloseBasis

        def apply(self, ticket: Ticket) -> None:
            ticket.status = TicketStatus.CLOSED
            ticket.closed_on = self.occurred_on
            ticket.close_basis = CloseBasis(self.basis)
            ticket.closed_by = self.actor.id

    class Withdrawn(Event):
        """The enterprise withdrew the ticket (reason required)."""

        TOPIC = "projlife:Ticket.Withdrawn"

        def apply(self, ticket: Ticket) -> None:
            ticket._end_cycle(self.occurred_on)
            ticket.status = TicketStatus.WITHDRAWN
            ticket.withdrawn_on = self.occurred_on

    class ClockPaused(Event):
        """The due-date clock stopped (e.g. waiting for the enterprise); reason required."""

        TOPIC = "projlife:Ticket.ClockPaused"

        def apply(self, ticket: Ticket) -> None:
            ticket.cycles[-1].pauses.append((self.occurred_on, None))
            ticket.paused_since = self.occurred_on

    class ClockResumed(Event):
        """The due-date clock runs again; reason required."""

        TOPIC = "projlife:Ticket.ClockResumed"

        def apply(self, ticket: Ticket) -> None:
            pauses = ticket.cycles[-1].pauses
            pauses[-1] = (pauses[-1][0], self.occurred_on)
            ticket.paused_since = None

    # -- state ------------------------------------------------------------------

    def __init__(
        self,
        *,
        code: str,
        city_code: str,
        area_code: str,
        category: str,
        description: str,
        enterprise_code: str | None,
        project_id: UUID | None,
        raised_by: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None,
        evidence: tuple[str, ...],
    ) -> None:
        self.code = code
        self.city_code = city_code
        self.area_code = area_code
        self.category = category
        self.description = description
        self.enterprise_code = enterprise_code
        self.project_id = UUID(str(project_id)) if project_id is not None else None
        self.raised_by = raised_by
        self.raised_on = occurred_on
        self.recorded_by = actor.id
        self.status = TicketStatus.RAISED
        self.assigned_on: date | None = None
        self.cycles: list[DeadlineCycle] = []
        self.escalation_level = 0
        self.escalations: list[tuple[int, str, date, date]] = []
        self.answers: list[tuple[int, str, date]] = []
        self.answered_on: date | None = None
        self.resolution: str | None = None
        self.sampled = False
        self.draw_after_answer: tuple[UUID, bool] | None = None
        self.revisits: list[Revisit] = []
        self.reopen_count = 0
        self.reopen_reasons: list[str] = []
        self.closed_on: date | None = None
        self.close_basis: CloseBasis | None = None
        self.closed_by: str | None = None
        self.withdrawn_on: date | None = None
        self.paused_since: date | None = None
        self.last_fact_on = occurred_on

    # -- queries ------------------------------------------------------------------

    @property
    def is_final(self) -> bool:
        return self.status in (TicketStatus.CLOSED, TicketStatus.WITHDRAWN)

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def assignee(self) -> str | None:
        return self.cycles[-1].assignee if self.cycles else None

    @property
    def assignee_kind(self) -> AssigneeKind | None:
        return self.cycles[-1].assignee_kind if self.cycles else None

    @property
    def due_on(self) -> date | None:
        """The due date of the current (or last) cycle."""
        return self.cycles[-1].due_on if self.cycles else None

    @property
    def answerers(self) -> frozenset[str]:
        """Everyone who ever answered this ticket (none of them may revisit or close it, and no
        revisitor may answer it later)."""
        return frozenset(a[1] for a in self.answers)

    @property
    def last_satisfaction(self) -> Satisfaction | None:
        return self.revisits[-1].satisfaction if self.revisits else None

    @property
    def unsatisfactory_revisits(self) -> int:
        return sum(1 for r in self.revisits if not r.satisfactory)

    def revisit_after_last_answer(self) -> Revisit | None:
        """The revisit of the current answer, if any."""
        if not self.answers or not self.revisits:
            return None
        last = self.revisits[-1]
        return last if last.after_answer_version == self.answers[-1][0] else None

    def overdue_as_of(self, as_of: date, calendar: WorkingDays) -> OverdueState | None:
        """The running deadline on ``as_of`` (None when no clock runs that day).

        Uses only facts with a business date on or before ``as_of``, so the answer for a past
        date does not change when later facts are recorded. Paused working days push the due
        date back.
        """
        for cycle in reversed(self.cycles):
            if cycle.running_on(as_of):
                return cycle.overdue_on(as_of, calendar)
        return None

    def paused_working_days(self, as_of: date, calendar: WorkingDays) -> int:
        """Working days paused over the ticket's whole life, up to ``as_of``."""
        return sum(c.paused_working_days(as_of, calendar) for c in self.cycles)

    # -- commands -------------------------------------------------------------------

    @classmethod
    def raise_(
        cls,
        *,
        code: str,
        city_code: str,
        area_code: str,
        category: str,
        categories: Collection[str],
        description: str,
        raised_by: str,
        occurred_on: date,
        actor: Actor,
        enterprise_code: str | None = None,
        project_id: UUID | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> Ticket:
        """收集: record a problem in one of ``categories`` (the city's list)."""
        attempted = f"raise ticket {code}"
        if category not in categories:
            raise ProjlifeError(attempted, f"unknown category {category!r}", ", ".join(categories))
        description = _text(attempted, "description", description)
        raised_by = _text(attempted, "raised_by", raised_by)
        if enterprise_code is None and project_id is None:
            raise ProjlifeError(
                attempted,
                "a ticket must name an enterprise or a project",
                "enterprise_code and/or project_id",
            )
        return cls._create(
            cls.Raised,
            id=ticket_id_for(city_code, code),
            code=code,
            city_code=city_code,
            area_code=area_code,
            category=category,
            description=description,
            enterprise_code=enterprise_code,
            project_id=project_id,
            raised_by=raised_by,
            **cls._meta(occurred_on, actor, reason, evidence),
        )

    def assign(
        self,
        *,
        assignee_kind: AssigneeKind,
        assignee: str,
        due_on: date,
        due_rule: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """分办: hand to a locality or department; reassigning restarts the clock."""
        attempted = f"assign ticket {self.code}"
        self._check_status(attempted, TicketStatus.RAISED, TicketStatus.ASSIGNED)
        self._check_date(attempted, occurred_on)
        if self.is_paused:
            raise IllegalTransition(
                attempted, f"clock paused since {self.paused_since}", "resume the clock first"
            )
        assignee = _text(attempted, "assignee", assignee)
        self._check_due(attempted, due_on, occurred_on)
        self.trigger_event(
            self.Assigned,
            assignee_kind=AssigneeKind(assignee_kind),
            assignee=assignee,
            due_on=due_on,
            due_rule=due_rule,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def escalate(
        self,
        *,
        ladder: Sequence[str],
        scheduled_on: date,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """Move one step up ``ladder`` (step 0 is where it was assigned), to be taken up on ``scheduled_on``."""
        attempted = f"escalate ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        self._check_date(attempted, occurred_on)
        level = self.escalation_level + 1
        if level >= len(ladder):
            raise IllegalTransition(
                attempted,
                f"already at the top of the ladder ({ladder[-1] if ladder else 'no ladder'})",
                "answering, pausing or withdrawing the ticket",
            )
        if scheduled_on < occurred_on:
            raise ProjlifeError(
                attempted,
                f"scheduled for {scheduled_on}, before the escalation on {occurred_on}",
                "a later date",
            )
        self.trigger_event(
            self.Escalated,
            level=level,
            step=ladder[level],
            scheduled_on=scheduled_on,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def answer(
        self,
        *,
        resolution: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """办理反馈: the assignee's answer; a handler records it."""
        attempted = f"answer ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        if actor.role is not Role.HANDLER:
            raise PermissionDenied(
                attempted, f"actor {actor.id} has role {actor.role.value}", "the handler role"
            )
        if actor.id in {r.called_by for r in self.revisits}:
            raise SeparationOfDutiesViolation(
                attempted,
                f"{actor.id} revisited this ticket and cannot also answer it",
                "a handler who never revisited it",
            )
        self._check_date(attempted, occurred_on)
        if self.is_paused:
            raise IllegalTransition(
                attempted, f"clock paused since {self.paused_since}", "resume the clock first"
            )
        resolution = _text(attempted, "resolution", resolution)
        self.trigger_event(
            self.Answered, resolution=resolution, **self._meta(occurred_on, actor, reason, evidence)
        )

    def sample_for_revisit(
        self, *, draw_id: UUID, drawn: bool, occurred_on: date, actor: Actor, reason: str | None = None
    ) -> None:
        """Record the outcome of revisit draw ``draw_id`` for this answered ticket."""
        attempted = f"record revisit draw for ticket {self.code}"
        self._check_status(attempted, TicketStatus.ANSWERED)
        self._check_date(attempted, occurred_on)
        if self.draw_after_answer is not None:
            raise IllegalTransition(
                attempted, f"already in draw {self.draw_after_answer[0]} since its last answer", "nothing"
            )
        event = self.RevisitSampled if drawn else self.RevisitNotSampled
        self.trigger_event(event, draw_id=draw_id, **self._meta(occurred_on, actor, reason, ()))

    def revisit(
        self,
        *,
        satisfaction: Satisfaction | int,
        satisfaction_bar: Satisfaction | int,
        reopen_due_on: date,
        reopen_due_rule: str,
        occurred_on: date,
        actor: Actor,
        allow_unsampled: bool = False,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """回访复核: record the enterprise's rating; below the bar reopens the ticket.

        Needs the revisit role and an actor who never answered the ticket. The ticket must
        have been drawn for a revisit, unless ``allow_unsampled`` (a city that revisits
        every ticket). An unsatisfactory rating also records ``Reopened`` (reason required),
        due again on ``reopen_due_on``.
        """
        attempted = f"revisit ticket {self.code}"
        rating = self._rating(attempted, "satisfaction", satisfaction)
        bar = self._rating(attempted, "satisfaction_bar", satisfaction_bar)
        self._check_status(attempted, TicketStatus.ANSWERED)
        self._check_checker(attempted, actor, need_revisitor=True)
        if not self.sampled and not allow_unsampled:
            raise IllegalTransition(
                attempted, "not drawn for a revisit", "revisit tickets drawn in a revisit draw"
            )
        if self.revisit_after_last_answer() is not None:
            raise IllegalTransition(attempted, "already revisited since its last answer", "close it")
        self._check_date(attempted, occurred_on)
        meta = self._meta(occurred_on, actor, reason, evidence)
        if rating < bar:
            why = _text(attempted, "reason (an unsatisfactory revisit reopens the ticket)", reason)
            self._check_due(attempted, reopen_due_on, occurred_on)
            self.trigger_event(self.Revisited, satisfaction=rating, satisfaction_bar=bar, **meta)
            self.trigger_event(
                self.Reopened, due_on=reopen_due_on, due_rule=reopen_due_rule, **{**meta, "reason": why}
            )
        else:
            self.trigger_event(self.Revisited, satisfaction=rating, satisfaction_bar=bar, **meta)

    def close(
        self,
        *,
        satisfaction_bar: Satisfaction | int,
        close_unsampled_on_answer: bool,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """销号: only on a revisit of the last answer that meets ``satisfaction_bar``, or when the
        ticket was not drawn for a revisit and the city closes such tickets on their answer."""
        attempted = f"close ticket {self.code}"
        bar = self._rating(attempted, "satisfaction_bar", satisfaction_bar)
        self._check_status(attempted, TicketStatus.ANSWERED)
        self._check_checker(attempted, actor, need_revisitor=False)
        self._check_date(attempted, occurred_on)
        revisit = self.revisit_after_last_answer()
        if revisit is not None:
            if revisit.satisfaction < bar:
                raise IllegalTransition(
                    attempted,
                    f"rated {revisit.satisfaction.value} ({revisit.satisfaction.label_zh}), below the bar {bar.value}",
                    "nothing: the ticket is reopened",
                )
            basis = CloseBasis.REVISIT
        elif self.sampled:
            raise IllegalTransition(
                attempted, "drawn for a revisit and not yet revisited", "revisit it first"
            )
        elif self.draw_after_answer is None:
            raise IllegalTransition(
                attempted, "answered but not yet through a revisit draw", "run a revisit draw first"
            )
        elif not close_unsampled_on_answer:
            raise IllegalTransition(
                attempted,
                "not drawn, and this city does not close unsampled tickets on their answer",
                "revisit it",
            )
        else:
            basis = CloseBasis.NOT_SAMPLED
        self.trigger_event(self.Closed, basis=basis, **self._meta(occurred_on, actor, reason, evidence))

    def withdraw(self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()) -> None:
        """The enterprise withdrew the problem (reason required)."""
        attempted = f"withdraw ticket {self.code}"
        self._check_status(attempted, TicketStatus.RAISED, TicketStatus.ASSIGNED, TicketStatus.ANSWERED)
        why = _text(attempted, "reason", reason)
        self._check_date(attempted, occurred_on)
        self.trigger_event(self.Withdrawn, **self._meta(occurred_on, actor, why, evidence))

    def pause_clock(
        self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()
    ) -> None:
        """Stop the due-date clock of an assigned ticket (reason required)."""
        attempted = f"pause the clock of ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        why = _text(attempted, "reason", reason)
        if self.is_paused:
            raise IllegalTransition(attempted, f"paused since {self.paused_since}", "resume the clock")
        self._check_date(attempted, occurred_on)
        self.trigger_event(self.ClockPaused, **self._meta(occurred_on, actor, why, evidence))

    def resume_clock(
        self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()
    ) -> None:
        """Restart a paused clock (reason required)."""
        attempted = f"resume the clock of ticket {self.code}"
        self._check_status(attempted, TicketStatus.ASSIGNED)
        why = _text(attempted, "reason", reason)
        if not self.is_paused:
            raise IllegalTransition(attempted, "the clock is running", "pause the clock")
        self._check_date(attempted, occurred_on)
        self.trigger_event(self.ClockResumed, **self._meta(occurred_on, actor, why, evidence))

    # -- internals ------------------------------------------------------------------

    @staticmethod
    def _meta(occurred_on: date, actor: Actor, reason: str | None, evidence: Iterable[str]) -> dict[str, Any]:
        return {"occurred_on": occurred_on, "actor": actor, "reason": reason, "evidence": tuple(evidence)}

    def _check_status(self, attempted: str, *allowed: TicketStatus) -> None:
        if self.status not in allowed:
            raise IllegalTransition(
                attempted,
                f"{self.status.value} ({self.status.label_zh})",
                f"a ticket that is {' or '.join(s.value for s in allowed)}",
            )

    def _check_date(self, attempted: str, occurred_on: date) -> None:
        if occurred_on < self.last_fact_on:
            raise ProjlifeError(
                attempted,
                f"business date {occurred_on} is earlier than the ticket's last fact ({self.last_fact_on})",
                f"a date on or after {self.last_fact_on}",
            )

    def _check_due(self, attempted: str, due_on: date, occurred_on: date) -> None:
        if due_on < self.raised_on or due_on < occurred_on:
            raise ProjlifeError(
                attempted,
                f"due date {due_on} is before the ticket was raised ({self.raised_on}) or assigned ({occurred_on})",
                f"a due date on or after {max(self.raised_on, occurred_on)}",
            )

    def _check_checker(self, attempted: str, actor: Actor, *, need_revisitor: bool) -> None:
        if actor.id in self.answerers:
            raise SeparationOfDutiesViolation(
                attempted,
                f"{actor.id} answered this ticket and cannot also {'revisit' if need_revisitor else 'close'} it",
                "a different actor" + (" with the revisitor role" if need_revisitor else ""),
            )
        if need_revisitor and actor.role is not Role.REVISITOR:
            raise PermissionDenied(
                attempted, f"actor {actor.id} has role {actor.role.value}", "the revisitor role"
            )
        if not need_revisitor and actor.role not in (Role.REVISITOR, Role.CLERK, Role.ADMIN):
            raise PermissionDenied(
                attempted, f"actor {actor.id} has role {actor.role.value}", "revisitor, clerk or admin"
            )

    @staticmethod
    def _rating(attempted: str, field: str, value: Satisfaction | int) -> Satisfaction:
        try:
            if isinstance(value, bool):
                raise ValueError
            return Satisfaction(value)
        except ValueError:
            raise ProjlifeError(
                attempted, f"{field} {value!r} is off the scale", "an integer 1 (非常不满意) … 5 (非常满意)"
            ) from None

    def _start_cycle(self, started_on: date, due_on: date, kind: AssigneeKind | str, assignee: str) -> None:
        self.cycles.append(DeadlineCycle(started_on, due_on, AssigneeKind(kind), assignee))

    def _end_cycle(self, ended_on: date) -> None:
        if self.cycles and self.cycles[-1].ended_on is None:
            cycle = self.cycles[-1]
            cycle.ended_on = ended_on
            if cycle.pauses and cycle.pauses[-1][1] is None:
                cycle.pauses[-1] = (cycle.pauses[-1][0], ended_on)
            self.paused_since = None
