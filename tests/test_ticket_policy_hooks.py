"""The ticket policy comes from the city plugins' hooks: first answer wins, default fills gaps.

The ticket service uses that policy: the plugin's categories on raise, its due rule on assign,
its ladder (with meeting weekdays) on escalate, its bar and unsampled rule on revisit and close.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.app.application import Projlife, connect
from projlife.calendar import DeadlineRule, WorkdayCalendar
from projlife.domain.errors import CommandRejected, IllegalTransition
from projlife.domain.ticket import CloseBasis, Satisfaction, TicketStatus
from projlife.plugins import CityProfile, EscalationStep, TicketCategory, get_plugin_manager, hookimpl
from projlife.plugins.cities import xiaogan, zhumadian
from projlife.plugins.manager import ticket_rules
from projlife.tickets.policy import DEFAULT_TICKET_POLICY, ZHUMADIAN_LADDER, TicketPolicy, ticket_policy_for

CITY = "420900"  # 孝感
CLERK = {"id": "clerk-1", "role": "clerk"}
HANDLER = {"id": "handler-1", "role": "handler"}
REVISITOR = {"id": "revisitor-1", "role": "revisitor"}


def _ours(city: CityProfile) -> bool:
    return city.code == CITY


def policy_plugin() -> types.ModuleType:
    """A plugin for 孝感 (in place of the built-in one) with 驻马店's ladder, two categories,
    5 working days and a bar of 5."""
    mod = types.ModuleType("xg_ticket_policy")

    @hookimpl
    def projlife_city() -> CityProfile:
        return xiaogan.CITY

    @hookimpl
    def projlife_ticket_categories(city: CityProfile) -> list[TicketCategory] | None:
        return [TicketCategory("land", "用地保障"), TicketCategory("other", "其他")] if _ours(city) else None

    @hookimpl
    def projlife_escalation_ladder(city: CityProfile) -> tuple[EscalationStep, ...] | None:
        return ZHUMADIAN_LADDER if _ours(city) else None

    @hookimpl
    def projlife_ticket_due_rule(city: CityProfile) -> DeadlineRule | None:
        return DeadlineRule.parse("5 working days") if _ours(city) else None

    @hookimpl
    def projlife_satisfaction_bar(city: CityProfile) -> Satisfaction | None:
        return Satisfaction.VERY_SATISFIED if _ours(city) else None

    @hookimpl
    def projlife_close_unsampled_on_answer(city: CityProfile) -> bool | None:
        return False if _ours(city) else None

    for name, fn in list(locals().items()):
        if name.startswith("projlife_"):
            setattr(mod, name, fn)
    return mod


@pytest.fixture
def hooked_app(db_url: str) -> Iterator[Projlife]:
    # one plugin per jurisdiction: this one governs 孝感 instead of the built-in plugin
    pm = get_plugin_manager(
        load_entry_points=False, plugins=[("zhumadian", zhumadian), ("xg_ticket_policy", policy_plugin())]
    )
    pl = connect(db_url, create_tables=True, plugin_manager=pm)
    try:
        yield pl
    finally:
        pl.close()


def do(app: Projlife, command: str, ticket_id: Any, on: str, actor: dict[str, str], **fields: Any) -> None:
    app.tickets.execute(
        {"command": command, "ticket_id": str(ticket_id), "occurred_on": on, "actor": actor, **fields}
    )


def raise_ticket(app: Projlife, code: str, on: str, category: str) -> Any:
    return app.tickets.execute(
        {
            "command": "raise_ticket",
            "code": code,
            "city_code": CITY,
            "area_code": "420902",
            "category": category,
            "description": "项目用地报批滞后",
            "raised_by": "政企早餐会",
            "enterprise_code": "91420900MA49ABCD1X",
            "occurred_on": on,
            "actor": CLERK,
        }
    ).aggregate_id


def test_the_policy_is_the_plugins_answers_with_the_default_filling_the_rest(hooked_app: Projlife) -> None:
    policy = ticket_policy_for(hooked_app, CITY)
    assert policy.category_labels == ("用地保障", "其他")
    assert policy.ladder == ZHUMADIAN_LADDER
    assert policy.due_rule == DeadlineRule.parse("5 working days")
    assert policy.satisfaction_bar is Satisfaction.VERY_SATISFIED
    assert policy.close_unsampled_on_answer is False
    # nobody answered the sample rate: the default's
    assert policy.revisit_sample_rate == DEFAULT_TICKET_POLICY.revisit_sample_rate
    assert "xg_ticket_policy" in policy.source
    # 驻马店's built-in plugin answers its own ladder: Mondays, then Tuesdays
    assert [s.meets_on for s in ticket_policy_for(hooked_app, "411700").ladder] == [None, 0, None, 1]
    # a code no plugin declares gets the default policy
    assert ticket_policy_for(hooked_app, "000000") == DEFAULT_TICKET_POLICY


def test_without_ticket_hooks_every_field_is_the_default() -> None:
    city_only = types.ModuleType("city_only")
    city_only.projlife_city = hookimpl(lambda: xiaogan.CITY)  # type: ignore[attr-defined]
    pm = get_plugin_manager(load_entry_points=False, plugins=[("city_only", city_only)])
    policy = TicketPolicy.from_rules(ticket_rules(pm, xiaogan.CITY))
    assert policy == DEFAULT_TICKET_POLICY


def test_the_ticket_service_runs_the_loop_on_the_plugin_policy(hooked_app: Projlife) -> None:
    app = hooked_app
    with pytest.raises(CommandRejected, match="用地保障"):
        raise_ticket(app, "XG-P-000", "2024-09-23", "用能用地")  # a default category, not this city's
    tid = raise_ticket(app, "XG-P-001", "2024-09-23", "用地保障")
    do(app, "assign_ticket", tid, "2024-09-23", CLERK, assignee_kind="department", assignee="市自然资源局")
    # 5 working days from Mon 23 Sep 2024 (Sun 29 Sep was a make-up working day), not the default 10
    assert app.tickets.get(tid).due_on == date(2024, 9, 29)
    # escalated on Wednesday 25 Sep: the vice-mayor meets on Mondays (30 Sep)
    do(app, "escalate_ticket", tid, "2024-09-25", CLERK)
    ticket = app.tickets.get(tid)
    assert ticket.escalations[-1][1:3] == ("分管副市长", date(2024, 9, 30))
    # then the office (no weekday), then the Tuesday meeting, over the National Day holiday
    do(app, "escalate_ticket", tid, "2024-09-27", CLERK)
    do(app, "escalate_ticket", tid, "2024-09-29", CLERK)
    assert app.tickets.get(tid).escalations[-1][1:3] == ("重点项目推进周例会", date(2024, 10, 8))
    do(app, "answer_ticket", tid, "2024-10-09", HANDLER, resolution="已完成用地预审")
    # close_unsampled_on_answer is False here: an unsampled answered ticket cannot close
    with pytest.raises(IllegalTransition):
        do(app, "close_ticket", tid, "2024-10-10", CLERK)
    do(app, "revisit_ticket", tid, "2024-10-10", REVISITOR, satisfaction=4, reason="批复未下达")
    # 4 is below this city's bar of 5: the ticket reopens
    assert app.tickets.get(tid).status is TicketStatus.ASSIGNED
    do(app, "answer_ticket", tid, "2024-10-11", HANDLER, resolution="已取得用地批复")
    do(app, "revisit_ticket", tid, "2024-10-12", REVISITOR, satisfaction=5)
    do(app, "close_ticket", tid, "2024-10-12", REVISITOR)
    closed = app.tickets.get(tid)
    assert closed.status is TicketStatus.CLOSED and closed.close_basis is CloseBasis.REVISIT


@given(
    escalated_on=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)),
    meets_on=st.integers(min_value=0, max_value=6),
)
def test_a_meeting_step_takes_a_ticket_up_after_the_escalation_on_a_working_day(
    escalated_on: date, meets_on: int
) -> None:
    cal = WorkdayCalendar.china()
    step = EscalationStep("meeting", "例会", meets_on=meets_on)
    on = step.scheduled_on(escalated_on, cal)
    assert on > escalated_on and cal.is_workday(on)
    # the meeting day itself (or the first working day after it) within a week plus holidays
    first_meeting = next(
        d
        for d in (escalated_on.fromordinal(escalated_on.toordinal() + k) for k in range(1, 8))
        if d.weekday() == meets_on
    )
    assert on == cal.roll_forward(first_meeting)


def test_a_share_as_a_bar_is_refused_by_the_rules_type() -> None:
    with pytest.raises(ValueError, match="1–5"):
        TicketPolicy.from_rules(ticket_rules_with(satisfaction_bar=Decimal("0.8")))


def ticket_rules_with(**values: Any) -> Any:
    from projlife.plugins.rules import TicketRules

    return TicketRules(**values)
