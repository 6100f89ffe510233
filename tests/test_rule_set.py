"""Rule values validate on construction; a rule set's canonical JSON and hash are stable."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.plugins.rules import (
    AreaScope,
    DeadlineSpec,
    EscalationStep,
    EventRef,
    Measure,
    Metric,
    ProjectFilter,
    QuotaRule,
    RuleSet,
    ScoringIndicator,
    ScoringRule,
    SizeClass,
    TicketRules,
    canonical_decimal,
)
from projlife.testing.strategies import deadline_rules, money

P = Period.parse("2024")


def quota(rule_id: str, target: object = 5) -> QuotaRule:
    return QuotaRule(rule_id, "开工", Metric(Measure.STAGE_ENTRIES, "started"), target, "quarter")  # type: ignore[arg-type]


def test_canonical_decimals_ignore_trailing_zeros_and_exponents() -> None:
    assert canonical_decimal(Decimal("0.60")) == "0.6"
    assert canonical_decimal(Decimal("1E+2")) == "100"
    assert canonical_decimal(Decimal("-0")) == "0"
    assert quota("a", Decimal("5.00")).as_dict() == quota("a", 5).as_dict()


def test_rule_values_refuse_nonsense_at_construction() -> None:
    with pytest.raises(ValueError, match="negative"):
        quota("a", -1)
    with pytest.raises(ValueError, match="within"):
        QuotaRule("r", "率", Metric(Measure.RATE, "started", base_stage="signed"), "1.2", "year")
    with pytest.raises(ValueError, match="base_stage"):
        Metric(Measure.RATE, "started")
    with pytest.raises(ValueError, match="must come before"):
        Metric(Measure.RATE, "signed", base_stage="started")
    with pytest.raises(ValueError, match="pace_unit"):
        Metric(Measure.PACE, "signed")
    with pytest.raises(ValueError, match="after the trigger"):
        DeadlineSpec(
            "d", "x", EventRef.stage("started"), EventRef.stage("signed"), DeadlineRule.parse("3 days")
        )
    with pytest.raises(ValueError, match="lower-case"):
        quota("Has Spaces")
    with pytest.raises(ValueError, match="must exceed"):
        SizeClass("s", "s", Money.yi(5), Money.yi(1))
    with pytest.raises(ValueError, match="share the id"):
        TicketRules(ladder=[EscalationStep("a", "甲"), EscalationStep("a", "乙")])
    with pytest.raises(ValueError, match="0 \\(Monday\\)"):
        EscalationStep("a", "甲", meets_on=7)
    with pytest.raises(ValueError, match="at least one step"):
        TicketRules(ladder=[])
    with pytest.raises(ValueError, match="share the id"):
        RuleSet("c", "1", P, quotas=[quota("a"), quota("a", 6)])
    with pytest.raises(ValueError, match="within"):
        TicketRules(revisit_sample_rate=Decimal("1.01"))
    with pytest.raises(ValueError, match="1–5"):
        TicketRules(satisfaction_bar=Decimal("0.8"))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not a valid Satisfaction"):
        TicketRules(satisfaction_bar=6)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="per-area"):
        ScoringRule(
            "s",
            "s",
            "year",
            [ScoringIndicator("i", "i", Metric(Measure.STOCK, "reserved"), 1)],
            scope=AreaScope.city(),
        )


def test_size_classes_are_lower_inclusive_upper_exclusive() -> None:
    c = SizeClass("1-5yi", "1—5亿元", Money.yi(1), Money.yi(5))
    assert c.contains(Money.yi(1)) and not c.contains(Money.yi(5)) and not c.contains(Money.yi("0.99"))
    assert (
        ProjectFilter(min_investment=Money.yi(1), max_investment=Money.yi(5)).matches(
            planned_investment=Money.yi(5),
            category="industrial",  # type: ignore[arg-type]
        )
        is False
    )


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=8, unique=True), st.randoms())
def test_hash_does_not_depend_on_the_order_plugins_answered_in(targets: list[int], rnd: object) -> None:
    rules = [quota(f"q{i}", t) for i, t in enumerate(targets)]
    shuffled = list(rules)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert RuleSet("c", "1", P, quotas=rules).sha256 == RuleSet("c", "1", P, quotas=shuffled).sha256


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_hash_changes_exactly_when_a_target_changes(a: int, b: int) -> None:
    ha = RuleSet("c", "1", P, quotas=[quota("q", a)]).sha256
    hb = RuleSet("c", "1", P, quotas=[quota("q", b)]).sha256
    assert (ha == hb) == (a == b)


@given(money(), deadline_rules())
def test_canonical_json_round_trips_and_is_plain_json(threshold: Money, rule: DeadlineRule) -> None:
    rs = RuleSet(
        "c",
        "1",
        P,
        major_threshold=threshold,
        deadlines=[
            DeadlineSpec("d", "期限", EventRef.stage(Stage.SIGNED), EventRef.milestone("tendering"), rule)
        ],
        calendar=WorkdayCalendar(holidays=[date(2027, 2, 8)], official_years=[2027]),
    )
    text = rs.canonical_json()
    assert json.loads(text) == rs.as_dict()
    assert json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False) == text
    assert Money(json.loads(text)["major_threshold"]) == threshold


def test_the_period_and_the_calendar_are_part_of_the_hash() -> None:
    base = RuleSet("c", "1", P)
    assert base.sha256 != RuleSet("c", "1", Period.parse("2025")).sha256
    assert base.sha256 != RuleSet("c", "1", P, calendar=WorkdayCalendar(holidays=[date(2027, 2, 8)])).sha256
    # a known value, so an accidental change of the canonical layout is caught
    assert base.canonical_json().startswith(
        '{"calendar":{"holidays":[],"official_years":[],"workdays":[]},"city":"c"'
    )
