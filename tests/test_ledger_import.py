"""Excel 台账 import: history reconstruction, bad rows, modes, idempotence, round trip."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.domain.actor import Role
from projlife.domain.lifecycle import Pool, Stage
from projlife.domain.project import Project, project_id_for
from projlife.projections.ledger import LedgerRow
from projlife.reports.layout import AmountUnit
from projlife.reports.ledger_export import export_ledger_xlsx, row_values
from projlife.reports.ledger_import import ImportMode, LedgerImportRejected, import_ledger

ZMD = "411700"
HEADERS = [
    "项目编号",
    "项目名称",
    "县市区",
    "行业类别",
    "计划总投资(万元)",
    "谋划日期",
    "入库日期",
    "签约日期",
    "签约金额(万元)",
    "签约对象",
    "开工日期",
    "纳统日期",
    "包保领导",
    "包保部门",
    "出库情况",
]


def good_row(code: str = "ZMD-001", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "项目编号": code,
        "项目名称": "年产10万吨饲料加工项目",
        "县市区": "西平县",
        "行业类别": "工业",
        "计划总投资(万元)": 52000,
        "谋划日期": date(2024, 1, 5),
        "入库日期": "2024-02-01",
        "签约日期": datetime(2024, 3, 15),
        "签约金额(万元)": 50000.5,
        "签约对象": "河南某某实业有限公司",
        "开工日期": "2024年5月20日",
        "纳统日期": None,
        "包保领导": "市领导3",
        "包保部门": "市发改委",
    }
    row.update(overrides)
    return row


def write_xlsx(
    path: Path, rows: list[dict[str, Any]], *, sheet: str = "项目台账", title: str | None = None
) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(h) for h in HEADERS])
    wb.save(path)
    return path


def event_count(app: Projlife) -> int:
    return len(app.store.recorder.select_notifications(None, 1_000_000))


def project(app: Projlife, code: str) -> Project:
    return app.projects.get(project_id_for(ZMD, code))


# -- history ----------------------------------------------------------------------------


def test_a_row_becomes_the_projects_history_marked_as_imported_from_its_cell(
    app: Projlife, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", [good_row()])
    report = import_ledger(app, path, city="zhumadian")
    assert (report.projects_written, report.rows_rejected) == (1, 0)
    p = project(app, "ZMD-001")
    assert p.stage is Stage.STARTED
    assert p.area_code == "411721"
    assert p.stage_date(Stage.RESERVED) == date(2024, 2, 1)
    assert p.stage_date(Stage.SIGNED) == date(2024, 3, 15)
    assert p.stage_date(Stage.STARTED) == date(2024, 5, 20)
    assert p.signed_amount is not None and p.signed_amount.yuan == Decimal("500005000.00")
    assert p.sponsor == ("市领导3", "市发改委")
    events = list(app.store.repository.event_store.get(p.id))
    assert len(events) == 5  # conceived, reserved, signed, started, sponsor
    for event in events:
        assert event.actor.role is Role.IMPORTER  # type: ignore[attr-defined]
        assert tuple(event.evidence) == (f"xlsx:{report.sha256[:16]}:项目台账!R2",)  # type: ignore[attr-defined]
        assert "台账.xlsx" in event.reason and "row 2" in event.reason  # type: ignore[attr-defined]


def test_importing_the_same_file_twice_changes_nothing(app: Projlife, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [good_row("A-1"), good_row("A-2", 开工日期=None)])
    import_ledger(app, path, city="zhumadian")
    before = event_count(app)
    again = import_ledger(app, path, city="zhumadian")
    assert event_count(app) == before
    assert (again.projects_written, again.projects_unchanged, again.events_written) == (0, 2, 0)


def test_a_later_ledger_adds_only_the_new_facts(app: Projlife, tmp_path: Path) -> None:
    import_ledger(app, write_xlsx(tmp_path / "w1.xlsx", [good_row()]), city="zhumadian")
    before = event_count(app)
    later = write_xlsx(tmp_path / "w2.xlsx", [good_row(纳统日期=date(2024, 7, 1))])
    report = import_ledger(app, later, city="zhumadian")
    assert report.events_written == 1
    assert event_count(app) == before + 1
    assert project(app, "ZMD-001").stage is Stage.IN_STATISTICS


def test_a_ledger_contradicting_a_recorded_date_is_reported_not_overwritten(
    app: Projlife, tmp_path: Path
) -> None:
    import_ledger(app, write_xlsx(tmp_path / "w1.xlsx", [good_row()]), city="zhumadian")
    changed = write_xlsx(tmp_path / "w2.xlsx", [good_row(签约日期=date(2024, 3, 16))])
    with pytest.raises(LedgerImportRejected) as exc:
        import_ledger(app, changed, city="zhumadian")
    (problem,) = exc.value.report.problems
    assert (problem.column, problem.header) == ("H", "签约日期")
    assert "2024-03-15" in problem.message
    assert project(app, "ZMD-001").stage_date(Stage.SIGNED) == date(2024, 3, 15)


def test_a_title_row_above_the_header_is_allowed(app: Projlife, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "l.xlsx", [good_row()], title="驻马店市重大项目台账（截至2024年6月30日）")
    report = import_ledger(app, path, city="zhumadian")
    assert report.projects_written == 1
    assert report.problems == ()


# -- bad rows -----------------------------------------------------------------------------

BAD_ROWS = [
    # (row overrides, column letter, header, words in the message)
    ({"项目名称": None}, "B", "项目名称", "missing project name"),
    ({"县市区": "东城区"}, "C", "县市区", "unknown county"),
    ({"开工日期": date(2024, 3, 1)}, "K", "开工日期", "dates out of order"),
    ({"计划总投资(万元)": "约5亿"}, "E", "计划总投资(万元)", "text in a number cell"),
    ({"签约金额(万元)": "待定"}, "I", "签约金额(万元)", "text in a number cell"),
    ({"签约日期": "下月"}, "H", "签约日期", "not a date"),
    ({"行业类别": "矿业"}, "D", "行业类别", "unknown category"),
    ({"签约日期": None, "签约金额(万元)": None, "签约对象": None}, "K", "开工日期", "needs"),
]


@pytest.mark.parametrize(("overrides", "letter", "header", "words"), BAD_ROWS)
def test_a_bad_row_is_reported_with_sheet_row_and_column(
    sqlite_url: str, tmp_path: Path, overrides: dict[str, Any], letter: str, header: str, words: str
) -> None:
    with connect(sqlite_url, create_tables=True) as app:
        path = write_xlsx(tmp_path / "l.xlsx", [good_row("OK-1"), good_row("BAD-1", **overrides)])
        with pytest.raises(LedgerImportRejected) as exc:
            import_ledger(app, path, city="zhumadian")
        problems = exc.value.report.problems
        assert [(p.sheet, p.row, p.column, p.header) for p in problems] == [("项目台账", 3, letter, header)]
        assert words in problems[0].message
        assert event_count(app) == 0  # all or nothing: the good row did not go in either


def test_duplicate_codes_are_reported_on_every_row_that_carries_them(app: Projlife, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "l.xlsx", [good_row("D-1"), good_row("OK"), good_row("D-1", 项目名称="另一个")]
    )
    with pytest.raises(LedgerImportRejected) as exc:
        import_ledger(app, path, city="zhumadian")
    assert [(p.row, p.column) for p in exc.value.report.problems] == [(2, "A"), (4, "A")]
    assert "duplicate" in exc.value.report.problems[0].message


def test_good_rows_only_takes_the_good_rows_and_reports_every_bad_one(app: Projlife, tmp_path: Path) -> None:
    rows = [
        good_row("OK-1"),
        *(good_row(f"BAD-{i}", **o) for i, (o, *_rest) in enumerate(BAD_ROWS)),
        good_row("OK-2"),
    ]
    path = write_xlsx(tmp_path / "l.xlsx", rows)
    report = import_ledger(app, path, city="zhumadian", mode=ImportMode.GOOD_ROWS_ONLY)
    assert report.projects_written == 2
    assert report.rows_rejected == len(BAD_ROWS)
    assert sorted({p.row for p in report.problems}) == list(range(3, 3 + len(BAD_ROWS)))
    assert {p.code for p in (project(app, "OK-1"), project(app, "OK-2"))} == {"OK-1", "OK-2"}
    for i in range(len(BAD_ROWS)):
        assert not app.store.recorder.select_events(project_id_for(ZMD, f"BAD-{i}"), limit=1)


def test_a_project_whose_later_fact_fails_is_not_written_at_all(app: Projlife, tmp_path: Path) -> None:
    # removal from the signed pool is refused for a started project: nothing of the project goes in
    row = good_row("HALF", 出库情况="签约库剔除：长期停滞（2024-06-01）")
    path = write_xlsx(tmp_path / "l.xlsx", [row, good_row("OK")])
    report = import_ledger(app, path, city="zhumadian", mode="good_rows_only")
    assert report.projects_written == 1
    (problem,) = report.problems
    assert problem.header == "出库情况"
    assert not app.store.recorder.select_events(project_id_for(ZMD, "HALF"), limit=1)


def test_a_sheet_missing_a_required_column_is_reported(app: Projlife, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["项目编号", "项目名称", "县市区"])
    ws.append(["X-1", "某项目", "西平县"])
    wb.save(tmp_path / "l.xlsx")
    with pytest.raises(LedgerImportRejected) as exc:
        import_ledger(app, tmp_path / "l.xlsx", city="zhumadian")
    assert "行业类别" in exc.value.report.problems[0].message


# -- round trip -----------------------------------------------------------------------------


def _rows(app: Projlife, as_of: date | None) -> list[LedgerRow]:
    app.projections.run()
    return app.ledger.rows(city="zhumadian", as_of=as_of, with_details=True)


def _ledger(app: Projlife, as_of: date) -> list[dict[str, Any]]:
    city = app.city("zhumadian")
    out = []
    for row in _rows(app, as_of):
        values = row_values(row, city)
        values.pop("verified")  # only a verifier sets it; imported facts are claims
        out.append(values)
    return out


@pytest.mark.parametrize(
    "unit",
    # 万元 (the default unit) in the quick run, 元 and 亿元 in the long run; the cell property below
    # checks every unit to the cent in the quick run
    [pytest.param(u, marks=() if u is AmountUnit.WAN else pytest.mark.slow) for u in AmountUnit],
)
def test_an_exported_ledger_reimports_to_the_same_ledger(
    db_url: str, tmp_path: Path, unit: AmountUnit
) -> None:
    as_of = date(2024, 12, 31)
    source = connect(f"sqlite:///{tmp_path / 'source.db'}", create_tables=True)
    target = connect(db_url, create_tables=True)
    try:
        city = source.city("zhumadian")
        source.projects.ingest(simulate(city, 120, seed=7, as_of=as_of).commands)
        first = tmp_path / "first.xlsx"
        export_ledger_xlsx(_rows(source, as_of), first, city=city, as_of=as_of, unit=unit)
        report = import_ledger(target, first, city="zhumadian")
        assert report.projects_written == 120
        assert _ledger(target, as_of) == _ledger(source, as_of)
        second = tmp_path / "second.xlsx"
        export_ledger_xlsx(_rows(target, as_of), second, city=city, as_of=as_of, unit=unit)
        a = [[c.value for c in r] for r in load_workbook(first).active.iter_rows()]  # type: ignore[union-attr]
        b = [[c.value for c in r] for r in load_workbook(second).active.iter_rows()]  # type: ignore[union-attr]
        verified = a[1].index("核实情况")
        assert [r[:verified] for r in a] == [r[:verified] for r in b]
    finally:
        source.close()
        target.close()


def test_the_exported_sheet_has_a_frozen_header_filters_and_formats(app: Projlife, tmp_path: Path) -> None:
    import_ledger(app, write_xlsx(tmp_path / "in.xlsx", [good_row()]), city="zhumadian")
    city = app.city("zhumadian")
    out = tmp_path / "out.xlsx"
    export_ledger_xlsx(_rows(app, None), out, city=city, as_of=date(2024, 12, 31), unit="亿元")
    ws = load_workbook(out).active
    assert ws is not None
    assert ws["A1"].value == "驻马店市重大项目台账（截至2024年12月31日）"
    assert ws.freeze_panes == "C3"
    assert ws.auto_filter.ref == "A2:AF3"
    assert ws["H2"].value == "计划总投资(亿元)"
    assert ws["H3"].value == pytest.approx(5.2) and ws["H3"].number_format == "#,##0.0000"
    assert ws["L3"].number_format == "yyyy-mm-dd"


def test_the_exported_sheet_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(
    app: Projlife, tmp_path: Path
) -> None:
    import_ledger(app, write_xlsx(tmp_path / "in.xlsx", [good_row(), good_row("ZMD-002")]), city="zhumadian")
    out = tmp_path / "out.xlsx"
    export_ledger_xlsx(_rows(app, None), out, city=app.city("zhumadian"), as_of=date(2024, 12, 31))
    ws = load_workbook(out).active
    assert ws is not None
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$2"
    assert ws.print_area == "'台账'!$A$1:$AF$4"
    assert "&P" in ws.oddFooter.center.text
    assert ws["A3"].alignment.shrink_to_fit and ws["F3"].alignment.shrink_to_fit
    assert ws["B3"].alignment.wrap_text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cents=st.integers(min_value=0, max_value=10**13),
    unit=st.sampled_from(list(AmountUnit)),
)
def test_any_amount_to_the_cent_survives_the_xlsx_cell(tmp_path: Path, cents: int, unit: AmountUnit) -> None:
    from projlife.reports.ledger_import_check import _cell_decimal, _yuan

    yuan = Decimal(cents) / 100
    divisor = unit.yuan
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = yuan / divisor
    wb.save(tmp_path / "amount.xlsx")
    raw = load_workbook(tmp_path / "amount.xlsx").active["A1"].value  # type: ignore[union-attr]
    assert _yuan(_cell_decimal(raw), unit) == yuan


def test_removals_and_cancellations_survive_the_round_trip(app: Projlife, tmp_path: Path) -> None:
    row = good_row("R-1", 出库情况="开工库剔除：开工三个月未纳统（2024-10-01）")
    import_ledger(app, write_xlsx(tmp_path / "l.xlsx", [row]), city="zhumadian")
    p = project(app, "R-1")
    assert Pool.STARTED in p.removed_from
    assert p.removed_from[Pool.STARTED][1] == date(2024, 10, 1)
