"""The office workbook in: every row checked, then applied in memory, then saved in one transaction.

:func:`import_office_xlsx` reads the sheets of :mod:`projlife.reports.office_sheet_layout` back as
commands (``enter_list`` / ``leave_list``, ``record_sponsor_work``, ``apply_for_funding`` /
``change_funding_status``, ``report_per_mu``, and those of
:mod:`projlife.reports.office_sheet_rows`) issued by an ``importer`` with the evidence
``xlsx:<sha256 prefix>:<sheet>!R<row>``, and the 目标责任书 / 形象进度 rows as entries of the
city's target book. Any problem rejects the whole file; a fact already recorded is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projlife.extras import missing_extra

try:
    from openpyxl import load_workbook
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from eventsourcing.persistence import RecordConflictError

from projlife.app.commands import PROJECT_COMMANDS
from projlife.app.meetings import MEETING_COMMANDS
from projlife.app.results import validate
from projlife.domain.errors import CommandRejected, ConcurrentUpdateError, Problem, ProjlifeError
from projlife.domain.project import project_id_for
from projlife.domain.project_office import FundingStatus
from projlife.domain.targets import TargetBook
from projlife.reports.office_sheet_layout import (
    FUNDING_HEADER,
    FUNDING_SHEET,
    LIST_BY_LABEL,
    LISTS_HEADER,
    LISTS_SHEET,
    PER_MU_HEADER,
    PER_MU_SHEET,
    PROGRAM_BY_LABEL,
    STATUS_BY_LABEL,
    VISITS_HEADER,
    VISITS_SHEET,
    WORK_BY_LABEL,
    OfficeImportRejected,
    OfficeImportReport,
    read_rows,
    split_evidence,
)

if TYPE_CHECKING:
    from projlife.ports import OfficeImportTarget

__all__ = ["SheetImport", "import_office_xlsx"]


class SheetImport:
    """One import in progress: the commands gathered from the rows, the problems found, the rows skipped,
    and the city's target book as the file changes it (in memory until the save)."""

    def __init__(self, path: str | Path, *, city_code: str, app: OfficeImportTarget, importer: str) -> None:
        self.app = app
        self.reads = app.office
        self.city_code = city_code
        self.file = Path(path).name
        self.sha = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        self.actor = {"id": importer, "role": "importer"}
        self.problems: list[Problem] = []
        self.commands: list[tuple[str, dict[str, Any]]] = []
        self.skipped = 0
        self._book: TargetBook | None = None
        self.book_changed = False
        self.book_entries = 0
        """Targets and 形象进度 reports added to the book."""

    @property
    def reason(self) -> str:
        return f"导入 {self.file}"

    def provenance(self, where: str) -> str:
        """The evidence naming the file and the cell range a fact came from."""
        return f"xlsx:{self.sha}:{where}"

    def book(self) -> TargetBook:
        """The city's target book, loaded (or opened) on first use."""
        if self._book is None:
            self._book = self.app.targets.unsaved_book(self.city_code)
        return self._book

    def pid(self, code: Any) -> str:
        return str(project_id_for(self.city_code, str(code).strip()))

    def add(
        self,
        sheet: str,
        row: int,
        kind: str,
        fields: dict[str, Any],
        mapped: dict[str, tuple[str, Any]],
        evidence: Iterable[str] = (),
    ) -> None:
        """Check one command of ``<sheet>!R<row>`` (its labels in ``mapped``, its fields by the command's
        model) and keep it to apply later, or note its problems."""
        where = f"{sheet}!R{row}"
        for column, (label, table) in mapped.items():
            if label not in table:
                self.problems.append(
                    Problem(
                        f"{where} {column}",
                        f"{label!r} is not one of {sorted(k for k in table if not k.isascii())}",
                    )
                )
                return
        cmd = {
            "command": kind,
            "actor": self.actor,
            "evidence": [self.provenance(where), *evidence],
            "reason": self.reason,
            **fields,
        }
        model = PROJECT_COMMANDS.get(kind) or MEETING_COMMANDS[kind]
        try:
            validate(model, {k: v for k, v in cmd.items() if k != "command"})
        except CommandRejected as exc:
            self.problems.extend(Problem(f"{where} {p.field}", p.message, p.value) for p in exc.problems)
            return
        self.commands.append((where, cmd))

    def problem(self, where: str, message: str, value: Any = None) -> None:
        self.problems.append(Problem(where, message, value))


def import_office_xlsx(
    path: str | Path,
    *,
    city_code: str,
    app: OfficeImportTarget,
    importer: str = "office-import",
) -> OfficeImportReport:
    """Check every row of the sheets, then write the new facts in one transaction.

    Raises :class:`OfficeImportRejected` listing every refused row (its fields, or the rule that
    refused it when applied in order on the stored projects, meetings and target book); then
    nothing is written.
    """
    from projlife.reports.office_sheet_rows import (
        completion_rows,
        decision_rows,
        progress_rows,
        target_rows,
    )

    job = SheetImport(path, city_code=city_code, app=app, importer=importer)
    wb = load_workbook(path, data_only=True, read_only=True)
    _list_rows(job, wb)
    _visit_rows(job, wb)
    _funding_rows(job, wb)
    _per_mu_rows(job, wb)
    completion_rows(job, wb)
    decision_rows(job, wb)
    target_rows(job, wb)
    progress_rows(job, wb)
    # check first: every command applied in file order on the stored projects and meetings, in memory
    projects: dict[Any, Any] = {}
    meetings: dict[Any, Any] = {}
    for where, cmd in job.commands:
        try:
            if cmd["command"] in MEETING_COMMANDS:
                app.meetings.apply_unsaved(cmd, meetings)
            else:
                app.projects.apply_unsaved(cmd, projects)
        except CommandRejected as exc:
            job.problems.extend(Problem(f"{where} {p.field}", p.message, p.value) for p in exc.problems)
        except ProjlifeError as exc:
            job.problems.append(Problem(f"{where} ({cmd['command']})", exc.reason, exc.allowed or None))
    if job.problems:
        raise OfficeImportRejected(f"import {job.file}", job.problems)
    # then write: every changed project, meeting and the target book in one transaction
    changed = [*projects.values(), *meetings.values(), *([job.book()] if job.book_changed else [])]
    if not changed:
        return OfficeImportReport(0, job.skipped, 0)
    try:
        recordings = app.store.save(*changed)
    except RecordConflictError:
        raise ConcurrentUpdateError(
            f"import {job.file}",
            "another writer changed one of its projects, meetings or targets while it was checked; "
            "nothing was written",
            "import it again",
        ) from None
    return OfficeImportReport(len(job.commands) + job.book_entries, job.skipped, len(recordings))


def _list_rows(job: SheetImport, wb: Any) -> None:
    """名单: a stay's entry (with its 依据: the evidence that put it on the list) and its exit."""
    stays = {
        (m.code, m.list_name, m.period, m.entered_on): m for m in job.reads.list_memberships(job.city_code)
    }
    for r, v in read_rows(wb, LISTS_SHEET, LISTS_HEADER):
        label = str(v["名单"]).strip()
        name = LIST_BY_LABEL.get(label)
        period = None if v["期间"] is None else str(v["期间"]).strip()
        entered = v["列入日期"]
        known = stays.get((str(v["项目编号"]).strip(), name, period, entered)) if name else None
        base = {
            "project_id": job.pid(v["项目编号"]),
            "list_name": name.value if name else None,
            "period": period,
        }
        evidence = [e for e in split_evidence(v["依据"]) if known is None or e not in known.evidence]
        if known is None:
            fields = {**base, "occurred_on": entered}
            if v["遴选目录条目"]:
                fields["catalogue_ref"] = str(v["遴选目录条目"])
            job.add(LISTS_SHEET, r, "enter_list", fields, {"名单": (label, LIST_BY_LABEL)}, evidence)
        else:
            job.skipped += 1
        if v["调出日期"] is not None and (known is None or known.left_on is None):
            job.add(
                LISTS_SHEET,
                r,
                "leave_list",
                {**base, "occurred_on": v["调出日期"]},
                {"名单": (label, LIST_BY_LABEL)},
            )
        elif v["调出日期"] is not None:
            job.skipped += 1


def _visit_rows(job: SheetImport, wb: Any) -> None:
    """分包调研: the sponsor's visits, quarterly reports and 人大/政协 site checks, with their 依据."""
    visits = {(w.code, w.work, w.on, w.by) for w in job.reads.sponsor_work(job.city_code)}
    for r, v in read_rows(wb, VISITS_SHEET, VISITS_HEADER):
        work = WORK_BY_LABEL.get(str(v["类别"]).strip())
        if (str(v["项目编号"]).strip(), work, v["日期"], str(v["人员"]).strip()) in visits:
            job.skipped += 1
            continue
        tickets = [
            t
            for t in str(v["问题编号"] or "").replace("，", "、").replace(",", "、").split("、")
            if t.strip()
        ]
        job.add(
            VISITS_SHEET,
            r,
            "record_sponsor_work",
            {
                "project_id": job.pid(v["项目编号"]),
                "work": work.value if work else None,
                "occurred_on": v["日期"],
                "by": v["人员"],
                "findings": v["发现问题"],
                "ticket_codes": tickets,
            },
            {"类别": (str(v["类别"]).strip(), WORK_BY_LABEL)},
            split_evidence(v["依据"]),
        )


def _funding_rows(job: SheetImport, wb: Any) -> None:
    """资金申报: an application, then its status (approved before funds arrived when the row skips it)."""
    funding = {(a.code, a.application_ref): a for a in job.reads.funding(job.city_code)}
    for r, v in read_rows(wb, FUNDING_SHEET, FUNDING_HEADER):
        code, ref = str(v["项目编号"]).strip(), str(v["申报编号"]).strip()
        program = PROGRAM_BY_LABEL.get(str(v["资金类别"]).strip())
        status = STATUS_BY_LABEL.get(str(v["状态"]).strip())
        known_app = funding.get((code, ref))
        if known_app is None:
            job.add(
                FUNDING_SHEET,
                r,
                "apply_for_funding",
                {
                    "project_id": job.pid(code),
                    "application_ref": ref,
                    "program": program.value if program else None,
                    "amount_yuan": str(v["申报金额（元）"]),
                    "occurred_on": v["申报日期"],
                },
                {"资金类别": (str(v["资金类别"]).strip(), PROGRAM_BY_LABEL)},
            )
        else:
            job.skipped += 1
        if status is None:
            job.problem(f"{FUNDING_SHEET}!R{r} 状态", f"{v['状态']!r} is not a funding status")
            continue
        if status is FundingStatus.APPLIED or (known_app is not None and known_app.status is status):
            continue
        path_to = (
            [FundingStatus.APPROVED, status]
            if status is FundingStatus.FUNDS_ARRIVED
            and (known_app is None or known_app.status is FundingStatus.APPLIED)
            and v["批复金额（元）"] is not None
            else [status]
        )
        for st in path_to:
            amount = {
                FundingStatus.APPROVED: v["批复金额（元）"],
                FundingStatus.FUNDS_ARRIVED: v["到位金额（元）"],
            }.get(st)
            fields = {
                "project_id": job.pid(code),
                "application_ref": ref,
                "status": st.value,
                "occurred_on": v["状态日期"],
            }
            if amount is not None:
                fields["amount_yuan"] = str(Decimal(str(amount)))
            job.add(FUNDING_SHEET, r, "change_funding_status", fields, {})


def _per_mu_rows(job: SheetImport, wb: Any) -> None:
    """亩均: a year's land, output, revenue and tax, dated the year's 31 December (or today within it)."""
    rows = read_rows(wb, PER_MU_SHEET, PER_MU_HEADER)
    known: dict[tuple[str, int], Any] = {}
    for year in {int(v["年度"]) for _, v in rows if str(v["年度"]).strip().isdigit()}:
        known.update({(m.code, year): m for m in job.reads.per_mu(job.city_code, year)})
    for r, v in rows:
        code = str(v["项目编号"]).strip()
        year_text = str(v["年度"]).strip()
        if not year_text.isdigit():
            job.problem(f"{PER_MU_SHEET}!R{r} 年度", f"{v['年度']!r} is not a year")
            continue
        values = [str(v[h] if v[h] is not None else "") for h in PER_MU_HEADER[2:]]
        known_mu = known.get((code, int(year_text)))
        if known_mu is not None and _same_numbers(
            (known_mu.land_mu, known_mu.output, known_mu.revenue, known_mu.tax), values
        ):
            job.skipped += 1
            continue
        job.add(
            PER_MU_SHEET,
            r,
            "report_per_mu",
            {
                "project_id": job.pid(code),
                "year": int(year_text),
                "land_mu": values[0],
                "output_yuan": values[1],
                "revenue_yuan": values[2],
                "tax_yuan": values[3],
                "occurred_on": min(date.today(), date(int(year_text), 12, 31)),
            },
            {},
        )


def _same_numbers(known: tuple[Decimal, ...], given: list[str]) -> bool:
    try:
        return all(k == Decimal(g) for k, g in zip(known, given, strict=True))
    except ArithmeticError:
        return False
