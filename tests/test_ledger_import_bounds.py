"""A ledger file from outside is bounded and malformed cells are row problems, never tracebacks.

Zip bombs, runaway sheets, thousands of rows sharing one code, amounts like 1e30, formula
cells, 元 amounts under a header without a unit, and a header with no rows under it: each is
reported clearly, and nothing is written on a refusal.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from projlife.app.application import Projlife
from projlife.domain.project import project_id_for
from projlife.reports.ledger_import import (
    ImportLimits,
    ImportMode,
    LedgerFileRejected,
    LedgerImportRejected,
    import_ledger,
)
from projlife.reports.ledger_import_check import DEFAULT_LIMITS
from test_ledger_import import HEADERS, ZMD, event_count, good_row, write_xlsx


def _written(app: Projlife, code: str) -> bool:
    return bool(app.store.recorder.select_events(project_id_for(ZMD, code), limit=1))


def test_a_workbook_that_inflates_past_the_limit_is_refused_before_it_is_opened(
    app: Projlife, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "bomb.xlsx", [good_row("B-1")])
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.xml", b"\0" * 3_000_000)  # 3 MB of zeros: a few KB on disk
    assert path.stat().st_size < 100_000
    assert DEFAULT_LIMITS.max_uncompressed_bytes == 256 * 1024 * 1024
    with pytest.raises(LedgerFileRejected) as caught:
        import_ledger(app, path, city="zhumadian", limits=ImportLimits(max_uncompressed_bytes=2_000_000))
    message = str(caught.value)
    assert "inflates to" in message and "more than the limit of 2,000,000" in message
    assert event_count(app) == 0


@pytest.mark.parametrize(
    ("limits", "what"), [(ImportLimits(max_rows=3), "rows"), (ImportLimits(max_cells=40), "cells")]
)
def test_a_sheet_past_the_row_or_cell_limit_is_refused_and_nothing_is_written(
    app: Projlife, tmp_path: Path, limits: ImportLimits, what: str
) -> None:
    path = write_xlsx(tmp_path / "big.xlsx", [good_row(f"R-{i}") for i in range(5)])
    for mode in ImportMode:
        with pytest.raises(LedgerFileRejected, match=f"more than [0-9,]+ {what}"):
            import_ledger(app, path, city="zhumadian", mode=mode, limits=limits)
    assert event_count(app) == 0


def test_thousands_of_rows_sharing_one_code_give_a_report_linear_in_the_rows(
    app: Projlife, tmp_path: Path
) -> None:
    n = 2000
    path = write_xlsx(tmp_path / "dup.xlsx", [good_row("SAME") for _ in range(n)])
    with pytest.raises(LedgerImportRejected) as caught:
        import_ledger(app, path, city="zhumadian")
    problems = caught.value.report.problems
    assert len(problems) == n
    assert {p.message for p in problems} == {
        f"duplicate project code SAME ({n} rows: 项目台账!R2, 项目台账!R3, 项目台账!R4, 项目台账!R5, "
        f"项目台账!R6 and {n - 5} more)"
    }
    assert event_count(app) == 0


def test_an_amount_of_1e30_is_a_row_problem_in_either_mode(app: Projlife, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "huge.xlsx", [good_row("HUGE", **{"计划总投资(万元)": "1e30"}), good_row("FINE")]
    )
    with pytest.raises(LedgerImportRejected) as caught:
        import_ledger(app, path, city="zhumadian")
    (problem,) = caught.value.report.problems
    assert (problem.row, problem.column) == (2, "E")
    assert "largest amount accepted" in problem.message
    assert event_count(app) == 0
    report = import_ledger(app, path, city="zhumadian", mode="good_rows_only")
    assert report.projects_written == 1 and report.rows_rejected == 1
    assert _written(app, "FINE") and not _written(app, "HUGE")


@pytest.mark.parametrize("value", ["1e-400", "1E+5000", 10**16 * 1000])
def test_amounts_beyond_the_bounds_or_the_cent_are_row_problems_not_tracebacks(
    app: Projlife, tmp_path: Path, value: Any
) -> None:
    path = write_xlsx(tmp_path / "odd.xlsx", [good_row("ODD", **{"签约金额(万元)": value})])
    with pytest.raises(LedgerImportRejected) as caught:
        import_ledger(app, path, city="zhumadian")
    (problem,) = caught.value.report.problems
    assert problem.header == "签约金额(万元)"
    assert event_count(app) == 0


def test_a_formula_cell_is_refused_not_taken_at_its_cached_value(app: Projlife, tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "formula.xlsx", [good_row("F-1", **{"计划总投资(万元)": "=40000+12000"}), good_row("OK")]
    )
    with pytest.raises(LedgerImportRejected) as caught:
        import_ledger(app, path, city="zhumadian")
    (problem,) = caught.value.report.problems
    assert (problem.row, problem.column, problem.value) == (2, "E", "=40000+12000")
    assert "formula cell" in problem.message
    assert event_count(app) == 0


def _unitless(path: Path, amount: Any) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    headers = [h.replace("(万元)", "") for h in HEADERS]
    ws.append(headers)
    row = good_row("U-1", **{"计划总投资(万元)": amount, "签约金额(万元)": 50000})
    ws.append([row.get(h) for h in HEADERS])
    wb.save(path)
    return path


def test_yuan_amounts_under_a_header_without_a_unit_ask_for_the_unit(app: Projlife, tmp_path: Path) -> None:
    path = _unitless(tmp_path / "yuan.xlsx", 520_000_000)  # 5.2亿 written in 元
    with pytest.raises(LedgerImportRejected) as caught:
        import_ledger(app, path, city="zhumadian")
    (problem,) = caught.value.report.problems
    assert problem.header == "计划总投资"
    assert "header names no unit" in problem.message and "计划总投资（元）" in problem.message
    assert event_count(app) == 0


def test_wan_amounts_under_a_header_without_a_unit_are_read_in_wan(app: Projlife, tmp_path: Path) -> None:
    report = import_ledger(app, _unitless(tmp_path / "wan.xlsx", 52_000), city="zhumadian")
    assert report.projects_written == 1
    project = app.projects.get(project_id_for(ZMD, "U-1"))
    assert project.planned_investment.yuan == 520_000_000


def test_a_header_with_no_project_row_under_it_fails_instead_of_reporting_zero_rows(
    app: Projlife, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(LedgerFileRejected, match="no project row under it"):
        import_ledger(app, path, city="zhumadian", mode="good_rows_only")


def test_a_sheet_without_a_ledger_header_fails(app: Projlife, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "名称", "金额"])
    ws.append(["X-1", "某项目", 100])
    wb.save(tmp_path / "plain.xlsx")
    with pytest.raises(LedgerFileRejected, match="no sheet of the workbook has a 台账 header row"):
        import_ledger(app, tmp_path / "plain.xlsx", city="zhumadian", mode="good_rows_only")
    assert event_count(app) == 0
