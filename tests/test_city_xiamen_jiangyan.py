"""Xiamen (002) and Jiangyan (003) rules on hand-built scenarios."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import attrs
import pytest

from city_helpers import ListFacts, fact
from projlife.app.application import Projlife
from projlife.app.commands import ConceiveProject, ReserveProject
from projlife.domain.actor import Actor, Role
from projlife.domain.classification import InvestorClass
from projlife.domain.errors import CommandRejected
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.engine.evaluate import QuotaStatus, evaluate_quotas, rank
from projlife.plugins.cities import jiangyan, xiamen
from projlife.plugins.cities._evaluation import ProjectRecord, ProjectReturns
from projlife.plugins.cities._support import measure_indicators
from projlife.plugins.cities.xiamen.rules import target_investor_indicator
from projlife.plugins.manager import get_plugin_manager, rule_set

SIMING, HAICANG = "350203", "350205"


def _pm(slug: str, module: object):  # type: ignore[no-untyped-def]
    return get_plugin_manager(load_entry_points=False, plugins=[(slug, module)])


def test_xiamen_signs_a_batch_every_month_and_starts_and_completes_one_every_quarter() -> None:
    facts = [
        fact("A", SIMING, signed=date(2024, 4, 10)),
        fact("B", HAICANG, signed=date(2023, 4, 1), started=date(2024, 5, 1)),
    ]
    pm = _pm("xiamen", xiamen)
    april = Period.parse("2024-04")
    got = evaluate_quotas(
        ListFacts(facts), xiamen.CITY, april, date(2024, 4, 30), rules=rule_set(pm, xiamen.CITY, april)
    )
    assert [(r.rule_id, r.status) for r in got.results] == [("batch.signed", QuotaStatus.MET)]
    may = Period.parse("2024-05")
    got = evaluate_quotas(
        ListFacts(facts), xiamen.CITY, may, date(2024, 5, 31), rules=rule_set(pm, xiamen.CITY, may)
    )
    assert [(r.rule_id, r.status) for r in got.results] == [("batch.signed", QuotaStatus.NOT_MET)]
    q2 = Period.parse("2024-Q2")
    got = evaluate_quotas(
        ListFacts(facts), xiamen.CITY, q2, date(2024, 6, 30), rules=rule_set(pm, xiamen.CITY, q2)
    )
    assert {r.rule_id: r.status for r in got.results} == {
        "batch.started": QuotaStatus.MET,
        "batch.completed": QuotaStatus.NOT_MET,
    }


def test_xiamen_lateness_against_the_planned_dates() -> None:
    r = ProjectRecord(
        "P",
        SIMING,
        Money.yi(3),
        stage_dates={Stage.RESERVED: date(2024, 1, 10), Stage.STARTED: date(2024, 4, 11)},
        planned_dates={
            Stage.RESERVED: date(2024, 1, 15),
            Stage.STARTED: date(2024, 4, 1),
            Stage.PRODUCING: date(2024, 6, 30),
        },
    )
    rows = {row.node_zh: row for row in xiamen.schedule_lateness([r], date(2024, 7, 10))}
    assert rows["策划生成"].days_late == 0  # five days early
    assert rows["开工(注册)"].days_late == 10  # 1 → 11 April
    assert rows["竣工投产"].actual_on is None and rows["竣工投产"].days_late == 10  # 30 June → as of 10 July


def test_xiamen_counts_signings_from_target_investors() -> None:
    facts = [
        fact("F", SIMING, investors=(InvestorClass.FORTUNE_500,), signed=date(2024, 3, 1)),
        fact(
            "T", SIMING, investors=(InvestorClass.TAIWANESE, InvestorClass.PRIVATE), signed=date(2024, 3, 2)
        ),
        fact("P", SIMING, investors=(InvestorClass.PRIVATE,), signed=date(2024, 3, 3)),
    ]
    rows = measure_indicators(
        ListFacts(facts),
        xiamen.CITY,
        [target_investor_indicator()],
        Period.parse("2024-03"),
        date(2024, 3, 31),
    )
    assert {r.area_code: r.value.value for r in rows}[SIMING] == 2


def test_xiamen_publishes_every_district_on_the_scorecard() -> None:
    facts = [fact("A", SIMING, signed=date(2023, 1, 2), started=date(2024, 2, 1))]
    pm = _pm("xiamen", xiamen)
    q1 = Period.parse("2024-Q1")
    ranking = rank(ListFacts(facts), xiamen.CITY, q1, date(2024, 3, 31), rules=rule_set(pm, xiamen.CITY, q1))
    assert len(ranking.rows) == 6 and ranking.rows[0].area_code == SIMING
    assert ranking.rows[0].score == Decimal(25)  # the only start: 25 × 1/1


TOWNS = ["321204-005", "321204-002", "321204-001"]


def test_jiangyan_ranks_towns_every_half_year_and_gives_the_red_flag_to_the_first() -> None:
    # 张甸镇 starts two projects, 梁徐街道 one, the development zone none
    facts = [
        fact("Z1", TOWNS[0], signed=date(2023, 1, 2), started=date(2024, 8, 1)),
        fact("Z2", TOWNS[0], signed=date(2023, 1, 2), started=date(2024, 8, 2)),
        fact("L1", TOWNS[1], signed=date(2023, 1, 2), started=date(2024, 9, 3)),
    ]
    pm = _pm("jiangyan", jiangyan)
    q3 = Period.parse("2024-Q3")
    winner = jiangyan.red_flag(
        ListFacts(facts), jiangyan.CITY, q3, date(2024, 9, 30), rules=rule_set(pm, jiangyan.CITY, q3)
    )
    assert winner is not None and winner.area_code == TOWNS[0] and winner.score == Decimal(30)
    h2 = Period.parse("2024-H2")
    ranking = rank(
        ListFacts(facts),
        jiangyan.CITY,
        h2,
        date(2024, 12, 31),
        rule_id="half-year.review",
        rules=rule_set(pm, jiangyan.CITY, h2),
    )
    assert len(ranking.rows) == 19  # all towns, streets and parks
    assert [r.area_code for r in ranking.rows[:2]] == TOWNS[:2]
    assert ranking.rows[1].score == Decimal(15)  # 30 × 1/2


def test_jiangyan_reserve_takes_only_pre_reviewed_projects(app: Projlife) -> None:
    clerk = Actor("clerk-zd", Role.CLERK, TOWNS[0])
    base = dict(
        project_name="项目",
        city_code="321200",
        area_code=TOWNS[0],
        category="industrial",
        planned_investment_yuan=Money.yi(2).yuan,
        occurred_on=date(2024, 3, 1),
        actor=clerk,
    )
    with pytest.raises(CommandRejected) as err:
        app.projects.execute(ConceiveProject(code="NO-REVIEW", reserved=True, **base))
    assert [p.field for p in err.value.problems] == ["evidence"]
    app.projects.execute(ConceiveProject(code="LATER", **base))  # conceiving alone is not intake
    pid = project_id_for("321200", "LATER")
    with pytest.raises(CommandRejected):
        app.projects.execute(ReserveProject(project_id=pid, occurred_on=date(2024, 3, 5), actor=clerk))
    app.projects.execute(
        ReserveProject(
            project_id=pid, occurred_on=date(2024, 3, 5), actor=clerk, evidence=("预评审:2024-017",)
        )
    )
    assert app.projects.get(pid).stage is Stage.RESERVED


def test_jiangyan_evaluates_investment_against_output_sales_tax_and_land() -> None:
    rec = ProjectRecord(
        "E",
        TOWNS[0],
        Money.yi(5),
        Decimal(50),
        stage_dates={Stage.STARTED: date(2023, 5, 1)},
        planned_dates={Stage.STARTED: date(2023, 4, 1)},
        investment={date(2023, 6, 1): Money.yi(2), date(2023, 9, 1): Money.yi(2)},
    )
    ret = ProjectReturns(
        output=Money.yi(3), invoiced_sales=Money.yi(2), tax=Money.wan(800), subsidy=Money.wan(1000)
    )
    (ev,) = jiangyan.evaluate_projects([rec], {"E": ret}, date(2024, 6, 30))
    assert ev.investment == Money.yi(4)
    assert ev.output_to_investment.value == Decimal(3) / 4 and not ev.input_output_matched
    assert ev.land_yield_per_mu.value == Money.yi(2).yuan / 50  # 4 000 000 yuan of sales a mu
    assert ev.tax_per_mu.value == Money.wan(800).yuan / 50
    assert ev.tax_to_subsidy.value == Decimal(8) / 10 and not ev.tax_subsidy_matched
    assert ev.on_plan is False  # planned 1 April, started 1 May


def test_xiamen_registration_meets_the_start_node_of_an_investment_project_not_a_start() -> None:
    """002: 明确每个项目策划生成、开工(注册)、竣工投产时间节点 — for a 招商 project 注册 (company
    registration) is its own milestone: the node is met by the registration, not the start."""
    from projlife.domain.lifecycle import Milestone

    attracted = ProjectRecord(
        "Z",
        SIMING,
        Money.yi(3),
        stage_dates={Stage.SIGNED: date(2024, 2, 1), Stage.STARTED: date(2024, 3, 1)},
        planned_dates={Stage.STARTED: date(2024, 3, 1)},
        milestones_planned={Milestone.REGISTERED: date(2024, 3, 15)},
        milestones_met={Milestone.REGISTERED: date(2024, 4, 4)},
    )
    built = attrs.evolve(attracted, code="B", milestones_planned={}, milestones_met={})
    rows = {
        (r.project_code, r.node_zh): r
        for r in xiamen.schedule_lateness([attracted, built], date(2024, 7, 10))
    }
    reg = rows[("Z", "开工(注册)")]
    assert (reg.milestone, reg.stage, reg.planned_on, reg.actual_on, reg.days_late) == (
        Milestone.REGISTERED, None, date(2024, 3, 15), date(2024, 4, 4), 20
    )  # fmt: skip
    # the start on 1 March does not meet a 招商 project's node; for the other project it does
    start = rows[("B", "开工(注册)")]
    assert (start.stage, start.actual_on, start.days_late) == (Stage.STARTED, date(2024, 3, 1), 0)
    # not yet registered: late by the days to the as-of date
    pending = attrs.evolve(attracted, milestones_met={})
    (row,) = [r for r in xiamen.schedule_lateness([pending], date(2024, 7, 10)) if r.node_zh == "开工(注册)"]
    assert row.actual_on is None and row.days_late == (date(2024, 7, 10) - date(2024, 3, 15)).days
    assert Milestone.REGISTERED.label_zh == "注册"
