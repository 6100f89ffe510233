"""The office workbook's later sheets in: 验收发证, 会议决定, 目标责任书 and 形象进度.

Each reader takes the :class:`~projlife.reports.office_sheet_import.SheetImport` in progress: it
adds the commands of its rows (checked later, in file order, with the others) or, for the target
book, applies its rows to the book in memory; it skips the facts already recorded and notes
every problem with its ``<sheet>!R<row>``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from projlife.domain.actor import Actor
from projlife.domain.errors import ProjlifeError
from projlife.domain.meeting import meeting_id_for
from projlife.reports.office_sheet_layout import (
    COMPLETION_HEADER,
    COMPLETION_KINDS,
    COMPLETION_SHEET,
    DECISIONS_HEADER,
    DECISIONS_SHEET,
    FOLLOW_UP_BY_LABEL,
    MEASURE_BY_LABEL,
    PROGRESS_HEADER,
    PROGRESS_SHEET,
    SUBJECT_BY_LABEL,
    TARGETS_HEADER,
    TARGETS_SHEET,
    as_date,
    read_rows,
)
from projlife.targets import TargetRow

if TYPE_CHECKING:
    from projlife.reports.office_sheet_import import SheetImport

__all__ = ["completion_rows", "decision_rows", "progress_rows", "target_rows"]


def completion_rows(job: SheetImport, wb: Any) -> None:
    """验收发证: certificates (竣工即发证, 003) and parts accepted or producing (分批验收、边建设边验收, 001)."""
    known = {
        (code, label, item, on)
        for label, (_cmd, _field, topic) in COMPLETION_KINDS.items()
        for _pid, code, item, on in job.reads.project_dates(job.city_code, topic)
    }
    for r, v in read_rows(wb, COMPLETION_SHEET, COMPLETION_HEADER):
        code, label = str(v["项目编号"]).strip(), str(v["类别"]).strip()
        name = None if v["名称"] is None else str(v["名称"]).strip()
        if (code, label, name, v["日期"]) in known:
            job.skipped += 1
            continue
        command, field, _topic = COMPLETION_KINDS.get(label, ("issue_certificate", "certificate", ""))
        job.add(
            COMPLETION_SHEET,
            r,
            command,
            {"project_id": job.pid(code), field: name, "occurred_on": v["日期"]},
            {"类别": (label, COMPLETION_KINDS)},
            evidence=[str(v["依据"])] if v["依据"] else [],
        )


def decision_rows(job: SheetImport, wb: Any) -> None:
    """会议决定: one row per decision of a weekly meeting (001: 每周二召开的重点项目推进周例会), with its
    latest follow-up; a meeting not yet recorded is convened by its first row."""
    app, city_code = job.app, job.city_code
    known = {(d.meeting_id, d.number): d for d in app.office.decisions(city_code)}
    counts: dict[str, int] = {}
    for d in known.values():
        counts[d.meeting_id] = max(counts.get(d.meeting_id, 0), d.number)
    convened: set[str] = set()
    for r, v in read_rows(wb, DECISIONS_SHEET, DECISIONS_HEADER):
        where = f"{DECISIONS_SHEET}!R{r}"
        area = str(v["会议区域"] or "").strip()
        held = v["会议日期"]
        if not isinstance(held, date):
            job.problem(f"{where} 会议日期", "not a date", held)
            continue
        mid = str(meeting_id_for(city_code, area, held))
        if mid not in counts and mid not in convened:
            convened.add(mid)
            if app.store.recorder.select_events(meeting_id_for(city_code, area, held), limit=1):
                counts[mid] = 0  # convened, no decision recorded yet
            else:
                job.add(
                    DECISIONS_SHEET,
                    r,
                    "convene_meeting",
                    {"city_code": city_code, "area_code": area, "chair": v["主持人"], "occurred_on": held},
                    {},
                )
        number = v["序号"]
        if not isinstance(number, int) or isinstance(number, bool):
            job.problem(f"{where} 序号", "not a decision number (1, 2, …)", number)
            continue
        decision = known.get((mid, number))
        if decision is None:
            expected = counts.get(mid, 0) + 1
            if number != expected:
                job.problem(f"{where} 序号", f"the meeting's next decision is number {expected}", number)
                continue
            counts[mid] = number
            job.add(
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
            job.problem(
                f"{where} 决定",
                f"decision {number} of this meeting is recorded as {decision.subject}: "
                f"{decision.decision!r}; a recorded decision is not overwritten",
                v["决定"],
            )
            continue
        else:
            job.skipped += 1
        label = None if v["督办结果"] is None else str(v["督办结果"]).strip()
        if label is None:
            continue
        outcome = FOLLOW_UP_BY_LABEL.get(label)
        if (
            decision is not None
            and outcome is not None
            and (decision.outcome, decision.followed_up_on) == (outcome, v["督办日期"])
        ):
            job.skipped += 1
            continue
        job.add(
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
            {"督办结果": (label, FOLLOW_UP_BY_LABEL)},
        )


def _text(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return "" if value is None else str(value).strip()


def _number(value: Any) -> Decimal:
    if value is None or isinstance(value, bool):
        raise InvalidOperation("empty")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(str(value).replace(",", "").strip())


def _key(row: TargetRow) -> tuple[str, str, str, str]:
    return (row.subject_kind.value, row.subject, row.measure.value, row.period)


def target_rows(job: SheetImport, wb: Any) -> None:
    """目标责任书 (001: "每年初…递交《重点项目建设目标责任书》"): each row a target set on its 设定日期.

    A row whose target (subject, measure, period, value, 工程进度目标, 依据 and date) is in the book
    is skipped; the others are checked as ``app.targets.set_targets`` checks them (the area or
    project exists, the period and the value are well formed) and added to the book in file
    order, so a later row for the same target supersedes an earlier one from its own date.
    """
    parsed: list[tuple[int, TargetRow, date, str]] = []
    for r, v in read_rows(wb, TARGETS_SHEET, TARGETS_HEADER):
        where = f"{TARGETS_SHEET}!R{r}"
        kind = SUBJECT_BY_LABEL.get(_text(v["对象类型"]))
        measure = MEASURE_BY_LABEL.get(_text(v["指标"]))
        set_on = as_date(v["设定日期"])
        bad = [
            (col, msg)
            for col, ok, msg in (
                ("对象类型", kind is not None, f"{v['对象类型']!r} is not 区域, 项目 or 部门"),
                ("指标", measure is not None, f"{v['指标']!r} is not 投资, 开工 or 形象进度"),
                ("设定日期", set_on is not None, "not a date"),
            )
            if not ok
        ]
        try:
            value = _number(v["目标值"])
        except (InvalidOperation, ValueError):
            bad.append(("目标值", f"{v['目标值']!r} is not a number"))
        for col, msg in bad:
            job.problem(f"{where} {col}", msg)
        if bad:
            continue
        assert kind is not None and measure is not None and set_on is not None
        row = TargetRow(
            kind,
            _text(v["对象编号"]),
            measure,
            _text(v["期间"]),
            value,
            _text(v["工程进度目标"]),
            _text(v["依据"]),
        )
        parsed.append((r, row, set_on, _text(v["事由"]) or f"{job.reason} ({job.provenance(where)})"))
    if not parsed:
        return
    book = job.book()
    recorded = {(t.key, t.value, t.note, t.source, t.occurred_on) for t in book.targets}
    fresh = [p for p in parsed if (_key(p[1]), p[1].value, p[1].note, p[1].source, p[2]) not in recorded]
    job.skipped += len(parsed) - len(fresh)
    if not fresh:
        return
    problems = job.app.targets.check_rows(job.city_code, [p[1] for p in fresh], allow_repeats=True)
    for p in problems:  # "row i" of the rows checked
        r = fresh[int(p.field.split()[1]) - 1][0]
        job.problem(f"{TARGETS_SHEET}!R{r}", p.message, p.value)
    if problems:
        return
    actor = Actor(str(job.actor["id"]), "importer")
    for _r, row, set_on, reason in fresh:
        row.set_in(book, occurred_on=set_on, actor=actor, reason=reason)
        job.book_changed = True
        job.book_entries += 1


def _month(value: Any) -> date | None:
    if isinstance(value, date):
        return value.replace(day=1)
    text = _text(value)
    try:
        return date.fromisoformat(f"{text}-01") if len(text) == 7 else date.fromisoformat(text).replace(day=1)
    except ValueError:
        return None


def progress_rows(job: SheetImport, wb: Any) -> None:
    """形象进度 (issue 18: a stage note and a percentage, reported monthly): each row a report of its
    project for its month on its 填报日期; a report already in the book is skipped."""
    rows = read_rows(wb, PROGRESS_SHEET, PROGRESS_HEADER)
    if not rows:
        return
    book = job.book()
    recorded = {(p.project_code, p.month, p.percent, p.stage_note, p.occurred_on) for p in book.progress}
    codes = job.app.targets.project_codes(job.city_code)
    actor = Actor(str(job.actor["id"]), "importer")
    for r, v in rows:
        where = f"{PROGRESS_SHEET}!R{r}"
        code, month, on = _text(v["项目编号"]), _month(v["月份"]), as_date(v["填报日期"])
        try:
            percent: Decimal | None = _number(v["形象进度（%）"])
        except (InvalidOperation, ValueError):
            percent = None
        problems = [
            (col, msg)
            for col, ok, msg in (
                ("项目编号", code in codes, f"no project {code!r} in the city"),
                ("月份", month is not None, f"{v['月份']!r} is not a month (2024-05)"),
                ("形象进度（%）", percent is not None, f"{v['形象进度（%）']!r} is not a percentage"),
                ("填报日期", on is not None, "not a date"),
            )
            if not ok
        ]
        for col, msg in problems:
            job.problem(f"{where} {col}", msg)
        if problems:
            continue
        assert month is not None and percent is not None and on is not None
        note = _text(v["进度说明"])
        if (code, month, percent, note, on) in recorded:
            job.skipped += 1
            continue
        try:
            book.report_progress(
                project_code=code,
                month=month,
                percent=percent,
                stage_note=note,
                occurred_on=on,
                actor=actor,
                reason=_text(v["事由"]) or f"{job.reason} ({job.provenance(where)})",
            )
        except ProjlifeError as exc:
            job.problem(f"{where} ({PROGRESS_SHEET})", exc.reason, exc.allowed or None)
            continue
        job.book_changed = True
        job.book_entries += 1
