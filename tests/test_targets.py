"""Targets as data (001: 每年初…递交《重点项目建设目标责任书》) and 形象进度 (issue 18 item 1).

Targets and progress reports are events of the city's TargetBook: read as of a business date,
imported from an Excel sheet all-or-nothing, refused when wrong with nothing written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.app.application import Projlife
from projlife.app.commands import ConceiveProject, ReportInvestment, SignProject
from projlife.domain.actor import Actor, Role
from projlife.domain.errors import CommandRejected, ProjlifeError
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.domain.targets import TargetBook, target_book_id_for
from projlife.projections.counting import Counting
from projlife.projections.counting.indicators import project_completion
from projlife.targets import TargetRow

OFFICE = Actor("office-zmd", Role.ADMIN)
CLERK = Actor("clerk-zmd", Role.CLERK)


def _project(app: Projlife, code: str = "ZMD-1") -> None:
    app.projects.execute(
        ConceiveProject(
            code=code,
            project_name="项目",
            city_code="411700",
            area_code="411702",
            category="industrial",
            planned_investment_yuan=Money.yi(3).yuan,
            occurred_on=date(2025, 1, 2),
            actor=CLERK,
        )
    )


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["对象类型", "对象编号", "指标", "期间", "目标值", "工程进度目标", "依据"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_target_set_again_supersedes_from_its_own_business_date(app: Projlife) -> None:
    row = TargetRow("area", "411702", "investment", "2025", "500000000", source="目标责任书")
    app.targets.set_target(
        "zhumadian", row, occurred_on=date(2025, 1, 5), actor=OFFICE, reason="年初目标责任书"
    )
    revised = TargetRow("area", "411702", "investment", "2025", "600000000")
    app.targets.set_target(
        "zhumadian", revised, occurred_on=date(2025, 7, 1), actor=OFFICE, reason="年中调整"
    )
    early = app.targets.table("zhumadian", date(2025, 6, 30)).get("area", "411702", "investment", "2025")
    late = app.targets.table("zhumadian", date(2025, 7, 1)).get("area", "411702", "investment", "2025")
    assert early is not None and early.value == Decimal("500000000") and early.reason == "年初目标责任书"
    assert late is not None and late.value == Decimal("600000000") and late.actor_id == "office-zmd"
    assert (
        app.targets.table("zhumadian", date(2025, 1, 4)).get("area", "411702", "investment", "2025") is None
    )


def test_a_sheet_imports_area_and_project_targets_and_the_progress_goal(
    app: Projlife, tmp_path: Path
) -> None:
    _project(app)
    path = _sheet(
        tmp_path / "目标责任书.xlsx",
        [
            ["县区", "411702", "年度计划投资", 2025, 800000000, "", "目标责任书"],
            ["项目", "ZMD-1", "投资", "2025", "120000000", "", "目标责任书"],
            ["项目", "ZMD-1", "形象进度", "2025", 60, "主体结构封顶", "目标责任书"],
            ["区域", "411702", "开工", "2025-Q1", 3, "", "目标责任书"],
        ],
    )
    n = app.targets.import_sheet(
        "zhumadian", path, occurred_on=date(2025, 1, 6), actor=OFFICE, reason="2025年目标责任书"
    )
    assert n == 4
    table = app.targets.table("zhumadian", date(2025, 1, 6))
    goal = table.get("project", "ZMD-1", "progress", "2025")
    assert goal is not None and goal.value == 60 and goal.note == "主体结构封顶"
    assert [e.subject for e in table.of_kind("area", "starts", "2025-Q1")] == ["411702"]


def test_a_sheet_with_one_bad_row_writes_nothing_and_names_every_bad_row(
    app: Projlife, tmp_path: Path
) -> None:
    path = _sheet(
        tmp_path / "bad.xlsx",
        [
            ["县区", "411702", "投资", 2025, 800000000, "", ""],
            ["县区", "999999", "投资", 2025, 1, "", ""],
            ["项目", "NO-SUCH", "投资", 2025, 1, "", ""],
            ["县区", "411702", "形象进度", 2025, 120, "", ""],
        ],
    )
    with pytest.raises(CommandRejected) as exc:
        app.targets.import_sheet(
            "zhumadian", path, occurred_on=date(2025, 1, 6), actor=OFFICE, reason="目标责任书"
        )
    fields = [p.field for p in exc.value.problems]
    assert fields == ["row 2", "row 3", "row 4"]
    assert app.targets.book("zhumadian") is None


def test_a_sheet_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from projlife.targets import read_sheet

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["对象编号", "目标值"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(CommandRejected, match="missing columns"):
        read_sheet(tmp_path / "x.xlsx")


def test_progress_is_reported_monthly_with_a_stage_note_and_read_as_of(app: Projlife) -> None:
    _project(app)
    app.targets.report_progress(
        "zhumadian",
        project_code="ZMD-1",
        month=date(2025, 3, 1),
        percent=Decimal("35"),
        stage_note="基础施工",
        occurred_on=date(2025, 4, 3),
        actor=CLERK,
    )
    app.targets.report_progress(
        "zhumadian",
        project_code="ZMD-1",
        month=date(2025, 4, 1),
        percent=Decimal("48.5"),
        stage_note="主体施工",
        occurred_on=date(2025, 5, 4),
        actor=CLERK,
    )
    assert app.targets.table("zhumadian", date(2025, 4, 30)).progress["ZMD-1"].percent == 35
    latest = app.targets.table("zhumadian", date(2025, 5, 4)).progress["ZMD-1"]
    assert (latest.percent, latest.stage_note) == (Decimal("48.5"), "主体施工")
    with pytest.raises(CommandRejected):
        app.targets.report_progress(
            "zhumadian",
            project_code="NOPE",
            month=date(2025, 4, 1),
            percent=Decimal(1),
            stage_note="x",
            occurred_on=date(2025, 5, 4),
            actor=CLERK,
        )


def test_a_projects_investment_completion_is_reported_investment_over_its_annual_plan(app: Projlife) -> None:
    _project(app)
    pid = project_id_for("411700", "ZMD-1")
    app.projects.execute(
        SignProject(
            project_id=pid,
            amount_yuan=Money.yi(3).yuan,
            counterparty="某公司",
            occurred_on=date(2025, 1, 10),
            actor=CLERK,
        )
    )
    for month, amount in ((1, 10_000_000), (2, 20_000_000)):
        app.projects.execute(
            ReportInvestment(
                project_id=pid,
                month=date(2025, month, 1),
                amount_yuan=Decimal(amount),
                occurred_on=date(2025, month + 1, 5),
                actor=CLERK,
            )
        )
    app.targets.set_target(
        "zhumadian",
        TargetRow("project", "ZMD-1", "investment", "2025", "120000000"),
        occurred_on=date(2025, 1, 5),
        actor=OFFICE,
        reason="目标责任书",
    )
    app.projections.run()
    (facts,) = Counting(app.engine).projects("411700", as_of=date(2025, 3, 31))
    value = project_completion(
        facts, app.targets.table("zhumadian", date(2025, 3, 31)), Period.parse("2025"), date(2025, 3, 31)
    )
    assert (value.numerator, value.denominator, value.value) == (
        Decimal(30_000_000),
        Decimal(120_000_000),
        Decimal("0.25"),
    )


@given(st.decimals(min_value=-1000, max_value=1000, places=2))
def test_a_progress_percentage_outside_0_to_100_is_refused_and_records_nothing(percent: Decimal) -> None:
    book = TargetBook.open("411700")
    before = len(book.pending_events)
    try:
        book.report_progress(
            project_code="P",
            month=date(2025, 1, 1),
            percent=percent,
            stage_note="s",
            occurred_on=date(2025, 1, 31),
            actor=CLERK,
        )
    except ProjlifeError:
        assert not 0 <= percent <= 100
        assert len(book.pending_events) == before
    else:
        assert 0 <= percent <= 100
        assert book.progress[-1].percent == percent


def test_the_target_book_id_is_one_per_city() -> None:
    assert target_book_id_for("411700") == target_book_id_for("411700") != target_book_id_for("420900")


def test_a_departments_investment_completion_counts_the_projects_it_sponsors(app: Projlife) -> None:
    from projlife.app.commands import AssignSponsor
    from projlife.projections.counting.indicators import department_completion

    for code, dept, amount in (
        ("ZMD-1", "市发改委", 30_000_000),
        ("ZMD-2", "市发改委", 10_000_000),
        ("ZMD-3", "市工信局", 5_000_000),
    ):
        _project(app, code)
        pid = project_id_for("411700", code)
        app.projects.execute(
            SignProject(
                project_id=pid,
                amount_yuan=Money.yi(3).yuan,
                counterparty="某公司",
                occurred_on=date(2025, 1, 10),
                actor=CLERK,
            )
        )
        app.projects.execute(
            AssignSponsor(
                project_id=pid, leader="张副市长", department=dept, occurred_on=date(2025, 1, 10), actor=CLERK
            )
        )
        app.projects.execute(
            ReportInvestment(
                project_id=pid,
                month=date(2025, 2, 1),
                amount_yuan=Decimal(amount),
                occurred_on=date(2025, 3, 5),
                actor=CLERK,
            )
        )
    app.targets.set_target(
        "zhumadian",
        TargetRow("department", "市发改委", "investment", "2025", "160000000"),
        occurred_on=date(2025, 1, 5),
        actor=OFFICE,
        reason="目标责任书",
    )
    app.projections.run()
    facts = Counting(app.engine).projects("411700", as_of=date(2025, 3, 31))
    table = app.targets.table("zhumadian", date(2025, 3, 31))
    by_dept = department_completion(facts, table, Period.parse("2025"), date(2025, 3, 31))
    assert by_dept["市发改委"].value == Decimal("0.25")
    assert by_dept["市发改委"].against == ("department:市发改委:investment:2025@2",)
    assert by_dept["市工信局"].denominator is None and by_dept["市工信局"].value is None
