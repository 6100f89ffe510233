"""The office workbook out: what the office read model and the target book know as of a date, one sheet a kind.

:func:`export_office_xlsx` writes a workbook of its own; :func:`add_office_sheets` adds the same
sheets to another (the 台账 workbook). The layout is :mod:`projlife.reports.office_sheet_layout`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from projlife.extras import missing_extra

try:
    from openpyxl import Workbook
    from openpyxl.styles import Font
except ImportError as exc:  # pragma: no cover - only without the [excel] extra
    raise missing_extra("excel", exc) from None

from projlife.domain.meeting import FollowUp
from projlife.domain.money import decimal_text
from projlife.domain.targets import TargetBook
from projlife.projections.office import OfficeReads
from projlife.reports.office_sheet_layout import (
    COMPLETION_HEADER,
    COMPLETION_KINDS,
    COMPLETION_SHEET,
    DECISIONS_HEADER,
    DECISIONS_SHEET,
    FOLLOW_UP_LABEL_ZH,
    FUNDING_HEADER,
    FUNDING_SHEET,
    LISTS_HEADER,
    LISTS_SHEET,
    MEASURE_LABEL_ZH,
    PER_MU_HEADER,
    PER_MU_SHEET,
    PROGRESS_HEADER,
    PROGRESS_SHEET,
    SUBJECT_LABEL_ZH,
    TARGETS_HEADER,
    TARGETS_SHEET,
    VISITS_HEADER,
    VISITS_SHEET,
    evidence_text,
)

__all__ = ["add_office_sheets", "export_office_xlsx"]


def export_office_xlsx(
    reads: OfficeReads,
    path: str | Path,
    *,
    city_code: str,
    as_of: date | None = None,
    per_mu_years: Iterable[int] = (),
    targets: TargetBook | None = None,
) -> int:
    """Write the sheets for ``city_code`` as of ``as_of`` (亩均: the years asked; 目标责任书 and 形象进度:
    the entries of ``targets``, ``app.targets.book(city)``); returns the number of data rows."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    n = add_office_sheets(
        wb, reads, city_code=city_code, as_of=as_of, per_mu_years=per_mu_years, targets=targets
    )
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
    targets: TargetBook | None = None,
) -> int:
    """Add the 名单, 分包调研, 资金申报, 亩均, 验收发证 and 会议决定 sheets to ``wb`` (e.g. the 台账 workbook),
    and with ``targets`` the 目标责任书 and 形象进度 sheets; returns the data rows.

    None of these sheets has a 项目名称 header, so the 台账 import passes over them, and
    :func:`~projlife.reports.office_sheets.import_office_xlsx` reads them back from the same
    workbook. ``known_at``: as recorded by that time (the office read model's facts; a target
    book is read as it stands, every entry with a business date on or before ``as_of``).
    """
    layout = [
        (LISTS_SHEET, LISTS_HEADER, _lists(reads, city_code, as_of, known_at)),
        (VISITS_SHEET, VISITS_HEADER, _visits(reads, city_code, as_of, known_at)),
        (FUNDING_SHEET, FUNDING_HEADER, _funding(reads, city_code, as_of, known_at)),
        (PER_MU_SHEET, PER_MU_HEADER, _per_mu(reads, city_code, as_of, known_at, per_mu_years)),
        (COMPLETION_SHEET, COMPLETION_HEADER, _completion(reads, city_code, as_of, known_at)),
        (DECISIONS_SHEET, DECISIONS_HEADER, _decisions(reads, city_code, as_of, known_at)),
    ]
    if targets is not None:
        layout += [
            (TARGETS_SHEET, TARGETS_HEADER, _targets(targets, as_of)),
            (PROGRESS_SHEET, PROGRESS_HEADER, _progress(targets, as_of)),
        ]
    n = 0
    for name, header, rows in layout:
        sheet = wb.create_sheet(name)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            n += 1
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, never a formula
    return n


_Rows = list[list[Any]]


def _lists(reads: OfficeReads, city: str, as_of: date | None, known_at: datetime | None) -> _Rows:
    return [
        [
            m.code,
            m.list_name.label_zh,
            m.period,
            m.entered_on,
            m.left_on if m.left_on is not None and (as_of is None or m.left_on <= as_of) else None,
            m.catalogue_ref,
            evidence_text(m.evidence),
        ]
        for m in reads.list_memberships(city, as_of=as_of, known_at=known_at)
    ]


def _visits(reads: OfficeReads, city: str, as_of: date | None, known_at: datetime | None) -> _Rows:
    return [
        [
            w.code,
            w.work.label_zh,
            w.on,
            w.by,
            w.findings,
            "、".join(w.ticket_codes) or None,
            evidence_text(w.evidence),
        ]
        for w in reads.sponsor_work(city, end=as_of, known_at=known_at)
    ]


def _funding(reads: OfficeReads, city: str, as_of: date | None, known_at: datetime | None) -> _Rows:
    return [
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
        for a in reads.funding(city, as_of=as_of, known_at=known_at)
    ]


def _per_mu(
    reads: OfficeReads, city: str, as_of: date | None, known_at: datetime | None, years: Iterable[int]
) -> _Rows:
    return [
        [pm.code, pm.year, str(pm.land_mu), str(pm.output), str(pm.revenue), str(pm.tax)]
        for year in years
        for pm in reads.per_mu(city, year, as_of=as_of, known_at=known_at)
    ]


def _completion(reads: OfficeReads, city: str, as_of: date | None, known_at: datetime | None) -> _Rows:
    return [
        [code, label, item, on, None]
        for label, (_cmd, _field, topic) in COMPLETION_KINDS.items()
        for _pid, code, item, on in reads.project_dates(city, topic, as_of=as_of, known_at=known_at)
    ]


def _decisions(reads: OfficeReads, city: str, as_of: date | None, known_at: datetime | None) -> _Rows:
    return [
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
        for d in reads.decisions(city, as_of=as_of, known_at=known_at)
    ]


def _targets(book: TargetBook, as_of: date | None) -> _Rows:
    """Every target set on or before ``as_of``, in the order set (a later row supersedes an earlier one)."""
    return [
        [
            SUBJECT_LABEL_ZH[t.subject_kind],
            t.subject,
            MEASURE_LABEL_ZH[t.measure],
            t.period,
            str(t.value),
            t.note or None,
            t.source or None,
            t.occurred_on,
            t.reason,
        ]
        for t in book.targets
        if as_of is None or t.occurred_on <= as_of
    ]


def _progress(book: TargetBook, as_of: date | None) -> _Rows:
    """Every 形象进度 report made on or before ``as_of``, in the order reported."""
    return [
        [p.project_code, f"{p.month:%Y-%m}", str(p.percent), p.stage_note, p.occurred_on, p.reason]
        for p in book.progress
        if as_of is None or p.occurred_on <= as_of
    ]
