"""The rule engine on hand-built facts; every expected number is worked out in the comments."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from projlife.calendar import DeadlineRule, DeadlineStatus
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.engine import (
    EngineError,
    ProjectFacts,
    QuotaStatus,
    evaluate_deadlines,
    evaluate_quotas,
    rank,
)
from projlife.plugins.rules import (
    AmountOf,
    AreaScope,
    DeadlineSpec,
    EventRef,
    Measure,
    Metric,
    Normalisation,
    PaceUnit,
    ProjectFilter,
    QuotaRule,
    RuleSet,
    ScoringIndicator,
    ScoringRule,
)
from projlife.plugins.types import CityProfile

TREE = AreaTree(
    [
        Area("990000", "示例市", AreaLevel.CITY),
        Area("990001", "甲县", AreaLevel.COUNTY, "990000"),
        Area("990002", "乙县", AreaLevel.COUNTY, "990000"),
        Area("990003", "丙区", AreaLevel.COUNTY, "990000", is_zone=True),
    ]
)
CITY = CityProfile("demo", "990000", "示例市", "Demo", TREE)
Q2 = Period.parse("2024-Q2")


class Facts:
    def __init__(self, facts: Iterable[ProjectFacts]) -> None:
        self.facts = list(facts)

    def project_facts(self, city: CityProfile) -> list[ProjectFacts]:
        return self.facts


def project(
    code: str,
    area: str,
    stages: dict[Stage, str],
    *,
    yi: str = "2",
    category: ProjectCategory = ProjectCategory.INDUSTRIAL,
    signed_yi: str | None = None,
    removed: dict[Pool, tuple[RemovalReason, date]] | None = None,
    cancelled_on: date | None = None,
    investment: dict[date, Money] | None = None,
) -> ProjectFacts:
    dates = {Stage.CONCEIVED: date(2024, 1, 2), **{s: date.fromisoformat(d) for s, d in stages.items()}}
    return ProjectFacts(
        project_id=uuid4(),
        code=code,
        area_code=area,
        category=category,
        planned_investment=Money.yi(yi),
        conceived_on=date(2024, 1, 2),
        signed_amount=Money.yi(signed_yi) if signed_yi else None,
        stage_dates=dates,
        removed=removed or {},
        cancelled_on=cancelled_on,
        investment=investment or {},
    )


FACTS = Facts(
    [
        # 甲县: two starts in Q2 (one on 2024-06-30, the last day), one in Q3
        project("A1", "990001", {Stage.SIGNED: "2024-04-01", Stage.STARTED: "2024-05-10"}, signed_yi="3"),
        project("A2", "990001", {Stage.SIGNED: "2024-04-20", Stage.STARTED: "2024-06-30"}),
        project("A3", "990001", {Stage.SIGNED: "2024-05-05", Stage.STARTED: "2024-07-01"}),
        # 乙县: one start in Q2 of a 0.5亿 project (below the ≥1亿 filter), one fake start removed
        project("B1", "990002", {Stage.SIGNED: "2024-04-02", Stage.STARTED: "2024-04-30"}, yi="0.5"),
        project(
            "B2",
            "990002",
            {Stage.SIGNED: "2024-04-03", Stage.STARTED: "2024-05-01"},
            removed={Pool.STARTED: (RemovalReason.NOT_GENUINE, date(2024, 6, 1))},
        ),
        # 丙区 (a zone): signed in Q2, never started
        project("C1", "990003", {Stage.SIGNED: "2024-06-10"}, signed_yi="10"),
    ]
)

STARTS = Metric(Measure.STAGE_ENTRIES, "started", filter=ProjectFilter(min_investment=Money.yi(1)))


def rules(**kw: object) -> RuleSet:
    return RuleSet(city="demo", city_code="990000", period=Q2, **kw)  # type: ignore[arg-type]


def by_area(report: object) -> dict[tuple[str, str], object]:
    return {(r.rule_id, r.area_code): r for r in report.results}  # type: ignore[attr-defined]


def test_stage_entry_quota_counts_per_area_with_filter_and_as_of() -> None:
    quota = QuotaRule("starts", "每季度开工", STARTS, 2, "quarter")
    rs = rules(quotas=[quota])
    end = by_area(evaluate_quotas(FACTS, CITY, Q2, date(2024, 6, 30), rules=rs))
    # 甲县: A1 (05-10) and A2 (06-30) → 2 ≥ 2 met; A3 started in Q3
    assert end["starts", "990001"].value.value == 2
    assert end["starts", "990001"].status is QuotaStatus.MET
    # 乙县: B1 is 0.5亿 (filtered out), B2's start was removed as not genuine by 06-01 → 0
    assert end["starts", "990002"].value.value == 0
    assert end["starts", "990002"].status is QuotaStatus.NOT_MET
    assert end["starts", "990003"].value.value == 0
    # as of 2024-06-29, A2 has not started yet: 1, not met (and not final)
    mid = by_area(evaluate_quotas(FACTS, CITY, Q2, date(2024, 6, 29), rules=rs))
    assert mid["starts", "990001"].value.value == 1
    assert mid["starts", "990001"].status is QuotaStatus.NOT_MET
    assert not mid["starts", "990001"].final
    # as of 2024-05-31 the removal (06-01) had not happened: B2's start still counts
    may = by_area(evaluate_quotas(FACTS, CITY, Q2, date(2024, 5, 31), rules=rs))
    assert may["starts", "990002"].value.value == 1


def test_quotas_for_zones_only_and_city_wide() -> None:
    zone_signings = QuotaRule(
        "zone-signed",
        "园区签约",
        Metric(Measure.STAGE_ENTRIES, "signed"),
        1,
        "quarter",
        scope=AreaScope(zones=True),
    )
    city_amount = QuotaRule(
        "signed-amount",
        "签约额",
        Metric(Measure.AMOUNT, "signed", amount_of=AmountOf.SIGNED_AMOUNT),
        Money.yi(12).yuan,
        "quarter",
        scope=AreaScope.city(),
    )
    report = evaluate_quotas(
        FACTS, CITY, Q2, date(2024, 6, 30), rules=rules(quotas=[zone_signings, city_amount])
    )
    got = by_area(report)
    assert set(got) == {("zone-signed", "990003"), ("signed-amount", "990000")}
    # signed amounts recorded: A1 3亿 + C1 10亿 = 13亿 ≥ 12亿
    assert got["signed-amount", "990000"].value.value == Money.yi(13).yuan
    assert got["signed-amount", "990000"].status is QuotaStatus.MET
    assert report.rule_set_sha256 == rules(quotas=[zone_signings, city_amount]).sha256


def test_rate_quota_carries_numerator_and_denominator_and_is_na_on_an_empty_cohort() -> None:
    # of the projects signed in Q2, the share started by the end of Q2
    rate = QuotaRule(
        "start-rate",
        "开工率",
        Metric(Measure.RATE, "started", base_stage="signed"),
        Decimal("0.6"),
        "quarter",
    )
    got = by_area(evaluate_quotas(FACTS, CITY, Q2, date(2024, 9, 30), rules=rules(quotas=[rate])))
    # 甲县: A1, A2, A3 signed in Q2; A1 and A2 started by 06-30 (A3 on 07-01 is too late) → 2/3
    a = got["start-rate", "990001"]
    assert (a.value.numerator, a.value.denominator) == (2, 3)
    assert a.value.value == Decimal(2) / Decimal(3)
    assert a.status is QuotaStatus.MET
    # 乙县: B2's started claim is void (not genuine); B1 started → 1/2 < 0.6
    assert (got["start-rate", "990002"].value.numerator, got["start-rate", "990002"].value.denominator) == (
        1,
        2,
    )
    assert got["start-rate", "990002"].status is QuotaStatus.NOT_MET
    # Q3 has no signings at all: n/a everywhere
    q3 = evaluate_quotas(FACTS, CITY, Q2.next(), date(2024, 9, 30), rules=rules(quotas=[rate]))
    assert {r.status for r in q3.results} == {QuotaStatus.NOT_APPLICABLE}


def test_rate_with_cohort_offset_reads_the_previous_period() -> None:
    # Zhumadian: of a quarter's signed batch, the share started in the next quarter
    rate = QuotaRule(
        "next-q",
        "次季开工",
        Metric(Measure.RATE, "started", base_stage="signed", cohort_offset=1),
        "0.6",
        "quarter",
    )
    got = by_area(evaluate_quotas(FACTS, CITY, Q2.next(), date(2024, 9, 30), rules=rules(quotas=[rate])))
    # cohort = 甲县's Q2 signings A1, A2, A3; all three started by 09-30 → 3/3
    assert got["next-q", "990001"].value.value == 1


def test_pace_per_calendar_day_and_per_working_day() -> None:
    per_day = QuotaRule(
        "sign-pace",
        "日均签约",
        Metric(Measure.PACE, "signed", pace_unit=PaceUnit.DAY),
        "0.05",
        "quarter",
        scope=AreaScope.city(),
    )
    per_wd = QuotaRule(
        "sign-pace-wd",
        "每工作日签约",
        Metric(Measure.PACE, "signed", pace_unit=PaceUnit.WORKING_DAY),
        "0.05",
        "quarter",
        scope=AreaScope.city(),
    )
    got = by_area(evaluate_quotas(FACTS, CITY, Q2, date(2024, 4, 30), rules=rules(quotas=[per_day, per_wd])))
    # signed 04-01 … 04-30: A1, A2, B1, B2 = 4 signings over 30 calendar days
    assert got["sign-pace", "990000"].value.value == Decimal(4) / Decimal(30)
    # April 2024 working days: 22 weekdays − 04-04, 04-05 (清明) + Sundays 04-07 and 04-28 (调休) = 22
    assert got["sign-pace-wd", "990000"].value.denominator == 22
    assert got["sign-pace-wd", "990000"].value.value == Decimal(4) / Decimal(22)


def test_quota_before_its_period_begins_is_not_applicable() -> None:
    quota = QuotaRule("starts", "开工", STARTS, 1, "quarter")
    report = evaluate_quotas(FACTS, CITY, Q2, date(2024, 3, 31), rules=rules(quotas=[quota]))
    assert {r.status for r in report.results} == {QuotaStatus.NOT_APPLICABLE}


START_90WD = DeadlineSpec(
    "start-90wd",
    "签约后90个工作日内开工",
    EventRef.stage("signed"),
    EventRef.stage("started"),
    DeadlineRule.parse("90 working days"),
    flag="late-start",
)


def test_deadlines_due_overdue_met_and_met_late() -> None:
    facts = Facts(
        [
            # signed 2024-04-01 (Mon). Working days after it: April 21 (22 incl. 04-28 调休, minus
            # 04-01), May 21 (23 weekdays − 05-01..03 + Sat 05-11), June 19 (− 06-10 端午),
            # July 23 → 84 by 07-31; the 6th of August (1, 2, 5, 6, 7, 8) is 2024-08-08.
            project("D1", "990001", {Stage.SIGNED: "2024-04-01", Stage.STARTED: "2024-08-08"}),
            project("D2", "990001", {Stage.SIGNED: "2024-04-01", Stage.STARTED: "2024-08-09"}),
            project("D3", "990002", {Stage.SIGNED: "2024-04-01"}),
            project("D4", "990002", {Stage.SIGNED: "2024-04-01"}, cancelled_on=date(2024, 5, 1)),
            project("D5", "990003", {Stage.RESERVED: "2024-04-01"}),
        ]
    )
    rs = rules(deadlines=[START_90WD])
    report = evaluate_deadlines(facts, CITY, date(2024, 8, 20), rules=rs)
    got = {r.project_code: r for r in report.results}
    assert set(got) == {"D1", "D2", "D3"}  # D4 cancelled owes nothing; D5 never signed
    due = date(2024, 8, 8)
    assert {r.due_on for r in report.results} == {due}
    assert got["D1"].status is DeadlineStatus.MET and got["D1"].flag is None
    assert got["D2"].status is DeadlineStatus.MET_LATE and got["D2"].flag == "late-start"
    assert got["D3"].status is DeadlineStatus.OVERDUE
    # 08-09 … 08-20: 9, 12, 13, 14, 15, 16, 19, 20 → 8 working days overdue
    assert got["D3"].overdue_working_days == 8
    assert [r.project_code for r in report.overdue()] == ["D3"]
    assert report.rule_set_sha256 == rs.sha256
    # before the due day D3 is pending, not overdue
    early = evaluate_deadlines(facts, CITY, date(2024, 8, 8), rules=rs)
    assert {r.project_code: r.status for r in early.results}["D3"] is DeadlineStatus.PENDING


def test_ninety_days_and_ninety_working_days_are_different_rules() -> None:
    calendar_days = DeadlineSpec(
        "start-90d",
        "签约后90天内开工",
        EventRef.stage("signed"),
        EventRef.stage("started"),
        DeadlineRule.parse("90天"),
    )
    facts = Facts([project("E1", "990001", {Stage.SIGNED: "2024-04-01"})])
    report = evaluate_deadlines(
        facts, CITY, date(2024, 6, 1), rules=rules(deadlines=[calendar_days, START_90WD])
    )
    due = {r.rule_id: r.due_on for r in report.results}
    # 90 calendar days after 04-01 is 06-30 (29 + 31 + 30); 90 working days is 08-08 (see above)
    assert due == {"start-90d": date(2024, 6, 30), "start-90wd": date(2024, 8, 8)}


def test_deadline_beyond_the_calendar_data_is_provisional() -> None:
    facts = Facts([project("P1", "990001", {Stage.SIGNED: "2026-11-02"})])
    report = evaluate_deadlines(facts, CITY, date(2026, 11, 3), rules=rules(deadlines=[START_90WD]))
    assert report.results[0].due_on.year == 2027
    assert report.results[0].provisional


def test_a_skipped_optional_stage_counts_as_reached() -> None:
    land = DeadlineSpec(
        "land-30d",
        "签约后30天内落地",
        EventRef.stage("signed"),
        EventRef.stage("landed"),
        DeadlineRule.parse("30 days"),
    )
    facts = Facts([project("S1", "990001", {Stage.SIGNED: "2024-04-01", Stage.STARTED: "2024-04-20"})])
    (result,) = evaluate_deadlines(facts, CITY, date(2024, 6, 1), rules=rules(deadlines=[land])).results
    assert result.status is DeadlineStatus.MET and result.met_on == date(2024, 4, 20)


SCORING = ScoringRule(
    "quarterly",
    "季度考评",
    "quarter",
    [
        ScoringIndicator("starts", "开工数", Metric(Measure.STAGE_ENTRIES, "started"), 60),
        ScoringIndicator(
            "signed",
            "签约数",
            Metric(Measure.STAGE_ENTRIES, "signed"),
            40,
            normalisation=Normalisation.TARGET_RATIO,
            target=2,
        ),
    ],
    top_n=1,
    bottom_n=1,
)


def test_ranking_scores_ranks_and_names_top_and_bottom() -> None:
    ranking = rank(FACTS, CITY, Q2, date(2024, 6, 30), rules=rules(scoring=[SCORING]))
    rows = {r.area_code: r for r in ranking.rows}
    # starts in Q2: 甲 2 (A1, A2), 乙 1 (B1; B2 void), 丙 0 → share of max 1, 1/2, 0 → ×60
    # signings in Q2: 甲 3, 乙 2, 丙 1 → min(n/2, 1): 1, 1, 1/2 → ×40
    assert rows["990001"].score == 100
    assert rows["990002"].score == 70
    assert rows["990003"].score == 20
    assert [r.area_code for r in ranking.rows] == ["990001", "990002", "990003"]
    assert [r.rank for r in ranking.rows] == [1, 2, 3]
    assert [r.area_code for r in ranking.top] == ["990001"]
    assert [r.area_code for r in ranking.bottom] == ["990003"]


def test_ties_are_broken_by_indicator_values_then_area_code() -> None:
    # only a raw "signed" count with weight 0: every score is 0; ties fall to the values, then codes
    flat = ScoringRule(
        "flat",
        "平",
        "quarter",
        [
            ScoringIndicator(
                "signed", "签约数", Metric(Measure.STAGE_ENTRIES, "signed"), 0, normalisation="raw"
            )
        ],
    )
    ranking = rank(FACTS, CITY, Q2, date(2024, 6, 30), rules=rules(scoring=[flat]))
    assert [r.area_code for r in ranking.rows] == ["990001", "990002", "990003"]  # 3, 2, 1 signings
    empty = rank(Facts([]), CITY, Q2, date(2024, 6, 30), rules=rules(scoring=[flat]))
    assert [r.area_code for r in empty.rows] == ["990001", "990002", "990003"]  # by code


def test_ranking_needs_an_unambiguous_scoring_rule() -> None:
    with pytest.raises(EngineError, match="0 scoring rules"):
        rank(FACTS, CITY, Q2, date(2024, 6, 30), rules=rules())
    ranking = rank(FACTS, CITY, Q2, date(2024, 6, 30), rules=rules(scoring=[SCORING]), rule_id="quarterly")
    assert ranking.rule_id == "quarterly"


def test_a_change_of_rules_shows_in_the_hash_of_every_result() -> None:
    a = rules(scoring=[SCORING])
    b = rules(scoring=[SCORING], quotas=[QuotaRule("starts", "开工", STARTS, 1, "quarter")])
    ra = rank(FACTS, CITY, Q2, date(2024, 6, 30), rules=a)
    rb = rank(FACTS, CITY, Q2, date(2024, 6, 30), rules=b)
    assert [r.area_code for r in ra.rows] == [r.area_code for r in rb.rows]
    assert ra.rule_set_sha256 == a.sha256 != rb.rule_set_sha256 == b.sha256
