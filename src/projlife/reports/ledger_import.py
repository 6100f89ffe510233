"""Import a 台账 (ledger) .xlsx into projlife as events.

Each row is one project. Its history is reconstructed from its stage dates as commands
in lifecycle order, issued by an actor with the ``importer`` role, each carrying the
evidence ``xlsx:<sha256 prefix>:<sheet>!R<row>`` and a reason naming the file, so every
imported fact says where it came from.

Every row is checked before anything is written and every problem is reported with
its sheet, row and column. In ``all_or_nothing`` mode one bad row rejects the whole
file; in ``good_rows_only`` mode the good rows go in. A project is never written by
halves: its commands are applied to the aggregate in memory and saved together.

Importing the same file twice changes nothing: a project's id derives from its city
and code, and facts already recorded with the same values are skipped. A later
ledger adds the facts that are new (a stage reached since, a new sponsor); a value
that contradicts a recorded fact is reported, never overwritten (use a correction).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any
from uuid import UUID

import attrs
from eventsourcing.application import AggregateNotFoundError

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import ProjlifeError
from projlife.domain.project import Project, project_id_for
from projlife.plugins.types import CityProfile
from projlife.ports import ImportTarget
from projlife.reports.ledger_import_check import (
    DEFAULT_LIMITS,
    ImportLimits,
    LedgerFileRejected,
    RowProblem,
    SheetRow,
    check_ledger_file,
    check_row,
    read_ledger,
)
from projlife.reports.ledger_import_plan import RowPlan, plan_row

__all__ = [
    "DUPLICATES_NAMED",
    "ImportLimits",
    "ImportMode",
    "LedgerFileRejected",
    "LedgerImportRejected",
    "LedgerImportReport",
    "RowProblem",
    "check_ledger_file",
    "import_ledger",
    "read_ledger",
]


DUPLICATES_NAMED = 5
"""A duplicate-code problem names at most this many of the other rows (then "and N more"), so
the report of n rows sharing one code is O(n), not O(n²)."""


class ImportMode(StrEnum):
    """What to do when some rows are bad."""

    ALL_OR_NOTHING = "all_or_nothing"
    """One bad row rejects the whole file; nothing is written."""
    GOOD_ROWS_ONLY = "good_rows_only"
    """The good rows go in; the bad ones are reported and left out."""


@attrs.frozen
class LedgerImportReport:
    """What an import read, wrote and refused."""

    file: str
    sha256: str
    mode: ImportMode
    rows_read: int
    projects_written: int
    projects_unchanged: int
    events_written: int
    rows_rejected: int
    problems: tuple[RowProblem, ...]
    ignored_headers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        data = attrs.asdict(self, recurse=False)
        data["problems"] = [p.as_dict() for p in self.problems]
        data["mode"] = self.mode.value
        data["ignored_headers"] = list(self.ignored_headers)
        return data


class LedgerImportRejected(ProjlifeError):
    """An ``all_or_nothing`` import found bad rows; nothing was written."""

    def __init__(self, report: LedgerImportReport) -> None:
        self.report = report
        shown = "; ".join(str(p) for p in report.problems[:10])
        more = f" … and {len(report.problems) - 10} more" if len(report.problems) > 10 else ""
        super().__init__(
            f"import ledger {report.file}",
            f"{len(report.problems)} problem(s) in {report.rows_rejected} row(s): {shown}{more}",
            "fix the listed cells, or import with mode good_rows_only to take the good rows; nothing was written",
        )


# -- the import ---------------------------------------------------------------------------


def _load_project(app: ImportTarget, project_id: UUID) -> Project | None:
    try:
        found: Any = app.store.repository.get(project_id)
    except AggregateNotFoundError:
        return None
    assert isinstance(found, Project)
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_ledger(
    app: ImportTarget,
    path: str | Path,
    *,
    city: str | CityProfile,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING,
    actor_id: str = "ledger-import",
    progress: Callable[[int, int], None] | None = None,
    save_chunk: int = 200,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> LedgerImportReport:
    """Import a ledger .xlsx for ``city``; raise :class:`LedgerImportRejected` or return a report.

    ``app`` is where the projects are read and saved (the event store) and where ``city`` is
    looked up: the application, or anything with those doors (:class:`~projlife.ports.ImportTarget`).

    ``progress(done, total)`` is called as projects are checked and written. ``limits`` bound
    the file (uncompressed size, rows, cells); a file past them is refused before anything is
    written (:class:`LedgerFileRejected`).
    """
    path = check_ledger_file(path, limits)
    mode = ImportMode(mode)
    profile = city if isinstance(city, CityProfile) else app.city(city)
    sha = _sha256(path)
    rows, problems, ignored = read_ledger(path, limits)
    actor = Actor(id=actor_id, role=Role.IMPORTER, area_code=profile.code)
    for row in rows:
        check_row(row, profile)
    # duplicates: the same project code on more than one row (any sheet) — none of them is trusted
    by_code: dict[str, list[SheetRow]] = defaultdict(list)
    for row in rows:
        if "code" in row.values:
            by_code[row.values["code"]].append(row)
    for code, same in by_code.items():
        if len(same) > 1:
            shown = ", ".join(f"{r.sheet}!R{r.row}" for r in same[:DUPLICATES_NAMED])
            more = f" and {len(same) - DUPLICATES_NAMED} more" if len(same) > DUPLICATES_NAMED else ""
            message = f"duplicate project code {code} ({len(same)} rows: {shown}{more})"
            for row in same:  # one shared message: O(n) for n rows, however many share the code
                row.problem("code", message, code)
    total = len(rows)
    plans: list[tuple[SheetRow, RowPlan]] = []
    for i, row in enumerate(rows, start=1):
        if not row.problems:
            source = {
                "actor": actor,
                "reason": f"imported from ledger file {path.name}, sheet {row.sheet}, row {row.row}",
                "evidence_prefix": f"xlsx:{sha[:16]}:{row.sheet}",
            }
            pid = project_id_for(profile.code, row.values["code"])
            existing = _load_project(app, pid)
            plan = plan_row(row, profile, existing, source)
            if plan is not None:
                plans.append((row, plan))
        if progress is not None:
            progress(i, total * 2)
    bad_rows = [r for r in rows if r.problems]
    problems += [p for r in bad_rows for p in r.problems]
    problems.sort(key=lambda p: (p.sheet, p.row, p.column))

    def report(written: int, unchanged: int, events: int) -> LedgerImportReport:
        return LedgerImportReport(
            file=str(path),
            sha256=sha,
            mode=mode,
            rows_read=len(rows),
            projects_written=written,
            projects_unchanged=unchanged,
            events_written=events,
            rows_rejected=len(bad_rows),
            problems=tuple(problems),
            ignored_headers=tuple(ignored),
        )

    if problems and mode is ImportMode.ALL_OR_NOTHING:
        raise LedgerImportRejected(report(0, 0, 0))
    changed = [plan for _, plan in plans if plan.new_events]
    unchanged = len(plans) - len(changed)
    events = sum(p.new_events for p in changed)
    chunk = len(changed) if mode is ImportMode.ALL_OR_NOTHING else max(1, save_chunk)
    for start in range(0, len(changed), max(chunk, 1)):
        part = changed[start : start + chunk]
        app.store.save(*(p.project for p in part))  # one transaction: whole projects only
        if progress is not None:
            progress(total + min(total, start + len(part)), total * 2)
    if progress is not None:
        progress(total * 2, total * 2)
    return report(len(changed), unchanged, events)
