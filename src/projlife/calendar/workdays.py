"""The working-day calendar (工作日): official State Council tables, overrides, and working-day arithmetic."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

import attrs
import chinese_calendar

__all__ = ["WorkdayCalendar", "official_data_version"]


def official_data_version() -> str:
    """The version of the packaged official tables, e.g. ``"chinesecalendar 1.11.0"``."""
    return f"chinesecalendar {getattr(chinese_calendar, '__version__', 'unknown')}"


def _package_has_year(year: int) -> bool:
    """Whether ``chinesecalendar`` has the official table for ``year`` (it raises otherwise)."""
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:  # chinesecalendar's own signal for a year it has no table for
        return False
    return True


@attrs.frozen
class _Year:
    """One year of working days.

    ``flags[i]`` is 1 when day ``i`` (0 = 1 January) is a working day; ``cum[i]`` is the number of
    working days among days ``0 .. i-1`` (so ``cum[0] == 0`` and ``cum[-1]`` is the year total);
    ``prov_cum`` is the same prefix sum over provisional days, or ``None`` if none are.
    """

    first_ordinal: int
    flags: bytes
    cum: list[int]
    provisional: bytes | None
    prov_cum: list[int] | None

    @property
    def total(self) -> int:
        return self.cum[-1]


def _prefix(flags: bytes) -> list[int]:
    cum = [0] * (len(flags) + 1)
    running = 0
    for i, f in enumerate(flags):
        running += f
        cum[i + 1] = running
    return cum


def _as_date(value: date | str) -> date:
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date or an ISO date string, got {value!r}")


def _dates(values: Iterable[date | str]) -> frozenset[date]:
    return frozenset(_as_date(v) for v in values)


def _ints(values: Iterable[int]) -> frozenset[int]:
    return frozenset(values)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


@attrs.frozen
class WorkdayCalendar:
    """China's working days: overrides, then the official table, then Monday–Friday.

    ``workdays`` and ``holidays`` are explicit overrides (they win over everything else);
    ``official_years`` declares years whose overrides form the complete official table, so no
    day of those years is provisional. A date may not be in both override sets.

    Instances are immutable and hashable; per-year tables are built lazily and cached on the
    instance (the cache takes no part in equality). Use :meth:`china` for the shared default.
    """

    workdays: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)
    holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)
    official_years: frozenset[int] = attrs.field(default=frozenset(), converter=_ints)
    version: str = attrs.field(default="", eq=False)
    """Which loaded data this calendar adds to the packaged tables (e.g. ``"notice 2027 v1"``)."""
    _years: dict[int, _Year] = attrs.field(factory=dict, init=False, repr=False, eq=False, hash=False)

    _default: ClassVar[WorkdayCalendar | None] = None
    _MAPPING_KEYS: ClassVar[frozenset[str]] = frozenset({"workdays", "holidays", "official_years"})

    def __attrs_post_init__(self) -> None:
        both = self.workdays & self.holidays
        if both:
            listed = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"dates cannot be both override workdays and holidays: {listed}")
        for y in self.official_years:
            if not isinstance(y, int) or isinstance(y, bool) or not 1 <= y <= 9999:
                raise ValueError(f"official_years must hold years 1..9999, got {y!r}")

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def china(cls) -> WorkdayCalendar:
        """The shared default calendar: the official table only, no overrides."""
        if cls._default is None:
            cls._default = cls()
        return cls._default

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> WorkdayCalendar:
        """Build from ``{"workdays": [...], "holidays": [...], "official_years": [...]}``.

        Dates are ISO strings (``"2027-02-06"``) or :class:`date` objects; every key is
        optional; unknown keys are refused so that a typo cannot silently drop a table.
        """
        unknown = set(data) - cls._MAPPING_KEYS
        if unknown:
            raise ValueError(f"unknown calendar keys {sorted(unknown)}; allowed: {sorted(cls._MAPPING_KEYS)}")
        for key in ("workdays", "holidays"):
            if isinstance(data.get(key, ()), str | bytes):
                raise ValueError(f"{key} must be a list of ISO dates, not a single string")
        years = data.get("official_years", ())
        if isinstance(years, str | bytes) or not all(
            isinstance(y, int) and not isinstance(y, bool) for y in years
        ):
            raise ValueError(f"official_years must be a list of integers, got {years!r}")
        return cls(
            workdays=data.get("workdays", ()),
            holidays=data.get("holidays", ()),
            official_years=frozenset(years),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> WorkdayCalendar:
        """Build from a JSON object with the keys of :meth:`from_mapping`."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a calendar JSON document must be an object")
        return cls.from_mapping(data)

    def as_dict(self) -> dict[str, list[str] | list[int]]:
        """Canonical, JSON-ready form (sorted ISO dates and years); inverse of :meth:`from_mapping`."""
        return {
            "workdays": sorted(d.isoformat() for d in self.workdays),
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "official_years": sorted(self.official_years),
        }

    def with_overrides(self, other: WorkdayCalendar) -> WorkdayCalendar:
        """A new calendar with ``other``'s overrides layered on top of this one's (``other`` wins)."""
        versions = [v for v in (self.version, other.version) if v]
        return WorkdayCalendar(
            workdays=(self.workdays - other.holidays) | other.workdays,
            holidays=(self.holidays - other.workdays) | other.holidays,
            official_years=self.official_years | other.official_years,
            version=" + ".join(versions),
        )

    @property
    def calendar_version(self) -> str:
        """The full version a verdict records: the packaged tables plus any loaded data."""
        base = official_data_version()
        return f"{base} + {self.version}" if self.version else base

    def has_official_data(self, year: int) -> bool:
        """Whether ``year``'s working days come from official data (packaged, declared or loaded)."""
        return self._year(year).provisional is None

    def years_without_data(self, start: date, end: date) -> tuple[int, ...]:
        """The years touched by ``[start, end]`` (either order) that have no official table."""
        if end < start:
            start, end = end, start
        return tuple(y for y in range(start.year, end.year + 1) if not self.has_official_data(y))

    # -- per-year tables ----------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._build_year(year)
            self._years[year] = table
        return table

    def _build_year(self, year: int) -> _Year:
        first = date(year, 1, 1)
        n_days = (date(year + 1, 1, 1) - first).days if year < 9999 else 365
        official = year in self.official_years
        packaged = not official and _package_has_year(year)
        flags = bytearray(n_days)
        prov = bytearray(n_days)
        for i in range(n_days):
            d = first + timedelta(days=i)
            if d in self.workdays:
                flags[i] = 1
            elif d in self.holidays:
                flags[i] = 0
            elif packaged:
                flags[i] = 1 if chinese_calendar.is_workday(d) else 0
            else:
                flags[i] = 1 if d.weekday() < 5 else 0
                prov[i] = 0 if official else 1
        any_prov = any(prov)
        return _Year(
            first_ordinal=first.toordinal(),
            flags=bytes(flags),
            cum=_prefix(bytes(flags)),
            provisional=bytes(prov) if any_prov else None,
            prov_cum=_prefix(bytes(prov)) if any_prov else None,
        )

    # -- queries ------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day (override, else official table, else Monday–Friday)."""
        y = self._year(d.year)
        return y.flags[d.toordinal() - y.first_ordinal] == 1

    def is_holiday(self, d: date) -> bool:
        """Whether ``d`` is a day off (weekend, public holiday or override holiday)."""
        return not self.is_workday(d)

    def is_provisional(self, d: date) -> bool:
        """True when ``d`` was decided by the Monday–Friday assumption, not by data.

        That is: ``d`` is not an override, its year is not in ``official_years`` and the
        ``chinesecalendar`` package has no table for it.
        """
        y = self._year(d.year)
        return y.provisional is not None and y.provisional[d.toordinal() - y.first_ordinal] == 1

    def _workdays_through(self, d: date) -> tuple[_Year, int]:
        """The year table of ``d`` and the number of its working days up to and including ``d``."""
        y = self._year(d.year)
        return y, y.cum[d.toordinal() - y.first_ordinal + 1]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``(start, end]``; if ``end < start``, minus those in ``(end, start]``.

        Antisymmetric and additive: ``between(a, b) + between(b, c) == between(a, c)``.
        """
        if end < start:
            return -self.working_days_between(end, start)
        _, through_start = self._workdays_through(start)
        _, through_end = self._workdays_through(end)
        count = through_end - through_start
        for year in range(start.year, end.year):
            count += self._year(year).total
        return count

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``n == 0`` gives ``start`` itself).

        For ``n < 0`` the ``|n|``-th working day strictly before ``start``. For ``n > 0`` the
        result is the earliest day ``d`` with ``working_days_between(start, d) == n``.
        """
        if n == 0:
            return start
        y = self._year(start.year)
        i = start.toordinal() - y.first_ordinal
        year = start.year
        if n > 0:
            # target: the smallest index j with cum[j + 1] == need in the year holding it
            need = y.cum[i + 1] + n
            while need > y.total:
                need -= y.total
                year += 1
                y = self._year(year)
        else:
            need = y.cum[i] + n + 1
            while need < 1:
                year -= 1
                y = self._year(year)
                need += y.total
        j = bisect_left(y.cum, need) - 1
        return date.fromordinal(y.first_ordinal + j)

    def next_workday(self, d: date) -> date:
        """The first working day strictly after ``d`` (same as ``add_working_days(d, 1)``)."""
        return self.add_working_days(d, 1)

    def roll_forward(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next working day."""
        return d if self.is_workday(d) else self.next_workday(d)

    def any_provisional(self, start: date, end: date) -> bool:
        """Whether any day in ``(start, end]`` (or ``(end, start]`` if reversed) is provisional."""
        if end < start:
            start, end = end, start
        if start == end:
            return False
        for year in range(start.year, end.year + 1):
            y = self._year(year)
            if y.prov_cum is None:
                continue
            # provisional days in (start, end] restricted to this year, via the prefix sums
            lo = start.toordinal() - y.first_ordinal + 1 if year == start.year else 0
            hi = end.toordinal() - y.first_ordinal + 1 if year == end.year else len(y.flags)
            if y.prov_cum[hi] - y.prov_cum[lo] > 0:
                return True
        return False
