"""Money, Period, AreaTree and Actor: the value objects every event carries."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.domain import WAN, YI, Actor, Area, AreaLevel, AreaTree, Money, Period, PeriodKind, Role

# -- Money ------------------------------------------------------------------------------------------


def test_money_refuses_float() -> None:
    with pytest.raises(TypeError, match="not float"):
        Money(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.yi(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["abc", "NaN", "Infinity", ""])
def test_money_refuses_what_is_not_a_finite_number(text: str) -> None:
    with pytest.raises(ValueError):
        Money(text)


def test_money_holds_yuan_to_the_cent_rounding_halves_up() -> None:
    # 四舍五入, not banker's rounding: 1.005 -> 1.01 and 1.025 -> 1.03
    assert Money("1.005").yuan == Decimal("1.01")
    assert Money("1.025").yuan == Decimal("1.03")
    assert Money("1.0049").yuan == Decimal("1.00")
    assert Money("12345").in_yi() == Decimal("0.0001")  # 0.00012345 亿
    assert Money("250").in_wan(2) == Decimal("0.03")  # 0.025 万
    assert Money(3).yuan == Decimal("3.00")


def test_yi_and_wan_helpers() -> None:
    assert Money.yi(5).yuan == Decimal("500000000.00")
    assert Money.wan("12.5").yuan == Decimal("125000.00")
    assert Money.yi("0.0001") == Money.wan(1)
    assert Money("123456789.00").in_yi() == Decimal("1.2346")
    assert Money("123456789.00").in_wan() == Decimal("12345.68")
    assert str(Money.yi("2.5")) == "2.50亿元"
    assert str(Money.wan(300)) == "300.00万元"
    assert YI == 10_000 * WAN


def test_negative_money_is_refused_in_every_unit() -> None:
    for make in (Money, Money.yi, Money.wan):
        with pytest.raises(ValueError, match="negative"):
            make("-1")


cents = st.integers(min_value=0, max_value=10**15).map(lambda c: Decimal(c).scaleb(-2))


@given(cents, cents)
def test_money_adds_exactly(a: Decimal, b: Decimal) -> None:
    assert (Money(a) + Money(b)).yuan == a + b


@given(cents)
def test_wan_round_trip_is_exact_to_the_cent(yuan: Decimal) -> None:
    money = Money(yuan)
    assert Money.wan(money.in_wan(6)) == money


@given(cents, cents)
def test_money_orders_like_its_yuan(a: Decimal, b: Decimal) -> None:
    assert (Money(a) < Money(b)) == (a < b)


# -- Period -----------------------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
kinds = st.sampled_from(list(PeriodKind))


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2024", PeriodKind.YEAR, date(2024, 1, 1), date(2024, 12, 31)),
        ("2024-H2", PeriodKind.HALF_YEAR, date(2024, 7, 1), date(2024, 12, 31)),
        ("2024-Q1", PeriodKind.QUARTER, date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-B1", PeriodKind.BIMONTH, date(2024, 1, 1), date(2024, 2, 29)),
        ("2024-02", PeriodKind.MONTH, date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-W01", PeriodKind.WEEK, date(2024, 12, 30), date(2025, 1, 5)),
        ("2024-05-09", PeriodKind.DAY, date(2024, 5, 9), date(2024, 5, 9)),
    ],
)
def test_period_parse_reads_every_form(text: str, kind: PeriodKind, start: date, end: date) -> None:
    period = Period.parse(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)
    assert str(period) == text


@pytest.mark.parametrize("text", ["2024-Q5", "2024-H3", "24", "2024/05", "2024-13", "Q1 2024"])
def test_period_parse_refuses_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError):
        Period.parse(text)


def test_a_period_must_start_on_its_first_day() -> None:
    with pytest.raises(ValueError, match="not the first day of a quarter"):
        Period(PeriodKind.QUARTER, date(2024, 2, 1))


@given(kinds, days)
def test_str_and_parse_round_trip(kind: PeriodKind, day: date) -> None:
    period = Period.containing(kind, day)
    assert Period.parse(str(period)) == period


@given(kinds, days)
def test_the_containing_period_contains_the_day(kind: PeriodKind, day: date) -> None:
    period = Period.containing(kind, day)
    assert period.contains(day)
    assert period.start <= day <= period.end
    assert not period.contains(period.start - timedelta(days=1))
    assert not period.contains(period.end + timedelta(days=1))


@given(kinds, days)
def test_next_starts_the_day_after_the_end_and_previous_undoes_it(kind: PeriodKind, day: date) -> None:
    period = Period.containing(kind, day)
    assert period.next().start == period.end + timedelta(days=1)
    assert period.next().previous() == period
    assert period.previous().end == period.start - timedelta(days=1)


@given(kinds, days, st.integers(min_value=-40, max_value=40))
def test_shift_composes(kind: PeriodKind, day: date, n: int) -> None:
    period = Period.containing(kind, day)
    assert period.shift(n).shift(-n) == period


@given(kinds, days, days)
def test_elapsed_days_is_between_zero_and_the_length(kind: PeriodKind, day: date, as_of: date) -> None:
    period = Period.containing(kind, day)
    elapsed = period.elapsed_days(as_of)
    assert 0 <= elapsed <= period.days
    if period.contains(as_of):
        assert elapsed == (as_of - period.start).days + 1


def test_period_labels_in_chinese() -> None:
    assert Period.parse("2024-H1").label_zh == "2024年上半年"
    assert Period.parse("2024-Q3").label_zh == "2024年第3季度"
    assert Period.parse("2024-B2").label_zh == "2024年3—4月"


# -- AreaTree -----------------------------------------------------------------------------------------


def _tree() -> AreaTree:
    return AreaTree(
        [
            Area("420900", "孝感市", AreaLevel.CITY),
            Area("420902", "孝南区", AreaLevel.COUNTY, "420900"),
            Area("420981", "应城市", AreaLevel.COUNTY, "420900"),
            Area("420902-01", "孝感高新区", AreaLevel.TOWN, "420902", is_zone=True),
        ]
    )


def test_area_tree_lookups() -> None:
    tree = _tree()
    assert tree.city.name == "孝感市"
    assert [a.code for a in tree.counties] == ["420902", "420981"]
    assert [a.code for a in tree.children("420902")] == ["420902-01"]
    assert [a.code for a in tree.ancestors("420902-01")] == ["420902", "420900"]
    assert tree.county_of("420902-01") == tree["420902"]
    assert tree.county_of("420902") == tree["420902"]
    assert tree.county_of("420900") is None
    assert "420981" in tree and "999999" not in tree
    assert tree.get("999999") is None
    with pytest.raises(KeyError, match="unknown area code"):
        tree["999999"]


@pytest.mark.parametrize(
    ("areas", "why"),
    [
        ([Area("1", "a", "city"), Area("1", "b", "county", "1")], "appears twice"),
        ([Area("1", "a", "city"), Area("2", "b", "county", "9")], "unknown parent"),
        ([Area("1", "a", "city"), Area("2", "b", "town", "1")], "cannot sit under"),
        ([Area("1", "a", "city"), Area("2", "b", "county")], "exactly one top"),
    ],
)
def test_area_tree_refuses_inconsistent_trees(areas: list[Area], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        AreaTree(areas)


def test_an_area_needs_a_parent_unless_it_is_the_top() -> None:
    with pytest.raises(ValueError, match="sits under a county"):
        Area("2", "b", AreaLevel.TOWN)
    assert Area("2", "b", AreaLevel.COUNTY).parent_code is None  # a county as the top level
    with pytest.raises(ValueError):
        Area("1", "a", AreaLevel.CITY, "0")
    with pytest.raises(ValueError, match="area code"):
        Area("a b", "x", AreaLevel.CITY)


def test_merged_tree_adds_areas() -> None:
    tree = _tree().merged([Area("420981-01", "应城经开区", AreaLevel.TOWN, "420981", is_zone=True)])
    assert tree.county_of("420981-01") == tree["420981"]


# -- Actor --------------------------------------------------------------------------------------------


def test_actor_round_trips_through_a_dict() -> None:
    actor = Actor(id="li", role=Role.VERIFIER, area_code="420902")
    assert Actor.from_dict(actor.as_dict()) == actor
    assert actor.as_dict() == {"id": "li", "role": "verifier", "area_code": "420902"}


def test_actor_needs_an_id_and_a_known_role() -> None:
    with pytest.raises(ValueError):
        Actor(id="  ", role=Role.CLERK)
    with pytest.raises(ValueError):
        Actor(id="li", role="mayor")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Actor.from_dict({"id": None, "role": "clerk"})
