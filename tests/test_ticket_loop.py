"""The ticket loop end to end through ``app.tickets``, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from projlife.app.application import Projlife
from projlife.domain.errors import (
    CommandRejected,
    IllegalTransition,
    PermissionDenied,
    SeparationOfDutiesViolation,
)
from projlife.domain.ticket import CloseBasis, Satisfaction, TicketStatus
from projlife.tickets.policy import DEFAULT_TICKET_POLICY, TicketPolicy

CITY = "420900"  # 孝感
CLERK = {"id": "clerk-1", "role": "clerk"}
HANDLER = {"id": "handler-1", "role": "handler"}
REVISITOR = {"id": "revisitor-1", "role": "revisitor"}
ENTERPRISE = "91420900MA49ABCD1X"


def position(app: Projlife) -> int | None:
    return app.store.recorder.max_notification_id()


def raise_ticket(app: Projlife, code: str, on: str, **over: Any) -> Any:
    data = {
        "command": "raise_ticket",
        "code": code,
        "city_code": CITY,
        "area_code": "420902",
        "category": "用能用地",
        "description": "项目用电增容审批滞后",
        "raised_by": "政企早餐会",
        "enterprise_code": ENTERPRISE,
        "occurred_on": on,
        "actor": CLERK,
    }
    data.update(over)
    return app.tickets.execute(data).aggregate_id


def do(app: Projlife, command: str, ticket_id: Any, on: str, actor: dict[str, str], **fields: Any) -> None:
    app.tickets.execute(
        {"command": command, "ticket_id": str(ticket_id), "occurred_on": on, "actor": actor, **fields}
    )


def test_the_loop_closes_a_satisfied_ticket_and_reopens_an_unsatisfied_one(app: Projlife):
    happy = raise_ticket(app, "XG-T-001", "2024-09-27")
    unhappy = raise_ticket(app, "XG-T-002", "2024-09-27", category="融资贷款", area_code="420921")
    for tid in (happy, unhappy):
        do(app, "assign_ticket", tid, "2024-09-27", CLERK, assignee_kind="department", assignee="市金融办")
        assert app.tickets.get(tid).due_on == date(2024, 10, 16)  # 10 working days over National Day
        do(
            app,
            "answer_ticket",
            tid,
            "2024-10-10",
            HANDLER,
            resolution="已协调银行授信",
            evidence=["函〔2024〕12号"],
        )

    draw = app.tickets.draw(
        {"city_code": CITY, "seed": "2024-W41", "rate": "1", "occurred_on": "2024-10-11", "actor": CLERK}
    )
    assert set(draw.drawn) == {happy, unhappy}
    assert app.tickets.get_draw(draw.draw_id).is_reproducible

    do(app, "revisit_ticket", happy, "2024-10-12", REVISITOR, satisfaction=5)
    do(app, "close_ticket", happy, "2024-10-12", REVISITOR)
    closed = app.tickets.get(happy)
    assert closed.status is TicketStatus.CLOSED and closed.close_basis is CloseBasis.REVISIT

    do(app, "revisit_ticket", unhappy, "2024-10-12", REVISITOR, satisfaction=2, reason="贷款仍未到位")
    reopened = app.tickets.get(unhappy)
    assert reopened.status is TicketStatus.ASSIGNED
    assert reopened.reopen_count == 1 and reopened.reopen_reasons == ["贷款仍未到位"]
    assert reopened.assignee == "市金融办"
    # 10 working days from the revisit on Sat 10-12: 14 … 18, 21 … 25
    assert reopened.due_on == date(2024, 10, 25)

    summary = app.tickets.summary(as_of=date(2024, 10, 31))
    assert (summary.raised, summary.closed, summary.reopened, summary.revisits) == (2, 1, 1, 2)
    assert summary.satisfaction[5] == 1 and summary.satisfaction[2] == 1
    assert summary.mean_satisfaction is not None and str(summary.mean_satisfaction) == "3.50"


def test_an_unsampled_ticket_closes_on_its_answer_only_when_the_city_allows(app: Projlife):
    tid = raise_ticket(app, "XG-T-010", "2024-03-01")
    do(app, "assign_ticket", tid, "2024-03-01", CLERK, assignee_kind="locality", assignee="420902")
    do(app, "answer_ticket", tid, "2024-03-05", HANDLER, resolution="已解决")
    with pytest.raises(IllegalTransition, match="revisit draw"):
        do(app, "close_ticket", tid, "2024-03-06", CLERK)
    draw = app.tickets.draw(
        {"city_code": CITY, "seed": "zero", "rate": "0", "occurred_on": "2024-03-06", "actor": CLERK}
    )
    assert draw.drawn == () and draw.population == (tid,)
    assert DEFAULT_TICKET_POLICY.close_unsampled_on_answer
    do(app, "close_ticket", tid, "2024-03-06", CLERK)
    assert app.tickets.get(tid).close_basis is CloseBasis.NOT_SAMPLED


def test_separation_of_duties_refuses_and_writes_nothing(app: Projlife):
    tid = raise_ticket(app, "XG-T-020", "2024-03-01")
    do(app, "assign_ticket", tid, "2024-03-01", CLERK, assignee_kind="department", assignee="市自然资源局")
    do(app, "answer_ticket", tid, "2024-03-04", HANDLER, resolution="用地指标已下达")
    app.tickets.draw(
        {"city_code": CITY, "seed": "all", "rate": "1", "occurred_on": "2024-03-05", "actor": CLERK}
    )
    before = position(app)
    with pytest.raises(SeparationOfDutiesViolation):
        do(app, "revisit_ticket", tid, "2024-03-06", {"id": "handler-1", "role": "revisitor"}, satisfaction=5)
    with pytest.raises(PermissionDenied):
        do(app, "revisit_ticket", tid, "2024-03-06", {"id": "clerk-9", "role": "clerk"}, satisfaction=5)
    with pytest.raises(SeparationOfDutiesViolation):
        do(app, "close_ticket", tid, "2024-03-06", {"id": "handler-1", "role": "clerk"})
    assert position(app) == before
    assert app.tickets.get(tid).status is TicketStatus.ANSWERED


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"category": "不存在的类别"}, "category"),
        ({"description": "   "}, "description"),
        ({"area_code": "999999"}, "area_code"),
        ({"enterprise_code": None}, "enterprise_code"),
        ({"enterprise_code": "not-a-credit-code"}, "enterprise_code"),
    ],
)
def test_bad_raise_input_lists_the_problem_and_writes_nothing(app: Projlife, over, field):
    before = position(app)
    with pytest.raises(CommandRejected) as info:
        raise_ticket(app, "XG-T-BAD", "2024-03-01", **over)
    assert field in {p.field for p in info.value.problems}
    assert position(app) == before


def test_bad_ticket_commands_are_refused_and_write_nothing(app: Projlife):
    tid = raise_ticket(app, "XG-T-030", "2024-03-04")
    before = position(app)
    with pytest.raises(CommandRejected) as info:
        do(
            app,
            "assign_ticket",
            tid,
            "2024-03-04",
            CLERK,
            assignee_kind="department",
            assignee="市发改委",
            due_on="2024-03-01",
        )
    assert [p.field for p in info.value.problems] == ["due_on"]
    with pytest.raises(CommandRejected) as info:
        do(app, "answer_ticket", uuid4(), "2024-03-04", HANDLER, resolution="x")
    assert [p.field for p in info.value.problems] == ["ticket_id"]
    with pytest.raises(CommandRejected) as info:
        do(app, "revisit_ticket", tid, "2024-03-04", REVISITOR, satisfaction=6)
    assert [p.field for p in info.value.problems] == ["satisfaction"]
    with pytest.raises(CommandRejected) as info:
        do(app, "pause_ticket_clock", tid, "2024-03-04", CLERK)
    assert [p.field for p in info.value.problems] == ["reason"]
    with pytest.raises(CommandRejected):
        raise_ticket(app, "XG-T-030", "2024-03-04")  # the same ticket number twice
    assert position(app) == before


def test_overdue_as_of_filters_by_area_department_and_category_and_ignores_later_facts(app: Projlife):
    a = raise_ticket(app, "XG-T-101", "2025-01-20", area_code="420902", category="用能用地")
    b = raise_ticket(app, "XG-T-102", "2025-01-20", area_code="420921", category="招工引才")
    c = raise_ticket(app, "XG-T-103", "2025-01-20", area_code="420921", category="招工引才")
    do(app, "assign_ticket", a, "2025-01-20", CLERK, assignee_kind="department", assignee="市供电公司")
    do(app, "assign_ticket", b, "2025-01-20", CLERK, assignee_kind="department", assignee="市人社局")
    do(app, "assign_ticket", c, "2025-01-20", CLERK, assignee_kind="locality", assignee="420921")
    do(app, "pause_ticket_clock", c, "2025-01-21", CLERK, reason="等待企业提供岗位需求")
    # due after 10 working days: 21, 22, 23, 24, 26 (make-up), 27, Feb 5, 6, 7, 8 (make-up) → Sat 2025-02-08
    assert app.tickets.get(a).due_on == date(2025, 2, 8)
    do(app, "answer_ticket", a, "2025-02-12", HANDLER, resolution="已完成增容")

    as_of = date(2025, 2, 11)  # Feb 10 and 11 are late
    found = {o.code: o for o in app.tickets.overdue(as_of=as_of)}
    assert set(found) == {"XG-T-101", "XG-T-102"}  # c is paused; a's answer on the 12th is later than as_of
    assert found["XG-T-101"].overdue_working_days == 2
    assert [o.code for o in app.tickets.overdue(as_of=as_of, area="420921")] == ["XG-T-102"]
    assert [o.code for o in app.tickets.overdue(as_of=as_of, department="市供电公司")] == ["XG-T-101"]
    assert [o.code for o in app.tickets.overdue(as_of=as_of, category="hiring_talent")] == ["XG-T-102"]
    assert [o.code for o in app.tickets.overdue(as_of=date(2025, 2, 12))] == ["XG-T-102"]
    assert app.tickets.summary(as_of=as_of).overdue == 2


def test_policy_round_trips_through_its_canonical_form():
    data = DEFAULT_TICKET_POLICY.as_dict()
    assert TicketPolicy.from_dict(data) == DEFAULT_TICKET_POLICY
    assert [c["label_zh"] for c in data["categories"]] == [
        "用能用地",
        "政府履约",
        "融资贷款",
        "市场订单",
        "招工引才",
        "其他",
    ]
    assert DEFAULT_TICKET_POLICY.satisfaction_bar is Satisfaction.SATISFIED


def test_the_revisit_draw_samples_enterprises_then_revisits_all_their_answered_tickets(app: Projlife):
    """000: 随机抽取部分企业进行回访复核 — a drawn enterprise has every waiting ticket revisited; an
    enterprise not drawn has none (the draw never splits an enterprise's tickets)."""
    others = ["91420900MA49ABCE1X", "91420900MA49ABCF1X", "91420900MA49ABCG1X"]
    tickets: dict[Any, str] = {}
    for n, ent in enumerate([ENTERPRISE, ENTERPRISE, ENTERPRISE, *others]):
        tid = raise_ticket(app, f"XG-T-1{n:02d}", "2024-09-27", enterprise_code=ent)
        do(app, "assign_ticket", tid, "2024-09-27", CLERK, assignee_kind="department", assignee="市金融办")
        do(app, "answer_ticket", tid, "2024-10-10", HANDLER, resolution="已协调")
        tickets[tid] = ent
    draw = app.tickets.draw(
        {"city_code": CITY, "seed": "2024-W41-e", "rate": "0.5", "occurred_on": "2024-10-11", "actor": CLERK}
    )
    assert len(draw.enterprises) == 2  # ceil(0.5 × 4 enterprises), not ceil(0.5 × 6 tickets) = 3
    assert set(draw.drawn) == {t for t, e in tickets.items() if e in draw.enterprises}
    stored = app.tickets.get_draw(draw.draw_id)
    assert stored.unit == "enterprise" and stored.enterprises_drawn == draw.enterprises
    assert stored.is_reproducible
    for tid in tickets:
        assert app.tickets.get(tid).sampled == (tid in draw.drawn)


def _answered_ticket(app: Projlife, code: str) -> Any:
    tid = raise_ticket(app, code, "2024-09-27")
    do(app, "assign_ticket", tid, "2024-09-27", CLERK, assignee_kind="department", assignee="市金融办")
    do(app, "answer_ticket", tid, "2024-10-10", HANDLER, resolution="已协调", evidence=["函〔2024〕12号"])
    return tid


DRAW = {"city_code": CITY, "seed": "2024-W41", "rate": "1", "occurred_on": "2024-10-11", "actor": CLERK}


def test_a_draw_that_keeps_meeting_rival_writes_backs_off_past_five_retries_and_then_records(
    app: Projlife,
) -> None:
    from unittest import mock

    from eventsourcing.persistence import RecordConflictError

    tid = _answered_ticket(app, "XG-T-100")
    real_save = app.store.save
    conflicts = 7  # more than the five immediate retries the draw used to give up after
    calls: list[int] = []

    def rival_first(*aggregates: Any) -> Any:
        calls.append(len(aggregates))
        if len(calls) <= conflicts:
            raise RecordConflictError("simulated rival writer")
        return real_save(*aggregates)

    with (
        mock.patch.object(app.store, "save", rival_first),
        mock.patch("projlife.app.retry.time.sleep") as slept,
    ):
        draw = app.tickets.draw(DRAW)
    assert len(calls) == conflicts + 1
    assert slept.call_count == conflicts  # a jittered pause after every conflict, none immediate
    assert all(0.0 <= call.args[0] <= 0.1 for call in slept.call_args_list)
    assert draw.drawn == (tid,)
    assert app.tickets.get(tid).sampled


def test_a_draw_whose_backoff_budget_runs_out_raises_concurrent_update_error_and_writes_nothing(
    app: Projlife,
) -> None:
    from unittest import mock

    from eventsourcing.persistence import RecordConflictError

    from projlife.app.retry import RetryPolicy
    from projlife.domain.errors import ConcurrentUpdateError

    tid = _answered_ticket(app, "XG-T-101")
    before = position(app)

    def always_conflict(*aggregates: Any) -> Any:
        raise RecordConflictError("simulated rival writer")

    with (
        mock.patch.object(app.store, "save", always_conflict),
        mock.patch("projlife.app.retry.DEFAULT_RETRY", RetryPolicy(budget_s=0.02, base_s=0.001, cap_s=0.002)),
        pytest.raises(ConcurrentUpdateError) as caught,
    ):
        app.tickets.draw(DRAW)
    assert "draw revisit sample '2024-W41'" in str(caught.value)
    assert position(app) == before
    assert not app.tickets.get(tid).sampled


def test_a_rival_draw_with_the_same_seed_is_a_refusal_not_a_retry(app: Projlife) -> None:
    from unittest import mock

    _answered_ticket(app, "XG-T-102")
    real_exists = app.tickets._exists
    seen: list[bool] = []

    def exists_after_rival(draw_id: Any) -> bool:  # the rival's draw lands between check and save
        seen.append(True)
        return len(seen) > 1 or real_exists(draw_id)

    def rival_saved(*aggregates: Any) -> Any:
        from eventsourcing.persistence import RecordConflictError

        raise RecordConflictError("the rival's draw has this id")

    with (
        mock.patch.object(app.tickets, "_exists", exists_after_rival),
        mock.patch.object(app.store, "save", rival_saved),
        pytest.raises(CommandRejected) as caught,
    ):
        app.tickets.draw(DRAW)
    assert "a draw with this seed exists" in str(caught.value)
