"""A State Council holiday notice (国务院办公厅关于某年部分节假日安排的通知) as data.

One notice covers one year: the days off (放假) and the make-up working days (调休上班) it
announces. It is read from a small JSON or TOML file (the format is in ``docs/calendar.md``),
checked, and turned into a :class:`~projlife.calendar.core.WorkdayCalendar` layer that declares
its year official. Pure: standard library and attrs only.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import attrs

from projlife.calendar.core import WorkdayCalendar

__all__ = ["HolidayNotice", "NoticeError", "StoredNotice", "calendar_with_notices", "latest_versions"]

_KEYS = frozenset({"year", "title", "document", "published_on", "url", "holidays", "workdays"})
_REQUIRED = frozenset({"year", "holidays", "workdays"})


class NoticeError(ValueError):
    """A holiday notice file that cannot be used (its message says what is wrong and where)."""


def _day(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise NoticeError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)")


def _days(entries: object, key: str) -> list[tuple[date, str]]:
    """Each entry is ``"2027-02-06"``, or ``{"name": "春节", "from": "…", "to": "…"}`` for a range."""
    if not isinstance(entries, list):
        raise NoticeError(f"{key} must be a list")
    out: list[tuple[date, str]] = []
    for i, entry in enumerate(entries):
        where = f"{key}[{i}]"
        if isinstance(entry, Mapping):
            unknown = set(entry) - {"name", "from", "to", "on"}
            if unknown:
                raise NoticeError(f"{where}: unknown keys {sorted(unknown)}")
            name = str(entry.get("name", ""))
            if "on" in entry:
                out.append((_day(entry["on"], where), name))
                continue
            if "from" not in entry:
                raise NoticeError(f"{where}: a range needs 'from' (and 'to'), or give 'on'")
            start = _day(entry["from"], where)
            end = _day(entry.get("to", entry["from"]), where)
            if end < start or (end - start).days > 31:
                raise NoticeError(f"{where}: range {start}..{end} is reversed or longer than a month")
            out.extend((start + timedelta(days=k), name) for k in range((end - start).days + 1))
        else:
            out.append((_day(entry, where), ""))
    return out


@attrs.frozen
class HolidayNotice:
    """One year's official holidays and make-up working days, with where they were published."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    names: tuple[tuple[date, str], ...] = ()
    title: str = ""
    document: str = ""
    published_on: date | None = None
    url: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> HolidayNotice:
        """Check and build a notice from its parsed file (see ``docs/calendar.md``)."""
        unknown = set(data) - _KEYS
        if unknown:
            raise NoticeError(f"unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
        missing = _REQUIRED - set(data)
        if missing:
            raise NoticeError(f"missing keys {sorted(missing)}")
        year = data["year"]
        if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 9998:
            raise NoticeError(f"year must be an integer year, got {year!r}")
        off = _days(data["holidays"], "holidays")
        on = _days(data["workdays"], "workdays")
        for d, _ in off + on:
            # a notice may reach into the neighbouring days of the years around it (元旦 ranges)
            if not date(year - 1, 12, 1) <= d <= date(year + 1, 1, 31):
                raise NoticeError(f"{d} is outside the notice's year {year}")
        holidays = frozenset(d for d, _ in off)
        workdays = frozenset(d for d, _ in on)
        both = holidays & workdays
        if both:
            raise NoticeError(f"days both off and working: {sorted(d.isoformat() for d in both)}")
        for d in workdays:
            if d.weekday() < 5:
                raise NoticeError(f"make-up working day {d} is not a Saturday or Sunday")
        published = data.get("published_on")
        return cls(
            year=year,
            holidays=holidays,
            workdays=workdays,
            names=tuple(sorted({(d, n) for d, n in off + on if n})),
            title=str(data.get("title", "")),
            document=str(data.get("document", "")),
            published_on=None if published is None else _day(published, "published_on"),
            url=str(data.get("url", "")),
        )

    @classmethod
    def from_text(cls, text: str, *, format: str) -> HolidayNotice:
        """Parse a notice from ``json`` or ``toml`` text."""
        try:
            if format == "json":
                data = json.loads(text)
            elif format == "toml":
                data = tomllib.loads(text)
            else:
                raise NoticeError(f"unknown notice format {format!r}; use json or toml")
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise NoticeError(f"not valid {format}: {exc}") from exc
        if not isinstance(data, dict):
            raise NoticeError("a notice must be an object (a table)")
        return cls.from_mapping(data)

    @classmethod
    def from_file(cls, path: str | Path) -> HolidayNotice:
        """Read a ``.json`` or ``.toml`` notice file."""
        p = Path(path)
        suffix = p.suffix.lower().lstrip(".")
        if suffix not in {"json", "toml"}:
            raise NoticeError(f"{p.name}: a notice file ends in .json or .toml")
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise NoticeError(f"cannot read {p}: {exc}") from exc
        return cls.from_text(text, format=suffix)

    def as_dict(self) -> dict[str, Any]:
        """Canonical JSON form (what is stored); :meth:`from_mapping` reads it back."""
        named = dict(self.names)
        return {
            "year": self.year,
            "title": self.title,
            "document": self.document,
            "published_on": None if self.published_on is None else self.published_on.isoformat(),
            "url": self.url,
            "holidays": [_entry(d, named) for d in sorted(self.holidays)],
            "workdays": [_entry(d, named) for d in sorted(self.workdays)],
        }

    def canonical_json(self) -> str:
        """The stored text: sorted keys, no whitespace, UTF-8 characters kept."""
        data = {k: v for k, v in self.as_dict().items() if v is not None}
        return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()

    def calendar(self, version: str = "") -> WorkdayCalendar:
        """The calendar layer this notice makes: its days, and its year declared official."""
        return WorkdayCalendar(
            workdays=self.workdays,
            holidays=self.holidays,
            official_years={self.year},
            version=version or f"notice {self.year}",
        )


def _entry(d: date, named: Mapping[date, str]) -> dict[str, str]:
    name = named.get(d)
    return {"on": d.isoformat(), "name": name} if name else {"on": d.isoformat()}


@attrs.frozen
class StoredNotice:
    """A notice as loaded into a database: its per-year version, who loaded it and when."""

    notice: HolidayNotice
    version: int
    loaded_by: str
    loaded_at: str
    reason: str = ""

    @property
    def label(self) -> str:
        """How a verdict names it: ``"notice 2027 v2"``."""
        return f"notice {self.notice.year} v{self.version}"


def calendar_with_notices(base: WorkdayCalendar, stored: Iterable[StoredNotice]) -> WorkdayCalendar:
    """``base`` with the latest version of each year's notice layered on top (years in order).

    A later version replaces the earlier one entirely (a correction is a whole new notice).
    """
    latest: dict[int, StoredNotice] = {}
    for s in stored:
        year = s.notice.year
        if year not in latest or s.version > latest[year].version:
            latest[year] = s
    cal = base
    for year in sorted(latest):
        s = latest[year]
        cal = cal.with_overrides(s.notice.calendar(s.label))
    return cal


def latest_versions(stored: Sequence[StoredNotice]) -> dict[int, int]:
    """The highest version loaded for each year."""
    out: dict[int, int] = {}
    for s in stored:
        out[s.notice.year] = max(out.get(s.notice.year, 0), s.version)
    return out
