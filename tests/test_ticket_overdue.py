"""Overdue tickets across weekends, official holidays and make-up workdays (hand-counted, 2024–2026)."""

from __future__ import annotations

from datetime import date

import pytest

from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.actor import Actor, Role
from projlife.domain.ticket import AssigneeKind, Ticket
from projlife.tickets.policy import DEFAULT_TICKET_POLICY, ZHUMADIAN_LADDER

CAL = WorkdayCalendar.china()
CLERK = Actor("clerk-1", Role.CLERK)
HANDLER = Actor("handler-1", Role.HANDLER)


def assigned_ticket(on: date, rule: str) -> Ticket:
    ticket = Ticket.raise_(
        code="T-1",
        city_code="420900",
        area_code="420902",
        category="用能用地",
        categories=DEFAULT_TICKET_POLICY.category_labels,
        description="电力增容迟迟未批",
        raised_by="企业负责人",
        enterprise_code="91420900MA49ABCD1X",
        occurred_on=on,
        actor=CLERK,
    )
    due = DeadlineRule.parse(rule).due(on, CAL).due_on
    ticket.assign(
        assignee_kind=AssigneeKind.DEPARTMENT,
        assignee="市供电公司",
        due_on=due,
        due_rule=rule,
        occurred_on=on,
        actor=CLERK,
    )
    return ticket


def overdue_days(ticket: Ticket, as_of: date) -> int:
    state = ticket.overdue_as_of(as_of, CAL)
    return 0 if state is None else state.overdue_working_days


def test_national_day_2024_counts_the_make_up_sunday_and_saturday():
    # Fri 2024-09-27 + 10 working days: 9-29 (make-up Sun), 9-30, [10-01..10-07 holiday], 10-08 … 10-11,
    # 10-12 (make-up Sat), 10-14, 10-15, 10-16.
    ticket = assigned_ticket(date(2024, 9, 27), "10 working days")
    assert ticket.due_on == date(2024, 10, 16)
    assert overdue_days(ticket, date(2024, 10, 7)) == 0
    assert overdue_days(ticket, date(2024, 10, 16)) == 0  # the due day itself is still in time
    assert overdue_days(ticket, date(2024, 10, 17)) == 1
    assert overdue_days(ticket, date(2024, 10, 20)) == 2  # Thu 17, Fri 18; the weekend does not count


def test_weekend_days_are_not_overdue_days():
    ticket = assigned_ticket(date(2024, 9, 27), "10 working days")
    # Thu 17, Fri 18 are working days; Sat 19 and Sun 20 are not.
    assert overdue_days(ticket, date(2024, 10, 18)) == 2
    assert overdue_days(ticket, date(2024, 10, 19)) == 2
    assert overdue_days(ticket, date(2024, 10, 21)) == 3


def test_spring_festival_2025_with_a_pause_across_the_holiday():
    # Mon 2025-01-20 + 5 working days: 21, 22, 23, 24, 26 (make-up Sunday) → due Sun 2025-01-26.
    ticket = assigned_ticket(date(2025, 1, 20), "5 working days")
    assert ticket.due_on == date(2025, 1, 26)
    unpaused = assigned_ticket(date(2025, 1, 20), "5 working days")
    # As of Wed 2025-02-05: 27 Jan worked, 28 Jan–4 Feb holiday, 5 Feb worked → 2 days late.
    assert overdue_days(unpaused, date(2025, 2, 5)) == 2

    ticket.pause_clock(occurred_on=date(2025, 1, 24), actor=CLERK, reason="等待企业补充环评材料")
    ticket.resume_clock(occurred_on=date(2025, 2, 6), actor=CLERK, reason="材料已补齐")
    # Paused working days in (Jan 24, Feb 6]: 26 (make-up), 27, Feb 5, Feb 6 = 4 → effective due Fri Feb 7.
    state = ticket.overdue_as_of(date(2025, 2, 7), CAL)
    assert state is not None
    assert state.paused_working_days == 4
    assert state.effective_due_on == date(2025, 2, 7)
    assert not state.is_overdue
    # Sat Feb 8 is a make-up workday, Sun Feb 9 is not, Mon Feb 10 is.
    assert overdue_days(ticket, date(2025, 2, 8)) == 1
    assert overdue_days(ticket, date(2025, 2, 9)) == 1
    assert overdue_days(ticket, date(2025, 2, 10)) == 2


def test_an_open_pause_stops_the_clock_up_to_the_query_date():
    ticket = assigned_ticket(date(2025, 1, 20), "5 working days")
    ticket.pause_clock(occurred_on=date(2025, 1, 24), actor=CLERK, reason="等待企业补充材料")
    for as_of in (date(2025, 1, 27), date(2025, 2, 5), date(2025, 3, 3)):
        assert overdue_days(ticket, as_of) == 0


def test_an_overdue_ticket_paused_late_stays_overdue_by_the_days_before_the_pause():
    ticket = assigned_ticket(date(2025, 1, 20), "5 working days")  # due Sun 2025-01-26
    ticket.pause_clock(occurred_on=date(2025, 2, 5), actor=CLERK, reason="企业负责人出差")
    # Late on Jan 27 and Feb 5 (the pause starts at the end of Feb 5); nothing after.
    assert overdue_days(ticket, date(2025, 2, 20)) == 2


def test_spring_festival_2026_holiday_days_do_not_count():
    # Wed 2026-02-11 + 3 working days: 12, 13, 14 (make-up Sat) → due 2026-02-14.
    ticket = assigned_ticket(date(2026, 2, 11), "3 working days")
    assert ticket.due_on == date(2026, 2, 14)
    assert overdue_days(ticket, date(2026, 2, 23)) == 0  # 15–23 Feb holiday
    assert overdue_days(ticket, date(2026, 2, 24)) == 1
    assert overdue_days(ticket, date(2026, 2, 28)) == 5  # 24, 25, 26, 27 and make-up Sat 28


def test_an_answer_stops_the_clock_and_past_dates_keep_their_answer():
    ticket = assigned_ticket(date(2024, 9, 27), "10 working days")
    ticket.answer(resolution="已完成增容", occurred_on=date(2024, 10, 18), actor=HANDLER)
    assert overdue_days(ticket, date(2024, 10, 17)) == 1  # as of the 17th it was late
    assert ticket.overdue_as_of(date(2024, 10, 18), CAL) is None
    assert ticket.overdue_as_of(date(2024, 12, 31), CAL) is None


@pytest.mark.parametrize(
    ("escalated_on", "step", "scheduled_on"),
    [
        # Mon 2024-09-30 → vice-mayor meets Mondays: next Monday 10-07 is a holiday → Tue 10-08.
        (date(2024, 9, 30), 1, date(2024, 10, 8)),
        # the key-project office takes it up on the day (rolled to a working day): Sat 10-05 → Tue 10-08.
        (date(2024, 10, 5), 2, date(2024, 10, 8)),
        # Wed 2024-10-09 → the weekly meeting on Tuesdays: 10-15.
        (date(2024, 10, 9), 3, date(2024, 10, 15)),
        # Tue 2026-02-10 → next Tuesday 2026-02-17 is in the Spring Festival → Tue 2026-02-24.
        (date(2026, 2, 10), 3, date(2026, 2, 24)),
    ],
)
def test_zhumadian_ladder_schedules_each_step_on_its_meeting_day(escalated_on, step, scheduled_on):
    assert ZHUMADIAN_LADDER[step].scheduled_on(escalated_on, CAL) == scheduled_on
