"""Hand-worked scenarios for the counting layer's seed readings and policies (issue 13, §1–§3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import attrs
import pytest

from city_helpers import ListFacts, fact
from projlife.app.application import Projlife
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.engine import evaluate_quotas
from projlife.plugins.counting_policy import CountingPolicy, DriveScope
from projlife.plugins.manager import rule_set
from projlife.plugins.rules import AreaScope, Measure, Metric, QuotaRule
from projlife.projections.counting import AreaKind, Selection, entries, round_rate
from projlife.projections.metrics import Rate
from projlife.reports.bulletin import build_bulletin

CLERK = {"id": "clerk-1", "role": "clerk"}
SYSTEM = {"id": "sys", "role": "system"}


class Drive:
    def __init__(self, app: Projlife, slug: str) -> None:
        self.app = app
        self.city = app.city(slug)
        self.county = self.city.areas.counties[0].code

    def do(self, kind: str, pid: str | None = None, **fields: Any) -> None:
        data = {"command": kind, "actor": fields.pop("actor", CLERK), **fields}
        if pid is not None:
            data["project_id"] = pid
        self.app.projects.execute(data)

    def project(self, code: str, yi: str, category: str = "industrial", on: str = "2024-01-05") -> str:
        self.do(
            "conceive", code=code, project_name=code, city_code=self.city.code, area_code=self.county,
            category=category, planned_investment_yuan=str(Decimal(yi) * 100_000_000), occurred_on=on,
            reserved=True,
        )  # fmt: skip
        return str(self.app.projects.find(self.city.code, code).id)


def test_rates_round_half_up_once_from_the_exact_fraction() -> None:
    """四舍五入, once, to the precision shown: 18/33 → 54.5%; 13/80 → 16.3% (not 54.6% / 16.2%)."""
    assert round_rate(18, 33) == Decimal("54.5")
    assert round_rate(13, 80) == Decimal("16.3")
    assert str(Rate("r", "率", 18, 33)) == "18/33 = 54.5%"
    assert str(Rate("r", "率", 13, 80)) == "13/80 = 16.3%"
    assert round_rate(1, 0) is None and str(Rate("r", "率", 0, 0)) == "0/0 = n/a"


def test_xiaogan_counts_only_the_211_scope_judging_a_signing_by_its_signed_amount(app: Projlife) -> None:
    """000: 亿元以上产业项目; 签约亿元以上项目746个、签约金额4934亿元 — a signing counts by its 签约金额.
    The weekly bulletin leaves out a 0.5亿 project and a road, in its quota section and its totals."""
    d = Drive(app, "xiaogan")
    small = d.project("SMALL", "0.5")
    road = d.project("ROAD", "3", category="infrastructure")
    grew = d.project("GREW", "0.8")  # planned under 1 亿, signed at 1.2 亿: in scope from signing
    shrank = d.project("SHRANK", "2")  # planned 2 亿, signed at 0.9 亿: out of scope from signing
    big = d.project("BIG", "5")
    for pid, amount in ((small, "50000000"), (road, "300000000"), (grew, "120000000"),
                        (shrank, "90000000"), (big, "500000000")):  # fmt: skip
        d.do("sign", pid, amount_yuan=amount, counterparty="甲", occurred_on="2024-05-08")
    app.projections.run()
    b = build_bulletin(app, "xiaogan", kind="weekly", as_of=date(2024, 5, 10))
    assert b.totals.in_period[Stage.SIGNED] == 2  # GREW and BIG
    assert b.totals.out_of_scope == 3 and b.projects == 2
    signed = app.metrics.count_entries("signed", period="2024-W19", city="xiaogan")
    assert signed.count == 2
    assert (
        app.metrics.count_entries("reserved", period="2024", city="xiaogan").count == 2
    )  # SHRANK, BIG by plan
    assert rule_set(app.plugins, d.city, Period.parse("2024")).counting.scope.min_amount == Money.yi(1)


def test_a_removed_start_leaves_every_surface_from_the_removal_date_on(app: Projlife) -> None:
    """000: 对开工三个月以上仍未纳统的项目在开工项目库内予以剔除 — 纳统率 reads the same everywhere."""
    d = Drive(app, "xiaogan")
    a, b = d.project("A", "2"), d.project("B", "3")
    for pid in (a, b):
        d.do("sign", pid, amount_yuan="300000000", counterparty="甲", occurred_on="2024-01-10")
        d.do("start", pid, occurred_on="2024-02-01")
    d.do("enter_statistics", a, occurred_on="2024-03-01")
    d.do("remove_from_pool", b, pool="started", reason_code="not_in_statistics_in_time",
         occurred_on="2024-05-06", actor=SYSTEM)  # fmt: skip
    app.projections.run()
    stat = app.metrics.rate("started_to_statistics", period="2024-Q1", city="xiaogan")
    assert (stat.numerator, stat.denominator, len(stat.excluded)) == (1, 1, 1)
    before = app.metrics.rate(
        "started_to_statistics", period="2024-Q1", city="xiaogan", as_of=date(2024, 5, 5)
    )
    assert (before.numerator, before.denominator) == (1, 2)  # before the removal date it counted
    bulletin = build_bulletin(app, "xiaogan", kind="half-year", as_of=date(2024, 6, 30))
    assert bulletin.totals.in_period[Stage.STARTED] == 1 and bulletin.totals.cumulative[Stage.STARTED] == 1
    assert bulletin.totals.left_out["removed"] == 1 and bulletin.totals.removed == 1
    city = d.city
    h1 = Period.parse("2024-H1")
    started = Metric(Measure.STAGE_ENTRIES, "started")
    rules = attrs.evolve(
        rule_set(app.plugins, city, h1),
        quotas=[QuotaRule("s", "开工", started, 1, "half_year", AreaScope.city())],
    )
    assert evaluate_quotas(app, city, h1, date(2024, 6, 30), rules=rules).results[0].value.value == 1


def test_the_removal_and_cancellation_policies_are_settings() -> None:
    """The seeds are silent on 纳统 after 剔除 and on cancelled projects: both are the city's settings."""
    tree = AreaTree(
        [Area("990000", "示例市", AreaLevel.CITY), Area("990001", "甲县", AreaLevel.COUNTY, "990000")]
    )
    jan, feb, jun = date(2024, 1, 5), date(2024, 2, 1), date(2024, 6, 1)
    removed = attrs.evolve(
        fact("R", "990001", started=jan, in_statistics=jun),
        removed={Pool.STARTED: (RemovalReason.NOT_IN_STATISTICS_IN_TIME, date(2024, 5, 1))},
    )
    cancelled = attrs.evolve(fact("C", "990001", started=feb), cancelled_on=date(2024, 3, 1))
    facts = [removed, cancelled]
    q1 = (date(2024, 1, 1), date(2024, 3, 31))
    assert entries(facts, Stage.STARTED, *q1).project_ids == (str(cancelled.project_id),)
    lifted = CountingPolicy(removal_lifted_when_met=True)
    assert entries([attrs.evolve(removed, policy=lifted)], Stage.STARTED, *q1).count == 1
    dropped = CountingPolicy(cancelled_entries_count=False)
    out = entries([attrs.evolve(cancelled, policy=dropped)], Stage.STARTED, *q1)
    assert out.count == 0 and out.left_out("cancelled") == 1
    assert not cancelled.in_stock(Stage.STARTED)  # a cancelled project leaves every stock
    assert tree.counties


def test_selection_scopes_by_area_kind_category_and_stage_amount() -> None:
    tree = AreaTree(
        [
            Area("990000", "示例市", AreaLevel.CITY),
            Area("990001", "甲县", AreaLevel.COUNTY, "990000"),
            Area("990002", "开发区", AreaLevel.COUNTY, "990000", is_zone=True),
            Area("990011", "某镇", AreaLevel.TOWN, "990001"),
            Area("990012", "某园区", AreaLevel.TOWN, "990001", is_zone=True),
        ]
    )
    town = fact("T", "990011", 3, signed_yi="0.9", signed=date(2024, 2, 1))
    park = fact("P", "990012", 3, category=ProjectCategory.INFRASTRUCTURE)
    zone = fact("Z", "990002", 3)
    assert Selection(area="990001").matches(town, tree) and not Selection(area="990001").matches(zone, tree)
    assert Selection(area_kind=AreaKind.PARK).matches(park, tree)
    assert Selection(area_kind=AreaKind.COUNTY).matches(park, tree)  # under a county
    assert Selection(area_kind=AreaKind.ZONE).matches(zone, tree) and not Selection(area_kind="zone").matches(
        town, tree
    )
    assert not Selection(industry_only=True).matches(park, tree)
    one = Selection(min_amount=Money.yi(1))
    assert one.matches(town, tree, Stage.RESERVED) and not one.matches(
        town, tree, Stage.SIGNED
    )  # 0.9 亿 signed


def test_a_drive_scope_applies_to_in_memory_facts_through_the_rule_set() -> None:
    tree = AreaTree(
        [Area("990000", "示例市", AreaLevel.CITY), Area("990001", "甲县", AreaLevel.COUNTY, "990000")]
    )
    from projlife.plugins.rules import RuleSet
    from projlife.plugins.types import CityProfile

    city = CityProfile("demo", "990000", "示例市", "Demo", tree)
    q = Period.parse("2024-Q1")
    rules = RuleSet(
        "demo", "990000", q,
        quotas=[QuotaRule("s", "签约", Metric(Measure.STAGE_ENTRIES, "signed"), 1, "quarter", AreaScope.city())],
        counting=CountingPolicy(scope=DriveScope(min_amount=Money.yi(1))),
    )  # fmt: skip
    facts = [
        fact("A", "990001", 2, signed=date(2024, 2, 1)),
        fact("B", "990001", "0.5", signed=date(2024, 2, 1)),
    ]
    report = evaluate_quotas(ListFacts(facts), city, q, date(2024, 3, 31), rules=rules)
    assert report.results[0].value.value == 1
    assert (
        "counting" in rules.as_dict()
        and rules.sha256 != attrs.evolve(rules, counting=CountingPolicy()).sha256
    )


@pytest.mark.parametrize("slug", ["zhumadian"])
def test_known_at_bulletins_include_the_rule_sections(app: Projlife, slug: str) -> None:
    app.projections.run()
    from datetime import UTC, datetime

    b = build_bulletin(app, slug, kind="quarterly", as_of=date(2024, 6, 30), known_at=datetime.now(UTC))
    assert b.rules is not None and b.not_as_known == ("tickets",)
