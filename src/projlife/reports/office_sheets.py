"""The office's working week in Excel: the 名单, 分包调研, 资金申报, 亩均, 验收发证, 会议决定, 目标责任书 and 形象进度 sheets, out and in.

:func:`export_office_xlsx` writes what the office read model knows as of a date, and the city's
target book (the 目标责任书 targets and the monthly 形象进度) when given (and
:func:`add_office_sheets` adds the same sheets to the 台账 workbook); the import,
:func:`import_office_xlsx`, reads them back as commands (``enter_list`` / ``leave_list``,
``record_sponsor_work``, ``apply_for_funding`` / ``change_funding_status``, ``report_per_mu`` —
a 亩均 row is dated the year's 31 December, or today within the year — ``issue_certificate``,
``accept_part``, ``begin_part_production``, and ``convene_meeting`` / ``record_decision`` /
``follow_up_decision``) issued by an ``importer`` with the evidence ``xlsx:<sha256 prefix>:<sheet>!R<row>``
(and a row's 依据, the evidence it was recorded with), and as targets and 形象进度 reports of the
city's target book.

Check first, then write. Every row is checked (pydantic, the same command models as the API;
the target book's own checks), then every command is applied in file order to the stored
projects and meetings in memory, so a rule that refuses a row (a part producing before it is
accepted, a decision follow-up before the meeting, a funding status out of order) is found
before anything is written. Any problem rejects the whole file, listing every refused row by
sheet, row and column; otherwise every changed project, meeting and the target book are saved
in one transaction. A fact already recorded (same project, list, period and entry date; same
visit; same funding status; same certificate or part and date; same decision and follow-up;
same target set on the same date; same report) is skipped, so importing a file twice changes nothing.

The modules: :mod:`~projlife.reports.office_sheet_layout` (sheets, headers, words),
:mod:`~projlife.reports.office_sheet_export`, :mod:`~projlife.reports.office_sheet_import` and
:mod:`~projlife.reports.office_sheet_rows` (the later sheets' readers).
"""

from __future__ import annotations

from projlife.reports.office_sheet_export import add_office_sheets, export_office_xlsx
from projlife.reports.office_sheet_import import import_office_xlsx
from projlife.reports.office_sheet_layout import (
    COMPLETION_SHEET,
    DECISIONS_SHEET,
    FOLLOW_UP_LABEL_ZH,
    FUNDING_SHEET,
    LISTS_SHEET,
    PER_MU_SHEET,
    PROGRESS_SHEET,
    TARGETS_SHEET,
    VISITS_SHEET,
    OfficeImportRejected,
    OfficeImportReport,
)

__all__ = [
    "COMPLETION_SHEET",
    "DECISIONS_SHEET",
    "FOLLOW_UP_LABEL_ZH",
    "FUNDING_SHEET",
    "LISTS_SHEET",
    "PER_MU_SHEET",
    "PROGRESS_SHEET",
    "TARGETS_SHEET",
    "VISITS_SHEET",
    "OfficeImportRejected",
    "OfficeImportReport",
    "add_office_sheets",
    "export_office_xlsx",
    "import_office_xlsx",
]
