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
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Any

import attrs

from projlife.extras import missing_extra

try:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from projlife.app.application import Projlife, validate
from projlife.app.commands import (
    AssignSponsor,
    BecomeAboveScale,
    BeginProduction,
    CancelProject,
    Command,
    CompleteProject,
    ConceiveProject,
    EnterStatistics,
    FlagProject,
    FormTeam,
    LandProject,
    ProjectCommand,
    ReachCapacity,
    RemoveFromPool,
    ReportInvestment,
    ReserveProject,
    SignProject,
    StartConstruction,
)
from projlife.domain.actor import Actor, Role
from projlife.domain.areas import AreaLevel
from projlife.domain.errors import CommandRejected, NotFound, ProjlifeError
from projlife.domain.lifecycle import Pool, RemovalReason, Stage, allowed_sources
from projlife.domain.project import Project, project_id_for
from projlife.plugins.types import CityProfile
from projlife.reports.layout import (
    CATEGORY_BY_LABEL,
    COLUMN_BY_KEY,
    COLUMNS,
    INVESTOR_BY_LABEL,
    POOL_LABEL_ZH,
    REMOVAL_LABEL_ZH,
    STAGE_DATE_COLUMNS,
    AmountUnit,
    Column,
    ColumnKind,
    header_key,
)

__all__ = [
    "ImportMode",
    "LedgerFileRejected",
    "LedgerImportRejected",
    "LedgerImportReport",
    "RowProblem",
    "check_ledger_file",
    "import_ledger",
    "read_ledger",
]

HEADER_SEARCH_ROWS = 10
"""The header row is looked for in the first rows of each sheet (a title may sit above it)."""

_STAGE_COMMAND: dict[Stage, type[ProjectCommand]] = {
    Stage.RESERVED: ReserveProject,
    Stage.LANDED: LandProject,
    Stage.STARTED: StartConstruction,
    Stage.IN_STATISTICS: EnterStatistics,
    Stage.COMPLETED: CompleteProject,
    Stage.PRODUCING: BeginProduction,
    Stage.ABOVE_SCALE: BecomeAboveScale,
    Stage.AT_CAPACITY: ReachCapacity,
}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_AS_OF_RE = re.compile(r"截[至止]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_REMOVAL_RE = re.compile(r"^(?P<pool>\S+?库)剔除[:：](?P<reason>.+?)[(（](?P<date>[^()（）]+)[)）]$")
_POOL_BY_LABEL = {v: k for k, v in POOL_LABEL_ZH.items()}
_REASON_BY_LABEL = {v: k for k, v in REMOVAL_LABEL_ZH.items()}
_SPLIT_RE = re.compile(r"[、,，;；/\s]+")

# which ledger column a command field comes from, for problems raised by command validation
_FIELD_COLUMN = {
    "code": "code",
    "project_name": "name",
    "area_code": "area",
    "category": "category",
    "investor_classes": "investors",
    "enterprise_code": "enterprise_code",
    "area_mu": "area_mu",
    "planned_investment_yuan": "planned_investment",
    "counterparty": "counterparty",
    "batch": "batch",
    "leader": "leader",
    "department": "department",
    "team": "team",
    "lead": "team_lead",
    "flag": "flags",
}


class ImportMode(StrEnum):
    """What to do when some rows are bad."""

    ALL_OR_NOTHING = "all_or_nothing"
    """One bad row rejects the whole file; nothing is written."""
    GOOD_ROWS_ONLY = "good_rows_only"
    """The good rows go in; the bad ones are reported and left out."""


@attrs.frozen
class RowProblem:
    """One thing wrong in the file: sheet, row, column (letter and header), what, and the value."""

    sheet: str
    row: int
    column: str
    header: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.column}{self.row}" if self.column else f"{self.sheet}!R{self.row}"
        head = f" [{self.header}]" if self.header else ""
        val = f" (value {self.value!r})" if self.value is not None else ""
        return f"{where}{head}: {self.message}{val}"

    def as_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


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


@attrs.define
class _Row:
    sheet: str
    row: int
    values: dict[str, Any] = attrs.field(factory=dict)
    columns: dict[str, tuple[str, str]] = attrs.field(factory=dict)  # key -> (letter, header)
    problems: list[RowProblem] = attrs.field(factory=list)
    as_of: date | None = None

    def problem(self, key: str, message: str, value: Any = None) -> None:
        letter, header = self.columns.get(
            key, ("", COLUMN_BY_KEY[key].header if key in COLUMN_BY_KEY else "")
        )
        self.problems.append(
            RowProblem(self.sheet, self.row, letter, header, message, None if value is None else str(value))
        )

    def row_problem(self, message: str) -> None:
        self.problems.append(RowProblem(self.sheet, self.row, "", "", message))


# -- reading ------------------------------------------------------------------------


def _cell_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = _DATE_RE.match(value.strip())
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        raise ValueError("not a date (write it as a date cell or as 2024-03-05)")
    raise ValueError(f"a {type(value).__name__}, not a date")


def _cell_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))  # the shortest decimal that reads back as the cell's value
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError("text in a number cell") from None
    else:
        raise ValueError(f"a {type(value).__name__}, not a number")
    if not result.is_finite():
        raise ValueError("not a finite number")
    if result < 0:
        raise ValueError("negative")
    return result


def _yuan(amount: Decimal, unit: AmountUnit) -> Decimal:
    yuan = amount * unit.yuan
    if yuan != yuan.quantize(Decimal("0.01")):
        raise ValueError(f"more precise than a cent ({yuan} yuan)")
    return yuan.quantize(Decimal("0.01"))


def _header_row(
    ws: Worksheet,
) -> tuple[int, dict[int, tuple[Column, AmountUnit | None, str]], list[str]] | None:
    for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
        texts = [str(c).strip() if c is not None else "" for c in cells]
        if any(t.replace(" ", "") == "项目名称" for t in texts):
            mapping: dict[int, tuple[Column, AmountUnit | None, str]] = {}
            ignored: list[str] = []
            for i, text in enumerate(texts, start=1):
                if not text:
                    continue
                found = header_key(text)
                if found is None or not found[0].importable:
                    ignored.append(text)
                else:
                    mapping[i] = (found[0], found[1], text)
            return r, mapping, ignored
    return None


def _as_of_from_title(ws: Worksheet, header_row: int) -> date | None:
    for cells in ws.iter_rows(min_row=1, max_row=max(header_row - 1, 0), values_only=True):
        for c in cells:
            if isinstance(c, str) and (m := _AS_OF_RE.search(c)):
                return date(int(m[1]), int(m[2]), int(m[3]))
    return None


def _parse_cell(row: _Row, column: Column, unit: AmountUnit | None, raw: Any) -> None:
    key = column.key
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            return
    try:
        if column.kind is ColumnKind.DATE:
            row.values[key] = _cell_date(raw)
        elif column.kind is ColumnKind.AMOUNT:
            assert unit is not None
            row.values[key] = _yuan(_cell_decimal(raw), unit)
        elif column.kind is ColumnKind.NUMBER:
            row.values[key] = _cell_decimal(raw)
        else:
            if isinstance(raw, datetime | date | float):
                raise ValueError(f"a {type(raw).__name__}, expected text")
            row.values[key] = str(raw).strip()
    except ValueError as exc:
        row.problem(key, str(exc), raw)


class LedgerFileRejected(ProjlifeError):
    """The file is missing, is not an .xlsx workbook, or has no sheet with a 台账 header."""


def check_ledger_file(path: str | Path) -> Path:
    """Refuse a missing file or one that is not an .xlsx workbook, before anything is opened or written."""
    path = Path(path)
    if not path.is_file():
        raise LedgerFileRejected(f"import ledger {path}", "no such file", "the path of a ledger .xlsx")
    if not zipfile.is_zipfile(path):
        raise LedgerFileRejected(
            f"import ledger {path}", "the file is not an .xlsx workbook", "a ledger saved as .xlsx"
        )
    return path


def read_ledger(path: Path) -> tuple[list[_Row], list[RowProblem], list[str]]:
    """Read every sheet with a ledger header; return its rows, sheet-level problems and ignored headers.

    Raises :class:`LedgerFileRejected` when no sheet has a ledger header row.
    """
    path = check_ledger_file(path)
    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileRejected(
            f"import ledger {path}", f"the workbook cannot be read ({exc})", "a ledger saved as .xlsx"
        ) from None
    rows: list[_Row] = []
    problems: list[RowProblem] = []
    ignored: list[str] = []
    ledger_sheets = 0
    try:
        for ws in wb.worksheets:
            found = _header_row(ws)
            if found is None:
                continue
            ledger_sheets += 1
            header_row, mapping, sheet_ignored = found
            ignored += [f"{ws.title}!{h}" for h in sheet_ignored]
            present = {col.key for col, _, _ in mapping.values()}
            missing = [c.header for c in COLUMNS if c.required and c.key not in present]
            if missing:
                problems.append(
                    RowProblem(
                        ws.title, header_row, "", "", f"missing required column(s): {', '.join(missing)}"
                    )
                )
                continue
            as_of = _as_of_from_title(ws, header_row)
            for r, cells in enumerate(
                ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1
            ):
                if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                    continue
                row = _Row(ws.title, r, as_of=as_of)
                for i, (column, _unit, header) in mapping.items():
                    row.columns[column.key] = (get_column_letter(i), header)
                for i, (column, unit, _) in mapping.items():
                    raw = cells[i - 1] if i - 1 < len(cells) else None
                    if raw is not None:
                        _parse_cell(row, column, unit, raw)
                rows.append(row)
    finally:
        wb.close()
    if not ledger_sheets:
        required = ", ".join(c.header for c in COLUMNS if c.required)
        raise LedgerFileRejected(
            f"import ledger {path}",
            f"no sheet of the workbook has a 台账 header row ({len(wb.sheetnames)} sheet(s) looked at)",
            f"a sheet whose header row has the columns {required}",
        )
    return rows, problems, ignored


# -- checking and building commands -------------------------------------------------------


def _area_code(city: CityProfile, text: str) -> str | None:
    for area in city.areas:
        if text in (area.name, area.code):
            return area.code
    return None


def _check_row(row: _Row, city: CityProfile) -> None:
    v = row.values
    for key in ("code", "name", "area", "category", "planned_investment"):
        if key not in v and not _has_problem(row, key):
            label = {"name": "missing project name", "code": "missing project code"}.get(key, "missing value")
            row.problem(key, label)
    if "area" in v:
        code = _area_code(city, v["area"])
        if code is None:
            counties = "、".join(a.name for a in city.areas if a.level is not AreaLevel.CITY)
            row.problem("area", f"unknown county/area of {city.name_zh} (known: {counties})", v["area"])
        else:
            v["area_code"] = code
    if "category" in v and v["category"] not in CATEGORY_BY_LABEL:
        row.problem("category", f"unknown category (known: {'、'.join(CATEGORY_BY_LABEL)})", v["category"])
    if "investors" in v:
        labels = [t for t in _SPLIT_RE.split(v["investors"]) if t]
        unknown = [t for t in labels if t not in INVESTOR_BY_LABEL]
        if unknown:
            row.problem("investors", f"unknown investor class(es) {'、'.join(unknown)}", v["investors"])
        else:
            v["investor_classes"] = tuple(INVESTOR_BY_LABEL[t] for t in labels)
    # stage dates: in lifecycle order, each entered from a stage the row also has
    dates = {s: v[k] for s, k in STAGE_DATE_COLUMNS.items() if k in v}
    unreadable = {s for s, k in STAGE_DATE_COLUMNS.items() if _has_problem(row, k)}
    present = set(dates) | unreadable | {Stage.CONCEIVED}
    previous: tuple[Stage, date] | None = None
    for stage in sorted(dates):
        d = dates[stage]
        if previous is not None and d < previous[1]:
            row.problem(
                STAGE_DATE_COLUMNS[stage],
                f"dates out of order: {COLUMN_BY_KEY[STAGE_DATE_COLUMNS[stage]].header} {d} is before "
                f"{COLUMN_BY_KEY[STAGE_DATE_COLUMNS[previous[0]]].header} {previous[1]}",
                d,
            )
        previous = (stage, d)
        if stage > Stage.RESERVED and not (allowed_sources(stage) & present):
            need = "/".join(
                COLUMN_BY_KEY[STAGE_DATE_COLUMNS[s]].header for s in sorted(allowed_sources(stage))
            )
            row.problem(STAGE_DATE_COLUMNS[stage], f"a {stage.label_zh} date needs {need} as well", d)
    if not dates and not any(_has_problem(row, k) for k in STAGE_DATE_COLUMNS.values()):
        row.problem("conceived_on", "no date at all: give at least 谋划日期 (or 入库日期/签约日期)")
    if Stage.SIGNED in dates:
        for key, label in (("signed_amount", "签约金额"), ("counterparty", "签约对象")):
            if key not in v and not _has_problem(row, key):
                row.problem(key, f"a signed project needs {label}")
    elif Stage.SIGNED not in unreadable:
        for key in ("signed_amount", "counterparty", "batch"):
            if key in v:
                row.problem(key, "given without 签约日期", v[key])
    if "investment" in v and v["investment"] > 0 and Stage.SIGNED not in present:
        row.problem("investment", "investment reported for a project that is not signed", v["investment"])
    latest = max(dates.values()) if dates else None
    if "cancelled_on" in v:
        if "cancel_reason" not in v:
            row.problem("cancel_reason", "a cancellation needs 取消原因")
        if latest and v["cancelled_on"] < latest:
            row.problem(
                "cancelled_on",
                f"dates out of order: cancelled before the last stage date {latest}",
                v["cancelled_on"],
            )
    elif "cancel_reason" in v:
        row.problem("cancel_reason", "given without 取消日期", v["cancel_reason"])
    if "removals" in v:
        removals: list[tuple[Pool, RemovalReason, date]] = []
        for part in [p for p in re.split(r"[;；\n]+", v["removals"]) if p.strip()]:
            m = _REMOVAL_RE.match(part.strip())
            try:
                if m is None:
                    raise ValueError
                when = _cell_date(m["date"])
                removals.append((_POOL_BY_LABEL[m["pool"]], _REASON_BY_LABEL[m["reason"]], when))
            except (ValueError, KeyError):
                row.problem(
                    "removals",
                    "write each removal as 开工库剔除：开工三个月未纳统（2024-07-01）, separated by ；",
                    part,
                )
        v["removal_list"] = removals
    if "flags" in v:
        v["flag_list"] = [t for t in _SPLIT_RE.split(v["flags"]) if t]
    if ("leader" in v) != ("department" in v):
        missing = "department" if "leader" in v else "leader"
        row.problem(missing, "包保领导 and 包保部门 go together")
    if ("team" in v) != ("team_lead" in v):
        missing = "team_lead" if "team" in v else "team"
        row.problem(missing, "工作专班 and 专班负责人 go together")


def _has_problem(row: _Row, key: str) -> bool:
    header = row.columns.get(key, ("", ""))[1]
    return bool(header) and any(p.header == header for p in row.problems)


def _first_of_month(d: date) -> date:
    return date(d.year, d.month, 1)


@attrs.frozen
class _Plan:
    """The project after applying a row's new facts in memory, and how many were new."""

    project: Project
    new_events: int


def _validated(row: _Row, model: type[Command], data: Mapping[str, Any], default_key: str) -> Command | None:
    try:
        return validate(model, data)
    except CommandRejected as exc:
        for p in exc.problems:
            key = _FIELD_COLUMN.get(p.field.split(".")[0], default_key)
            row.problem(key, p.message, p.value)
        return None


def _plan_row(
    row: _Row, city: CityProfile, existing: Project | None, source: Mapping[str, Any]
) -> _Plan | None:
    """Apply the row's facts (those not already recorded) to the project in memory."""
    v = row.values
    dates: dict[Stage, date] = {s: v[k] for s, k in STAGE_DATE_COLUMNS.items() if k in v}
    conceived_on = dates.get(Stage.CONCEIVED) or min(dates.values())
    latest = max(dates.values())
    meta = {**source, "evidence": (f"{source['evidence_prefix']}!R{row.row}",)}
    meta.pop("evidence_prefix")
    project = existing
    before = existing.version if existing is not None else 0
    conceive = _validated(
        row,
        ConceiveProject,
        {
            "code": v["code"],
            "project_name": v["name"],
            "city_code": city.code,
            "area_code": v["area_code"],
            "category": CATEGORY_BY_LABEL[v["category"]],
            "planned_investment_yuan": v["planned_investment"],
            "investor_classes": v.get("investor_classes", ()),
            "enterprise_code": v.get("enterprise_code"),
            "area_mu": v.get("area_mu"),
            "occurred_on": conceived_on,
            **meta,
        },
        "code",
    )
    if conceive is None:
        return None
    assert isinstance(conceive, ConceiveProject)
    if project is None:
        project = conceive.create()
    else:
        recorded = {
            "name": (project.name, conceive.project_name),
            "area": (project.area_code, conceive.area_code),
            "category": (project.category, conceive.category),
            "planned_investment": (project.planned_investment.yuan, conceive.planned_investment_yuan),
        }
        if Stage.CONCEIVED in dates:
            recorded["conceived_on"] = (project.conceived_on, conceive.occurred_on)
        for key, (old, new) in recorded.items():
            if old != new:
                row.problem(key, f"contradicts the recorded value {old} (record a correction instead)", new)
    pid = project.id
    commands: list[tuple[str, dict[str, Any], type[Command]]] = []
    for stage in sorted(dates):
        if stage is Stage.CONCEIVED:
            continue
        key = STAGE_DATE_COLUMNS[stage]
        recorded_claim = project.claims.get(stage)
        if recorded_claim is not None:
            if recorded_claim.occurred_on != dates[stage]:
                row.problem(key, f"contradicts the recorded date {recorded_claim.occurred_on}", dates[stage])
            if (
                stage is Stage.SIGNED
                and project.signed_amount is not None
                and project.signed_amount.yuan != v.get("signed_amount")
            ):
                row.problem(
                    "signed_amount",
                    f"contradicts the recorded amount {project.signed_amount}",
                    v.get("signed_amount"),
                )
            continue
        if stage is Stage.SIGNED:
            data = {
                "amount_yuan": v.get("signed_amount"),
                "counterparty": v.get("counterparty"),
                "batch": v.get("batch"),
            }
            commands.append((key, data | {"occurred_on": dates[stage]}, SignProject))
        else:
            commands.append((key, {"occurred_on": dates[stage]}, _STAGE_COMMAND[stage]))
    fact_day = dates.get(Stage.SIGNED, conceived_on)
    if "leader" in v and "department" in v and project.sponsor != (v["leader"], v["department"]):
        commands.append(
            (
                "leader",
                {"leader": v["leader"], "department": v["department"], "occurred_on": fact_day},
                AssignSponsor,
            )
        )
    if "team" in v and "team_lead" in v and project.team != (v["team"], v["team_lead"]):
        commands.append(
            ("team", {"team": v["team"], "lead": v["team_lead"], "occurred_on": fact_day}, FormTeam)
        )
    investment: Decimal | None = v.get("investment")
    if investment:
        recorded_total = project.cumulative_investment.yuan
        month = _first_of_month(row.as_of if row.as_of and row.as_of >= latest else latest)
        if investment < recorded_total:
            row.problem("investment", f"less than the {recorded_total} yuan already recorded", investment)
        elif investment > recorded_total:
            if month in project.investment_reports:
                row.problem(
                    "investment", f"{month:%Y-%m} is already reported; record a correction", investment
                )
            else:
                data = {
                    "month": month,
                    "amount_yuan": investment - recorded_total,
                    "occurred_on": max(month, latest),
                }
                commands.append(("investment", data, ReportInvestment))
    for flag in v.get("flag_list", []):
        if flag not in project.flags:
            commands.append(("flags", {"flag": flag, "occurred_on": latest}, FlagProject))
    for pool, reason_code, when in v.get("removal_list", []):
        recorded_removal = project.removed_from.get(pool)
        if recorded_removal is None:
            commands.append(
                ("removals", {"pool": pool, "reason_code": reason_code, "occurred_on": when}, RemoveFromPool)
            )
        elif recorded_removal != (reason_code, when):
            row.problem("removals", f"contradicts the recorded removal {recorded_removal}", v["removals"])
    if "cancelled_on" in v:
        if project.cancelled_on is None:
            commands.append(
                (
                    "cancelled_on",
                    {"occurred_on": v["cancelled_on"], "reason": v.get("cancel_reason")},
                    CancelProject,
                )
            )
        elif project.cancelled_on != v["cancelled_on"]:
            row.problem(
                "cancelled_on",
                f"contradicts the recorded cancellation on {project.cancelled_on}",
                v["cancelled_on"],
            )
    if row.problems:
        return None
    for key, data, model in commands:
        full = {"project_id": pid, **meta, **data}
        if model is CancelProject:
            full["reason"] = data["reason"]
        cmd = _validated(row, model, full, key)
        if cmd is None:
            return None
        assert isinstance(cmd, ProjectCommand)
        try:
            cmd.apply(project)
        except ProjlifeError as exc:
            row.problem(key, str(exc), data.get("occurred_on"))
            return None
    return _Plan(project, project.version - before)


# -- the import ---------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_ledger(
    app: Projlife,
    path: str | Path,
    *,
    city: str | CityProfile,
    mode: ImportMode | str = ImportMode.ALL_OR_NOTHING,
    actor_id: str = "ledger-import",
    progress: Callable[[int, int], None] | None = None,
    save_chunk: int = 200,
) -> LedgerImportReport:
    """Import a ledger .xlsx for ``city``; raise :class:`LedgerImportRejected` or return a report.

    ``progress(done, total)`` is called as projects are checked and written.
    """
    path = check_ledger_file(path)
    mode = ImportMode(mode)
    profile = city if isinstance(city, CityProfile) else app.city(city)
    sha = _sha256(path)
    rows, problems, ignored = read_ledger(path)
    actor = Actor(id=actor_id, role=Role.IMPORTER, area_code=profile.code)
    for row in rows:
        _check_row(row, profile)
    # duplicates: the same project code on more than one row (any sheet) — none of them is trusted
    by_code: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if "code" in row.values:
            by_code[row.values["code"]].append(row)
    for code, same in by_code.items():
        if len(same) > 1:
            where = ", ".join(f"{r.sheet}!R{r.row}" for r in same)
            for row in same:
                row.problem("code", f"duplicate project code {code} (rows {where})", code)
    total = len(rows)
    plans: list[tuple[_Row, _Plan]] = []
    for i, row in enumerate(rows, start=1):
        if not row.problems:
            source = {
                "actor": actor,
                "reason": f"imported from ledger file {path.name}, sheet {row.sheet}, row {row.row}",
                "evidence_prefix": f"xlsx:{sha[:16]}:{row.sheet}",
            }
            pid = project_id_for(profile.code, row.values["code"])
            try:
                existing: Project | None = app.projects.get(pid)
            except NotFound:
                existing = None
            plan = _plan_row(row, profile, existing, source)
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
