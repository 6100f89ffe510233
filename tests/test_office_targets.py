"""The annual targets (目标责任书) and 形象进度 on the office surfaces: the workbook and OC4IDS.

Seed 001: "每年初…递交《重点项目建设目标责任书》". Hand-worked on the 驻马店 drive of
``test_office_exports.py``: on 2024-01-10 the 2024 目标责任书 sets ZMD-A's 年度计划投资 at 8000万元
(工程进度目标 "主体封顶") and 驿城区's Q2 开工 quota at 3; on 2024-04-01 ZMD-A's is raised to 9000万元
(a second setting, in force from that date); ZMD-A reports 形象进度 45% ("主体结构施工") for May on
06-05. As of 2024-06-30 the target in force for ZMD-A is 9000万元, set on 04-01.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.app.application import Projlife, connect
from projlife.domain.actor import Actor
from projlife.reports.ledger_export import export_ledger_xlsx
from projlife.reports.ledger_import import import_ledger
from projlife.reports.oc4ids import project_package, validate_package
from projlife.reports.office_oc4ids import project_office_facts
from projlife.reports.office_sheet_layout import evidence_text, split_evidence
from projlife.reports.office_sheets import (
    LISTS_SHEET,
    PROGRESS_SHEET,
    TARGETS_SHEET,
    OfficeImportRejected,
    export_office_xlsx,
    import_office_xlsx,
)
from projlife.targets import TargetRow
from test_office_exports import AS_OF, OC4IDS, office_drive
from test_working_week import AREA, CITY

HEAD = Actor("office-head", "clerk", AREA)


def _targets(app: Projlife) -> None:
    app.targets.set_targets(
        CITY,
        [
            TargetRow(
                "project", "ZMD-A", "investment", "2024", Decimal("80000000"), "主体封顶", "2024目标责任书"
            ),
            TargetRow("area", AREA, "starts", "2024-Q2", Decimal(3)),
        ],
        occurred_on=date(2024, 1, 10),
        actor=HEAD,
        reason="2024年重点项目建设目标责任书",
    )
    app.targets.set_target(
        CITY,
        TargetRow(
            "project", "ZMD-A", "investment", "2024", Decimal("90000000"), "主体封顶", "2024目标责任书"
        ),
        occurred_on=date(2024, 4, 1),
        actor=HEAD,
        reason="年中调整",
    )
    app.targets.report_progress(
        CITY,
        project_code="ZMD-A",
        month=date(2024, 5, 1),
        percent=Decimal(45),
        stage_note="主体结构施工",
        occurred_on=date(2024, 6, 5),
        actor=HEAD,
    )


def _book(app: Projlife) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    book = app.targets.book(CITY)
    assert book is not None
    targets = [(t.key, t.value, t.note, t.source, t.occurred_on) for t in book.targets]
    progress = [(p.project_code, p.month, p.percent, p.stage_note, p.occurred_on) for p in book.progress]
    return targets, progress


def test_the_office_workbook_carries_the_targets_and_progress_and_they_round_trip(
    app: Projlife, tmp_path: Path
) -> None:
    office_drive(app)
    _targets(app)
    city = app.city("zhumadian")
    office = tmp_path / "office.xlsx"
    export_office_xlsx(app.office, office, city_code=CITY, as_of=AS_OF, targets=app.targets.book(CITY))
    wb = openpyxl.load_workbook(office)
    assert [[c.value for c in row] for row in wb[TARGETS_SHEET].iter_rows(min_row=2)] == [
        [
            "项目",
            "ZMD-A",
            "投资",
            "2024",
            "80000000",
            "主体封顶",
            "2024目标责任书",
            datetime(2024, 1, 10),
            "2024年重点项目建设目标责任书",
        ],
        [
            "区域",
            AREA,
            "开工",
            "2024-Q2",
            "3",
            None,
            None,
            datetime(2024, 1, 10),
            "2024年重点项目建设目标责任书",
        ],
        [
            "项目",
            "ZMD-A",
            "投资",
            "2024",
            "90000000",
            "主体封顶",
            "2024目标责任书",
            datetime(2024, 4, 1),
            "年中调整",
        ],
    ]
    assert [c.value for c in wb[PROGRESS_SHEET][2]] == [
        "ZMD-A",
        "2024-05",
        "45",
        "主体结构施工",
        datetime(2024, 6, 5),
        "形象进度月报",
    ]
    # as of 03-31 the raise is not yet set, nor the May report made
    early = tmp_path / "early.xlsx"
    export_office_xlsx(
        app.office, early, city_code=CITY, as_of=date(2024, 3, 31), targets=app.targets.book(CITY)
    )
    early_wb = openpyxl.load_workbook(early)
    assert early_wb[TARGETS_SHEET].max_row == 1 + 2 and early_wb[PROGRESS_SHEET].max_row == 1
    ledger = tmp_path / "ledger.xlsx"
    export_ledger_xlsx(
        app.ledger.rows(city=CITY, as_of=AS_OF, with_details=True), ledger, city=city, as_of=AS_OF
    )
    with connect(f"sqlite:///{tmp_path / 'copy.db'}", create_tables=True) as copy:
        import_ledger(copy, ledger, city="zhumadian")
        report = import_office_xlsx(office, city_code=CITY, app=copy)
        # stays, leave, visits, applied, approved, certificate, parts, meeting, decision, follow-up (no 亩均
        # year asked), then three targets and one report
        assert report.commands == 5 + 1 + 3 + 1 + 1 + 1 + 2 + 1 + 1 + 1 + 3 + 1
        assert _book(copy) == _book(app)
        table = copy.targets.table(CITY, AS_OF)
        assert table.get("project", "ZMD-A", "investment", "2024").value == Decimal("90000000")  # type: ignore[union-attr]
        assert copy.targets.table(CITY, date(2024, 3, 31)).get(
            "project", "ZMD-A", "investment", "2024"
        ).value == (  # type: ignore[union-attr]
            Decimal("80000000")
        )
        # 名单's 依据 came back as the stay's evidence, after the file's own
        copy.projections.run()
        stays = {(m.code, m.list_name.value): m.evidence for m in copy.office.list_memberships(CITY)}
        assert stays[("ZMD-A", "city_key")][1:] == ("驻政〔2024〕3号",)
        assert stays[("ZMD-A", "city_key")][0].startswith("xlsx:")
        again = import_office_xlsx(office, city_code=CITY, app=copy)
        assert (again.commands, again.events) == (0, 0)


def test_a_bad_target_or_progress_row_rejects_the_whole_workbook_and_writes_nothing(
    app: Projlife, tmp_path: Path
) -> None:
    office_drive(app)
    wb = openpyxl.Workbook()
    lists = wb.active
    assert lists is not None
    lists.title = LISTS_SHEET
    lists.append(["项目编号", "名单", "期间", "列入日期", "调出日期", "遴选目录条目", "依据"])
    lists.append(["ZMD-G", "预备", "2024", date(2024, 5, 6), None, None, "驻发改〔2024〕9号"])  # good
    targets = wb.create_sheet(TARGETS_SHEET)
    targets.append(
        ["对象类型", "对象编号", "指标", "期间", "目标值", "工程进度目标", "依据", "设定日期", "事由"]
    )
    targets.append(["项目", "ZMD-A", "投资", 2024, 80000000, None, None, date(2024, 1, 10), None])  # good
    targets.append(
        ["项目", "ZMD-ZZ", "投资", "2024", "1", None, None, date(2024, 1, 10), None]
    )  # no such project
    targets.append(
        ["项目", "ZMD-A", "形象进度", "2024", "120", None, None, date(2024, 1, 10), None]
    )  # > 100%
    targets.append(["县区", AREA, "产值", "2024", "1", None, None, "soon", None])  # no such measure, no date
    progress = wb.create_sheet(PROGRESS_SHEET)
    progress.append(["项目编号", "月份", "形象进度（%）", "进度说明", "填报日期", "事由"])
    progress.append(["ZMD-A", "2024-05", "45", "", date(2024, 6, 5), None])  # no stage note
    progress.append(["ZMD-A", "2024-06", "50", "封顶", date(2024, 5, 20), None])  # before the month began
    path = tmp_path / "office.xlsx"
    wb.save(path)
    before = app.store.recorder.max_notification_id()
    with pytest.raises(OfficeImportRejected) as rejected:
        import_office_xlsx(path, city_code=CITY, app=app)
    assert set(rejected.value.rows) == {f"{TARGETS_SHEET}!R{r}" for r in (3, 4, 5)} | {
        f"{PROGRESS_SHEET}!R{r}" for r in (2, 3)
    }
    assert any("exceeds 100" in m for m in rejected.value.rows[f"{TARGETS_SHEET}!R4"])
    assert len(rejected.value.rows[f"{TARGETS_SHEET}!R5"]) == 2  # both the measure and the date
    assert app.store.recorder.max_notification_id() == before
    assert app.targets.book(CITY) is None  # not even the good rows
    # the bad rows removed: the stay, the target and the report go in together
    targets.delete_rows(3, 3)
    progress.delete_rows(3, 1)
    progress.cell(row=2, column=4, value="主体结构施工")
    wb.save(path)
    report = import_office_xlsx(path, city_code=CITY, app=app)
    assert report.commands == 1 + 1 + 1
    book = app.targets.book(CITY)
    assert (
        book is not None
        and len(book.targets) == 1
        and book.progress[0].reason.startswith("导入 office.xlsx (xlsx:")
    )


def test_the_oc4ids_office_extension_carries_the_targets_in_force_and_the_progress_reports(
    app: Projlife,
) -> None:
    if not OC4IDS.exists():
        pytest.skip("OC4IDS schema files not present")
    office_drive(app)
    _targets(app)
    city = app.city("zhumadian")
    rows = app.ledger.rows(city=CITY, as_of=AS_OF, with_details=True)
    facts = project_office_facts(app.office, CITY, as_of=AS_OF, targets=app.targets.book(CITY))
    package = project_package(rows, city, as_of=AS_OF, office=facts)
    assert validate_package(package, OC4IDS) == []
    a = next(p for p in package["projects"] if p["identifiers"][0]["id"] == "ZMD-A")["projlife"]["office"]
    assert a["targets"] == [
        {
            "measure": "investment",
            "measureLabel": "年度计划投资",
            "period": "2024",
            "value": 90000000,
            "unit": "CNY",
            "engineeringTarget": "主体封顶",
            "source": "2024目标责任书",
            "setDate": "2024-04-01",
        }
    ]
    assert a["progress"] == [
        {"month": "2024-05", "percent": 45, "stageNote": "主体结构施工", "reportedDate": "2024-06-05"}
    ]
    # as of 03-31: the first setting, and no report yet
    early = project_office_facts(app.office, CITY, as_of=date(2024, 3, 31), targets=app.targets.book(CITY))
    first = next(f for f in early.values() if f.targets)
    assert [(t.value, t.occurred_on) for t in first.targets] == [(Decimal("80000000"), date(2024, 1, 10))]
    assert first.progress == ()


_item = (
    st.text(st.characters(blacklist_characters="；;\n", blacklist_categories=("Cs",)), min_size=1)
    .map(str.strip)
    .filter(bool)
)


@given(st.lists(_item, max_size=5))
def test_a_basis_cell_gives_back_the_evidence_it_was_written_from(evidence: list[str]) -> None:
    assert split_evidence(evidence_text(evidence)) == evidence
