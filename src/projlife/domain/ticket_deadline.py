"""A ticket's clock: deadline cycles with their pauses, the overdue state on a date, and its revisits."""

from __future__ import annotations

from datetime import date
from typing import Protocol

import attrs

from projlife.domain.ticket_values import AssigneeKind, Satisfaction

__all__ = ["DeadlineCycle", "OverdueState", "Revisit", "WorkingDays"]


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
