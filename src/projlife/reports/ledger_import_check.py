"""Reading a 台账 .xlsx and checking each row: every problem with its sheet, row and column."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import attrs

from projlife.extras import missing_extra

try:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from projlife.app.commands import MAX_AMOUNT_YUAN
from projlife.domain.areas import AreaLevel
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Pool, RemovalReason, Stage, allowed_sources
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
from projlife.reports.terms import flag_code

__all__ = [
    "DEFAULT_LIMITS",
    "HEADER_SEARCH_ROWS",
    "UNITLESS_WAN_LIMIT",
    "ImportLimits",
    "LedgerFileRejected",
    "RowProblem",
    "SheetRow",
    "check_ledger_file",
    "check_row",
    "read_ledger",
]

HEADER_SEARCH_ROWS = 10
"""The header row is looked for in the first rows of each sheet (a title may sit above it)."""

UNITLESS_WAN_LIMIT = Decimal("1e7")
"""Under an amount header without a unit (read in 万元), a value above this many 万元 (1000亿元
for one project) is taken for an amount written in 元 and refused, asking for the unit."""


@attrs.frozen
class ImportLimits:
    """Bounds on a ledger file, checked before and while it is read (a zip bomb or a runaway
    sheet is refused with :class:`LedgerFileRejected` instead of exhausting memory)."""

    max_uncompressed_bytes: int = 256 * 1024 * 1024
    """The workbook's members may inflate to at most this many bytes in total (declared sizes;
    Python's zipfile never inflates a member past its declared size)."""
    max_rows: int = 200_000
    """Rows read below the header rows, over every ledger sheet (empty rows included)."""
    max_cells: int = 10_000_000
    """Cells read below the header rows, over every ledger sheet."""


DEFAULT_LIMITS = ImportLimits()

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_AS_OF_RE = re.compile(r"截[至止]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_REMOVAL_RE = re.compile(r"^(?P<pool>\S+?库)剔除[:：](?P<reason>.+?)[(（](?P<date>[^()（）]+)[)）]$")
_POOL_BY_LABEL = {v: k for k, v in POOL_LABEL_ZH.items()}
_REASON_BY_LABEL = {v: k for k, v in REMOVAL_LABEL_ZH.items()}
_SPLIT_RE = re.compile(r"[、,，;；/\s]+")


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


@attrs.define
class SheetRow:
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


def _yuan(amount: Decimal, unit: AmountUnit, *, unit_given: bool = True) -> Decimal:
    if not unit_given and amount > UNITLESS_WAN_LIMIT:
        raise ValueError(
            f"read in 万元 because the header names no unit, this is {amount * unit.yuan:.0f} yuan, "
            "more than any one project; if the column is in 元, write the unit in the header "
            "(e.g. 计划总投资（元）)"
        )
    yuan = amount * unit.yuan
    if yuan > MAX_AMOUNT_YUAN:
        raise ValueError(f"more than the largest amount accepted, 10¹⁵ yuan ({amount} {unit.value})")
    try:
        cents = yuan.quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(f"not an amount that can be recorded ({amount})") from None
    if yuan != cents:
        raise ValueError(f"more precise than a cent ({yuan} yuan)")
    return cents


def _header_row(
    ws: Any,
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


def _as_of_from_title(ws: Any, header_row: int) -> date | None:
    for cells in ws.iter_rows(min_row=1, max_row=max(header_row - 1, 0), values_only=True):
        for c in cells:
            if isinstance(c, str) and (m := _AS_OF_RE.search(c)):
                return date(int(m[1]), int(m[2]), int(m[3]))
    return None


def _parse_cell(
    row: SheetRow, column: Column, unit: AmountUnit | None, raw: Any, *, unit_given: bool = True
) -> None:
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
            row.values[key] = _yuan(_cell_decimal(raw), unit, unit_given=unit_given)
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


def check_ledger_file(path: str | Path, limits: ImportLimits = DEFAULT_LIMITS) -> Path:
    """Refuse a missing file, one that is not an .xlsx workbook, or one that inflates past
    ``limits.max_uncompressed_bytes``, before anything is opened or written."""
    path = Path(path)
    attempted = f"import ledger {path}"
    if not path.is_file():
        raise LedgerFileRejected(attempted, "no such file", "the path of a ledger .xlsx")
    if not zipfile.is_zipfile(path):
        raise LedgerFileRejected(attempted, "the file is not an .xlsx workbook", "a ledger saved as .xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise LedgerFileRejected(
            attempted, f"the workbook cannot be read ({exc})", "a ledger saved as .xlsx"
        ) from None
    if inflated > limits.max_uncompressed_bytes:
        raise LedgerFileRejected(
            attempted,
            f"the workbook inflates to {inflated:,} bytes ({path.stat().st_size:,} on disk), more than "
            f"the limit of {limits.max_uncompressed_bytes:,}",
            "a ledger within the limit (split it by county), or a larger ImportLimits.max_uncompressed_bytes",
        )
    return path


def _too_large(path: Path, what: str, limit: int, setting: str) -> LedgerFileRejected:
    return LedgerFileRejected(
        f"import ledger {path}",
        f"the workbook has more than {limit:,} {what} below its header rows",
        f"a ledger within the limit (split it by county), or a larger ImportLimits.{setting}",
    )


def read_ledger(
    path: Path, limits: ImportLimits = DEFAULT_LIMITS
) -> tuple[list[SheetRow], list[RowProblem], list[str]]:
    """Read every sheet with a ledger header; return its rows, sheet-level problems and ignored headers.

    The workbook is streamed (openpyxl's read-only mode), formulas as formulas: a formula cell
    is a row problem, never taken at its cached value. Raises :class:`LedgerFileRejected` when
    the file is not a workbook, exceeds ``limits``, no sheet has a ledger header, or the header
    has no project row under it.
    """
    path = check_ledger_file(path, limits)
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LedgerFileRejected(
            f"import ledger {path}", f"the workbook cannot be read ({exc})", "a ledger saved as .xlsx"
        ) from None
    rows: list[SheetRow] = []
    problems: list[RowProblem] = []
    ignored: list[str] = []
    ledger_sheets = 0
    rows_seen = cells_seen = 0
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
            unitless = {
                i
                for i, (col, _, header) in mapping.items()
                if col.kind is ColumnKind.AMOUNT
                and header_key(header) is not None
                and not _names_unit(header)
            }
            as_of = _as_of_from_title(ws, header_row)
            for r, cells in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
                rows_seen += 1
                cells_seen += len(cells)
                if rows_seen > limits.max_rows:
                    raise _too_large(path, "rows", limits.max_rows, "max_rows")
                if cells_seen > limits.max_cells:
                    raise _too_large(path, "cells", limits.max_cells, "max_cells")
                values = [c.value for c in cells]
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                row = SheetRow(ws.title, r, as_of=as_of)
                for i, (column, _unit, header) in mapping.items():
                    row.columns[column.key] = (get_column_letter(i), header)
                for i, (column, unit, _) in mapping.items():
                    if i - 1 >= len(cells) or values[i - 1] is None:
                        continue
                    if getattr(cells[i - 1], "data_type", None) == "f":
                        row.problem(
                            column.key,
                            "a formula cell: its cached value may be stale or missing; enter the value itself",
                            values[i - 1],
                        )
                        continue
                    _parse_cell(row, column, unit, values[i - 1], unit_given=i not in unitless)
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
    if not rows and not problems:
        raise LedgerFileRejected(
            f"import ledger {path}",
            "the 台账 header row was found, but no project row under it",
            "a ledger with one row per project under its header row",
        )
    return rows, problems, ignored


def _names_unit(header: str) -> bool:
    """Whether an amount header declares its unit (``计划总投资（万元）``)."""
    text = re.sub(r"\s+", "", header.replace("（", "(").replace("）", ")"))
    return text.endswith(")") and "(" in text


# -- checking and building commands -------------------------------------------------------


def _area_code(city: CityProfile, text: str) -> str | None:
    for area in city.areas:
        if text in (area.name, area.code):
            return area.code
    return None


def check_row(row: SheetRow, city: CityProfile) -> None:
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
        v["flag_list"] = [flag_code(t) for t in _SPLIT_RE.split(v["flags"]) if t]
    if ("leader" in v) != ("department" in v):
        missing = "department" if "leader" in v else "leader"
        row.problem(missing, "包保领导 and 包保部门 go together")
    if ("team" in v) != ("team_lead" in v):
        missing = "team_lead" if "team" in v else "team"
        row.problem(missing, "工作专班 and 专班负责人 go together")


def _has_problem(row: SheetRow, key: str) -> bool:
    header = row.columns.get(key, ("", ""))[1]
    return bool(header) and any(p.header == header for p in row.problems)
