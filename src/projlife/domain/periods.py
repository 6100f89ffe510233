"""Reporting periods: day, week, month, two months, quarter, half-year, year."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from enum import StrEnum

import attrs

__all__ = ["Period", "PeriodKind"]


class PeriodKind(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    BIMONTH = "bimonth"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"

    @property
    def months(self) -> int:
        """Length in months (0 for day and week)."""
        return {"bimonth": 2, "quarter": 3, "half_year": 6, "year": 12, "month": 1}.get(self.value, 0)


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def _period_start(kind: PeriodKind, d: date) -> date:
    if kind is PeriodKind.DAY:
        return d
    if kind is PeriodKind.WEEK:
        return d - timedelta(days=d.weekday())
    size = kind.months
    month0 = (d.month - 1) // size * size
    return date(d.year, month0 + 1, 1)


@attrs.frozen(order=True)
class Period:
    """A calendar period, known by its kind and first day.

    Weeks run Monday to Sunday; two-month periods are Jan–Feb, Mar–Apr, …;
    half-years are Jan–Jun and Jul–Dec.

    >>> p = Period.containing("quarter", date(2024, 5, 9))
    >>> p.start, p.end, str(p)
    (datetime.date(2024, 4, 1), datetime.date(2024, 6, 30), '2024-Q2')
    >>> p.next().label_zh
    '2024年第3季度'
    """

    kind: PeriodKind = attrs.field(converter=PeriodKind)
    start: date

    def __attrs_post_init__(self) -> None:
        if _period_start(self.kind, self.start) != self.start:
            raise ValueError(f"{self.start} is not the first day of a {self.kind.value}")

    @classmethod
    def containing(cls, kind: PeriodKind | str, day: date) -> Period:
        kind = PeriodKind(kind)
        return cls(kind, _period_start(kind, day))

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        return self.next().start - timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def shift(self, n: int) -> Period:
        """The period ``n`` steps later (earlier when negative)."""
        if self.kind is PeriodKind.DAY:
            return Period(self.kind, self.start + timedelta(days=n))
        if self.kind is PeriodKind.WEEK:
            return Period(self.kind, self.start + timedelta(weeks=n))
        return Period(self.kind, _add_months(self.start, n * self.kind.months))

    def next(self) -> Period:
        return self.shift(1)

    def previous(self) -> Period:
        return self.shift(-1)

    def elapsed_days(self, as_of: date) -> int:
        """Days of the period that have passed by ``as_of`` (inclusive), 0 to ``days``."""
        if as_of < self.start:
            return 0
        return min(self.days, (as_of - self.start).days + 1)

    def __str__(self) -> str:
        y = self.start.year
        match self.kind:
            case PeriodKind.DAY:
                return self.start.isoformat()
            case PeriodKind.WEEK:
                iso = self.start.isocalendar()
                return f"{iso.year}-W{iso.week:02d}"
            case PeriodKind.MONTH:
                return f"{y}-{self.start.month:02d}"
            case PeriodKind.BIMONTH:
                return f"{y}-B{(self.start.month + 1) // 2}"
            case PeriodKind.QUARTER:
                return f"{y}-Q{(self.start.month + 2) // 3}"
            case PeriodKind.HALF_YEAR:
                return f"{y}-H{(self.start.month + 5) // 6}"
            case _:
                return str(y)

    @property
    def label_zh(self) -> str:
        y = self.start.year
        match self.kind:
            case PeriodKind.DAY:
                return f"{y}年{self.start.month}月{self.start.day}日"
            case PeriodKind.WEEK:
                return f"{self.start.isoformat()}至{self.end.isoformat()}"
            case PeriodKind.MONTH:
                return f"{y}年{self.start.month}月"
            case PeriodKind.BIMONTH:
                return f"{y}年{self.start.month}—{self.start.month + 1}月"
            case PeriodKind.QUARTER:
                return f"{y}年第{(self.start.month + 2) // 3}季度"
            case PeriodKind.HALF_YEAR:
                return f"{y}年{'上' if self.start.month == 1 else '下'}半年"
            case _:
                return f"{y}年"

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2024``, ``2024-H1``, ``2024-Q2``, ``2024-B3``, ``2024-05``, ``2024-W07`` or ``2024-05-09``."""
        t = text.strip()
        if m := re.fullmatch(r"(\d{4})", t):
            return cls(PeriodKind.YEAR, date(int(m[1]), 1, 1))
        if m := re.fullmatch(r"(\d{4})-H([12])", t):
            return cls(PeriodKind.HALF_YEAR, date(int(m[1]), 6 * int(m[2]) - 5, 1))
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", t):
            return cls(PeriodKind.QUARTER, date(int(m[1]), 3 * int(m[2]) - 2, 1))
        if m := re.fullmatch(r"(\d{4})-B([1-6])", t):
            return cls(PeriodKind.BIMONTH, date(int(m[1]), 2 * int(m[2]) - 1, 1))
        if m := re.fullmatch(r"(\d{4})-W(\d{2})", t):
            return cls(PeriodKind.WEEK, date.fromisocalendar(int(m[1]), int(m[2]), 1))
        if m := re.fullmatch(r"(\d{4})-(\d{2})", t):
            return cls(PeriodKind.MONTH, date(int(m[1]), int(m[2]), 1))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", t):
            return cls(PeriodKind.DAY, date.fromisoformat(t))
        raise ValueError(
            f"cannot read period {text!r}; use 2024, 2024-H1, 2024-Q2, 2024-B3, 2024-05, 2024-W07 or 2024-05-09"
        )


def month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
