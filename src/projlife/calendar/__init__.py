"""China's working days (packaged and loaded official tables), deadline rules and holiday notices."""

from __future__ import annotations

from projlife.calendar.core import (
    Deadline,
    DeadlineRule,
    DeadlineStatus,
    DeadlineUnit,
    WorkdayCalendar,
    add_months,
    calendar_warning,
    official_data_version,
    overdue_working_days,
    status,
)
from projlife.calendar.notice import (
    HolidayNotice,
    NoticeError,
    StoredNotice,
    calendar_with_notices,
    latest_versions,
)

__all__ = [
    "Deadline",
    "DeadlineRule",
    "DeadlineStatus",
    "DeadlineUnit",
    "HolidayNotice",
    "NoticeError",
    "StoredNotice",
    "WorkdayCalendar",
    "add_months",
    "calendar_warning",
    "calendar_with_notices",
    "latest_versions",
    "official_data_version",
    "overdue_working_days",
    "status",
]
