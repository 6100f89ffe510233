"""Targets and physical progress as facts: a city's 目标责任书 book.

Seed 001: "每年初…递交《重点项目建设目标责任书》" — each year the areas and project units sign
a target-responsibility document: the year's planned investment (年度计划投资), quarterly
quotas, and each project's engineering-progress target (工程进度目标). Issue 18 adds the
monthly 形象进度 (physical progress: a stage note and a percentage).

One :class:`TargetBook` per city holds both as events. A target is keyed by
``(subject kind, subject code, measure, period)``; setting it again records a new
:class:`TargetBook.TargetSet` (the latest one with a business date on or before D is the
target in force as of D), so a ranking can name the event it measured against. Events are
never edited: a correction is a later ``TargetSet`` with its reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

import attrs
from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor
from projlife.domain.errors import ProjlifeError

__all__ = [
    "ProgressEntry",
    "TargetBook",
    "TargetEntry",
    "TargetMeasure",
    "TargetSubject",
    "target_book_id_for",
]

_BOOK_NAMESPACE = uuid5(NAMESPACE_URL, "https://projlife.invalid/target-book")


def target_book_id_for(city_code: str) -> UUID:
    """The id of a city's target book (one per city)."""
    return uuid5(_BOOK_NAMESPACE, city_code)


class TargetSubject(StrEnum):
    """What a target is set for."""

    AREA = "area"
    """A county, town, street or park (by area code)."""
    PROJECT = "project"
    """One project (by project code)."""
    DEPARTMENT = "department"
    """A department (牵头单位/责任单位, by its name)."""


class TargetMeasure(StrEnum):
    """What a target measures, and its unit."""

    INVESTMENT = "investment"
    """Investment to complete in the period, in yuan (年度计划投资; a quarter's investment quota)."""
    STARTS = "starts"
    """Projects to start in the period (a quarterly 开工 quota), a count."""
    PROGRESS = "progress"
    """形象进度 to reach by the end of the period, in percent 0–100 (工程进度目标)."""


_PERIOD_FORMS = ("2025", "2025-H1", "2025-Q2", "2025-05")


def _check_period(attempted: str, period: str) -> None:
    import re

    if not re.fullmatch(r"\d{4}(-H[12]|-Q[1-4]|-(0[1-9]|1[0-2]))?", period):
        raise ProjlifeError(
            attempted, f"period {period!r} is not a year, half, quarter or month", _PERIOD_FORMS[0]
        )


def _check_value(attempted: str, measure: TargetMeasure, value: Decimal) -> None:
    if not value.is_finite() or value < 0:
        raise ProjlifeError(attempted, f"target {value} is negative or not a number", "a number ≥ 0")
    if measure is TargetMeasure.PROGRESS and value > 100:
        raise ProjlifeError(attempted, f"progress target {value}% exceeds 100", "a percentage 0–100")
    if measure is TargetMeasure.STARTS and value != value.to_integral_value():
        raise ProjlifeError(attempted, f"a count of starts cannot be {value}", "a whole number")


@attrs.frozen
class TargetEntry:
    """One ``TargetSet`` as the book holds it (``version``: the event's version in the book)."""

    subject_kind: TargetSubject
    subject: str
    measure: TargetMeasure
    period: str
    value: Decimal
    note: str
    source: str
    occurred_on: date
    actor_id: str
    reason: str
    version: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.subject_kind.value, self.subject, self.measure.value, self.period)


@attrs.frozen
class ProgressEntry:
    """One 形象进度 report: a project's percentage and stage note for a month."""

    project_code: str
    month: date
    percent: Decimal
    stage_note: str
    occurred_on: date
    actor_id: str
    reason: str
    version: int


class TargetBook(Aggregate):
    """A city's targets (目标责任书) and 形象进度 reports, as events."""

    TOPIC = "projlife:TargetBook"

    class Event(Aggregate.Event):
        """Base of target-book events: every one has a business date, an actor and a reason."""

        class_version: ClassVar[int] = 1

    class Opened(Event, Aggregate.Created):
        """The city's book was opened (with its first entry, in the same save)."""

        TOPIC = "projlife:TargetBook.Opened"
        city_code: str

    Created = Opened

    class TargetSet(Event):
        """A target was set (or set again, superseding the earlier one from its business date)."""

        TOPIC = "projlife:TargetBook.TargetSet"
        subject_kind: str
        subject: str
        measure: str
        period: str
        value: Decimal
        note: str
        source: str
        occurred_on: date
        actor: Actor
        reason: str

        def apply(self, book: TargetBook) -> None:
            book.targets.append(
                TargetEntry(
                    TargetSubject(self.subject_kind),
                    self.subject,
                    TargetMeasure(self.measure),
                    self.period,
                    Decimal(self.value),
                    self.note,
                    self.source,
                    self.occurred_on,
                    self.actor.id,
                    self.reason,
                    self.originator_version,
                )
            )

    class ProgressReported(Event):
        """形象进度 for a month: a percentage and the stage the works stand at."""

        TOPIC = "projlife:TargetBook.ProgressReported"
        project_code: str
        month: date
        percent: Decimal
        stage_note: str
        occurred_on: date
        actor: Actor
        reason: str

        def apply(self, book: TargetBook) -> None:
            book.progress.append(
                ProgressEntry(
                    self.project_code,
                    self.month,
                    Decimal(self.percent),
                    self.stage_note,
                    self.occurred_on,
                    self.actor.id,
                    self.reason,
                    self.originator_version,
                )
            )

    def __init__(self, *, city_code: str) -> None:
        self.city_code = city_code
        self.targets: list[TargetEntry] = []
        self.progress: list[ProgressEntry] = []

    @classmethod
    def open(cls, city_code: str) -> TargetBook:
        book: TargetBook = cls._create(cls.Opened, id=target_book_id_for(city_code), city_code=city_code)
        return book

    def set_target(
        self,
        *,
        subject_kind: TargetSubject | str,
        subject: str,
        measure: TargetMeasure | str,
        period: str,
        value: Decimal,
        occurred_on: date,
        actor: Actor,
        reason: str,
        note: str = "",
        source: str = "",
    ) -> None:
        """Record a target; refused (nothing recorded) for a bad period, value or empty reason."""
        kind, what = TargetSubject(subject_kind), TargetMeasure(measure)
        attempted = f"set the {what.value} target of {kind.value} {subject} for {period}"
        _check_period(attempted, period)
        _check_value(attempted, what, Decimal(value))
        if not subject.strip():
            raise ProjlifeError(
                attempted, "the subject code is empty", "an area code, project code or department"
            )
        if not reason.strip():
            raise ProjlifeError(
                attempted, "no reason was given", "the document it comes from, e.g. 目标责任书"
            )
        self.trigger_event(
            self.TargetSet,
            subject_kind=kind.value,
            subject=subject,
            measure=what.value,
            period=period,
            value=Decimal(value),
            note=note,
            source=source,
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
        )

    def report_progress(
        self,
        *,
        project_code: str,
        month: date,
        percent: Decimal,
        stage_note: str,
        occurred_on: date,
        actor: Actor,
        reason: str = "形象进度月报",
    ) -> None:
        """Record a month's 形象进度; refused for a percentage outside 0–100 or a missing stage note."""
        attempted = f"report the 形象进度 of {project_code} for {month:%Y-%m}"
        pct = Decimal(percent)
        if not pct.is_finite() or not 0 <= pct <= 100:
            raise ProjlifeError(attempted, f"{percent}% is outside 0–100", "a percentage 0–100")
        if not stage_note.strip():
            raise ProjlifeError(attempted, "no stage note", "where the works stand, e.g. 主体结构封顶")
        if occurred_on < month.replace(day=1):
            raise ProjlifeError(
                attempted, f"reported on {occurred_on}, before the month began", "a later date"
            )
        self.trigger_event(
            self.ProgressReported,
            project_code=project_code,
            month=month.replace(day=1),
            percent=pct,
            stage_note=stage_note,
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
        )

    # -- reading as of a business date ---------------------------------------------------------

    def targets_as_of(self, as_of: date) -> dict[tuple[str, str, str, str], TargetEntry]:
        """The target in force per key as of ``as_of``: the latest set with business date ≤ ``as_of``."""
        out: dict[tuple[str, str, str, str], TargetEntry] = {}
        for entry in self.targets:
            if entry.occurred_on <= as_of:
                known = out.get(entry.key)
                if known is None or (entry.occurred_on, entry.version) >= (known.occurred_on, known.version):
                    out[entry.key] = entry
        return out

    def progress_as_of(self, as_of: date) -> dict[str, ProgressEntry]:
        """Each project's latest 形象进度 report (by month, then business date) as of ``as_of``."""
        out: dict[str, ProgressEntry] = {}
        for entry in self.progress:
            if entry.occurred_on > as_of:
                continue
            known = out.get(entry.project_code)
            if known is None or (entry.month, entry.occurred_on, entry.version) >= (
                known.month,
                known.occurred_on,
                known.version,
            ):
                out[entry.project_code] = entry
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"city_code": self.city_code, "targets": len(self.targets), "progress": len(self.progress)}
