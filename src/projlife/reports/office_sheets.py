"""The office's working week in Excel: the 名单, 分包调研, 资金申报 and 亩均 sheets, out and in.

:func:`export_office_xlsx` writes what the office read model knows as of a date; the import,
:func:`import_office_xlsx`, reads the same three sheets back as commands (``enter_list`` /
``leave_list``, ``record_sponsor_work``, ``apply_for_funding`` / ``change_funding_status``,
``report_per_mu``; a 亩均 row is dated the year's 31 December, or today within the year)
issued by an ``importer`` with the evidence ``xlsx:<sha256 prefix>:<sheet>!R<row>``.

Every row is checked (pydantic, the same command models as the API) before anything is
written; one bad row rejects the file with every problem listed by sheet, row and column.
A fact already recorded (same project, list, period and entry date; same visit; same funding
status) is skipped, so importing a file twice changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from projlife.extras import missing_extra

try:
    from openpyxl import Workbook, load_workbook
    from openpyxl.styles import Font
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from projlife.app.commands import PROJECT_COMMANDS
from projlife.app.results import CommandResult, validate
from projlife.domain.errors import CommandRejected, Problem, ProjlifeError
from projlife.domain.project import project_id_for
from projlife.domain.project_office import FundingProgram, FundingStatus, ListName, SponsorWork
from projlife.projections.office import OfficeReads

__all__ = [
    "FUNDING_SHEET",
    "LISTS_SHEET",
    "PER_MU_SHEET",
    "VISITS_SHEET",
    "OfficeImportRejected",
    "OfficeImportReport",
    "export_office_xlsx",
    "import_office_xlsx",
]

LISTS_SHEET = "名单"
VISITS_SHEET = "分包调研"
FUNDING_SHEET = "资金申报"
PER_MU_SHEET = "亩均"

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

_LIST_BY_LABEL = {n.label_zh: n for n in ListName} | {n.value: n for n in ListName}
_WORK_BY_LABEL = {w.label_zh: w for w in SponsorWork} | {w.value: w for w in SponsorWork}
_PROGRAM_BY_LABEL = {p.label_zh: p for p in FundingProgram} | {p.value: p for p in FundingProgram}
_STATUS_BY_LABEL = {s.label_zh: s for s in FundingStatus} | {s.value: s for s in FundingStatus}


class OfficeImportRejected(ProjlifeError):
    """A row of the office workbook is not valid; nothing was written."""

    def __init__(self, attempted: str, problems: list[Problem]) -> None:
        lines = "; ".join(f"{p.field}: {p.message}" for p in problems[:20])
        super().__init__(attempted, f"{len(problems)} problem(s): {lines}", "a corrected file")
        self.problems = problems


@attrs.frozen
class OfficeImportReport:
    commands: int
    skipped: int


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
    ws = wb.active
    assert ws is not None
    ws.title = LISTS_SHEET
    sheets = {
        LISTS_SHEET: ws,
        VISITS_SHEET: wb.create_sheet(VISITS_SHEET),
        FUNDING_SHEET: wb.create_sheet(FUNDING_SHEET),
        PER_MU_SHEET: wb.create_sheet(PER_MU_SHEET),
    }
    for name, header in (
        (LISTS_SHEET, _LISTS_HEADER),
        (VISITS_SHEET, _VISITS_HEADER),
        (FUNDING_SHEET, _FUNDING_HEADER),
        (PER_MU_SHEET, _PER_MU_HEADER),
    ):
        sheets[name].append(list(header))
        for cell in sheets[name][1]:
            cell.font = Font(bold=True)
    n = 0
    for m in reads.list_memberships(city_code, as_of=as_of):
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
    for w in reads.sponsor_work(city_code, end=as_of):
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
    for a in reads.funding(city_code, as_of=as_of):
        sheets[FUNDING_SHEET].append(
            [
                a.code,
                a.application_ref,
                a.program.label_zh,
                a.applied_on,
                str(a.amount_applied),
                a.status.label_zh,
                a.status_on,
                None if a.amount_approved is None else str(a.amount_approved),
                None if a.amount_arrived is None else str(a.amount_arrived),
            ]
        )
        n += 1
    for year in per_mu_years:
        for pm in reads.per_mu(city_code, year, as_of=as_of):
            sheets[PER_MU_SHEET].append(
                [pm.code, pm.year, str(pm.land_mu), str(pm.output), str(pm.revenue), str(pm.tax)]
            )
            n += 1
    for sheet in sheets.values():
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, never a formula
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
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
    reads: OfficeReads,
    execute: Callable[[Mapping[str, Any]], CommandResult],
    importer: str = "office-import",
) -> OfficeImportReport:
    """Check every row of the three sheets, then run the commands that are new (see the module's docstring)."""
    data = Path(path).read_bytes()
    sha = hashlib.sha256(data).hexdigest()[:12]
    wb = load_workbook(path, data_only=True, read_only=True)
    actor = {"id": importer, "role": "importer"}
    problems: list[Problem] = []
    commands: list[dict[str, Any]] = []
    skipped = 0
    stays = {(m.code, m.list_name, m.period, m.entered_on): m for m in reads.list_memberships(city_code)}
    visits = {(w.code, w.work, w.on, w.by) for w in reads.sponsor_work(city_code)}
    funding = {(a.code, a.application_ref): a for a in reads.funding(city_code)}

    def add(
        sheet: str, row: int, kind: str, fields: dict[str, Any], mapped: dict[str, tuple[str, Any]]
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
            "evidence": [f"xlsx:{sha}:{where}"],
            "reason": f"导入 {Path(path).name}",
            **fields,
        }
        try:
            validate(PROJECT_COMMANDS[kind], {k: v for k, v in cmd.items() if k != "command"})
        except CommandRejected as exc:
            problems.extend(Problem(f"{where} {p.field}", p.message, p.value) for p in exc.problems)
            return
        commands.append(cmd)

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
    if problems:
        raise OfficeImportRejected(f"import {Path(path).name}", problems)
    for cmd in commands:
        execute(cmd)
    return OfficeImportReport(len(commands), skipped)


def _same_numbers(known: tuple[Decimal, ...], given: list[str]) -> bool:
    try:
        return all(k == Decimal(g) for k, g in zip(known, given, strict=True))
    except ArithmeticError:
        return False
