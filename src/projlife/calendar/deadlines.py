"""Deadline rules ("N units after a trigger"), the deadlines they give, and a deadline's status as of a date."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import attrs

from projlife.calendar.workdays import WorkdayCalendar, _days_in_month

__all__ = [
    "Deadline",
    "DeadlineRule",
    "DeadlineStatus",
    "DeadlineUnit",
    "add_months",
    "calendar_warning",
    "overdue_working_days",
    "status",
]


def add_months(d: date, months: int) -> date:
    """``d`` plus calendar months, clamped to month end (2024-01-31 + 1 month = 2024-02-29)."""
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(d.day, _days_in_month(year, month)))


class DeadlineUnit(StrEnum):
    """The unit of a :class:`DeadlineRule`."""

    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"


_SINGULAR = {
    DeadlineUnit.WORKING_DAYS: "working day",
    DeadlineUnit.DAYS: "day",
    DeadlineUnit.MONTHS: "month",
}
_UNIT_WORDS: dict[str, DeadlineUnit] = {
    "working day": DeadlineUnit.WORKING_DAYS,
    "working days": DeadlineUnit.WORKING_DAYS,
    "working_days": DeadlineUnit.WORKING_DAYS,
    "workday": DeadlineUnit.WORKING_DAYS,
    "workdays": DeadlineUnit.WORKING_DAYS,
    "day": DeadlineUnit.DAYS,
    "days": DeadlineUnit.DAYS,
    "calendar day": DeadlineUnit.DAYS,
    "calendar days": DeadlineUnit.DAYS,
    "month": DeadlineUnit.MONTHS,
    "months": DeadlineUnit.MONTHS,
    # Chinese forms as written in the seeds: 90个工作日, 90天, 3日, 3个月
    "个工作日": DeadlineUnit.WORKING_DAYS,
    "工作日": DeadlineUnit.WORKING_DAYS,
    "天": DeadlineUnit.DAYS,
    "日": DeadlineUnit.DAYS,
    "个月": DeadlineUnit.MONTHS,
    "月": DeadlineUnit.MONTHS,
}
_RULE_RE = re.compile(r"^\s*(\d+)\s*(.+?)\s*$")


def _nonneg(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{attribute.name} must be a non-negative integer, got {value!r}")


@attrs.frozen
class DeadlineRule:
    """A rule "``amount`` ``unit`` after a trigger", e.g. ``DeadlineRule.parse("90 working days")``.

    ``working_days`` counts with a :class:`WorkdayCalendar`; ``days`` is plain calendar days
    (trigger + N, no roll-forward when it lands on a holiday); ``months`` is calendar months
    clamped to the month end.
    """

    amount: int = attrs.field(validator=_nonneg)
    unit: DeadlineUnit = attrs.field(converter=DeadlineUnit)

    @classmethod
    def parse(cls, text: str) -> DeadlineRule:
        """Parse ``"90 working days"``, ``"1 working day"``, ``"7 days"``, ``"3 months"``.

        Also accepts the Chinese forms ``"90个工作日"``, ``"90天"``, ``"3日"``, ``"3个月"``.
        """
        m = _RULE_RE.match(text)
        unit = _UNIT_WORDS.get(" ".join(m.group(2).lower().split())) if m else None
        if m is None or unit is None:
            raise ValueError(
                f"cannot parse deadline rule {text!r}; expected e.g. '90 working days', "
                "'7 days', '3 months', '90个工作日'"
            )
        return cls(int(m.group(1)), unit)

    def __str__(self) -> str:
        word = _SINGULAR[self.unit]
        return f"{self.amount} {word}" if self.amount == 1 else f"{self.amount} {word}s"

    def as_dict(self) -> dict[str, int | str]:
        """Canonical serialisation: ``{"amount": 90, "unit": "working_days"}``."""
        return {"amount": self.amount, "unit": self.unit.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeadlineRule:
        """Inverse of :meth:`as_dict`."""
        if set(data) != {"amount", "unit"}:
            raise ValueError(f"a deadline rule needs exactly 'amount' and 'unit', got {sorted(data)}")
        return cls(data["amount"], data["unit"])

    def due(self, trigger: date, calendar: WorkdayCalendar | None = None) -> Deadline:
        """The deadline for an event on ``trigger`` (default calendar: :meth:`WorkdayCalendar.china`).

        Only ``working_days`` rules consult the calendar, so only they can be provisional: when any
        day in ``(trigger, due_on]`` was decided by the Monday–Friday assumption.
        """
        if self.unit is DeadlineUnit.DAYS:
            return Deadline(trigger, trigger + timedelta(days=self.amount), False, self)
        if self.unit is DeadlineUnit.MONTHS:
            return Deadline(trigger, add_months(trigger, self.amount), False, self)
        cal = calendar if calendar is not None else WorkdayCalendar.china()
        due_on = cal.add_working_days(trigger, self.amount)
        return Deadline(
            trigger,
            due_on,
            cal.any_provisional(trigger, due_on),
            self,
            calendar_version=cal.calendar_version,
            years_without_data=cal.years_without_data(trigger, due_on),
        )


@attrs.frozen
class Deadline:
    """A computed deadline: due on ``due_on`` (inclusive), ``provisional`` if computed on assumed days.

    ``calendar_version`` names the calendar data the due day was counted with (empty for
    ``days``/``months`` rules, which do not consult it); ``years_without_data`` lists the years
    it crosses that had no official holiday table, counted Monday–Friday.
    """

    trigger: date
    due_on: date
    provisional: bool
    rule: DeadlineRule
    calendar_version: str = ""
    years_without_data: tuple[int, ...] = ()

    @property
    def warning(self) -> str | None:
        """A loud, readable warning when the due day rests on assumed Monday–Friday weeks."""
        return calendar_warning(self.years_without_data)


def calendar_warning(years: Iterable[int]) -> str | None:
    """The warning for years without official holiday data, or ``None`` when there are none."""
    ys = sorted(set(years))
    if not ys:
        return None
    listed = ", ".join(str(y) for y in ys)
    return (
        f"no official holiday data for {listed}: working days there are counted Monday–Friday; "
        "load the State Council notice with `projlife calendar load FILE`"
    )


class DeadlineStatus(StrEnum):
    """Where a deadline stands; see :func:`status`."""

    PENDING = "pending"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


def status(deadline: Deadline, met_on: date | None, as_of: date) -> DeadlineStatus:
    """The status of ``deadline`` as seen on ``as_of``.

    - ``met``: met on or before the due day (``met_on <= due_on``);
    - ``met_late``: met after it (``met_on > due_on``);
    - ``overdue``: not met and ``as_of > due_on``;
    - ``pending``: not met and ``as_of <= due_on`` (the due day itself is still in time).

    A ``met_on`` later than ``as_of`` is treated as not yet met (the fact had not happened as of
    that day), which keeps "as of" reports reproducible.
    """
    if met_on is not None and met_on <= as_of:
        return DeadlineStatus.MET if met_on <= deadline.due_on else DeadlineStatus.MET_LATE
    return DeadlineStatus.OVERDUE if as_of > deadline.due_on else DeadlineStatus.PENDING


def overdue_working_days(
    deadline: Deadline, met_on: date | None, as_of: date, calendar: WorkdayCalendar | None = None
) -> int:
    """Working days past the due day: up to ``met_on`` if met by ``as_of``, else up to ``as_of``.

    0 when the deadline was met in time or is still pending.
    """
    cal = calendar if calendar is not None else WorkdayCalendar.china()
    end = met_on if met_on is not None and met_on <= as_of else as_of
    return max(0, cal.working_days_between(deadline.due_on, end))
