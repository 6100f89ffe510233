"""Targets as data: set, read and import a city's 目标责任书 and 形象进度 (``app.targets``).

Every target and progress report is an event of the city's
:class:`~projlife.domain.targets.TargetBook` with its actor, business date and reason. Reads
are "as of D": the target in force on D is the latest one set with a business date ≤ D.
:meth:`TargetService.import_sheet` loads an Excel sheet all-or-nothing: one bad row writes
nothing and every bad row is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import RecordConflictError

from projlife.domain.actor import Actor
from projlife.domain.errors import CommandRejected, ConcurrentUpdateError, Problem, ProjlifeError
from projlife.domain.targets import (
    ProgressEntry,
    TargetBook,
    TargetEntry,
    TargetMeasure,
    TargetSubject,
    target_book_id_for,
)

__all__ = [
    "MEASURE_WORDS",
    "SHEET_COLUMNS",
    "SUBJECT_WORDS",
    "TargetRow",
    "TargetService",
    "TargetTable",
]

SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "subject_kind": ("对象类型", "subject_kind"),
    "subject": ("对象编号", "subject"),
    "measure": ("指标", "measure"),
    "period": ("期间", "period"),
    "value": ("目标值", "value"),
    "note": ("工程进度目标", "note"),
    "source": ("依据", "source"),
}
"""The sheet's header cells (Chinese or English) for each field; ``note`` and ``source`` are optional."""

SUBJECT_WORDS = {"县区": "area", "镇街": "area", "区域": "area", "项目": "project", "部门": "department"}
"""The Chinese words a sheet may write for a subject kind (the English values are accepted too)."""
MEASURE_WORDS = {
    "投资": "investment",
    "年度计划投资": "investment",
    "开工": "starts",
    "形象进度": "progress",
}
"""The Chinese words a sheet may write for a measure (the English values are accepted too)."""


@attrs.frozen
class TargetRow:
    """One target to set (a row of an imported sheet, or an API call)."""

    subject_kind: TargetSubject = attrs.field(converter=TargetSubject)
    subject: str
    measure: TargetMeasure = attrs.field(converter=TargetMeasure)
    period: str
    value: Decimal = attrs.field(converter=Decimal)
    note: str = ""
    source: str = ""

    def set_in(self, book: TargetBook, *, occurred_on: date, actor: Actor, reason: str) -> None:
        """Record this row as a target in ``book`` (the one way a row becomes a fact)."""
        book.set_target(
            subject_kind=self.subject_kind,
            subject=self.subject,
            measure=self.measure,
            period=self.period,
            value=self.value,
            note=self.note,
            source=self.source,
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
        )


@attrs.frozen
class TargetTable:
    """A city's targets and 形象进度 in force as of a date (what a ranking measured against)."""

    city_code: str
    as_of: date
    targets: Mapping[tuple[str, str, str, str], TargetEntry]
    progress: Mapping[str, ProgressEntry]

    def get(
        self, subject_kind: TargetSubject | str, subject: str, measure: TargetMeasure | str, period: str
    ) -> TargetEntry | None:
        """The target in force for this key, or ``None`` when none was set by ``as_of``."""
        return self.targets.get(
            (TargetSubject(subject_kind).value, subject, TargetMeasure(measure).value, period)
        )

    def of_kind(
        self, subject_kind: TargetSubject | str, measure: TargetMeasure | str, period: str
    ) -> list[TargetEntry]:
        """Every target of ``subject_kind`` and ``measure`` for ``period``, by subject."""
        kind, what = TargetSubject(subject_kind).value, TargetMeasure(measure).value
        return sorted(
            (e for k, e in self.targets.items() if k[0] == kind and k[2] == what and k[3] == period),
            key=lambda e: e.subject,
        )


class TargetService:
    """Targets of every city (``app.targets``): one :class:`TargetBook` per city in the event store."""

    def __init__(
        self, store: Any, cities: Any, engine: Any, *, catch_up: Callable[[], object] | None = None
    ) -> None:
        self._store = store
        self._cities = cities
        self._engine = engine
        self._catch_up = catch_up

    def _city_code(self, city: str) -> str:
        return str(self._cities.city(city).code)

    def book(self, city: str) -> TargetBook | None:
        """The city's target book, or ``None`` before its first target."""
        try:
            book: TargetBook = self._store.repository.get(target_book_id_for(self._city_code(city)))
        except AggregateNotFoundError:
            return None
        return book

    def table(self, city: str, as_of: date) -> TargetTable:
        """The targets and 形象进度 in force for ``city`` as of ``as_of``."""
        code = self._city_code(city)
        book = self.book(code)
        if book is None:
            return TargetTable(code, as_of, {}, {})
        return TargetTable(code, as_of, book.targets_as_of(as_of), book.progress_as_of(as_of))

    def _write(self, city: str, apply: Any, attempted: str) -> int:
        code = self._city_code(city)
        for _ in range(8):
            book = self.book(code) or TargetBook.open(code)
            apply(book)
            try:
                self._store.save(book)
            except RecordConflictError:
                continue
            return int(book.version)
        raise ConcurrentUpdateError(attempted, "the target book kept changing", "send it again")

    def set_targets(
        self, city: str, rows: Iterable[TargetRow], *, occurred_on: date, actor: Actor, reason: str
    ) -> int:
        """Record ``rows`` as targets in one save (all or nothing); returns the book's version."""
        rows = list(rows)
        attempted = f"set {len(rows)} targets of {city}"
        problems = self._check_rows(city, rows)
        if problems:
            raise CommandRejected(attempted, problems)

        def apply(book: TargetBook) -> None:
            for r in rows:
                r.set_in(book, occurred_on=occurred_on, actor=actor, reason=reason)

        return self._write(city, apply, attempted)

    def set_target(self, city: str, row: TargetRow, *, occurred_on: date, actor: Actor, reason: str) -> int:
        """Record one target; see :meth:`set_targets`."""
        return self.set_targets(city, [row], occurred_on=occurred_on, actor=actor, reason=reason)

    def report_progress(
        self,
        city: str,
        *,
        project_code: str,
        month: date,
        percent: Decimal,
        stage_note: str,
        occurred_on: date,
        actor: Actor,
        reason: str = "形象进度月报",
    ) -> int:
        """Record a month's 形象进度 of a project (a percentage and a stage note)."""
        attempted = f"report the 形象进度 of {project_code}"
        if project_code not in self._project_codes(city):
            raise CommandRejected(
                attempted, [Problem("project_code", "no such project in the city", project_code)]
            )

        def apply(book: TargetBook) -> None:
            book.report_progress(
                project_code=project_code,
                month=month,
                percent=percent,
                stage_note=stage_note,
                occurred_on=occurred_on,
                actor=actor,
                reason=reason,
            )

        return self._write(city, apply, attempted)

    def import_sheet(
        self,
        city: str,
        path: str | Path,
        *,
        occurred_on: date,
        actor: Actor,
        reason: str,
        sheet: str | None = None,
    ) -> int:
        """Import targets from an Excel sheet (header row: :data:`SHEET_COLUMNS`); all or nothing.

        Returns the number of targets recorded. Every unreadable row is reported in one
        :class:`~projlife.domain.errors.CommandRejected` and nothing is written.
        """
        rows = read_sheet(path, sheet=sheet)
        self.set_targets(city, rows, occurred_on=occurred_on, actor=actor, reason=reason)
        return len(rows)

    def unsaved_book(self, city: str) -> TargetBook:
        """The city's book as stored, or a new one opened in memory: a caller that checks a whole file
        applies its rows to it (:meth:`check_rows`, then ``set_target`` / ``report_progress``) and saves
        it with the file's other aggregates in one transaction."""
        return self.book(city) or TargetBook.open(self._city_code(city))

    def check_rows(
        self, city: str, rows: Sequence[TargetRow], *, allow_repeats: bool = False
    ) -> list[Problem]:
        """What :meth:`set_targets` would refuse in ``rows`` (areas, projects, periods, values), per row
        (``row 1`` …). ``allow_repeats``: the same target may appear twice (a history of settings,
        each on its own date), which one save of :meth:`set_targets` refuses."""
        return self._check_rows(city, rows, allow_repeats=allow_repeats)

    def project_codes(self, city: str) -> set[str]:
        """The codes of the city's projects (the ledger caught up first): what a target or 形象进度 may name."""
        return self._project_codes(city)

    # -- checks ---------------------------------------------------------------------------------

    def _project_codes(self, city: str) -> set[str]:
        import sqlalchemy as sa

        from projlife.projections.facts import projects_table

        code = self._city_code(city)
        if self._catch_up is not None:
            self._catch_up()
        with self._engine.connect() as conn:
            return set(
                conn.execute(
                    sa.select(projects_table.c.code).where(projects_table.c.city_code == code)
                ).scalars()
            )

    def _check_rows(
        self, city: str, rows: Sequence[TargetRow], *, allow_repeats: bool = False
    ) -> list[Problem]:
        profile = self._cities.city(city)
        problems: list[Problem] = []
        if not rows:
            return [Problem("rows", "no target to set", None)]
        projects: set[str] | None = None
        seen: set[tuple[str, str, str, str]] = set()
        for i, r in enumerate(rows, start=1):
            where = f"row {i}"
            key = (r.subject_kind.value, r.subject, r.measure.value, r.period)
            if key in seen and not allow_repeats:
                problems.append(Problem(where, "the same target appears twice", "/".join(key)))
            seen.add(key)
            if r.subject_kind is TargetSubject.AREA and r.subject not in profile.areas:
                problems.append(Problem(where, f"no area {r.subject} in {profile.slug}", r.subject))
            if r.subject_kind is TargetSubject.PROJECT:
                projects = self._project_codes(city) if projects is None else projects
                if r.subject not in projects:
                    problems.append(Problem(where, "no such project in the city", r.subject))
            try:
                probe = TargetBook.open(profile.code)
                r.set_in(probe, occurred_on=date(2000, 1, 1), actor=Actor("check", "system"), reason="check")
            except ProjlifeError as exc:
                problems.append(Problem(where, exc.reason, str(r.value)))
        return problems


def read_sheet(path: str | Path, *, sheet: str | None = None) -> list[TargetRow]:
    """The target rows of an Excel sheet; a :class:`CommandRejected` lists every bad row."""
    try:
        from openpyxl import load_workbook
    except ModuleNotFoundError as exc:  # pragma: no cover - the excel extra
        from projlife.extras import MissingExtra

        raise MissingExtra("excel", "openpyxl") from exc
    attempted = f"import targets from {path}"
    wb = load_workbook(Path(path), read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet is not None else wb.worksheets[0]
        cells = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    if not cells:
        raise CommandRejected(attempted, [Problem("sheet", "the sheet is empty", None)])
    header = [str(c).strip() if c is not None else "" for c in cells[0]]
    columns: dict[str, int] = {}
    for field, names in SHEET_COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                columns[field] = i
    missing = [
        SHEET_COLUMNS[f][0]
        for f in ("subject_kind", "subject", "measure", "period", "value")
        if f not in columns
    ]
    if missing:
        raise CommandRejected(attempted, [Problem("header", "missing columns", ", ".join(missing))])
    rows: list[TargetRow] = []
    problems: list[Problem] = []
    for n, raw in enumerate(cells[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in raw):
            continue

        def cell(field: str, raw: list[Any] = raw) -> str:
            i = columns.get(field)
            value = raw[i] if i is not None and i < len(raw) else None
            return "" if value is None else str(value).strip()

        try:
            kind = SUBJECT_WORDS.get(cell("subject_kind"), cell("subject_kind"))
            measure = MEASURE_WORDS.get(cell("measure"), cell("measure"))
            rows.append(
                TargetRow(
                    subject_kind=kind,
                    subject=cell("subject"),
                    measure=measure,
                    period=_period_text(raw[columns["period"]]),
                    value=_decimal(raw[columns["value"]] if columns["value"] < len(raw) else None),
                    note=cell("note"),
                    source=cell("source"),
                )
            )
        except (ValueError, InvalidOperation, TypeError) as exc:
            problems.append(Problem(f"row {n}", "unreadable", str(exc) or type(exc).__name__))
    if problems:
        raise CommandRejected(attempted, problems)
    return rows


def _decimal(value: Any) -> Decimal:
    if value is None or isinstance(value, bool):
        raise ValueError("the target value is empty")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).replace(",", "").strip())


def _period_text(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime | date):
        raise ValueError("write the period as text (2025, 2025-Q1, 2025-05), not as a date")
    return "" if value is None else str(value).strip()
