"""Evaluate a city's deadlines (时限) over project facts as of a date, stamped with the rule-set hash."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from projlife.calendar import DeadlineStatus, WorkdayCalendar, calendar_warning, overdue_working_days, status
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.facts import FactsSource
from projlife.engine.inputs import _inputs
from projlife.plugins.rules import EventRefKind, RuleSet
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = ["DeadlineReport", "DeadlineResult", "evaluate_deadlines"]


@attrs.frozen
class DeadlineResult:
    """One deadline of one project: when it was triggered, when it is due, where it stands.

    ``provisional``: the due day was computed on assumed Monday–Friday days (no official table).
    ``flag``: the flag an overdue (or late) project gets, from the rule.
    """

    rule_id: str
    project_id: UUID
    project_code: str
    area_code: str
    trigger_on: date
    due_on: date
    provisional: bool
    met_on: date | None
    status: DeadlineStatus
    overdue_working_days: int
    flag: str | None
    calendar_version: str = ""
    years_without_data: tuple[int, ...] = ()

    @property
    def is_overdue(self) -> bool:
        return self.status is DeadlineStatus.OVERDUE

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "project_id": str(self.project_id),
            "project_code": self.project_code,
            "area_code": self.area_code,
            "trigger_on": self.trigger_on.isoformat(),
            "due_on": self.due_on.isoformat(),
            "provisional": self.provisional,
            "met_on": None if self.met_on is None else self.met_on.isoformat(),
            "status": self.status.value,
            "overdue_working_days": self.overdue_working_days,
            "flag": self.flag,
            "calendar_version": self.calendar_version,
            "years_without_data": list(self.years_without_data),
        }


@attrs.frozen
class DeadlineReport:
    city: str
    as_of: date
    rule_set_sha256: str
    results: tuple[DeadlineResult, ...]

    def overdue(self) -> tuple[DeadlineResult, ...]:
        """The projects flagged: overdue as of the report date."""
        return tuple(r for r in self.results if r.is_overdue)

    @property
    def years_without_data(self) -> tuple[int, ...]:
        """Years some due day was counted across without official holiday data."""
        return tuple(sorted({y for r in self.results for y in r.years_without_data}))

    @property
    def warnings(self) -> tuple[str, ...]:
        """Loud warnings for the reader (a due day counted on assumed Monday–Friday weeks)."""
        warning = calendar_warning(self.years_without_data)
        return () if warning is None else (warning,)

    def as_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "as_of": self.as_of.isoformat(),
            "rule_set_sha256": self.rule_set_sha256,
            "results": [r.as_dict() for r in self.results],
            "warnings": list(self.warnings),
        }


def evaluate_deadlines(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    as_of: date,
    *,
    rules: RuleSet | None = None,
    calendar: WorkdayCalendar | None = None,
    known_at: datetime | None = None,
) -> DeadlineReport:
    """Every triggered deadline of every project of ``city`` as of ``as_of``.

    Uses the rule set of the year containing ``as_of`` unless ``rules`` is given. A project
    cancelled before meeting a deadline owes nothing and is left out. Results are ordered by
    rule id, then project code.
    """
    inp = _inputs(source, city, Period.containing(PeriodKind.YEAR, as_of), as_of, rules, calendar, known_at)
    results: list[DeadlineResult] = []
    for spec in sorted(inp.rules.deadlines, key=lambda d: d.id):
        for f in sorted(inp.facts, key=lambda f: f.code):
            trigger_stage = Stage(spec.trigger.name) if spec.trigger.kind is EventRefKind.STAGE else None
            if not f.matches(spec.filter, trigger_stage):
                continue
            trigger_on = f.happened(spec.trigger)
            if trigger_on is None:
                continue
            met_on = f.happened(spec.target)
            if met_on is not None and met_on < trigger_on:
                met_on = trigger_on  # the target came first: met on the day it was owed
            if met_on is None and f.cancelled_on is not None:
                continue
            deadline = spec.rule.due(trigger_on, inp.calendar)
            st = status(deadline, met_on, as_of)
            results.append(
                DeadlineResult(
                    rule_id=spec.id,
                    project_id=f.project_id,
                    project_code=f.code,
                    area_code=f.area_code,
                    trigger_on=trigger_on,
                    due_on=deadline.due_on,
                    provisional=deadline.provisional,
                    met_on=met_on,
                    status=st,
                    overdue_working_days=overdue_working_days(deadline, met_on, as_of, inp.calendar),
                    flag=spec.flag if st in (DeadlineStatus.OVERDUE, DeadlineStatus.MET_LATE) else None,
                    calendar_version=deadline.calendar_version,
                    years_without_data=deadline.years_without_data,
                )
            )
    return DeadlineReport(inp.city.slug, as_of, inp.rules.sha256, tuple(results))
