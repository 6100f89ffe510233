"""The working-day calendar (工作日) and deadline rules ("N units after a trigger"); names what `workdays` and `deadlines` hold.

One job: answer "is this day a working day in China?" and "when is the deadline?".

A day is a working day when, in order of precedence:

1. the calendar's overrides say so (``workdays`` / ``holidays``, supplied by configuration or a
   city plugin, e.g. the official table of a year the package does not know yet);
2. otherwise the official State Council table shipped by ``chinesecalendar`` (2004–2026 in
   version 1.11) says so, including make-up workdays (调休, e.g. Sunday 2024-02-04);
3. otherwise (a year without official data) Monday–Friday is assumed, and the day is marked
   *provisional*.

Years in ``official_years`` are declared complete: their overrides are the whole official table
and every other day of those years falls back to Monday–Friday *without* being provisional.
Overrides never make a year official on their own (a single local holiday is not a full table).

Day and month arithmetic is per-year prefix sums of working days, so a 90-working-day deadline
is a couple of list look-ups and one ``bisect`` (microseconds), not a day-by-day walk.

Pure: imports only the standard library, attrs and ``chinese_calendar``.
"""

from __future__ import annotations

from projlife.calendar.deadlines import (
    Deadline,
    DeadlineRule,
    DeadlineStatus,
    DeadlineUnit,
    add_months,
    calendar_warning,
    overdue_working_days,
    status,
)
from projlife.calendar.workdays import WorkdayCalendar, official_data_version

__all__ = [
    "Deadline",
    "DeadlineRule",
    "DeadlineStatus",
    "DeadlineUnit",
    "WorkdayCalendar",
    "add_months",
    "calendar_warning",
    "official_data_version",
    "overdue_working_days",
    "status",
]
