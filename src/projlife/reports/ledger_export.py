"""Export the 台账 (ledger) as of a date to .xlsx, in the layout the import reads.

One row per project; a title row names the city and the as-of date (截至…), the header
row below it is frozen with the code and name columns, and carries an auto-filter.
The sheet prints on A4 landscape, fitted to one page wide, with the title and header rows
repeated on every page and page numbers in the footer; code columns shrink their text to
the cell instead of spilling into the next column, and long text wraps.
Amounts are written in 万元 or 亿元 at full precision (the display format rounds, the
cell value does not), so an exported ledger re-imports to the same ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from projlife.extras import missing_extra

try:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from projlife.domain.lifecycle import RemovalReason, Stage
from projlife.plugins.types import CityProfile
from projlife.projections.details import ProjectDetails
from projlife.projections.ledger import LedgerRow
from projlife.projections.office import OfficeReads
from projlife.reports.layout import (
    COLUMNS,
    POOL_LABEL_ZH,
    REMOVAL_LABEL_ZH,
    STAGE_DATE_COLUMNS,
    AmountUnit,
    ColumnKind,
)
from projlife.reports.terms import category_term, flag_term, investor_term, stage_term

__all__ = [
    "LEDGER_SHEET",
    "PLAN_COLUMNS",
    "PLAN_SHEET",
    "export_ledger_xlsx",
    "ledger_title",
    "plan_values",
    "row_values",
]

LEDGER_SHEET = "台账"
PLAN_SHEET = "年度目标"
"""The sheet of each project's 年度计划投资, 投资完成率, 工程进度目标, 形象进度 and 滞后 (the 台账
import passes over it: its header is not a 台账 header)."""

PLAN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("area", "所在地"),
    ("investment_plan", "年度计划投资"),
    ("investment_done", "本年完成投资"),
    ("investment_due", "时序进度应完成投资"),
    ("completion", "投资完成率(%)"),
    ("progress_target", "工程进度目标(%)"),
    ("progress_percent", "形象进度(%)"),
    ("progress_note", "形象进度"),
    ("progress_month", "形象进度月份"),
    ("lagging", "进度滞后"),
    ("lag_reasons", "滞后情况"),
)
"""The plan sheet's columns (key, header); amounts are in the export's unit."""

_AMOUNT_FORMAT = {AmountUnit.YUAN: "#,##0.00", AmountUnit.WAN: "#,##0.00", AmountUnit.YI: "#,##0.0000"}
_DATE_FORMAT = "yyyy-mm-dd"
_THIN = Side(style="thin", color="B7B7B7")
_PRINT_TITLE_ROWS = "1:2"
"""The title and header rows, repeated at the top of every printed page."""
_SHRINK = Alignment(shrink_to_fit=True, vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")
_CODE_COLUMNS = frozenset({"code", "enterprise_code"})
_WRAPPED_COLUMNS = frozenset({"name", "counterparty", "team", "removals", "cancel_reason", "investors"})


def ledger_title(city: CityProfile, as_of: date | None) -> str:
    when = f"（截至{as_of.year}年{as_of.month}月{as_of.day}日）" if as_of else ""
    return f"{city.name_zh}重大项目台账{when}"


def _amount(yuan: Decimal | None, unit: AmountUnit) -> Decimal | None:
    if yuan is None:
        return None
    return yuan / unit.yuan


def _verified(row: LedgerRow) -> str:
    if row.stage < Stage.SIGNED:
        return ""
    if row.verified_stage >= Stage.SIGNED:
        return f"已核实至{row.verified_stage.label_zh}"
    return "待核实"


def row_values(row: LedgerRow, city: CityProfile, unit: AmountUnit = AmountUnit.WAN) -> dict[str, Any]:
    """The ledger cells of one project, by column key (dates as ``date``, amounts as Decimal).

    ``row`` comes from ``app.ledger.rows(…, with_details=True)``; without details the
    descriptive columns (credit code, land, counterparty, batch, team, cancel reason) are empty.
    """
    d = row.details or ProjectDetails()
    signed = Stage.SIGNED in row.stage_dates
    area = city.areas[row.area_code].name if row.area_code in city.areas else row.area_code
    values: dict[str, Any] = {
        "code": row.code,
        "name": row.name,
        "area": area,
        "category": category_term(row.category),
        "investors": "、".join(investor_term(c) for c in row.investor_classes) or None,
        "enterprise_code": d.enterprise_code,
        "area_mu": d.area_mu,
        "planned_investment": _amount(row.planned_investment, unit),
        "stage": stage_term(row.stage),
        "signed_amount": _amount(row.signed_amount, unit),
        "counterparty": d.counterparty if signed else None,
        "batch": d.batch if signed else None,
        "investment": _amount(row.investment_reported, unit) if row.investment_reported else None,
        "leader": row.sponsor[0] if row.sponsor else None,
        "department": row.sponsor[1] if row.sponsor else None,
        "team": d.team,
        "team_lead": d.team_lead,
        "flags": "、".join(flag_term(f) for f in sorted(row.flags)) or None,
        "removals": "；".join(
            f"{POOL_LABEL_ZH[r.pool]}剔除：{REMOVAL_LABEL_ZH[RemovalReason(r.reason_code)]}（{r.on.isoformat()}）"
            for r in sorted(row.removed, key=lambda r: r.pool)
        )
        or None,
        "cancelled_on": row.cancelled_on,
        "cancel_reason": d.cancel_reason if row.cancelled_on else None,
        "verified": _verified(row) or None,
    }
    for stage, key in STAGE_DATE_COLUMNS.items():
        values[key] = row.stage_dates.get(stage)
    return values


def plan_values(
    row: LedgerRow, city: CityProfile, unit: AmountUnit = AmountUnit.WAN
) -> dict[str, Any] | None:
    """The plan sheet's cells of one project (``None`` without :attr:`LedgerRow.plan`): the
    counting layer's :class:`~projlife.projections.counting.plan.PlanStatus`, only re-expressed
    in the export's unit and in percent."""
    p = row.plan
    if p is None:
        return None
    area = city.areas[row.area_code].name if row.area_code in city.areas else row.area_code
    return {
        "code": row.code,
        "name": row.name,
        "area": area,
        "investment_plan": _amount(p.investment_plan, unit),
        "investment_done": _amount(p.investment_done, unit),
        "investment_due": _amount(p.investment_due, unit),
        "completion": None if p.completion is None else p.completion * 100,
        "progress_target": p.progress_target,
        "progress_percent": p.progress_percent,
        "progress_note": p.progress_note,
        "progress_month": p.progress_month,
        "lagging": "是" if p.lagging else "否",
        "lag_reasons": "；".join(p.lag_reasons) or None,
    }


def _plan_sheet(
    wb: Workbook, rows: Iterable[LedgerRow], city: CityProfile, as_of: date | None, unit: AmountUnit
) -> None:
    ws = wb.create_sheet(PLAN_SHEET)
    ws["A1"] = f"{ledger_title(city, as_of)} 年度目标与形象进度（金额单位：{unit.value}）"
    ws["A1"].font = Font(bold=True, size=14)
    for i, (_key, title) in enumerate(PLAN_COLUMNS, start=1):
        cell = ws.cell(row=2, column=i, value=title)
        cell.font = Font(bold=True)
    r = 2
    for row in rows:
        values = plan_values(row, city, unit)
        if values is None:
            continue
        r += 1
        for i, (key, _title) in enumerate(PLAN_COLUMNS, start=1):
            cell = ws.cell(row=r, column=i)
            _set_value(cell, values[key])
            if key == "progress_month" and values[key] is not None:
                cell.number_format = "yyyy-mm"
            elif key.startswith("investment_") and values[key] is not None:
                cell.number_format = _AMOUNT_FORMAT[unit]
    ws.freeze_panes = "C3"


def export_ledger_xlsx(
    rows: Iterable[LedgerRow],
    path: str | Path,
    *,
    city: CityProfile,
    as_of: date | None,
    unit: AmountUnit | str = AmountUnit.WAN,
    progress: Callable[[int], None] | None = None,
    office: OfficeReads | None = None,
    known_at: datetime | None = None,
    per_mu_years: Iterable[int] = (),
) -> int:
    """Write the ledger rows (``app.ledger.rows(city=…, as_of=…, with_details=True)``) to ``path``.

    Rows read ``with_plan=True`` add the :data:`PLAN_SHEET` (年度目标: each project's annual
    plan, 投资完成率, 工程进度目标, 形象进度 and 滞后, from :attr:`LedgerRow.plan`).

    With ``office`` (``app.office``) the workbook also holds the office's sheets (名单, 分包调研,
    资金申报, 亩均 of ``per_mu_years``) as of ``as_of`` and as recorded by ``known_at``: the 台账 import passes over them and
    :func:`~projlife.reports.office_sheets.import_office_xlsx` reads them back.
    Returns the number of project rows written.
    """
    unit = AmountUnit(unit)
    rows = list(rows)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = LEDGER_SHEET
    last_col = get_column_letter(len(COLUMNS))
    ws["A1"] = ledger_title(city, as_of)
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 24
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for i, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=i, value=column.title(unit))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.row_dimensions[2].height = 30
    n = 0
    for n, row in enumerate(rows, start=1):
        values = row_values(row, city, unit)
        r = n + 2
        for i, column in enumerate(COLUMNS, start=1):
            value = values[column.key]
            cell = ws.cell(row=r, column=i)
            _set_value(cell, value)
            if column.kind is ColumnKind.DATE:
                cell.number_format = _DATE_FORMAT
            elif column.kind is ColumnKind.AMOUNT:
                cell.number_format = _AMOUNT_FORMAT[unit]
            elif column.kind is ColumnKind.NUMBER:
                cell.number_format = "#,##0.##"
            elif column.key in _CODE_COLUMNS:
                cell.number_format = "@"
            if column.key in _CODE_COLUMNS:
                cell.alignment = _SHRINK
            elif column.key in _WRAPPED_COLUMNS:
                cell.alignment = _WRAP
        if progress is not None:
            progress(n)
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{last_col}{max(n + 2, 2)}"
    _print_setup(ws, last_col, n + 2)
    if any(row.plan is not None for row in rows):
        _plan_sheet(wb, rows, city, as_of, unit)
    if office is not None:
        from projlife.reports.office_sheets import add_office_sheets

        add_office_sheets(
            wb, office, city_code=city.code, as_of=as_of, known_at=known_at, per_mu_years=per_mu_years
        )
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return n


def _print_setup(ws: Worksheet, last_col: str, last_row: int) -> None:
    """A4 landscape, one page wide (as many pages tall as it takes), title and header repeated."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = _PRINT_TITLE_ROWS
    ws.print_area = f"A1:{last_col}{last_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.25, right=0.25, top=0.5, bottom=0.5, header=0.2, footer=0.2)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _set_value(cell: Cell, value: Any) -> None:
    """Write ``value``; text is always a text cell, never a formula (OWASP formula injection).

    A character a worksheet cannot hold is replaced by U+FFFD in that cell only, so one bad
    value never stops the export of a whole city.
    """
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.data_type = "s"
    else:
        cell.value = value
