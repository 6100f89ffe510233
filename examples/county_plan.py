"""A fictional county (云溪县, code 990700) as its own top level, with its annual plan.

The county is the top of the area tree; its towns and park are the units below it, so the
ledger's ``county`` filter, the bulletin's by-area section and every per-area rule work on the
towns (``docs/plugins.md``, "Area nesting"). Each project's 年度计划投资 and 工程进度目标 come from
the 目标责任书 and each month's 形象进度 is reported (seed 001: "每年初…就所辖重点项目的年度投资
目标、工程进度目标…递交《重点项目建设目标责任书》"); the departments that sponsor projects are
ranked each year by 投资完成率 and 滞后率 (seed 000: "将项目投资等重点工作纳入县(市、区)和相关
部门目标考核范畴"; seed 001: "每月通报…投资完成率…对进度不达标、时间有滞后的项目及时挂牌提醒").

Run it: ``python examples/county_plan.py`` prints the ledger's plan line, each project's plan
and the department ranking as of 30 June 2025. ``tests/test_county_plan.py`` runs the same
county on SQLite and PostgreSQL.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projlife.actions import PlanLagRule
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.periods import Period
from projlife.plugins import CityProfile, Normalisation, hookimpl
from projlife.plugins.indicators import (
    INVESTMENT_COMPLETION,
    PLAN_LAG,
    IndicatorRanking,
    RankedSubjects,
    WeightedIndicator,
)
from projlife.plugins.labels import Labels

if TYPE_CHECKING:
    from projlife.app.application import Projlife

COUNTY = CityProfile(
    slug="yunxi",
    code="990700",
    name_zh="云溪县",
    name_en="Yunxi County (fictional)",
    areas=AreaTree(
        [
            Area("990700", "云溪县", AreaLevel.COUNTY),  # the county is the top level
            Area("990701", "城关镇", AreaLevel.TOWN, "990700"),
            Area("990702", "河口镇", AreaLevel.TOWN, "990700"),
            Area("990703", "云溪工业园区", AreaLevel.TOWN, "990700", is_zone=True),
        ]
    ),
)


def _ours(city: CityProfile) -> bool:
    return city.code == COUNTY.code


@hookimpl
def projlife_city() -> CityProfile:
    return COUNTY


@hookimpl
def projlife_plan_lag(city: CityProfile) -> PlanLagRule | None:
    # 滞后: below 80% of the 时序进度 (the seeds give no figure; 0.8 is this county's setting)
    return PlanLagRule(min_share=Decimal("0.8")) if _ours(city) else None


@hookimpl
def projlife_indicator_rankings(city: CityProfile, period: Period) -> list[IndicatorRanking] | None:
    if not _ours(city):
        return None
    return [
        IndicatorRanking(
            "departments.annual",
            "县直部门年度项目推进考评",
            "year",
            [
                # completion above plan earns no more than 100%
                WeightedIndicator(INVESTMENT_COMPLETION.id, "0.6", Normalisation.TARGET_RATIO, target="1"),
                # lower is better: points = 1 − 滞后率
                WeightedIndicator(PLAN_LAG.id, "0.4", Normalisation.COMPLEMENT),
            ],
            subjects=RankedSubjects.DEPARTMENTS,
            top_n=1,
            bottom_n=1,
            title_en="Annual department review",
            source="000: 将项目投资等重点工作纳入县(市、区)和相关部门目标考核范畴",
        )
    ]


@hookimpl
def projlife_labels(city: CityProfile) -> Labels | None:
    if not _ours(city):
        return None
    return Labels(
        {
            "whole": ("全县", "county-wide"),
            "county": ("镇街(园区)", "Town or park"),
            "by_county": ("二、各镇街(园区)推进情况", "2. Progress by town and park"),
            "top": ("通报表扬", "commended"),
            "bottom": ("表态发言", "statement at the meeting"),
        }
    )


CLERK = {"id": "clerk-yx", "role": "clerk"}

PROJECTS: tuple[tuple[str, str, str, int, int, int, int], ...] = (
    # code, town, department, annual plan (万元), invested Jan–Jun (万元), progress target %, reached %
    ("YX-01", "990701", "县发改局", 12_000, 7_000, 60, 55),
    ("YX-02", "990701", "县发改局", 6_000, 1_000, 50, 10),
    ("YX-03", "990702", "县工信局", 8_000, 4_000, 40, 45),
    ("YX-04", "990703", "县工信局", 10_000, 6_000, 50, 50),
)
"""The worked figures: as of 30 June (6 months, 时序进度 50%), YX-02 lags (1 000 < 0.8 × 3 000
万元; 形象进度 10% < 0.8 × 25%); every other project keeps pace."""


def record_first_half(app: Projlife) -> None:
    """Projects, sponsors, the 目标责任书 and the 形象进度 of 2025 H1 (see :data:`PROJECTS`)."""
    from projlife.domain.actor import Actor
    from projlife.targets import TargetRow

    p = app.projects
    rows: list[TargetRow] = []
    for code, town, dept, plan, invested, target, _reached in PROJECTS:
        pid = p.execute(
            {
                "command": "conceive",
                "code": code,
                "project_name": f"{code}项目",
                "city_code": COUNTY.code,
                "area_code": town,
                "category": "industrial",
                "planned_investment_yuan": "500000000",
                "occurred_on": "2025-01-02",
                "actor": CLERK,
            }
        ).aggregate_id
        p.execute(
            {
                "command": "sign",
                "project_id": str(pid),
                "amount_yuan": "500000000",
                "counterparty": "某企业",
                "occurred_on": "2025-01-03",
                "actor": CLERK,
            }
        )
        p.execute({"command": "start", "project_id": str(pid), "occurred_on": "2025-02-10", "actor": CLERK})
        p.execute(
            {
                "command": "assign_sponsor",
                "project_id": str(pid),
                "leader": "王副县长",
                "department": dept,
                "occurred_on": "2025-01-03",
                "actor": CLERK,
            }
        )
        for month in (3, 6):  # two monthly reports of half the half-year's investment each
            p.execute(
                {
                    "command": "report_investment",
                    "project_id": str(pid),
                    "month": f"2025-{month:02d}-01",
                    "amount_yuan": str(invested * 10_000 // 2),
                    "occurred_on": f"2025-{month:02d}-25",
                    "actor": CLERK,
                }
            )
        rows.append(TargetRow("project", code, "investment", "2025", str(plan * 10_000), source="目标责任书"))
        rows.append(TargetRow("project", code, "progress", "2025", str(target), note="主体完工"))
    office = Actor("office-yx", "admin")
    app.targets.set_targets(
        COUNTY.code,
        rows,
        occurred_on=date(2025, 1, 5),
        actor=office,
        reason="2025年《重点项目建设目标责任书》",
    )
    for code, *_rest, reached in PROJECTS:
        app.targets.report_progress(
            COUNTY.code,
            project_code=code,
            month=date(2025, 6, 1),
            percent=Decimal(reached),
            stage_note="主体结构施工",
            occurred_on=date(2025, 6, 28),
            actor=office,
        )


def main(out: Path) -> dict[str, Any]:
    """Record the half-year in a fresh SQLite file under ``out`` and print what the county reads."""
    from projlife import connect
    from projlife.engine.indicator_ranking import rank_by_indicators
    from projlife.plugins import get_plugin_manager

    end = date(2025, 6, 30)
    pm = get_plugin_manager(plugins=[("yunxi", sys.modules[__name__])])
    with connect(f"sqlite:///{out / 'yunxi.db'}", create_tables=True, plugin_manager=pm) as app:
        record_first_half(app)
        summary = app.ledger.summary(city="yunxi", as_of=end, with_plan=True)
        assert summary.plan is not None
        print("全县:", summary.plan.as_dict())
        for row in app.ledger.rows(city="yunxi", as_of=end, with_plan=True):
            assert row.plan is not None
            print(row.code, row.county_code, row.plan.completion, "滞后" if row.plan.lagging else "正常")
        ranking = rank_by_indicators(app, "yunxi", Period.parse("2025"), end)
        for r in ranking.rows:
            print(r.rank, r.area_name, r.score)
        return {"summary": summary.plan.as_dict(), "ranking": [(r.area_name, r.score) for r in ranking.rows]}


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        main(Path(tmp))
