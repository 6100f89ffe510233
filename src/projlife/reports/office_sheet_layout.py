"""The office workbook's layout: its sheets, their headers, the words they use, and what an import answers.

Shared by the export (:mod:`projlife.reports.office_sheet_export`) and the import
(:mod:`projlife.reports.office_sheet_import`); :mod:`projlife.reports.office_sheets` re-exports it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from projlife.domain.errors import Problem, ProjlifeError
from projlife.domain.meeting import FollowUp
from projlife.domain.project_office import FundingProgram, FundingStatus, ListName, SponsorWork
from projlife.domain.targets import TargetMeasure, TargetSubject
from projlife.targets import MEASURE_WORDS, SUBJECT_WORDS

__all__ = [
    "COMPLETION_SHEET",
    "DECISIONS_SHEET",
    "FOLLOW_UP_LABEL_ZH",
    "FUNDING_SHEET",
    "LISTS_SHEET",
    "MEASURE_LABEL_ZH",
    "PER_MU_SHEET",
    "PROGRESS_SHEET",
    "SUBJECT_LABEL_ZH",
    "TARGETS_SHEET",
    "VISITS_SHEET",
    "OfficeImportRejected",
    "OfficeImportReport",
    "as_date",
    "evidence_text",
    "read_rows",
    "split_evidence",
]

LISTS_SHEET = "名单"
VISITS_SHEET = "分包调研"
FUNDING_SHEET = "资金申报"
PER_MU_SHEET = "亩均"
COMPLETION_SHEET = "验收发证"
DECISIONS_SHEET = "会议决定"
TARGETS_SHEET = "目标责任书"
"""001: "每年初…递交《重点项目建设目标责任书》": the year's planned investment, quotas and 工程进度目标."""
PROGRESS_SHEET = "形象进度"
"""Issue 18: 形象进度, a stage note and a percentage, reported monthly."""

LISTS_HEADER = ("项目编号", "名单", "期间", "列入日期", "调出日期", "遴选目录条目", "依据")
VISITS_HEADER = ("项目编号", "类别", "日期", "人员", "发现问题", "问题编号", "依据")
FUNDING_HEADER = (
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
PER_MU_HEADER = ("项目编号", "年度", "用地面积（亩）", "产值（元）", "营收（元）", "税收（元）")
COMPLETION_HEADER = ("项目编号", "类别", "名称", "日期", "依据")
DECISIONS_HEADER = (
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
TARGETS_HEADER = (
    "对象类型",
    "对象编号",
    "指标",
    "期间",
    "目标值",
    "工程进度目标",
    "依据",
    "设定日期",
    "事由",
)
PROGRESS_HEADER = ("项目编号", "月份", "形象进度（%）", "进度说明", "填报日期", "事由")

COMPLETION_KINDS: dict[str, tuple[str, str, str]] = {
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
SUBJECT_LABEL_ZH: dict[TargetSubject, str] = {
    TargetSubject.AREA: "区域",
    TargetSubject.PROJECT: "项目",
    TargetSubject.DEPARTMENT: "部门",
}
MEASURE_LABEL_ZH: dict[TargetMeasure, str] = {
    TargetMeasure.INVESTMENT: "投资",
    TargetMeasure.STARTS: "开工",
    TargetMeasure.PROGRESS: "形象进度",
}
FOLLOW_UP_BY_LABEL = {v: k for k, v in FOLLOW_UP_LABEL_ZH.items()} | {f.value: f for f in FollowUp}
LIST_BY_LABEL = {n.label_zh: n for n in ListName} | {n.value: n for n in ListName}
WORK_BY_LABEL = {w.label_zh: w for w in SponsorWork} | {w.value: w for w in SponsorWork}
PROGRAM_BY_LABEL = {p.label_zh: p for p in FundingProgram} | {p.value: p for p in FundingProgram}
STATUS_BY_LABEL = {s.label_zh: s for s in FundingStatus} | {s.value: s for s in FundingStatus}
SUBJECT_BY_LABEL = {w: TargetSubject(v) for w, v in SUBJECT_WORDS.items()} | {
    s.value: s for s in TargetSubject
}
MEASURE_BY_LABEL = {w: TargetMeasure(v) for w, v in MEASURE_WORDS.items()} | {
    m.value: m for m in TargetMeasure
}

_EVIDENCE_SEPARATOR = "；"


def evidence_text(evidence: tuple[str, ...] | list[str]) -> str | None:
    """A fact's evidence in one 依据 cell (``；`` between items), ``None`` for none."""
    return _EVIDENCE_SEPARATOR.join(evidence) or None


def split_evidence(cell: Any) -> list[str]:
    """A 依据 cell back into its items (``；``, ``;`` or a new line between them)."""
    text = "" if cell is None else str(cell)
    for sep in (";", "\n"):
        text = text.replace(sep, _EVIDENCE_SEPARATOR)
    return [e.strip() for e in text.split(_EVIDENCE_SEPARATOR) if e.strip()]


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


def _day(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    return value


def read_rows(wb: Any, name: str, header: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """The non-empty rows of sheet ``name`` (none when the workbook has no such sheet), by header cell;
    a header other than ``header`` rejects the file."""
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


def as_date(value: Any) -> date | None:
    """A cell as a date (a date cell, or ISO text), ``None`` when it is neither."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None
