"""Behaviour of the working-day calendar and deadline rules (projlife.calendar).

Every concrete date below was checked against ``chinesecalendar`` 1.11 (the official State
Council tables) before being asserted; hand counts are written out in the comments.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projlife.calendar import (
    Deadline,
    DeadlineRule,
    DeadlineStatus,
    DeadlineUnit,
    WorkdayCalendar,
    add_months,
    overdue_working_days,
    status,
)

CAL = WorkdayCalendar.china()

# A hypothetical official 2027 table, as a city plugin would supply it once published.
TABLE_2027 = {
    "holidays": ["2027-01-01"],
    "workdays": ["2027-02-06"],  # a Saturday made a working day
    "official_years": [2027],
}

official_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 12, 31))
any_dates = st.dates(min_value=date(1995, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=400)


# --------------------------------------------------------------------------------------------
# What counts as a working day
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 4), True),  # Sunday, make-up workday (调休) before Spring Festival
        (date(2024, 2, 18), True),  # Sunday, make-up workday after Spring Festival
        (date(2024, 2, 10), False),  # Saturday, Spring Festival holiday 2024-02-10..17
        (date(2024, 2, 14), False),  # Wednesday inside the Spring Festival holiday
        (date(2024, 2, 17), False),  # last day of the Spring Festival holiday
        (date(2025, 10, 1), False),  # National Day 2025-10-01..08
        (date(2025, 10, 8), False),  # Wednesday, last day of National Day holiday
        (date(2025, 9, 28), True),  # Sunday, make-up workday for National Day
        (date(2025, 10, 11), True),  # Saturday, make-up workday for National Day
        (date(2026, 2, 14), True),  # Saturday, make-up workday for Spring Festival 2026
        (date(2026, 2, 15), False),  # Sunday, Spring Festival holiday 2026
        (date(2026, 1, 1), False),  # Thursday, New Year's Day
        (date(2024, 3, 5), True),  # an ordinary Tuesday
        (date(2024, 3, 9), False),  # an ordinary Saturday
    ],
)
def test_official_holidays_and_make_up_workdays_decide_working_days(day: date, expected: bool) -> None:
    assert CAL.is_workday(day) is expected
    assert CAL.is_holiday(day) is not expected
    assert CAL.is_provisional(day) is False


@given(official_dates)
def test_is_workday_agrees_with_the_official_table(day: date) -> None:
    assert CAL.is_workday(day) == chinese_calendar.is_workday(day)


@given(official_dates, st.integers(min_value=0, max_value=200))
def test_working_days_between_agrees_with_counting_the_official_table(start: date, span: int) -> None:
    end = start + timedelta(days=span)
    if end.year > 2026:
        end = date(2026, 12, 31)
    expected = len(chinese_calendar.get_workdays(start + timedelta(days=1), end)) if end > start else 0
    assert CAL.working_days_between(start, end) == expected


# --------------------------------------------------------------------------------------------
# Adding and counting working days (hand-worked)
# --------------------------------------------------------------------------------------------


def test_ninety_working_days_after_signing_cross_national_day_and_new_year() -> None:
    # Zhumadian signs on the 28th; signed Thursday 2025-08-28.
    # Aug: 29 (Fri)                                                   ->  1
    # Sep: 22 weekdays + Sun 09-28 make-up                            -> 24
    # Oct: 01..08 off; 9, 10, Sat 11 (make-up), 13-17, 20-24, 27-31   -> 42
    # Nov: 20 weekdays                                                -> 62
    # Dec: 23 weekdays                                                -> 85
    # Jan 2026: 01..03 off; Sun 04 (make-up) 86, 05 87, 06 88, 07 89, 08 -> 90
    signed = date(2025, 8, 28)
    assert CAL.add_working_days(signed, 90) == date(2026, 1, 8)
    assert CAL.working_days_between(signed, date(2026, 1, 8)) == 90
    assert CAL.working_days_between(signed, date(2026, 1, 7)) == 89


def test_a_short_deadline_jumps_the_spring_festival_and_counts_the_make_up_sunday() -> None:
    # From Thursday 2024-02-08: Fri 02-09 is 1; 02-10..17 off; Sun 02-18 (make-up) is 2; Mon 02-19 is 3.
    assert CAL.add_working_days(date(2024, 2, 8), 1) == date(2024, 2, 9)
    assert CAL.add_working_days(date(2024, 2, 8), 2) == date(2024, 2, 18)
    assert CAL.add_working_days(date(2024, 2, 8), 3) == date(2024, 2, 19)


def test_one_working_day_after_a_friday_can_be_a_make_up_saturday() -> None:
    # Friday 2026-02-13 -> Saturday 2026-02-14 is a make-up workday; after it 02-15..23 are off.
    assert CAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert CAL.next_workday(date(2026, 2, 14)) == date(2026, 2, 24)


def test_zero_working_days_is_the_start_itself_even_on_a_holiday() -> None:
    assert CAL.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)


def test_negative_working_days_go_back_strictly_before_the_start() -> None:
    # Before Monday 2024-02-19: Sun 02-18 (make-up) is the 1st, Fri 02-09 the 2nd (02-10..17 off).
    assert CAL.add_working_days(date(2024, 2, 19), -1) == date(2024, 2, 18)
    assert CAL.add_working_days(date(2024, 2, 19), -2) == date(2024, 2, 9)
    assert CAL.working_days_between(date(2024, 2, 19), date(2024, 2, 9)) == -2


def test_working_days_cross_the_year_boundary() -> None:
    # Wed 2025-12-31 -> 2026-01-01..03 off, Sun 01-04 make-up is the 1st, Mon 01-05 the 2nd.
    assert CAL.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert CAL.add_working_days(date(2025, 12, 31), 2) == date(2026, 1, 5)
    assert CAL.add_working_days(date(2026, 1, 5), -2) == date(2025, 12, 31)


def test_next_workday_is_strictly_after_and_roll_forward_keeps_a_workday() -> None:
    assert CAL.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert CAL.roll_forward(date(2025, 10, 1)) == date(2025, 10, 9)
    assert CAL.roll_forward(date(2025, 9, 30)) == date(2025, 9, 30)


# --------------------------------------------------------------------------------------------
# Provisional days (outside the official data)
# --------------------------------------------------------------------------------------------


def test_days_beyond_the_official_data_assume_monday_to_friday_and_are_provisional() -> None:
    assert CAL.is_provisional(date(2027, 1, 1)) is True
    assert CAL.is_workday(date(2027, 1, 1)) is True  # a Friday: assumed, surely wrong
    assert CAL.is_workday(date(2027, 1, 2)) is False  # Saturday
    assert CAL.is_provisional(date(2003, 6, 2)) is True
    assert CAL.is_provisional(date(2026, 12, 31)) is False


def test_a_deadline_reaching_past_the_official_data_is_provisional() -> None:
    # Thu 2026-12-31 + 1 working day -> Fri 2027-01-01 under the Monday-Friday assumption.
    deadline = DeadlineRule.parse("1 working day").due(date(2026, 12, 31), CAL)
    assert deadline.due_on == date(2027, 1, 1)
    assert deadline.provisional is True
    assert DeadlineRule.parse("90 working days").due(date(2026, 11, 2), CAL).provisional is True


def test_a_deadline_within_the_official_data_is_not_provisional() -> None:
    deadline = DeadlineRule.parse("90 working days").due(date(2025, 8, 28), CAL)
    assert deadline == Deadline(
        date(2025, 8, 28),
        date(2026, 1, 8),
        False,
        DeadlineRule(90, DeadlineUnit.WORKING_DAYS),
        calendar_version=CAL.calendar_version,
    )
    assert deadline.warning is None


def test_calendar_day_and_month_rules_are_never_provisional() -> None:
    assert DeadlineRule.parse("7 days").due(date(2026, 12, 30)).provisional is False
    assert DeadlineRule.parse("3 months").due(date(2026, 12, 30)).provisional is False


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------


def test_an_official_table_for_a_new_year_makes_it_non_provisional() -> None:
    cal = WorkdayCalendar.from_mapping(TABLE_2027)
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.is_workday(date(2027, 2, 6)) is True  # Saturday made a workday
    assert cal.is_workday(date(2027, 1, 4)) is True  # Monday, not listed: Monday-Friday
    assert cal.is_provisional(date(2027, 1, 4)) is False
    assert cal.is_provisional(date(2028, 1, 4)) is True
    # Thu 2026-12-31 + 1 working day: 2027-01-01 off, 02/03 weekend -> Mon 2027-01-04.
    deadline = DeadlineRule.parse("1 working day").due(date(2026, 12, 31), cal)
    assert deadline.due_on == date(2027, 1, 4)
    assert deadline.provisional is False


def test_overrides_win_over_the_official_package_table() -> None:
    cal = WorkdayCalendar(holidays={date(2024, 2, 4)}, workdays={date(2024, 2, 10)})
    assert cal.is_workday(date(2024, 2, 4)) is False
    assert cal.is_workday(date(2024, 2, 10)) is True
    # From Thu 2024-02-08: Fri 02-09 is 1, Sat 02-10 (override) is 2, Sun 02-18 is 3.
    assert cal.add_working_days(date(2024, 2, 8), 3) == date(2024, 2, 18)
    assert CAL.add_working_days(date(2024, 2, 8), 3) == date(2024, 2, 19)


def test_an_override_outside_official_years_fixes_that_day_but_not_the_year() -> None:
    cal = WorkdayCalendar(holidays=["2027-01-01"])
    assert cal.is_workday(date(2027, 1, 1)) is False
    assert cal.is_provisional(date(2027, 1, 1)) is False
    assert cal.is_provisional(date(2027, 1, 4)) is True


def test_a_day_cannot_be_both_an_override_workday_and_holiday() -> None:
    with pytest.raises(ValueError, match="2027-01-01"):
        WorkdayCalendar(workdays=["2027-01-01"], holidays=["2027-01-01"])


def test_calendar_mapping_refuses_unknown_keys_and_bad_years() -> None:
    with pytest.raises(ValueError, match="holiday"):
        WorkdayCalendar.from_mapping({"holiday": ["2027-01-01"]})
    with pytest.raises(ValueError, match="official_years"):
        WorkdayCalendar.from_mapping({"official_years": ["2027"]})
    with pytest.raises(ValueError, match="holidays"):
        WorkdayCalendar.from_mapping({"holidays": "2027-01-01"})


def test_calendar_round_trips_through_json_and_dict() -> None:
    import json

    cal = WorkdayCalendar.from_json(json.dumps(TABLE_2027))
    assert cal.as_dict() == {
        "workdays": ["2027-02-06"],
        "holidays": ["2027-01-01"],
        "official_years": [2027],
    }
    assert WorkdayCalendar.from_mapping(cal.as_dict()) == cal
    assert hash(WorkdayCalendar.from_mapping(cal.as_dict())) == hash(cal)


def test_layered_overrides_let_the_later_layer_win() -> None:
    base = WorkdayCalendar.from_mapping(TABLE_2027)
    layered = base.with_overrides(WorkdayCalendar(workdays=["2027-01-01"], holidays=["2027-02-06"]))
    assert layered.is_workday(date(2027, 1, 1)) is True
    assert layered.is_workday(date(2027, 2, 6)) is False
    assert layered.official_years == frozenset({2027})


def test_equal_calendars_ignore_their_caches() -> None:
    a = WorkdayCalendar(holidays=["2027-01-01"])
    b = WorkdayCalendar(holidays=["2027-01-01"])
    a.is_workday(date(2027, 5, 5))
    assert a == b
    assert WorkdayCalendar.china() is WorkdayCalendar.china()


def test_year_tables_are_cached_so_the_package_is_not_consulted_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cal = WorkdayCalendar()
    expected = cal.add_working_days(date(2025, 8, 28), 90)

    def refuse(_: date) -> bool:
        raise AssertionError("chinese_calendar consulted again")

    monkeypatch.setattr(chinese_calendar, "is_workday", refuse)
    for _ in range(1000):
        assert cal.add_working_days(date(2025, 8, 28), 90) == expected


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@given(any_dates, st.integers(min_value=1, max_value=400))
def test_adding_a_positive_number_of_working_days_lands_on_a_workday(start: date, n: int) -> None:
    assert CAL.is_workday(CAL.add_working_days(start, n))


@given(any_dates, counts)
def test_counting_back_the_added_working_days_gives_n(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due) == n
    if n > 0:  # and it is the earliest such day
        assert CAL.working_days_between(start, due - timedelta(days=1)) == n - 1


@given(any_dates, st.integers(min_value=-400, max_value=-1))
def test_going_back_from_a_workday_is_undone_by_counting(start: date, n: int) -> None:
    start = CAL.roll_forward(start)
    back = CAL.add_working_days(start, n)
    assert back < start
    assert CAL.is_workday(back)
    assert CAL.working_days_between(start, back) == n
    assert CAL.add_working_days(back, -n) == start


@given(any_dates, counts, counts)
def test_adding_working_days_is_strictly_monotonic_in_n(start: date, a: int, b: int) -> None:
    if a < b:
        assert CAL.add_working_days(start, a) < CAL.add_working_days(start, b)


@given(any_dates, any_dates, any_dates)
def test_working_days_between_is_additive_and_antisymmetric(a: date, b: date, c: date) -> None:
    ab = CAL.working_days_between(a, b)
    assert ab == -CAL.working_days_between(b, a)
    assert ab + CAL.working_days_between(b, c) == CAL.working_days_between(a, c)


@given(any_dates, st.integers(min_value=0, max_value=3650))
def test_a_days_rule_is_the_trigger_plus_n_calendar_days(trigger: date, n: int) -> None:
    assert DeadlineRule(n, DeadlineUnit.DAYS).due(trigger).due_on == trigger + timedelta(days=n)


@given(any_dates, st.integers(min_value=0, max_value=120))
def test_a_months_rule_keeps_the_day_or_clamps_to_month_end(trigger: date, n: int) -> None:
    due = add_months(trigger, n)
    assert (due.year * 12 + due.month) - (trigger.year * 12 + trigger.month) == n
    if due.day != trigger.day:
        assert due.day < trigger.day
        assert (due + timedelta(days=1)).day == 1


# --------------------------------------------------------------------------------------------
# Deadline rules: units, parsing, serialisation
# --------------------------------------------------------------------------------------------


def test_ninety_working_days_and_ninety_days_are_different_deadlines() -> None:
    # Zhumadian: "签约后90个工作日内开工" vs "原则上签约90天内实现项目开工建设".
    signed = date(2025, 8, 28)
    assert DeadlineRule.parse("90个工作日").due(signed).due_on == date(2026, 1, 8)
    assert DeadlineRule.parse("90天").due(signed).due_on == date(2025, 11, 26)  # 3 + 30 + 31 + 26
    assert DeadlineRule.parse("90个工作日") != DeadlineRule.parse("90天")


@pytest.mark.parametrize(
    ("trigger", "rule", "due_on"),
    [
        (date(2024, 1, 31), "1 month", date(2024, 2, 29)),  # leap year clamp
        (date(2025, 1, 31), "1 month", date(2025, 2, 28)),
        (date(2024, 11, 30), "3 months", date(2025, 2, 28)),  # started -> in statistics (Xiaogan)
        (date(2024, 3, 15), "3 months", date(2024, 6, 15)),
        (date(2025, 12, 28), "3 days", date(2025, 12, 31)),  # hand over within 3 days (Zhumadian)
        (date(2025, 9, 28), "7 days", date(2025, 10, 5)),  # task force within 7 days, a holiday
    ],
)
def test_calendar_day_and_month_rules(trigger: date, rule: str, due_on: date) -> None:
    assert DeadlineRule.parse(rule).due(trigger).due_on == due_on


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("90 working days", DeadlineRule(90, DeadlineUnit.WORKING_DAYS)),
        ("1 working day", DeadlineRule(1, DeadlineUnit.WORKING_DAYS)),
        ("  7   Days ", DeadlineRule(7, DeadlineUnit.DAYS)),
        ("3 months", DeadlineRule(3, DeadlineUnit.MONTHS)),
        ("1 month", DeadlineRule(1, DeadlineUnit.MONTHS)),
        ("90个工作日", DeadlineRule(90, DeadlineUnit.WORKING_DAYS)),
        ("1个工作日", DeadlineRule(1, DeadlineUnit.WORKING_DAYS)),
        ("3日", DeadlineRule(3, DeadlineUnit.DAYS)),
        ("3个月", DeadlineRule(3, DeadlineUnit.MONTHS)),
    ],
)
def test_rules_parse_english_and_chinese_forms(text: str, rule: DeadlineRule) -> None:
    assert DeadlineRule.parse(text) == rule


@pytest.mark.parametrize("text", ["", "ninety days", "-3 days", "3 weeks", "3.5 days", "days 3"])
def test_unparseable_rules_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="cannot parse"):
        DeadlineRule.parse(text)


def test_a_negative_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        DeadlineRule(-1, DeadlineUnit.DAYS)


def test_canonical_strings_and_dicts() -> None:
    assert str(DeadlineRule(90, DeadlineUnit.WORKING_DAYS)) == "90 working days"
    assert str(DeadlineRule(1, DeadlineUnit.WORKING_DAYS)) == "1 working day"
    assert str(DeadlineRule(1, DeadlineUnit.MONTHS)) == "1 month"
    assert DeadlineRule.parse("90个工作日").as_dict() == {"amount": 90, "unit": "working_days"}


rules = st.builds(DeadlineRule, st.integers(min_value=0, max_value=10_000), st.sampled_from(DeadlineUnit))


@given(rules)
def test_rules_round_trip_through_str_and_dict(rule: DeadlineRule) -> None:
    assert DeadlineRule.parse(str(rule)) == rule
    assert DeadlineRule.from_dict(rule.as_dict()) == rule


# --------------------------------------------------------------------------------------------
# Status
# --------------------------------------------------------------------------------------------

# Signed Thursday 2025-09-25, start "3 working days" later: Fri 26, Sun 28 (make-up), Mon 29 -> due 09-29.
SEP_DEADLINE = DeadlineRule.parse("3 working days").due(date(2025, 9, 25))


def test_the_status_example_deadline_is_hand_counted() -> None:
    assert SEP_DEADLINE.due_on == date(2025, 9, 29)


@pytest.mark.parametrize(
    ("met_on", "as_of", "expected"),
    [
        (None, date(2025, 9, 26), DeadlineStatus.PENDING),
        (None, date(2025, 9, 29), DeadlineStatus.PENDING),  # the due day itself is in time
        (None, date(2025, 9, 30), DeadlineStatus.OVERDUE),
        (date(2025, 9, 29), date(2025, 9, 29), DeadlineStatus.MET),
        (date(2025, 9, 26), date(2025, 12, 1), DeadlineStatus.MET),
        (date(2025, 10, 9), date(2025, 10, 9), DeadlineStatus.MET_LATE),
        (date(2025, 10, 9), date(2025, 10, 1), DeadlineStatus.OVERDUE),  # not met yet as of 10-01
        (date(2025, 9, 26), date(2025, 9, 25), DeadlineStatus.PENDING),  # not met yet as of 09-25
    ],
)
def test_status_of_a_deadline(met_on: date | None, as_of: date, expected: DeadlineStatus) -> None:
    assert status(SEP_DEADLINE, met_on, as_of) is expected


def test_overdue_working_days_skip_the_national_day_holiday() -> None:
    # Due Mon 09-29; Tue 09-30 is 1 late; 10-01..08 off; Thu 10-09 is 2, Fri 10-10 is 3.
    assert overdue_working_days(SEP_DEADLINE, None, date(2025, 10, 10)) == 3
    assert overdue_working_days(SEP_DEADLINE, date(2025, 10, 9), date(2025, 12, 1)) == 2
    assert overdue_working_days(SEP_DEADLINE, date(2025, 9, 26), date(2025, 12, 1)) == 0
    assert overdue_working_days(SEP_DEADLINE, None, date(2025, 9, 27)) == 0


@settings(max_examples=50)
@given(any_dates, st.integers(min_value=0, max_value=200), any_dates)
def test_unmet_deadlines_are_overdue_exactly_when_working_days_are_late(
    trigger: date, n: int, as_of: date
) -> None:
    deadline = DeadlineRule(n, DeadlineUnit.WORKING_DAYS).due(trigger)
    late = overdue_working_days(deadline, None, as_of)
    state = status(deadline, None, as_of)
    assert (state is DeadlineStatus.OVERDUE) == (as_of > deadline.due_on)
    if late > 0:
        assert state is DeadlineStatus.OVERDUE


@settings(max_examples=200)
@given(
    st.dates(min_value=date(2026, 10, 1), max_value=date(2027, 3, 31)),
    st.integers(min_value=-60, max_value=60),
)
def test_a_span_is_provisional_exactly_when_one_of_its_days_is(start: date, span: int) -> None:
    cal = WorkdayCalendar(holidays=["2027-01-01"])
    end = start + timedelta(days=span)
    lo, hi = min(start, end), max(start, end)
    days = [lo + timedelta(days=i) for i in range(1, (hi - lo).days + 1)]
    assert cal.any_provisional(start, end) == any(cal.is_provisional(d) for d in days)
