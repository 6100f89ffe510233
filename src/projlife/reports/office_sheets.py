"""The office's working week in Excel: the 名单, 分包调研, 资金申报, 亩均, 验收发证 and 会议决定 sheets, out and in.

:func:`export_office_xlsx` writes what the office read model knows as of a date (and
:func:`add_office_sheets` adds the same sheets to the 台账 workbook); the import,
:func:`import_office_xlsx`, reads them back as commands (``enter_list`` / ``leave_list``,
``record_sponsor_work``, ``apply_for_funding`` / ``change_funding_status``, ``report_per_mu`` —
a 亩均 row is dated the year's 31 December, or today within the year — ``issue_certificate``,
``accept_part``, ``begin_part_production``, and ``convene_meeting`` / ``record_decision`` /
``follow_up_decision``) issued by an ``importer`` with the evidence ``xlsx:<sha256 prefix>:<sheet>!R<row>``.

Check first, then write. Every row is checked (pydantic, the same command models as the API),
then every command is applied in file order to the stored projects and meetings in memory, so
a rule that refuses a row (a part producing before it is accepted, a decision follow-up before
the meeting, a funding status out of order) is found before anything is written. Any problem
rejects the whole file, listing every refused row by sheet, row and column; otherwise every
changed project and meeting is saved in one transaction. A fact already recorded (same
project, list, period and entry date; same visit; same funding status; same certificate or
part and date; same decision and follow-up) is skipped, so importing a file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from projlife.domain.money import decimal_text
from projlife.extras import missing_extra

try:
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Font
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from eventsourcing.persistence import RecordConflictError

from projlife.app.commands import PROJECT_COMMANDS
from projlife.app.meetings import MEETING_COMMANDS
from projlife.app.results import validate
from projlife.domain.errors import CommandRejected, ConcurrentUpdateError, Problem, ProjlifeError
from projlife.domain.meeting import FollowUp, meeting_id_for
from projlife.domain.project import project_id_for
from projlife.domain.project_office import FundingProgram, FundingStatus, ListName, SponsorWork
from projlife.projections.office import OfficeReads

if TYPE_CHECKING:
    from projlife.ports import OfficeImportTarget

__all__ = [
    "COMPLETION_SHEET",
    "DECISIONS_SHEET",
    "FOLLOW_UP_LABEL_ZH",
    "FUNDING_SHEET",
    "LISTS_SHEET",
    "PER_MU_SHEET",
    "VISITS_SHEET",
    "OfficeImportRejected",
    "OfficeImportReport",
    "add_office_sheets",
    "export_office_xlsx",
    "import_office_xlsx",
]

LISTS_SHEET = "名单"
VISITS_SHEET = "分包调研"
FUNDING_SHEET = "资金申报"
PER_MU_SHEET = "亩均"
COMPLETION_SHEET = "验收发证"
DECISIONS_SHEET = "会议决定"

_LISTS_HEADER = ("项目编号", "名单", "期间", "列入日期", "调出日期", "遴选目录条目", "依据")
_VISITS_HEADER = ("项目编号", "类别", "日期", "人员", "发现问题", "问题编号", "依据")
_FUNDING_HEADER = (
    "项目编号",
    "申报编号",
    "资金类别",
    "申报日期",
    "申报金额（元）",
    "状态",
    "状态日期",
    "批复金额（元）",
    "到位金额（元）",
)

_PER_MU_HEADER = ("项目编号", "年度", "用地面积（亩）", "产值（元）", "营收（元）", "税收（元）")
_COMPLETION_HEADER = ("项目编号", "类别", "名称", "日期", "依据")
_DECISIONS_HEADER = (
    "会议区域",
    "会议日期",
    "主持人",
    "序号",
    "事项",
    "决定",
    "责任人",
    "完成时限",
    "督办结果",
    "督办日期",
    "督办说明",
    "新时限",
)

_COMPLETION_KINDS: dict[str, tuple[str, str, str]] = {
    # label: (command, its text field, the read model's topic)
    "竣工发证": ("issue_certificate", "certificate", "CertificateIssued"),
    "分批验收": ("accept_part", "part", "PartAccepted"),
    "部分投产": ("begin_part_production", "part", "PartProductionBegan"),
}
FOLLOW_UP_LABEL_ZH: dict[FollowUp, str] = {
    FollowUp.DONE: "已落实",
    FollowUp.CARRIED_OVER: "顺延",
    FollowUp.DROPPED: "撤销",
}
_FOLLOW_UP_BY_LABEL = {v: k for k, v in FOLLOW_UP_LABEL_ZH.items()} | {f.value: f for f in FollowUp}

_LIST_BY_LABEL = {n.label_zh: n for n in ListName} | {n.value: n for n in ListName}
_WORK_BY_LABEL = {w.label_zh: w for w in SponsorWork} | {w.value: w for w in SponsorWork}
_PROGRAM_BY_LABEL = {p.label_zh: p for p in FundingProgram} | {p.value: p for p in FundingProgram}
_STATUS_BY_LABEL = {s.label_zh: s for s in FundingStatus} | {s.value: s for s in FundingStatus}


class OfficeImportRejected(ProjlifeError):
    """Rows of the office workbook are not valid or are refused by the rules; nothing was written.

    ``problems`` holds one entry per refusal, its ``field`` naming ``<sheet>!R<row>`` and the column.
    """

    def __init__(self, attempted: str, problems: list[Problem]) -> None:
        lines = "; ".join(f"{p.field}: {p.message}" for p in problems[:20])
        more = f" … and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(
            attempted,
            f"{len(problems)} problem(s): {lines}{more}",
            "a file whose every row is valid; nothing was written",
        )
        self.problems = problems

    @property
    def rows(self) -> dict[str, list[str]]:
        """The problems by ``<sheet>!R<row>``."""
        out: dict[str, list[str]] = {}
        for p in self.problems:
            out.setdefault(p.field.split(" ", 1)[0], []).append(p.message)
        return out


@attrs.frozen
class OfficeImportReport:
    """What an office import wrote: commands run (in one transaction) and facts already recorded."""

    commands: int
    skipped: int
    events: int = 0


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def export_office_xlsx(
    reads: OfficeReads,
    path: str | Path,
    *,
    city_code: str,
    as_of: date | None = None,
    per_mu_years: Iterable[int] = (),
) -> int:
    """Write the sheets for ``city_code`` as of ``as_of`` (亩均: the years asked); returns the number of data rows."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    n = add_office_sheets(wb, reads, city_code=city_code, as_of=as_of, per_mu_years=per_mu_years)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return n


def add_office_sheets(
    wb: Workbook,
    reads: OfficeReads,
    *,
    city_code: str,
    as_of: date | None = None,
    known_at: datetime | None = None,
    per_mu_years: Iterable[int] = (),
) -> int:
    """Add the 名单, 分包调研, 资金申报, 亩均, 验收发证 and 会议决定 sheets to ``wb`` (e.g. the 台账 workbook); returns the data rows.

    None of these sheets has a 项目名称 header, so the 台账 import passes over them, and
    :func:`import_office_xlsx` reads them back from the same workbook.
    ``known_at``: as recorded by that time.
    """
    sheets = {
        LISTS_SHEET: wb.create_sheet(LISTS_SHEET),
        VISITS_SHEET: wb.create_sheet(VISITS_SHEET),
        FUNDING_SHEET: wb.create_sheet(FUNDING_SHEET),
        PER_MU_SHEET: wb.create_sheet(PER_MU_SHEET),
        COMPLETION_SHEET: wb.create_sheet(COMPLETION_SHEET),
        DECISIONS_SHEET: wb.create_sheet(DECISIONS_SHEET),
    }
    for name, header in (
        (LISTS_SHEET, _LISTS_HEADER),
        (VISITS_SHEET, _VISITS_HEADER),
        (FUNDING_SHEET, _FUNDING_HEADER),
        (PER_MU_SHEET, _PER_MU_HEADER),
        (COMPLETION_SHEET, _COMPLETION_HEADER),
        (DECISIONS_SHEET, _DECISIONS_HEADER),
    ):
        sheets[name].append(list(header))
        for cell in sheets[name][1]:
            cell.font = Font(bold=True)
    n = 0
    for m in reads.list_memberships(city_code, as_of=as_of, known_at=known_at):
        left = m.left_on if m.left_on is not None and (as_of is None or m.left_on <= as_of) else None
        sheets[LISTS_SHEET].append(
            [
                m.code,
                m.list_name.label_zh,
                m.period,
                m.entered_on,
                left,
                m.catalogue_ref,
                "；".join(m.evidence) or None,
            ]
        )
        n += 1
    for w in reads.sponsor_work(city_code, end=as_of, known_at=known_at):
        sheets[VISITS_SHEET].append(
            [
                w.code,
                w.work.label_zh,
                w.on,
                w.by,
                w.findings,
                "、".join(w.ticket_codes) or None,
                "；".join(w.evidence) or None,
            ]
        )
        n += 1
    for a in reads.funding(city_code, as_of=as_of, known_at=known_at):
        sheets[FUNDING_SHEET].append(
            [
                a.code,
                a.application_ref,
                a.program.label_zh,
                a.applied_on,
                decimal_text(a.amount_applied),
                a.status.label_zh,
                a.status_on,
                None if a.amount_approved is None else decimal_text(a.amount_approved),
                None if a.amount_arrived is None else decimal_text(a.amount_arrived),
            ]
        )
        n += 1
    for year in per_mu_years:
        for pm in reads.per_mu(city_code, year, as_of=as_of, known_at=known_at):
            sheets[PER_MU_SHEET].append(
                [pm.code, pm.year, str(pm.land_mu), str(pm.output), str(pm.revenue), str(pm.tax)]
            )
            n += 1
    for label, (_cmd, _field, topic) in _COMPLETION_KINDS.items():
        for _pid, code, item, on in reads.project_dates(city_code, topic, as_of=as_of, known_at=known_at):
            sheets[COMPLETION_SHEET].append([code, label, item, on, None])
            n += 1
    for d in reads.decisions(city_code, as_of=as_of, known_at=known_at):
        sheets[DECISIONS_SHEET].append(
            [
                d.area_code,
                d.held_on,
                d.chair,
                d.number,
                d.subject,
                d.decision,
                d.owner,
                d.first_due_on or d.due_on,
                None if d.outcome is None else FOLLOW_UP_LABEL_ZH[d.outcome],
                d.followed_up_on,
                d.last_note,
                d.due_on if d.outcome is FollowUp.CARRIED_OVER else None,
            ]
        )
        n += 1
    for sheet in sheets.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, never a formula
    return n


def _day(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    return value


def _rows(wb: Any, name: str, header: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    if name not in wb.sheetnames:
        return []
    ws = wb[name]
    got = [c.value for c in ws[1]][: len(header)]
    if tuple(got) != header:
        raise OfficeImportRejected(
            f"import the {name} sheet", [Problem(f"{name}!R1", f"header {got} is not {list(header)}")]
        )
    out = []
    for r, values in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append((r, {h: _day(v) for h, v in zip(header, values, strict=False)}))
    return out


def import_office_xlsx(
    path: str | Path,
    *,
    city_code: str,
    app: OfficeImportTarget,
    importer: str = "office-import",
) -> OfficeImportReport:
    """Check every row of the sheets, then write the new facts in one transaction (see the module's docstring).

    Raises :class:`OfficeImportRejected` listing every refused row (its fields, or the rule that
    refused it when applied in order on the stored projects and meetings); then nothing is written.
    """
    reads = app.office
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()[:12]
    wb = load_workbook(path, data_only=True, read_only=True)
    actor = {"id": importer, "role": "importer"}
    problems: list[Problem] = []
    commands: list[tuple[str, dict[str, Any]]] = []
    skipped = 0
    stays = {(m.code, m.list_name, m.period, m.entered_on): m for m in reads.list_memberships(city_code)}
    visits = {(w.code, w.work, w.on, w.by) for w in reads.sponsor_work(city_code)}
    funding = {(a.code, a.application_ref): a for a in reads.funding(city_code)}

    def add(
        sheet: str,
        row: int,
        kind: str,
        fields: dict[str, Any],
        mapped: dict[str, tuple[str, Any]],
        evidence: Iterable[str] = (),
    ) -> None:
        where = f"{sheet}!R{row}"
        for column, (label, table) in mapped.items():
            if label not in table:
                problems.append(
                    Problem(
                        f"{where} {column}",
                        f"{label!r} is not one of {sorted(k for k in table if not k.isascii())}",
                    )
                )
                return
        cmd = {
            "command": kind,
            "actor": actor,
            "evidence": [f"xlsx:{sha}:{where}", *evidence],
            "reason": f"导入 {Path(path).name}",
            **fields,
        }
        model = PROJECT_COMMANDS.get(kind) or MEETING_COMMANDS[kind]
        try:
            validate(model, {k: v for k, v in cmd.items() if k != "command"})
        except CommandRejected as exc:
            problems.extend(Problem(f"{where} {p.field}", p.message, p.value) for p in exc.problems)
            return
        commands.append((where, cmd))

    def pid(code: Any) -> str:
        return str(project_id_for(city_code, str(code).strip()))

    for r, v in _rows(wb, LISTS_SHEET, _LISTS_HEADER):
        name = _LIST_BY_LABEL.get(str(v["名单"]).strip())
        period = None if v["期间"] is None else str(v["期间"]).strip()
        entered = v["列入日期"]
        known = stays.get((str(v["项目编号"]).strip(), name, period, entered)) if name else None
        base = {"project_id": pid(v["项目编号"]), "list_name": name.value if name else None, "period": period}
        if known is None:
            fields = {**base, "occurred_on": entered}
            if v["遴选目录条目"]:
                fields["catalogue_ref"] = str(v["遴选目录条目"])
            add(LISTS_SHEET, r, "enter_list", fields, {"名单": (str(v["名单"]).strip(), _LIST_BY_LABEL)})
        else:
            skipped += 1
        if v["调出日期"] is not None and (known is None or known.left_on is None):
            add(
                LISTS_SHEET,
                r,
                "leave_list",
                {**base, "occurred_on": v["调出日期"]},
                {"名单": (str(v["名单"]).strip(), _LIST_BY_LABEL)},
            )
        elif v["调出日期"] is not None:
            skipped += 1
    for r, v in _rows(wb, VISITS_SHEET, _VISITS_HEADER):
        work = _WORK_BY_LABEL.get(str(v["类别"]).strip())
        if (str(v["项目编号"]).strip(), work, v["日期"], str(v["人员"]).strip()) in visits:
            skipped += 1
            continue
        tickets = [
            t
            for t in str(v["问题编号"] or "").replace("，", "、").replace(",", "、").split("、")
            if t.strip()
        ]
        add(
            VISITS_SHEET,
            r,
            "record_sponsor_work",
            {
                "project_id": pid(v["项目编号"]),
                "work": work.value if work else None,
                "occurred_on": v["日期"],
                "by": v["人员"],
                "findings": v["发现问题"],
                "ticket_codes": tickets,
            },
            {"类别": (str(v["类别"]).strip(), _WORK_BY_LABEL)},
        )
    for r, v in _rows(wb, FUNDING_SHEET, _FUNDING_HEADER):
        code, ref = str(v["项目编号"]).strip(), str(v["申报编号"]).strip()
        program = _PROGRAM_BY_LABEL.get(str(v["资金类别"]).strip())
        status = _STATUS_BY_LABEL.get(str(v["状态"]).strip())
        known_app = funding.get((code, ref))
        if known_app is None:
            add(
                FUNDING_SHEET,
                r,
                "apply_for_funding",
                {
                    "project_id": pid(code),
                    "application_ref": ref,
                    "program": program.value if program else None,
                    "amount_yuan": str(v["申报金额（元）"]),
                    "occurred_on": v["申报日期"],
                },
                {"资金类别": (str(v["资金类别"]).strip(), _PROGRAM_BY_LABEL)},
            )
        else:
            skipped += 1
        if status is None:
            problems.append(Problem(f"{FUNDING_SHEET}!R{r} 状态", f"{v['状态']!r} is not a funding status"))
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
                "project_id": pid(code),
                "application_ref": ref,
                "status": st.value,
                "occurred_on": v["状态日期"],
            }
            if amount is not None:
                fields["amount_yuan"] = str(Decimal(str(amount)))
            add(FUNDING_SHEET, r, "change_funding_status", fields, {})
    per_mu: dict[tuple[str, int], Any] = {}
    per_mu_rows = _rows(wb, PER_MU_SHEET, _PER_MU_HEADER)
    for year in {int(v["年度"]) for _, v in per_mu_rows if str(v["年度"]).strip().isdigit()}:
        per_mu.update({(m.code, year): m for m in reads.per_mu(city_code, year)})
    for r, v in per_mu_rows:
        code = str(v["项目编号"]).strip()
        year_text = str(v["年度"]).strip()
        if not year_text.isdigit():
            problems.append(Problem(f"{PER_MU_SHEET}!R{r} 年度", f"{v['年度']!r} is not a year"))
            continue
        values = [str(v[h] if v[h] is not None else "") for h in _PER_MU_HEADER[2:]]
        known_mu = per_mu.get((code, int(year_text)))
        if known_mu is not None and _same_numbers(
            (known_mu.land_mu, known_mu.output, known_mu.revenue, known_mu.tax), values
        ):
            skipped += 1
            continue
        add(
            PER_MU_SHEET,
            r,
            "report_per_mu",
            {
                "project_id": pid(code),
                "year": int(year_text),
                "land_mu": values[0],
                "output_yuan": values[1],
                "revenue_yuan": values[2],
                "tax_yuan": values[3],
                "occurred_on": min(date.today(), date(int(year_text), 12, 31)),
            },
            {},
        )
    skipped += _completion_rows(wb, city_code, reads, add, pid)
    skipped += _decision_rows(app, wb, city_code, add, problems)
    # check first: every command applied in file order on the stored projects and meetings, in memory
    projects: dict[Any, Any] = {}
    meetings: dict[Any, Any] = {}
    for where, cmd in commands:
        try:
            if cmd["command"] in MEETING_COMMANDS:
                app.meetings.apply_unsaved(cmd, meetings)
            else:
                app.projects.apply_unsaved(cmd, projects)
        except CommandRejected as exc:
            problems.extend(Problem(f"{where} {p.field}", p.message, p.value) for p in exc.problems)
        except ProjlifeError as exc:
            problems.append(Problem(f"{where} ({cmd['command']})", exc.reason, exc.allowed or None))
    if problems:
        raise OfficeImportRejected(f"import {Path(path).name}", problems)
    # then write: every changed project and meeting in one transaction
    if not commands:
        return OfficeImportReport(0, skipped, 0)
    try:
        recordings = app.store.save(*projects.values(), *meetings.values())
    except RecordConflictError:
        raise ConcurrentUpdateError(
            f"import {Path(path).name}",
            "another writer changed one of its projects or meetings while it was checked; nothing was written",
            "import it again",
        ) from None
    return OfficeImportReport(len(commands), skipped, len(recordings))


_Add = Callable[..., None]


def _completion_rows(
    wb: Any, city_code: str, reads: OfficeReads, add: _Add, pid: Callable[[Any], str]
) -> int:
    """验收发证: certificates (竣工即发证, 003) and parts accepted or producing (分批验收、边建设边验收, 001)."""
    known = {
        (code, label, item, on)
        for label, (_cmd, _field, topic) in _COMPLETION_KINDS.items()
        for _pid, code, item, on in reads.project_dates(city_code, topic)
    }
    skipped = 0
    for r, v in _rows(wb, COMPLETION_SHEET, _COMPLETION_HEADER):
        code, label = str(v["项目编号"]).strip(), str(v["类别"]).strip()
        name = None if v["名称"] is None else str(v["名称"]).strip()
        if (code, label, name, v["日期"]) in known:
            skipped += 1
            continue
        command, field, _topic = _COMPLETION_KINDS.get(label, ("issue_certificate", "certificate", ""))
        add(
            COMPLETION_SHEET,
            r,
            command,
            {"project_id": pid(code), field: name, "occurred_on": v["日期"]},
            {"类别": (label, _COMPLETION_KINDS)},
            evidence=[str(v["依据"])] if v["依据"] else [],
        )
    return skipped


def _decision_rows(
    app: OfficeImportTarget, wb: Any, city_code: str, add: _Add, problems: list[Problem]
) -> int:
    """会议决定: one row per decision of a weekly meeting (001: 每周二召开的重点项目推进周例会), with its
    latest follow-up; a meeting not yet recorded is convened by its first row."""
    known = {(d.meeting_id, d.number): d for d in app.office.decisions(city_code)}
    counts: dict[str, int] = {}
    for d in known.values():
        counts[d.meeting_id] = max(counts.get(d.meeting_id, 0), d.number)
    convened: set[str] = set()
    skipped = 0
    for r, v in _rows(wb, DECISIONS_SHEET, _DECISIONS_HEADER):
        where = f"{DECISIONS_SHEET}!R{r}"
        area = str(v["会议区域"] or "").strip()
        held = v["会议日期"]
        if not isinstance(held, date):
            problems.append(Problem(f"{where} 会议日期", "not a date", held))
            continue
        mid = str(meeting_id_for(city_code, area, held))
        if mid not in counts and mid not in convened:
            convened.add(mid)
            if app.store.recorder.select_events(meeting_id_for(city_code, area, held), limit=1):
                counts[mid] = 0  # convened, no decision recorded yet
            else:
                add(
                    DECISIONS_SHEET,
                    r,
                    "convene_meeting",
                    {"city_code": city_code, "area_code": area, "chair": v["主持人"], "occurred_on": held},
                    {},
                )
        number = v["序号"]
        if not isinstance(number, int) or isinstance(number, bool):
            problems.append(Problem(f"{where} 序号", "not a decision number (1, 2, …)", number))
            continue
        decision = known.get((mid, number))
        if decision is None:
            expected = counts.get(mid, 0) + 1
            if number != expected:
                problems.append(
                    Problem(f"{where} 序号", f"the meeting's next decision is number {expected}", number)
                )
                continue
            counts[mid] = number
            add(
                DECISIONS_SHEET,
                r,
                "record_decision",
                {
                    "meeting_id": mid,
                    "subject": v["事项"],
                    "decision": v["决定"],
                    "owner": v["责任人"],
                    "due_on": v["完成时限"],
                    "occurred_on": held,
                },
                {},
            )
        elif (decision.subject, decision.decision) != (v["事项"], v["决定"]):
            problems.append(
                Problem(
                    f"{where} 决定",
                    f"decision {number} of this meeting is recorded as {decision.subject}: "
                    f"{decision.decision!r}; a recorded decision is not overwritten",
                    v["决定"],
                )
            )
            continue
        else:
            skipped += 1
        label = None if v["督办结果"] is None else str(v["督办结果"]).strip()
        if label is None:
            continue
        outcome = _FOLLOW_UP_BY_LABEL.get(label)
        if (
            decision is not None
            and outcome is not None
            and (decision.outcome, decision.followed_up_on) == (outcome, v["督办日期"])
        ):
            skipped += 1
            continue
        add(
            DECISIONS_SHEET,
            r,
            "follow_up_decision",
            {
                "meeting_id": mid,
                "number": number,
                "outcome": outcome.value if outcome else None,
                "note": v["督办说明"],
                "new_due_on": v["新时限"],
                "occurred_on": v["督办日期"],
            },
            {"督办结果": (label, _FOLLOW_UP_BY_LABEL)},
        )
    return skipped


def _same_numbers(known: tuple[Decimal, ...], given: list[str]) -> bool:
    try:
        return all(k == Decimal(g) for k, g in zip(known, given, strict=True))
    except ArithmeticError:
        return False
