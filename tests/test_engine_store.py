"""The engine on a real event store (SQLite and PostgreSQL), through the example county plugin."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from projlife.app.application import Projlife, connect
from projlife.app.commands import (
    ConceiveProject,
    FormTeam,
    ReportInvestment,
    SignProject,
    StartConstruction,
)
from projlife.calendar import DeadlineStatus
from projlife.domain.actor import Actor, Role
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.engine import QuotaStatus, evaluate_deadlines, evaluate_quotas, rank
from projlife.plugins import get_plugin_manager, rule_set

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples" / "county_plugin" / "src"))
import projlife_county_demo.plugin as county

CITY_CODE = "990100"


@pytest.fixture
def county_app(db_url: str) -> Iterator[Projlife]:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("county_demo", county)])
    app = connect(db_url, create_tables=True, plugin_manager=pm)
    try:
        yield app
    finally:
        app.close()


def drive(app: Projlife) -> None:
    """东湖镇 (990102): two 3亿 projects signed in April, both started in Q2, one with a team.
    西山镇 (990103): one 2亿 project signed in April, never started. Others: nothing."""
    for code, area, start in (
        ("E-1", "990102", date(2024, 5, 6)),
        ("E-2", "990102", date(2024, 6, 3)),
        ("W-1", "990103", None),
    ):
        actor = Actor(f"clerk-{area}", Role.CLERK, area)
        app.projects.execute(
            ConceiveProject(
                code=code,
                project_name=f"项目{code}",
                city_code=CITY_CODE,
                area_code=area,
                category="industrial",
                planned_investment_yuan=Money.yi(3 if area == "990102" else 2).yuan,
                occurred_on=date(2024, 3, 1),
                actor=actor,
                reserved=True,
            )
        )
        pid = project_id_for(CITY_CODE, code)
        app.projects.execute(
            SignProject(
                project_id=pid,
                amount_yuan=Money.yi(3).yuan,
                counterparty="企业",
                occurred_on=date(2024, 4, 1),
                actor=actor,
            )
        )
        if start is not None:
            app.projects.execute(StartConstruction(project_id=pid, occurred_on=start, actor=actor))
            app.projects.execute(
                ReportInvestment(
                    project_id=pid,
                    month=date(2024, 6, 1),
                    amount_yuan=Money.yi(1).yuan,
                    occurred_on=date(2024, 6, 30),
                    actor=actor,
                )
            )
    app.projects.execute(
        FormTeam(
            project_id=project_id_for(CITY_CODE, "E-1"),
            team="专班",
            lead="张三",
            occurred_on=date(2024, 4, 5),
            actor=actor,
        )
    )


def test_quotas_deadlines_and_ranking_from_the_event_store(county_app: Projlife) -> None:
    drive(county_app)
    q2 = Period.parse("2024-Q2")
    quotas = {
        (r.rule_id, r.area_code): r
        for r in evaluate_quotas(county_app, "county_demo", q2, date(2024, 6, 30)).results
    }
    assert quotas["started.per-town", "990102"].value.value == 2
    assert quotas["started.per-town", "990102"].status is QuotaStatus.MET
    assert quotas["started.per-town", "990103"].status is QuotaStatus.NOT_MET
    assert len([k for k in quotas if k[0] == "started.per-town"]) == 5  # every town and the zone

    deadlines = evaluate_deadlines(county_app, "county_demo", date(2024, 8, 20))
    by = {(r.rule_id, r.project_code): r for r in deadlines.results}
    # team within 7 days of signing (04-01 → 04-08): E-1 formed one on 04-05; E-2 and W-1 never did
    assert by["signed.team-7d", "E-1"].status is DeadlineStatus.MET
    assert by["signed.team-7d", "E-2"].status is DeadlineStatus.OVERDUE
    # start within 90 working days (due 2024-08-08): W-1 overdue, E-1 and E-2 met
    assert by["signed.start-90wd", "W-1"].status is DeadlineStatus.OVERDUE
    assert by["signed.start-90wd", "W-1"].flag == "start-overdue"
    assert by["signed.start-90wd", "E-2"].status is DeadlineStatus.MET
    # statistics within 3 months of starting: E-1 started 05-06 → due 08-06, overdue on 08-20
    assert by["started.statistics-3m", "E-1"].due_on == date(2024, 8, 6)
    assert by["started.statistics-3m", "E-1"].status is DeadlineStatus.OVERDUE

    ranking = rank(county_app, "county_demo", Period.parse("2024"), date(2024, 12, 31))
    # 东湖镇: starts 2 of max 2 → 40; landing 2/2 ≥ 0.6 → 30; investment 2亿 of max 2亿 → 30 = 100.
    # Every other area scores 0 with all indicator values 0 (西山镇's landing rate 0/1, the rest
    # have empty cohorts): they share rank 2 (并列), and the bottom one is all four of them.
    assert [(r.area_code, r.score) for r in ranking.rows] == [
        ("990102", 100),
        ("990101", 0),
        ("990103", 0),
        ("990104", 0),
        ("990105", 0),
    ]
    assert [r.rank for r in ranking.rows] == [1, 2, 2, 2, 2]
    assert [r.area_code for r in ranking.top] == ["990102"]
    assert [r.area_code for r in ranking.bottom] == ["990101", "990103", "990104", "990105"]
    pm = county_app.plugins
    expected = rule_set(pm, county_app.city("county_demo"), Period.parse("2024")).sha256
    assert ranking.rule_set_sha256 == expected == deadlines.rule_set_sha256


def test_as_of_an_earlier_date_the_later_facts_do_not_count(county_app: Projlife) -> None:
    drive(county_app)
    q2 = Period.parse("2024-Q2")
    may = {
        (r.rule_id, r.area_code): r
        for r in evaluate_quotas(county_app, "county_demo", q2, date(2024, 5, 31)).results
    }
    assert may["started.per-town", "990102"].value.value == 1  # E-2 started on 06-03
    early = evaluate_deadlines(county_app, "county_demo", date(2024, 3, 31))
    assert early.results == ()  # nothing signed yet
