"""Xiaogan (000): quarterly removal, supervision review, sponsors, bulletin, dispatch, ranking, indices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from city_helpers import ListFacts, fact
from projlife.app.application import Projlife
from projlife.app.commands import (
    AssignSponsor,
    ConceiveProject,
    EnterStatistics,
    SignProject,
    StartConstruction,
)
from projlife.domain.actor import Actor, Role
from projlife.domain.classification import InvestorClass
from projlife.domain.errors import CommandRejected, PermissionDenied
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.engine.evaluate import rank
from projlife.plugins.cities import xiaogan
from projlife.plugins.cities._evaluation import ProjectRecord, ProjectReturns
from projlife.plugins.manager import get_plugin_manager, rule_set

CLERK = Actor("clerk-xn", Role.CLERK, "420902")
SYSTEM = Actor("projlife", Role.SYSTEM, "420900")


def _project(
    app: Projlife,
    code: str,
    yi: str,
    *,
    signed: date | None = None,
    started: date | None = None,
    in_stats: date | None = None,
    category: str = "industrial",
) -> None:
    app.projects.execute(
        ConceiveProject(
            code=code,
            project_name=f"项目{code}",
            city_code="420900",
            area_code="420902",
            category=category,
            planned_investment_yuan=Money.yi(yi).yuan,
            occurred_on=date(2021, 1, 4),
            actor=CLERK,
            reserved=True,
        )
    )
    pid = project_id_for("420900", code)
    if signed:
        app.projects.execute(
            SignProject(
                project_id=pid,
                amount_yuan=Money.yi(yi).yuan,
                counterparty="某公司",
                occurred_on=signed,
                actor=CLERK,
            )
        )
    if started:
        app.projects.execute(StartConstruction(project_id=pid, occurred_on=started, actor=CLERK))
    if in_stats:
        app.projects.execute(EnterStatistics(project_id=pid, occurred_on=in_stats, actor=CLERK))


def test_quarterly_check_removes_projects_started_over_three_months_ago_and_not_in_statistics(
    app: Projlife,
) -> None:
    check = date(2024, 4, 1)
    # started 2023-12-31: three months end 2024-03-31, so on 1 April it is overdue -> removed
    _project(app, "OLD", "2", signed=date(2023, 11, 1), started=date(2023, 12, 31))
    # started 2024-01-02: due 2024-04-02, not yet overdue on 1 April -> kept
    _project(app, "FRESH", "2", signed=date(2023, 11, 1), started=date(2024, 1, 2))
    # started long ago but in statistics -> kept
    _project(
        app, "COUNTED", "2", signed=date(2023, 1, 3), started=date(2023, 2, 1), in_stats=date(2023, 3, 1)
    )
    # under 1 亿: outside the 211 pool -> kept
    _project(app, "SMALL", "0.5", signed=date(2023, 1, 3), started=date(2023, 2, 1))

    planned = xiaogan.quarterly_check(app, check, SYSTEM, dry_run=True)
    assert [app.projects.get(c.project_id).code for c in planned] == ["OLD"]
    assert Pool.STARTED not in app.projects.find("420900", "OLD").removed_from  # dry run wrote nothing

    done = xiaogan.quarterly_check(app, check, SYSTEM)
    assert [c.project_id for c in done] == [project_id_for("420900", "OLD")]
    old = app.projects.find("420900", "OLD")
    assert old.removed_from[Pool.STARTED] == (RemovalReason.NOT_IN_STATISTICS_IN_TIME, check)
    for code in ("FRESH", "COUNTED", "SMALL"):
        assert app.projects.find("420900", code).removed_from == {}

    before = app.store.recorder.max_notification_id()
    assert xiaogan.quarterly_check(app, check, SYSTEM) == []  # idempotent
    assert app.store.recorder.max_notification_id() == before


def test_quarterly_check_needs_a_system_verifier_or_admin_actor(app: Projlife) -> None:
    with pytest.raises(PermissionDenied):
        xiaogan.quarterly_check(app, date(2024, 4, 1), CLERK)


def test_supervision_review_flags_large_signed_projects_of_the_last_three_years_not_started(
    app: Projlife,
) -> None:
    review = date(2024, 6, 30)
    _project(app, "BIG", "12", signed=date(2022, 5, 10))  # 12 亿, signed within three years, not started
    _project(app, "ANCIENT", "12", signed=date(2021, 6, 30))  # signed exactly three years before: outside
    _project(app, "BIG-STARTED", "15", signed=date(2023, 1, 3), started=date(2023, 6, 1))
    _project(app, "NINE", "9.99", signed=date(2023, 1, 3))  # under 10 亿

    done = xiaogan.supervision_review(app, review, SYSTEM)
    assert [c.project_id for c in done] == [project_id_for("420900", "BIG")]
    assert app.projects.find("420900", "BIG").flags == {xiaogan.SUPERVISION_FLAG: review}
    assert xiaogan.supervision_review(app, review, SYSTEM) == []  # idempotent


def test_one_leader_and_one_department_per_project(app: Projlife) -> None:
    _project(app, "SP", "2", signed=date(2024, 1, 5))
    pid = project_id_for("420900", "SP")
    with pytest.raises(CommandRejected) as err:
        app.projects.execute(
            AssignSponsor(
                project_id=pid,
                leader="张三、李四",
                department="市经信局",
                occurred_on=date(2024, 1, 6),
                actor=CLERK,
            )
        )
    assert [p.field for p in err.value.problems] == ["leader"]
    app.projects.execute(
        AssignSponsor(
            project_id=pid,
            leader="张三",
            department="市发展和改革委员会",
            occurred_on=date(2024, 1, 6),
            actor=CLERK,
        )
    )
    with pytest.raises(CommandRejected) as err:
        app.projects.execute(
            AssignSponsor(
                project_id=pid,
                leader="王五",
                department="市商务局",
                occurred_on=date(2024, 2, 1),
                actor=CLERK,
            )
        )
    assert [p.field for p in err.value.problems] == ["reason"]
    app.projects.execute(
        AssignSponsor(
            project_id=pid,
            leader="王五",
            department="市商务局",
            reason="领导分工调整",
            occurred_on=date(2024, 2, 1),
            actor=CLERK,
        )
    )
    assert app.projects.get(pid).sponsor == ("王五", "市商务局")


def test_weekly_bulletin_counts_per_county() -> None:
    week = Period.parse("2024-W10")  # 4–10 March 2024
    facts = [
        fact("A", "420902", signed=date(2024, 3, 4)),
        fact("B", "420902", signed=date(2024, 3, 10), started=date(2024, 3, 10)),
        fact("C", "420921", signed=date(2024, 1, 2), started=date(2024, 3, 6)),
        fact("D", "420921", signed=date(2024, 3, 11)),  # next week
    ]
    rows = xiaogan.weekly_bulletin(ListFacts(facts), xiaogan.CITY, week)
    got = {(r.indicator_id, r.area_code): r.value.value for r in rows if r.value.value}
    assert got == {
        ("bulletin.signed", "420902"): 2,
        ("bulletin.started", "420902"): 1,
        ("bulletin.started", "420921"): 1,
    }


def test_monthly_dispatch_rates_run_over_the_year_to_the_months_end() -> None:
    facts = [
        fact("S1", "420902", signed=date(2024, 1, 10), started=date(2024, 2, 1)),
        fact("S2", "420902", signed=date(2024, 2, 10), started=date(2024, 4, 1)),  # starts after March
        fact("S3", "420902", signed=date(2024, 3, 5)),
        fact(
            "S4",
            "420902",
            signed=date(2024, 3, 6),
            started=date(2024, 3, 20),
            in_statistics=date(2024, 3, 30),
        ),
    ]
    rows = xiaogan.monthly_dispatch(ListFacts(facts), xiaogan.CITY, Period.parse("2024-03"))
    by = {(r.indicator_id, r.area_code): r.value for r in rows}
    signed_started = by[("dispatch.signed-started", "420902")]
    assert (signed_started.numerator, signed_started.denominator) == (2, 4)  # S1 and S4 of four
    stats = by[("dispatch.started-statistics", "420902")]
    assert (stats.numerator, stats.denominator) == (1, 2)  # of S1 and S4, only S4 in statistics
    assert by[("dispatch.signed-started", "420900")].value == Decimal(1) / 2


_COUNTED = xiaogan.XiaoganPlugin(xiaogan.XiaoganSettings(site_scoring=None))
"""Xiaogan ranked by counts (``ranking_weights``): a county's choice, not the seed's 现场评分."""


def test_half_year_ranking_names_the_top_two_and_bottom_two() -> None:
    h2 = date(2024, 7, 1)
    areas = [
        "420902",
        "420921",
        "420922",
        "420923",
        "420981",
        "420982",
        "420984",
        "420900-GX",
        "420900-LK",
        "420900-SFS",
    ]
    facts = []
    # area i completes i projects in the half year; nothing else
    for i, area in enumerate(areas):
        for k in range(i):
            facts.append(
                fact(
                    f"{area}-{k}",
                    area,
                    signed=date(2023, 1, 2),
                    started=date(2023, 2, 1),
                    in_statistics=date(2023, 3, 1),
                    completed=h2,
                )
            )
    # The seed's 拉练 is decided by on-site scores (tests/test_site_visits.py); this is the
    # count-based ranking a county may choose instead (site_scoring=None), over the same engine.
    pm = get_plugin_manager(load_entry_points=False, plugins=[("xiaogan", _COUNTED)])
    period = Period.parse("2024-H2")
    ranking = rank(
        ListFacts(facts), xiaogan.CITY, period, date(2024, 12, 31), rules=rule_set(pm, xiaogan.CITY, period)
    )
    # 000: 排名前两名的县(市、区) … 后两名的县(市、区): the 7 县(市、区) are ranked, not the 市直三区
    assert [r.area_code for r in ranking.rows] == areas[6::-1]
    assert [r.area_code for r in ranking.top] == ["420984", "420982"]  # 6 and 5 completed
    assert [r.area_code for r in ranking.bottom] == ["420921", "420902"]  # 1 and 0 completed
    assert ranking.rows[0].score == Decimal(50)  # 50 × 6/6
    zones = get_plugin_manager(
        load_entry_points=False,
        plugins=[
            (
                "xiaogan",
                xiaogan.XiaoganPlugin(
                    xiaogan.XiaoganSettings(ranking_includes_zones=True, site_scoring=None)
                ),
            )
        ],
    )
    with_zones = rank(
        ListFacts(facts),
        xiaogan.CITY,
        period,
        date(2024, 12, 31),
        rules=rule_set(zones, xiaogan.CITY, period),
    )
    assert [r.area_code for r in with_zones.top] == ["420900-SFS", "420900-LK"]  # 9 and 8 completed


def test_equal_scores_share_a_rank_and_top_and_bottom_include_the_ties() -> None:
    """Ties share a rank (并列): two counties tied at the bottom both give the 表态发言."""
    h2 = date(2024, 7, 1)
    done = {"420902": 3, "420921": 3, "420922": 2, "420923": 1, "420981": 1, "420982": 1, "420984": 0}
    facts = [
        fact(f"{area}-{k}", area, signed=date(2023, 1, 2), started=date(2023, 2, 1), completed=h2)
        for area, n in done.items()
        for k in range(n)
    ]
    pm = get_plugin_manager(load_entry_points=False, plugins=[("xiaogan", _COUNTED)])
    period = Period.parse("2024-H2")
    ranking = rank(
        ListFacts(facts), xiaogan.CITY, period, date(2024, 12, 31), rules=rule_set(pm, xiaogan.CITY, period)
    )
    ranks = {r.area_code: r.rank for r in ranking.rows}
    assert ranks == {
        "420902": 1,
        "420921": 1,
        "420922": 3,
        "420923": 4,
        "420981": 4,
        "420982": 4,
        "420984": 7,
    }
    assert {r.area_code for r in ranking.top} == {"420902", "420921"}  # both ranked 1 (并列); 420922 is 3rd
    # bottom two: 420984 (0) and the three tied at 1 completed — everyone tied at the boundary
    assert {r.area_code for r in ranking.bottom} == {"420984", "420923", "420981", "420982"}
    assert all(ranking.tied(r) for r in ranking.rows if r.area_code in ("420923", "420981", "420982"))


def test_evaluation_indices_from_a_hand_built_county() -> None:
    period = Period.parse("2024")
    as_of = date(2024, 12, 31)
    months = {date(2024, 3, 1): Money.yi(1), date(2024, 6, 1): Money.yi(1)}
    a = ProjectRecord(
        "A",
        "420902",
        Money.yi(4),
        Decimal(100),
        (InvestorClass.PRIVATE,),
        {
            Stage.STARTED: date(2024, 3, 1),
            Stage.COMPLETED: date(2024, 10, 1),
            Stage.PRODUCING: date(2024, 11, 1),
        },
        {Stage.STARTED: date(2024, 3, 10), Stage.COMPLETED: date(2024, 9, 30)},
        months,
    )
    b = ProjectRecord(
        "B",
        "420902",
        Money.yi(6),
        Decimal(300),
        (InvestorClass.LOCAL_SOE,),
        {Stage.STARTED: date(2024, 5, 1)},
        {Stage.STARTED: date(2024, 4, 1), Stage.COMPLETED: date(2024, 12, 1)},
        {date(2024, 6, 1): Money.yi(2)},
    )
    returns = {
        "A": ProjectReturns(output=Money.yi(8), tax=Money.wan(500), final_accounts_on=date(2024, 12, 20))
    }
    ix = xiaogan.evaluation_indices(
        [a, b],
        period,
        as_of,
        area_code="420902",
        returns=returns,
        tax_per_mu_benchmark=Money.wan(5),
        fixed_asset_investment=Money.yi(40),
    )
    assert ix.on_time_start_rate.value == Decimal(1) / 2  # A on time, B a month late
    assert ix.completion_rate.value == Decimal(1) / 2  # A completed, B (due 1 Dec) not
    assert ix.final_accounts_rate.value == 1  # A, the only completed one, has final accounts
    assert ix.budget_execution_rate.value == Money.yi(4).yuan / Money.yi(10).yuan  # 2+2 of 4+6
    assert ix.investment_per_mu.value == Money.yi(4).yuan / 400  # 1 000 000 yuan a mu
    assert ix.output_per_mu.value == Money.yi(8).yuan / 400
    assert ix.tax_per_mu_compliance_rate.value == 1  # A: 500万 / 100 mu = 5万 ≥ 5万
    assert ix.investment_contribution_rate.value == Decimal(4) / 40
    assert ix.private_investment_share.value == Decimal(2) / 4
