"""A fictional county (星河县, code 990900) written as a third-party plugin from the docs alone.

Its towns compete in a quarterly ranking: 40% start rate + 30% investment completion + 30%
ticket satisfaction, and the top town gets the 流动红旗 (the last makes a 表态发言). Tickets
are due in 5 working days and climb a three-rung ladder; a signed project must start within
60 days or it is flagged (挂牌提醒). ``docs/indicators.md`` walks through it; the tests of
``tests/test_indicators.py`` run the same plugin on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from projlife.calendar import DeadlineRule
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.periods import Period
from projlife.plugins import CityProfile, DeadlineSpec, EscalationStep, EventRef, Normalisation, hookimpl
from projlife.plugins.indicators import (
    INVESTMENT_COMPLETION,
    TICKET_SATISFACTION,
    IndicatorRanking,
    WeightedIndicator,
    start_rate,
)
from projlife.plugins.labels import BulletinSection, Labels
from projlife.plugins.rules import AreaScope

if TYPE_CHECKING:
    from projlife.app.application import Projlife

COUNTY = CityProfile(
    slug="xinghe",
    code="990900",
    name_zh="星河县",
    name_en="Xinghe County (fictional)",
    areas=AreaTree(
        [
            Area("990900", "星河县", AreaLevel.COUNTY),  # the county is the top level
            Area("990901", "东镇", AreaLevel.TOWN, "990900"),
            Area("990902", "西镇", AreaLevel.TOWN, "990900"),
            Area("990903", "南街道", AreaLevel.TOWN, "990900"),
            Area("990904", "星河工业园区", AreaLevel.TOWN, "990900", is_zone=True),
        ]
    ),
)

START_RATE = start_rate("signed")
"""Of the projects signed in the quarter, the share started by its end."""


def _ours(city: CityProfile) -> bool:
    return city.code == COUNTY.code


@hookimpl
def projlife_city() -> CityProfile:
    return COUNTY


@hookimpl
def projlife_ticket_due_rule(city: CityProfile) -> DeadlineRule | None:
    return DeadlineRule.parse("5 working days") if _ours(city) else None


@hookimpl
def projlife_escalation_ladder(city: CityProfile) -> list[EscalationStep] | None:
    if not _ours(city):
        return None
    return [
        EscalationStep("town", "镇街(园区)"),
        EscalationStep("county-leader", "分包县级领导"),
        EscalationStep("meeting", "县重点项目推进周例会", meets_on=1),
    ]


@hookimpl
def projlife_deadlines(city: CityProfile) -> list[DeadlineSpec] | None:
    if not _ours(city):
        return None
    return [
        DeadlineSpec(
            "signed.start-60d",
            "签约后60日内开工",
            EventRef.stage("signed"),
            EventRef.stage("started"),
            DeadlineRule.parse("60 days"),
            flag="guapai",
        )
    ]


@hookimpl
def projlife_indicator_rankings(city: CityProfile, period: Period) -> list[IndicatorRanking] | None:
    if not _ours(city):
        return None
    return [
        IndicatorRanking(
            "quarterly-banner",
            "镇街(园区)季度项目建设排名",
            "quarter",
            [
                WeightedIndicator(START_RATE.id, "0.4"),
                # completion above plan earns no more than 100%
                WeightedIndicator(INVESTMENT_COMPLETION.id, "0.3", Normalisation.TARGET_RATIO, target="1"),
                WeightedIndicator(TICKET_SATISFACTION.id, "0.3"),
            ],
            scope=AreaScope(level="town"),  # the towns and parks under the county
            top_n=1,
            bottom_n=1,
            top_award="top",
            bottom_award="bottom",
            title_en="Quarterly town ranking",
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
            "ranking": ("七、镇街(园区)排名", "7. Town ranking"),
            "top": ("流动红旗", "red banner"),
            "bottom": ("表态发言", "statement at the meeting"),
        }
    )


@hookimpl
def projlife_bulletin_sections(
    city: CityProfile, app: Projlife, kind: str, period: Period, as_of: date
) -> list[BulletinSection] | None:
    if not _ours(city) or kind != "quarterly":
        return None
    from projlife.engine.indicator_ranking import rank_by_indicators

    result = rank_by_indicators(app, city.slug, period, min(as_of, period.end))
    rows = [("名次", "镇街(园区)", "得分")] + [
        (str(r.rank), r.area_name, f"{r.score:.2f}") for r in result.rows
    ]
    winners = "、".join(r.area_name for r in result.top) or "无"
    return [
        BulletinSection(
            "附：流动红旗", (f"本季度{result.top_award}：{winners}。",), rows, title_en="Annex: red banner"
        )
    ]


# -- the first quarter of 2025, as the county office records it ---------------------------------

CLERK = {"id": "clerk-xh", "role": "clerk"}
HANDLER = {"id": "handler-xh", "role": "handler"}
REVISITOR = {"id": "revisitor-xh", "role": "revisitor"}
ADMIN = {"id": "office-xh", "role": "admin"}


def _project(
    app: Projlife, code: str, town: str, *, signed: str | None, started: str | None = None, invested: int = 0
) -> Any:
    p = app.projects
    pid = p.execute(
        {
            "command": "conceive",
            "code": code,
            "project_name": f"{code}项目",
            "city_code": COUNTY.code,
            "area_code": town,
            "category": "industrial",
            "planned_investment_yuan": "200000000",
            "occurred_on": "2025-01-02",
            "actor": CLERK,
        }
    ).aggregate_id
    if signed is None:
        return pid
    p.execute(
        {
            "command": "sign",
            "project_id": str(pid),
            "amount_yuan": "200000000",
            "counterparty": "某企业",
            "occurred_on": signed,
            "actor": CLERK,
        }
    )
    if started is not None:
        p.execute({"command": "start", "project_id": str(pid), "occurred_on": started, "actor": CLERK})
    if invested:
        p.execute(
            {
                "command": "report_investment",
                "project_id": str(pid),
                "month": "2025-03-01",
                "amount_yuan": str(invested),
                "occurred_on": "2025-03-10",
                "actor": CLERK,
            }
        )
    return pid


def _ticket(app: Projlife, code: str, project: Any, town: str, *, assigned: str, answered: str | None) -> Any:
    t = app.tickets
    tid = t.execute(
        {
            "command": "raise_ticket",
            "code": code,
            "city_code": COUNTY.code,
            "area_code": town,
            "category": "用能用地",
            "description": "企业反映用地指标",
            "raised_by": "政企恳谈会",
            "project_id": str(project),
            "occurred_on": assigned,
            "actor": CLERK,
        }
    ).aggregate_id
    t.execute(
        {
            "command": "assign_ticket",
            "ticket_id": str(tid),
            "assignee_kind": "locality",
            "assignee": town,
            "occurred_on": assigned,
            "actor": CLERK,
        }
    )
    if answered is not None:
        t.execute(
            {
                "command": "answer_ticket",
                "ticket_id": str(tid),
                "resolution": "已协调解决",
                "occurred_on": answered,
                "actor": HANDLER,
            }
        )
    return tid


def record_first_quarter(app: Projlife) -> None:
    """Projects, investment, targets and tickets of 2025 Q1 (the worked example's figures).

    ========  =========================  ===================  ==================
    town      signed in Q1 / started     invested / Q1 plan   revisits satisfied
    ========  =========================  ===================  ==================
    东镇      2 / 2                      50 / 100 (百万元)    1 of 2
    西镇      2 / 1                      50 / 50              1 of 1
    南街道    1 / 0                      30 / 20              1 of 1
    园区      0 / 0                      0 / (no plan)        none
    ========  =========================  ===================  ==================
    """
    from projlife.domain.actor import Actor
    from projlife.targets import TargetRow

    east = _project(app, "XH-01", "990901", signed="2025-01-06", started="2025-02-10", invested=30_000_000)
    _project(app, "XH-02", "990901", signed="2025-01-08", started="2025-03-03", invested=20_000_000)
    west = _project(app, "XH-03", "990902", signed="2025-01-07", started="2025-02-17", invested=50_000_000)
    _project(app, "XH-04", "990902", signed="2025-03-20")
    south = _project(app, "XH-05", "990903", signed="2025-01-10", invested=30_000_000)
    park = _project(app, "XH-06", "990904", signed=None)
    office = Actor("office-xh", "admin")
    app.targets.set_targets(
        COUNTY.code,
        [
            TargetRow("area", "990901", "investment", "2025-Q1", "100000000", source="目标责任书"),
            TargetRow("area", "990902", "investment", "2025-Q1", "50000000", source="目标责任书"),
            TargetRow("area", "990903", "investment", "2025-Q1", "20000000", source="目标责任书"),
            TargetRow("project", "XH-05", "investment", "2025", "200000000", source="目标责任书"),
        ],
        occurred_on=date(2025, 1, 3),
        actor=office,
        reason="2025年《重点项目建设目标责任书》",
    )
    done = [
        _ticket(app, "XH-T-01", east, "990901", assigned="2025-02-03", answered="2025-02-06"),
        _ticket(app, "XH-T-02", east, "990901", assigned="2025-02-03", answered="2025-02-07"),
        _ticket(app, "XH-T-03", west, "990902", assigned="2025-02-04", answered="2025-02-06"),
        _ticket(app, "XH-T-04", south, "990903", assigned="2025-02-05", answered="2025-02-10"),
    ]
    _ticket(app, "XH-T-05", park, "990904", assigned="2025-03-20", answered=None)  # due 27 March
    app.tickets.draw(
        {
            "city_code": COUNTY.code,
            "seed": "2025-Q1",
            "rate": "1",
            "occurred_on": "2025-02-11",
            "actor": CLERK,
        }
    )
    for tid, rating in zip(done, (5, 2, 5, 4), strict=True):
        app.tickets.execute(
            {
                "command": "revisit_ticket",
                "ticket_id": str(tid),
                "satisfaction": rating,
                "reason": None if rating >= 4 else "用地指标仍未落实",
                "occurred_on": "2025-02-12",
                "actor": REVISITOR,
            }
        )
