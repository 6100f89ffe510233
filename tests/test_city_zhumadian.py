"""Zhumadian (001): batches, shares, county quotas, deadlines, ladder, flags, rates, upgrades."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from city_helpers import ListFacts, fact
from projlife.app.application import Projlife
from projlife.app.commands import ConceiveProject, FormTeam, SignProject
from projlife.calendar import DeadlineRule
from projlife.domain.actor import Actor, Role
from projlife.domain.classification import ProjectCategory
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.engine.evaluate import QuotaStatus, evaluate_deadlines, evaluate_quotas
from projlife.plugins.cities import zhumadian
from projlife.plugins.cities.zhumadian import ZhumadianPlugin, ZhumadianSettings
from projlife.plugins.manager import get_plugin_manager, rule_set

COUNTY = "411721"  # 西平县
ZONE = "411700-KFQ"
CLERK = Actor("clerk-xp", Role.CLERK, COUNTY)
SYSTEM = Actor("projlife", Role.SYSTEM, "411700")


def _quotas(
    facts: list, period: str, as_of: date, plugin: object = zhumadian
) -> dict[tuple[str, str], tuple]:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", plugin)])
    p = Period.parse(period)
    report = evaluate_quotas(
        ListFacts(facts), zhumadian.CITY, p, as_of, rules=rule_set(pm, zhumadian.CITY, p)
    )
    return {(r.rule_id, r.area_code): (r.value.value, r.status) for r in report.results}


def test_county_starts_five_industry_four_industrial_and_zones_three() -> None:
    q = date(2024, 4, 15)
    facts = [fact(f"I{i}", COUNTY, started=q) for i in range(4)]  # four industrial
    facts.append(
        fact("C", COUNTY, category=ProjectCategory.COMMERCE_LOGISTICS, started=q)
    )  # industry, not industrial
    facts.append(fact("ROAD", COUNTY, category=ProjectCategory.INFRASTRUCTURE, started=q))  # not industry
    facts += [fact(f"Z{i}", ZONE, category=ProjectCategory.CULTURE_TOURISM, started=q) for i in range(2)]
    got = _quotas(facts, "2024-Q2", date(2024, 6, 30))
    assert got[("starting.industry", COUNTY)] == (5, QuotaStatus.MET)
    assert got[("starting.industrial", COUNTY)] == (4, QuotaStatus.MET)
    assert got[("starting.zone-industry", ZONE)] == (2, QuotaStatus.NOT_MET)
    assert ("starting.industry", ZONE) not in got  # zones answer to the zone quota only


def test_sixty_percent_is_the_share_of_next_quarters_started_batch_from_this_quarters_signings() -> None:
    """001: 确保每季度“签约一批”项目实现在下季度“开工一批”项目中占比达到60% — "X 在 Y 中占比" is X ÷ Y:
    Y is Q2's started batch, X the projects in it that came from Q1's signed batch."""
    may = date(2024, 5, 6)
    facts = [fact(f"S{i}", COUNTY, signed=date(2024, 2, 20), started=may) for i in range(3)]  # X: from Q1
    facts += [fact(f"O{i}", COUNTY, signed=date(2023, 12, 1), started=may) for i in range(2)]  # in Y, not X
    facts += [fact(f"N{i}", COUNTY, signed=date(2024, 2, 20)) for i in range(4)]  # signed Q1, not started
    got = _quotas(facts, "2024-Q2", date(2024, 6, 30))
    assert got[("starting.next-quarter-share", COUNTY)] == (Decimal(3) / 5, QuotaStatus.MET)  # 3 ÷ 5 = 60 %
    facts.append(fact("O2", COUNTY, signed=date(2023, 11, 1), started=may))
    got = _quotas(facts, "2024-Q2", date(2024, 6, 30))
    assert got[("starting.next-quarter-share", COUNTY)] == (Decimal(3) / 6, QuotaStatus.NOT_MET)


def test_sixty_percent_of_signed_projects_start_is_its_own_quota() -> None:
    """001: 每季度举行一次全市项目集中开工活动,确保签约项目的60%实现开工 — of the quarter's signed
    projects, the share started (a different sentence and a different quota from the 占比 one)."""
    facts = [fact(f"S{i}", COUNTY, signed=date(2024, 1, 10), started=date(2024, 3, 1)) for i in range(3)]
    facts += [fact(f"N{i}", COUNTY, signed=date(2024, 1, 10)) for i in range(2)]
    got = _quotas(facts, "2024-Q1", date(2024, 3, 31))
    assert got[("starting.signed-share", COUNTY)] == (Decimal(3) / 5, QuotaStatus.MET)
    rules = rule_set(get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", zhumadian)]),
                     zhumadian.CITY, Period.parse("2024-Q1"))  # fmt: skip
    sources = {q.id: q.source for q in rules.quotas}
    assert "确保签约项目的60%实现开工" in sources["starting.signed-share"]
    assert "占比达到60%" in sources["starting.next-quarter-share"]


def test_forty_percent_of_the_reserve_signed_and_fifteen_reserved_a_quarter() -> None:
    facts = [fact(f"R{i}", COUNTY, reserved=date(2024, 1, 10), signed=date(2024, 5, 1)) for i in range(2)]
    facts += [fact(f"Q{i}", COUNTY, reserved=date(2024, 2, 10)) for i in range(3)]
    got = _quotas(facts, "2024", date(2024, 12, 31))
    assert got[("signing.reserve-share", COUNTY)] == (Decimal(2) / 5, QuotaStatus.MET)
    quarter = _quotas(facts, "2024-Q1", date(2024, 3, 31))
    assert quarter[("reserve.per-quarter", COUNTY)] == (5, QuotaStatus.NOT_MET)


def test_large_projects_reserved_and_signed_each_year() -> None:
    facts = [
        fact("F50", COUNTY, 50, reserved=date(2024, 3, 1), signed=date(2024, 9, 1)),
        fact("T20", COUNTY, 20, reserved=date(2024, 3, 1)),
        fact("T25", COUNTY, 25, reserved=date(2024, 3, 1)),
        fact("T19", COUNTY, "19.99", reserved=date(2024, 3, 1)),
    ]
    got = _quotas(facts, "2024", date(2024, 12, 31))
    assert got[("reserve.50yi", COUNTY)] == (1, QuotaStatus.MET)
    assert got[("reserve.20yi", COUNTY)] == (3, QuotaStatus.MET)  # 50, 20 and 25 亿 are all 20亿以上
    assert got[("signing.50yi", COUNTY)] == (1, QuotaStatus.MET)
    disjoint = ZhumadianPlugin(ZhumadianSettings(twenty_yi_band_excludes_fifty=True))
    got = _quotas(facts, "2024", date(2024, 12, 31), disjoint)
    assert got[("reserve.20yi", COUNTY)] == (2, QuotaStatus.NOT_MET)


def test_three_batches_each_quarter_city_wide() -> None:
    facts = [
        fact("A", COUNTY, signed=date(2024, 7, 1)),
        fact("B", ZONE, signed=date(2024, 1, 2), started=date(2024, 8, 1)),
    ]
    got = _quotas(facts, "2024-Q3", date(2024, 9, 30))
    assert got[("batch.signed", "411700")] == (1, QuotaStatus.MET)
    assert got[("batch.started", "411700")] == (1, QuotaStatus.MET)
    assert got[("batch.producing", "411700")] == (0, QuotaStatus.NOT_MET)


def test_start_is_due_ninety_working_days_after_signing_or_ninety_days_as_a_setting() -> None:
    # signed Friday 2024-09-20; counting working days on the official calendars:
    # 23–27 Sep 5, Sun 29 Sep (make-up) 6, Mon 30 Sep 7, 1–7 Oct off, 8–11 Oct 11, Sat 12 Oct (make-up) 12,
    # ten full weeks 14 Oct–20 Dec 62, 23–27 Dec 67, 30–31 Dec 69, 1 Jan 2025 off, 2–3 Jan 71,
    # 6–24 Jan 86, Sun 26 Jan (make-up) 87, Mon 27 Jan 88, 28 Jan–4 Feb Spring Festival off,
    # Wed 5 Feb 89, Thu 6 Feb 90
    facts = [fact("S", COUNTY, signed=date(2024, 9, 20))]
    pm = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", zhumadian)])
    y = Period.parse("2024")
    report = evaluate_deadlines(
        ListFacts(facts), zhumadian.CITY, date(2024, 12, 31), rules=rule_set(pm, zhumadian.CITY, y)
    )
    (start,) = [r for r in report.results if r.rule_id == "signed.start"]
    assert start.due_on == date(2025, 2, 6)
    # 001 says both 签约后90个工作日内开工建设 and 原则上签约90天内实现项目开工建设: a warning after
    # 90 calendar days (20 Sep + 90 days = 19 Dec), overdue after 90 working days.
    (warning,) = [r for r in report.results if r.rule_id == "signed.start-warning"]
    assert (warning.due_on, warning.status.value, warning.flag) == (
        date(2024, 12, 19),
        "overdue",
        "start-warning",
    )
    assert start.status.value != "overdue" and start.flag is None
    plain = ZhumadianPlugin(ZhumadianSettings(start_within=DeadlineRule.parse("90 days")))
    pm2 = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", plugin) for plugin in [plain]])
    report = evaluate_deadlines(
        ListFacts(facts), zhumadian.CITY, date(2024, 12, 31), rules=rule_set(pm2, zhumadian.CITY, y)
    )
    (start,) = [r for r in report.results if r.rule_id == "signed.start"]
    assert start.due_on == date(2024, 12, 19)  # 20 Sep + 90 calendar days


def test_county_quotas_are_for_counties_and_zones_have_their_own() -> None:
    """001: 各县区每季度谋划储备项目应不少于15个 … 示范区、开发区不少于3个产业项目."""
    facts = [fact(f"R{i}", ZONE, reserved=date(2024, 1, 10)) for i in range(2)]
    got = _quotas(facts, "2024-Q1", date(2024, 3, 31))
    assert ("reserve.per-quarter", COUNTY) in got and ("reserve.per-quarter", ZONE) not in got
    year = _quotas(facts, "2024", date(2024, 12, 31))
    assert not [k for k in year if k[1] == ZONE and k[0] in ("reserve.50yi", "reserve.20yi", "signing.50yi")]


def test_post_signing_schedule_on_the_official_calendar() -> None:
    # signed Friday 2024-09-27: hand-over within 3 days -> Mon 30 Sep; ledger 1 working day later:
    # 1–7 Oct is the National Day holiday -> Tue 8 Oct; contact one working day after -> Wed 9 Oct;
    # team within 7 days -> Fri 4 Oct
    s = zhumadian.post_signing_schedule(date(2024, 9, 27))
    assert s.handover.due_on == date(2024, 9, 30)
    assert s.ledger.due_on == date(2024, 10, 8)
    assert s.contact.due_on == date(2024, 10, 9)
    assert s.team.due_on == date(2024, 10, 4)


def test_bimonthly_signing_on_the_28th() -> None:
    assert zhumadian.concentrated_signing_dates(2024) == tuple(
        date(2024, m, 28) for m in (2, 4, 6, 8, 10, 12)
    )


def test_reserve_stays_three_times_the_starts() -> None:
    facts = [fact(f"R{i}", COUNTY, reserved=date(2024, 1, 5)) for i in range(6)]
    facts += [fact(f"S{i}", COUNTY, signed=date(2024, 1, 5), started=date(2024, 2, 5)) for i in range(2)]
    facts += [fact("Z", ZONE, signed=date(2024, 1, 5), started=date(2024, 2, 5))]
    checks = {
        c.area_code: c
        for c in zhumadian.reserve_ratio_check(
            ListFacts(facts), zhumadian.CITY, Period.parse("2024-Q1"), date(2024, 3, 31)
        )
    }
    assert (checks[COUNTY].value, checks[COUNTY].target, checks[COUNTY].met) == (6, 6, True)
    assert (checks[ZONE].value, checks[ZONE].target, checks[ZONE].met) == (0, 3, False)


def test_monthly_landing_start_and_investment_completion_rates() -> None:
    facts = [
        fact(
            "A",
            COUNTY,
            signed=date(2024, 1, 5),
            landed=date(2024, 2, 1),
            investment={date(2024, 2, 1): Money.yi(1)},
        ),
        fact(
            "B",
            COUNTY,
            signed=date(2024, 2, 5),
            started=date(2024, 3, 1),
            investment={date(2024, 3, 1): Money.yi(2)},
        ),
        fact("C", COUNTY, signed=date(2024, 3, 5)),
        fact("D", COUNTY, signed=date(2024, 3, 6)),
    ]
    (row,) = [
        r
        for r in zhumadian.monthly_rates(
            ListFacts(facts), zhumadian.CITY, Period.parse("2024-03"), {COUNTY: Money.yi(10)}
        )
        if r.area_code == COUNTY
    ]
    assert row.landing_rate.value == Decimal(2) / 4  # A landed, B started (so landed)
    assert row.start_rate.value == Decimal(1) / 4
    assert row.investment_completion_rate.value == Decimal(3) / 10


def test_technical_upgrades_against_300_projects_200_yi_and_sixty_percent() -> None:
    inv = {date(2024, 5, 1): Money.yi(1)}
    facts = [fact(f"U{i}", COUNTY, started=date(2024, 3, 1), investment=inv) for i in range(3)]
    facts += [fact("NEW", COUNTY, started=date(2024, 3, 1), investment={date(2024, 5, 1): Money.yi(1)})]
    check = zhumadian.tech_upgrade_check(
        ListFacts(facts), zhumadian.CITY, Period.parse("2024"), date(2024, 12, 31), {"U0", "U1", "U2"}
    )
    assert check.projects == 3 and not check.projects_met
    assert check.investment == Money.yi(3) and not check.investment_met
    assert check.share.value == Decimal(3) / 4 and check.share_met


def test_the_escalation_ladder_meets_on_monday_then_tuesday() -> None:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", zhumadian)])
    ladder = rule_set(pm, zhumadian.CITY, Period.parse("2024")).tickets.ladder
    assert ladder is not None
    assert [s.label_zh for s in ladder] == [
        "县区政府(管委会)/市直有关部门",
        "分管副市长",
        "市重点项目办",
        "重点项目推进周例会",
    ]
    assert [s.meets_on for s in ladder] == [None, 0, None, 1]  # Monday, Tuesday


def test_flag_lagging_flags_overdue_projects_once(app: Projlife) -> None:
    for code, team in (("LATE", False), ("OK", True)):
        app.projects.execute(
            ConceiveProject(
                code=code,
                project_name=code,
                city_code="411700",
                area_code=COUNTY,
                category="industrial",
                planned_investment_yuan=Money.yi(2).yuan,
                occurred_on=date(2024, 1, 2),
                actor=CLERK,
                reserved=True,
            )
        )
        pid = project_id_for("411700", code)
        app.projects.execute(
            SignProject(
                project_id=pid,
                amount_yuan=Money.yi(2).yuan,
                counterparty="某公司",
                occurred_on=date(2024, 6, 3),
                actor=CLERK,
            )
        )
        if team:
            app.projects.execute(
                FormTeam(project_id=pid, team="专班", lead="甲", occurred_on=date(2024, 6, 5), actor=CLERK)
            )
    # 20 June: the team deadline (10 June) has passed for LATE; the start deadline has not
    flagged = zhumadian.flag_lagging(app, date(2024, 6, 20), SYSTEM)
    assert [c.project_id for c in flagged] == [project_id_for("411700", "LATE")]
    assert "lagging" in app.projects.find("411700", "LATE").flags
    assert zhumadian.flag_lagging(app, date(2024, 6, 21), SYSTEM) == []
