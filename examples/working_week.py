"""The county office's week with its year's targets: 目标责任书 and 形象进度 in the office workbook and
OC4IDS, the 亩均 ranking in the bulletin, the 半年述职 pack ranked by the city's scoring rule.

PYTHONPATH=src python examples/working_week.py
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

from projlife import connect
from projlife.domain.actor import Actor
from projlife.reports.bulletin import build_bulletin
from projlife.reports.half_year_pack import pack_markdown
from projlife.reports.office_oc4ids import project_office_facts
from projlife.reports.office_sheets import export_office_xlsx, import_office_xlsx
from projlife.targets import TargetRow

CITY, AREA = "411700", "411702"  # 驻马店, 驿城区
clerk = {"id": "clerk-411702", "role": "clerk", "area_code": AREA}
head = Actor("office-head", "clerk", AREA)
out = Path(tempfile.mkdtemp())

with connect(f"sqlite:///{out / 'week.db'}", create_tables=True) as app:

    def do(command: str, pid: object, on: str, **fields: object) -> None:
        app.projects.execute(
            {"command": command, "project_id": pid, "occurred_on": on, "actor": clerk, **fields}
        )

    ids = {}
    for code, land, tax in (
        ("ZMD-A", "80", "9600000"),
        ("ZMD-B", "40", "6000000"),
        ("ZMD-C", "60", "3000000"),
    ):
        ids[code] = app.projects.execute(
            {
                "command": "conceive",
                "code": code,
                "project_name": f"{code} 新材料产业园",
                "city_code": CITY,
                "area_code": AREA,
                "category": "industrial",
                "planned_investment_yuan": "200000000",
                "occurred_on": "2023-01-05",
                "actor": clerk,
            }
        ).aggregate_id
        do(
            "enter_list",
            ids[code],
            "2024-01-15",
            list_name="city_key",
            period="2024",
            evidence=["驻政〔2024〕3号"],
        )
        do(
            "report_per_mu",
            ids[code],
            "2023-12-31",
            year=2023,
            land_mu=land,
            output_yuan="300000000",
            revenue_yuan="280000000",
            tax_yuan=tax,
        )
    # 001: 每年初…递交《重点项目建设目标责任书》; then the monthly 形象进度
    app.targets.set_targets(
        CITY,
        [
            TargetRow(
                "project",
                code,
                "investment",
                "2024",
                Decimal("120000000"),
                "年底主体封顶",
                "2024年目标责任书",
            )
            for code in ids
        ],
        occurred_on=date(2024, 1, 10),
        actor=head,
        reason="2024年重点项目建设目标责任书",
    )
    app.targets.report_progress(
        CITY,
        project_code="ZMD-A",
        month=date(2024, 4, 1),
        percent=Decimal(30),
        stage_note="主体结构施工",
        occurred_on=date(2024, 4, 28),
        actor=head,
    )
    app.projections.run()

    book = app.targets.book(CITY)
    n = export_office_xlsx(app.office, out / "office.xlsx", city_code=CITY, targets=book, per_mu_years=[2023])
    print(
        f"office.xlsx: {n} rows; imported again:",
        import_office_xlsx(out / "office.xlsx", city_code=CITY, app=app),
    )

    facts = project_office_facts(app.office, CITY, as_of=date(2024, 4, 30), targets=book)
    a = facts[str(ids["ZMD-A"])]
    print(
        "ZMD-A:",
        [(t.period, t.value, t.note) for t in a.targets],
        [(p.percent, p.stage_note) for p in a.progress],
    )

    bulletin = build_bulletin(app, "zhumadian", kind="monthly", as_of=date(2024, 4, 30))
    assert bulletin.office is not None and bulletin.office.per_mu_ranking is not None
    for place in bulletin.office.per_mu_ranking.places:  # 亩均税收: A 12万, B 15万, C 5万 per 亩
        print(place.rank, place.code, place.value)

    # 姜堰's 半年述职: each 镇街/园区 ranked by the city's half-year rule (003: 五比五突破考核)
    packs = app.half_year_packs("jiangyan", "2024-H1", county="321204")
    print(pack_markdown(packs[0]).splitlines()[0], packs[0].review)
