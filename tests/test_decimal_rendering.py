"""Money and figures render as plain decimal strings in every ``as_dict`` and JSON, never "5E+7"."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from projlife.domain.money import Money, decimal_text
from projlife.domain.periods import Period
from projlife.engine.metrics import MetricValue
from projlife.plugins import get_plugin_manager, rule_set
from projlife.plugins.counting_policy import DriveScope
from projlife.plugins.manager import city_profiles
from projlife.plugins.site_scoring import SiteScoring
from projlife.projections.counting.indicators import IndicatorValue
from projlife.projections.counting.plan import PlanStatus, summarise_plans
from projlife.tickets.policy import DEFAULT_TICKET_POLICY

_EXPONENT = re.compile(r"(^|\")-?\d+(\.\d+)?[eE][+-]?\d+(\"|$)")
"""A number in exponent form, as a whole JSON string or a whole value (not inside a file name)."""

# Decimals as a sheet, a sum or Decimal.normalize() leave them: any exponent, scale kept.
decimals = st.builds(
    lambda digits, exp: Decimal(digits).scaleb(exp), st.integers(0, 10**12), st.integers(-2, 9)
)


@given(decimals)
def test_decimal_text_is_plain_and_exact(value: Decimal) -> None:
    text = decimal_text(value)
    assert not _EXPONENT.search(text) and Decimal(text) == value


@given(decimals)
def test_a_drive_scope_renders_its_threshold_as_plain_yuan(value: Decimal) -> None:
    text = DriveScope(min_amount=Money(value)).as_dict()["min_amount"]
    assert not _EXPONENT.search(text) and Decimal(text) == Money(value).yuan


def test_the_5000_wan_scope_of_the_issue_is_50000000_not_5e7() -> None:
    assert DriveScope(min_amount=Money.wan(5000)).as_dict()["min_amount"] == "50000000"
    assert DriveScope(min_amount=Decimal("5E+7")).as_dict()["min_amount"] == "50000000"


@given(decimals.filter(lambda d: d > 0))
def test_site_scoring_and_figures_render_plain(value: Decimal) -> None:
    docs = [
        SiteScoring("r", scale_max=value).as_dict(),
        MetricValue(value, value, value).as_dict(),
        IndicatorValue("i", value, value, value).as_dict(),
        PlanStatus(
            "p",
            "P",
            2025,
            date(2025, 6, 30),
            6,
            value,
            value,
            value,
            None,
            None,
            None,
            None,
            None,
            None,
            False,
            (),
            (),
        ).as_dict(),
        summarise_plans([], date(2025, 6, 30)).as_dict(),
    ]
    text = json.dumps(docs)
    assert not _EXPONENT.search(text), text


def test_no_built_in_citys_rule_set_or_ticket_policy_has_an_exponent() -> None:
    pm = get_plugin_manager()
    for city in city_profiles(pm).values():
        doc = rule_set(pm, city, Period.parse("2025")).canonical_json()
        assert not _EXPONENT.search(doc), city.slug
    assert not _EXPONENT.search(json.dumps(DEFAULT_TICKET_POLICY.as_dict()))
