"""Loading the State Council's holiday notices into a database, and the calendar they make."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from projlife.calendar import HolidayNotice, StoredNotice, WorkdayCalendar, calendar_with_notices
from projlife.ports import SqlDatabase
from projlife.store.calendar_notices import NoticeRow, append_notice, notice_rows

__all__ = ["CalendarNotices"]


def _stored(row: NoticeRow) -> StoredNotice:
    notice = HolidayNotice.from_mapping(json.loads(row.document))
    return StoredNotice(notice, row.version, row.loaded_by, row.loaded_at.isoformat(), row.reason)


class CalendarNotices:
    """The notices loaded into one database: append a version, list them, build the calendar."""

    def __init__(self, database: SqlDatabase) -> None:
        self._database = database

    def stored(self) -> list[StoredNotice]:
        """Every version ever loaded, by year then version (corrections are later versions)."""
        return [_stored(r) for r in notice_rows(self._database)]

    def load(
        self, notice: HolidayNotice, *, loaded_by: str, reason: str = "", at: datetime | None = None
    ) -> StoredNotice | None:
        """Store ``notice`` as the next version of its year; ``None`` if identical to the latest.

        Deadlines computed afterwards use it and record its version; verdicts already made keep
        the version they recorded.
        """
        if not loaded_by.strip():
            raise ValueError("a notice is loaded by someone: give loaded_by")
        row = append_notice(
            self._database,
            year=notice.year,
            document=notice.canonical_json(),
            sha256=notice.sha256,
            loaded_by=loaded_by,
            loaded_at=at if at is not None else datetime.now(UTC),
            reason=reason,
        )
        return None if row is None else _stored(row)

    def calendar(self, base: WorkdayCalendar | None = None) -> WorkdayCalendar:
        """``base`` (China's packaged tables by default) with the latest notice of each year on top."""
        return calendar_with_notices(base if base is not None else WorkdayCalendar.china(), self.stored())
