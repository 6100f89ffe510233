"""Every refusal of the Project aggregate: it says why, and records nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain_helpers import CLERK, CLERK_2, START, VERIFIER, VERIFIER_2, enter, new_project, project_at
from projlife.domain import (
    Actor,
    CorrectableField,
    IllegalTransition,
    Milestone,
    Money,
    PermissionDenied,
    Pool,
    Project,
    ProjlifeError,
    RemovalReason,
    Role,
    SeparationOfDutiesViolation,
    Stage,
)


def _refuses(project: Project, error: type[Exception], action: Callable[[], Any]) -> Exception:
    """Run ``action`` and check it raises ``error`` and records nothing."""
    events = list(project.pending_events)
    version = project.version
    state = copy.deepcopy({k: v for k, v in vars(project).items() if k != "_pending_events"})
    with pytest.raises(error) as caught:
        action()
    assert project.pending_events == events
    assert project.version == version
    assert {k: v for k, v in vars(project).items() if k != "_pending_events"} == state
    return caught.value


# -- business dates --------------------------------------------------------------------------


def test_a_stage_dated_before_the_stage_it_follows_is_refused() -> None:
    project = project_at(Stage.SIGNED)
    signed_on = project.stage_date(Stage.SIGNED)
    assert signed_on is not None
    error = _refuses(
        project, ProjlifeError, lambda: enter(project, Stage.LANDED, signed_on - timedelta(days=1))
    )
    assert (
        f"business date {signed_on - timedelta(days=1)} is earlier than the fact it follows ({signed_on})"
        in str(error)
    )
    assert error.allowed == f"a date on or after {signed_on}"


def test_a_verification_dated_before_the_claim_is_refused() -> None:
    project = project_at(Stage.SIGNED)
    signed_on = project.stage_date(Stage.SIGNED)
    assert signed_on is not None
    _refuses(
        project,
        ProjlifeError,
        lambda: project.verify(
            stage=Stage.SIGNED, method="site", occurred_on=signed_on - timedelta(days=1), actor=VERIFIER
        ),
    )


@pytest.mark.parametrize(
    "action",
    [
        lambda p, d: p.flag(flag="lagging", occurred_on=d, actor=CLERK),
        lambda p, d: p.assign_sponsor(leader="王副市长", department="发改委", occurred_on=d, actor=CLERK),
        lambda p, d: p.form_team(team="电池专班", lead="李四", occurred_on=d, actor=CLERK),
        lambda p, d: p.plan_milestone(milestone="site_selection", planned_on=d, occurred_on=d, actor=CLERK),
        lambda p, d: p.meet_milestone(milestone="site_selection", occurred_on=d, actor=CLERK),
        lambda p, d: p.schedule_stage(stage="started", planned_on=d, occurred_on=d, actor=CLERK),
        lambda p, d: p.cancel(occurred_on=d, actor=CLERK, reason="投资方撤资"),
    ],
    ids=["flag", "sponsor", "team", "plan_milestone", "meet_milestone", "schedule", "cancel"],
)
def test_facts_dated_before_the_project_was_conceived_are_refused(
    action: Callable[[Project, date], Any],
) -> None:
    project = new_project()
    _refuses(project, ProjlifeError, lambda: action(project, START - timedelta(days=1)))


def test_an_investment_report_filed_before_its_month_began_is_refused() -> None:
    project = project_at(Stage.STARTED)
    month = date(2024, 6, 1)
    _refuses(
        project,
        ProjlifeError,
        lambda: project.report_investment(
            month=month, amount=Money.wan(300), occurred_on=date(2024, 5, 31), actor=CLERK
        ),
    )


# -- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [Decimal("-0.01"), -1, "-100"])
def test_negative_money_cannot_exist(value: Any) -> None:
    with pytest.raises(ValueError, match="money cannot be negative"):
        Money(value)


def test_a_negative_land_area_is_refused_when_conceiving() -> None:
    with pytest.raises(ProjlifeError, match="negative"):
        new_project(area_mu=Decimal("-3"))


def test_a_negative_land_area_cannot_be_corrected_in() -> None:
    project = new_project(area_mu=Decimal("120"))
    _refuses(
        project,
        ProjlifeError,
        lambda: project.correct(
            target_version=1,
            field="area_mu",
            new_value="-5",
            occurred_on=START,
            actor=CLERK,
            reason="录入错误",
        ),
    )


# -- cancellation -----------------------------------------------------------------------------


def _cancelled_started_project() -> Project:
    project = project_at(Stage.STARTED)
    project.flag(flag="lagging", occurred_on=project.latest_fact_date, actor=CLERK)
    project.cancel(occurred_on=project.latest_fact_date + timedelta(days=1), actor=CLERK, reason="投资方撤资")
    return project


_AFTER = date(2025, 1, 10)
AFTER_CANCELLATION: dict[str, Callable[[Project], Any]] = {
    "enter_statistics": lambda p: p.enter_statistics(occurred_on=_AFTER, actor=CLERK),
    "verify": lambda p: p.verify(stage="started", method="site", occurred_on=_AFTER, actor=VERIFIER),
    "reject_claim": lambda p: p.reject_claim(
        stage="started", reason="未开工", occurred_on=_AFTER, actor=VERIFIER
    ),
    "plan_milestone": lambda p: p.plan_milestone(
        milestone="tendering", planned_on=_AFTER, occurred_on=_AFTER, actor=CLERK
    ),
    "meet_milestone": lambda p: p.meet_milestone(milestone="tendering", occurred_on=_AFTER, actor=CLERK),
    "schedule_stage": lambda p: p.schedule_stage(
        stage="completed", planned_on=_AFTER, occurred_on=_AFTER, actor=CLERK
    ),
    "report_investment": lambda p: p.report_investment(
        month=date(2025, 1, 1), amount=Money.wan(10), occurred_on=_AFTER, actor=CLERK
    ),
    "assign_sponsor": lambda p: p.assign_sponsor(
        leader="王", department="发改委", occurred_on=_AFTER, actor=CLERK
    ),
    "form_team": lambda p: p.form_team(team="专班", lead="李", occurred_on=_AFTER, actor=CLERK),
    "flag": lambda p: p.flag(flag="overdue", occurred_on=_AFTER, actor=CLERK),
    "clear_flag": lambda p: p.clear_flag(flag="lagging", occurred_on=_AFTER, actor=CLERK),
    "remove_from_pool": lambda p: p.remove_from_pool(
        pool="started", reason_code="stalled", occurred_on=_AFTER, actor=CLERK
    ),
    "reclaim_land": lambda p: p.reclaim_land(occurred_on=_AFTER, actor=CLERK),
    "cancel": lambda p: p.cancel(occurred_on=_AFTER, actor=CLERK, reason="again"),
    "correct": lambda p: p.correct(
        target_version=1, field="name", new_value="新名称", occurred_on=_AFTER, actor=CLERK, reason="更名"
    ),
}


@pytest.mark.parametrize("command", sorted(AFTER_CANCELLATION))
def test_nothing_is_accepted_after_cancellation(command: str) -> None:
    project = _cancelled_started_project()
    error = _refuses(project, IllegalTransition, lambda: AFTER_CANCELLATION[command](project))
    assert "cancelled on" in str(error)
    assert "a cancelled project takes no further facts" in str(error)


def test_a_cancellation_needs_a_reason() -> None:
    project = new_project()
    error = _refuses(
        project, ProjlifeError, lambda: project.cancel(occurred_on=START, actor=CLERK, reason="  ")
    )
    assert "needs a reason" in str(error)


def test_a_cancelled_project_keeps_its_history_and_stage() -> None:
    project = _cancelled_started_project()
    assert project.is_cancelled
    assert project.stage is Stage.STARTED
    assert isinstance(project.pending_events[-1], Project.Cancelled)
    assert project.pending_events[-1].reason == "投资方撤资"


# -- verification and separation of duties ----------------------------------------------------


def test_the_claimant_cannot_verify_their_own_claim() -> None:
    claimant = Actor(id="zhang", role=Role.VERIFIER)
    project = project_at(Stage.RESERVED)
    enter(project, Stage.SIGNED, date(2024, 3, 1), actor=claimant)
    error = _refuses(
        project,
        SeparationOfDutiesViolation,
        lambda: project.verify(stage="signed", method="site", occurred_on=date(2024, 3, 5), actor=claimant),
    )
    assert "zhang claimed this stage and cannot also check it" in str(error)
    assert isinstance(error, PermissionDenied)


def test_the_claimant_cannot_reject_their_own_claim() -> None:
    claimant = Actor(id="zhang", role=Role.VERIFIER)
    project = project_at(Stage.RESERVED)
    enter(project, Stage.SIGNED, date(2024, 3, 1), actor=claimant)
    _refuses(
        project,
        SeparationOfDutiesViolation,
        lambda: project.reject_claim(
            stage="signed", reason="假签约", occurred_on=date(2024, 3, 5), actor=claimant
        ),
    )


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.VERIFIER])
def test_only_a_verifier_may_verify_or_reject(role: Role) -> None:
    project = project_at(Stage.SIGNED)
    outsider = Actor(id="someone-else", role=role)
    on = project.latest_fact_date
    error = _refuses(
        project,
        PermissionDenied,
        lambda: project.verify(stage="signed", method="site", occurred_on=on, actor=outsider),
    )
    assert not isinstance(error, SeparationOfDutiesViolation)
    assert f"has role {role.value}" in str(error)
    assert "an actor with the verifier role" in str(error)
    _refuses(
        project,
        PermissionDenied,
        lambda: project.reject_claim(stage="signed", reason="不实", occurred_on=on, actor=outsider),
    )


@pytest.mark.parametrize("stage", [Stage.CONCEIVED, Stage.RESERVED])
def test_stages_before_signing_are_not_claims_to_verify(stage: Stage) -> None:
    project = project_at(Stage.SIGNED)
    error = _refuses(
        project,
        IllegalTransition,
        lambda: project.verify(stage=stage, method="site", occurred_on=date(2024, 6, 1), actor=VERIFIER),
    )
    assert f"{stage.value} is not a claim" in str(error)


def test_an_unclaimed_stage_cannot_be_verified() -> None:
    project = project_at(Stage.SIGNED)
    error = _refuses(
        project,
        IllegalTransition,
        lambda: project.verify(stage="started", method="site", occurred_on=date(2024, 6, 1), actor=VERIFIER),
    )
    assert "started is not claimed" in str(error)
    assert "signed" in error.allowed


def test_a_claim_is_verified_once() -> None:
    project = project_at(Stage.SIGNED)
    project.verify(stage="signed", method="site", occurred_on=date(2024, 6, 1), actor=VERIFIER)
    error = _refuses(
        project,
        IllegalTransition,
        lambda: project.verify(
            stage="signed", method="documents", occurred_on=date(2024, 6, 2), actor=VERIFIER_2
        ),
    )
    assert "already verified by verifier-1" in str(error)


def test_a_rejection_needs_a_reason() -> None:
    project = project_at(Stage.SIGNED)
    _refuses(
        project,
        ProjlifeError,
        lambda: project.reject_claim(stage="signed", reason="", occurred_on=date(2024, 6, 1), actor=VERIFIER),
    )


def test_a_rejected_claim_rolls_the_claimed_and_verified_stage_back_and_keeps_the_reason() -> None:
    project = project_at(Stage.IN_STATISTICS)
    on = project.latest_fact_date + timedelta(days=5)
    project.verify(stage="signed", method="documents", occurred_on=on, actor=VERIFIER)
    project.verify(stage="landed", method="site", occurred_on=on, actor=VERIFIER)
    project.verify(stage="started", method="site", occurred_on=on, actor=VERIFIER)
    assert project.verified_stage is Stage.STARTED

    project.reject_claim(stage="started", reason="现场未见施工", occurred_on=on, actor=VERIFIER_2)

    assert project.stage is Stage.LANDED
    assert project.verified_stage is Stage.LANDED
    assert Stage.IN_STATISTICS not in project.claims
    assert project.rejections == [(Stage.STARTED, on, "现场未见施工")]
    # the project may claim the stage again later
    enter(project, Stage.STARTED, on + timedelta(days=30))
    assert project.stage is Stage.STARTED
    assert project.verified_stage is Stage.LANDED


def test_rejecting_the_signing_falls_back_to_the_reserve_pool() -> None:
    project = project_at(Stage.SIGNED)
    on = project.latest_fact_date
    project.reject_claim(stage="signed", reason="协议未签", occurred_on=on, actor=VERIFIER)
    assert project.stage is Stage.RESERVED
    assert project.verified_stage is Stage.RESERVED


# -- corrections ----------------------------------------------------------------------------------


def _signed_with_investment() -> Project:
    project = project_at(Stage.STARTED)  # versions: 1 conceived, 2 reserved, 3 signed, 4 landed, 5 started
    project.report_investment(
        month=date(2024, 2, 1), amount=Money.wan(800), occurred_on=date(2024, 3, 5), actor=CLERK
    )
    project.meet_milestone(milestone="site_selection", occurred_on=date(2024, 1, 15), actor=CLERK)
    return project  # 6 investment, 7 milestone


@pytest.mark.parametrize(
    ("field", "version", "new_value", "check"),
    [
        ("occurred_on", 4, "2024-02-05", lambda p: p.stage_date(Stage.LANDED) == date(2024, 2, 5)),
        (
            "occurred_on",
            7,
            "2024-01-20",
            lambda p: p.milestones_met[Milestone.SITE_SELECTION][0] == date(2024, 1, 20),
        ),
        ("signed_amount", 3, "450000000.00", lambda p: p.signed_amount == Money.yi("4.5")),
        ("planned_investment", 1, "600000000", lambda p: p.planned_investment == Money.yi(6)),
        ("investment_amount", 6, "7500000", lambda p: p.cumulative_investment == Money.wan(750)),
        ("area_mu", 1, "85.5", lambda p: p.area_mu == Decimal("85.5")),
        ("name", 1, "新能源电池二期项目", lambda p: p.name == "新能源电池二期项目"),
    ],
)
def test_each_correctable_field_can_be_corrected(
    field: str, version: int, new_value: str, check: Callable[[Project], bool]
) -> None:
    project = _signed_with_investment()
    project.correct(
        target_version=version,
        field=field,
        new_value=new_value,
        occurred_on=date(2024, 4, 1),
        actor=CLERK,
        reason="核查更正",
    )
    assert check(project)
    event = project.pending_events[-1]
    assert isinstance(event, Project.Corrected)
    assert event.new_value == new_value
    assert event.target_version == version


def test_every_correctable_field_is_covered_by_the_test_above() -> None:
    assert {f.value for f in CorrectableField} == {
        "occurred_on",
        "signed_amount",
        "planned_investment",
        "investment_amount",
        "area_mu",
        "name",
    }


@pytest.mark.parametrize(
    "new_value",
    ["2024-01-29", "2024-02-20"],  # before signing (2024-01-30); after starting (2024-02-19)
)
def test_a_correction_that_puts_stage_dates_out_of_order_is_refused(new_value: str) -> None:
    project = _signed_with_investment()
    error = _refuses(
        project,
        ProjlifeError,
        lambda: project.correct(
            target_version=4,
            field="occurred_on",
            new_value=new_value,
            occurred_on=date(2024, 4, 1),
            actor=CLERK,
            reason="更正",
        ),
    )
    assert "out of order with its neighbours (2024-01-30 … 2024-02-19)" in str(error)


@pytest.mark.parametrize(
    ("field", "version", "new_value", "why"),
    [
        ("signed_amount", 4, "1", "is not the current signing fact"),
        ("investment_amount", 3, "1", "is not an investment report"),
        ("occurred_on", 6, "2024-02-01", "the business date of an investment report is its month"),
        ("occurred_on", 99, "2024-02-01", "is not a current stage, milestone or investment fact"),
        ("planned_investment", 3, "1", "is set when the project is conceived"),
        ("signed_amount", 3, "4.5亿", "is not valid"),
        ("occurred_on", 4, "yesterday", "is not valid"),
        ("name", 1, "  ", "cannot be empty"),
        ("planned_investment", 1, "500000000.00", "the value is already 500000000.00"),
    ],
)
def test_a_bad_correction_is_refused(field: str, version: int, new_value: str, why: str) -> None:
    project = _signed_with_investment()
    error = _refuses(
        project,
        ProjlifeError,
        lambda: project.correct(
            target_version=version,
            field=field,
            new_value=new_value,
            occurred_on=date(2024, 4, 1),
            actor=CLERK,
            reason="更正",
        ),
    )
    assert why in str(error)


def test_a_correction_needs_a_reason() -> None:
    project = _signed_with_investment()
    _refuses(
        project,
        ProjlifeError,
        lambda: project.correct(
            target_version=1,
            field="name",
            new_value="x",
            occurred_on=date(2024, 4, 1),
            actor=CLERK,
            reason=" ",
        ),
    )


# -- removal from a pool ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "pool"),
    [
        (Stage.RESERVED, Pool.RESERVE),
        (Stage.SIGNED, Pool.SIGNED),
        (Stage.LANDED, Pool.SIGNED),
        (Stage.STARTED, Pool.STARTED),
        (Stage.PRODUCING, Pool.PRODUCING),
        (Stage.AT_CAPACITY, Pool.PRODUCING),
    ],
)
def test_a_project_is_removed_from_the_pool_it_sits_in(stage: Stage, pool: Pool) -> None:
    project = project_at(stage)
    on = project.latest_fact_date + timedelta(days=90)
    project.remove_from_pool(
        pool=pool, reason_code="stalled", occurred_on=on, actor=CLERK_2, reason="三个月无进展"
    )
    assert project.removed_from == {pool: (RemovalReason.STALLED, on)}
    assert project.stage is stage  # the project itself stays


@pytest.mark.parametrize(
    ("stage", "pool"),
    [(Stage.CONCEIVED, Pool.RESERVE), (Stage.STARTED, Pool.SIGNED), (Stage.IN_STATISTICS, Pool.STARTED)],
)
def test_a_project_cannot_be_removed_from_a_pool_it_is_not_in(stage: Stage, pool: Pool) -> None:
    project = project_at(stage)
    error = _refuses(
        project,
        IllegalTransition,
        lambda: project.remove_from_pool(
            pool=pool, reason_code="stalled", occurred_on=project.latest_fact_date, actor=CLERK
        ),
    )
    assert f"the project is {stage.value}, not in that pool" in str(error)


def test_a_removal_is_final() -> None:
    project = project_at(Stage.STARTED)
    on = project.latest_fact_date
    project.remove_from_pool(
        pool="started", reason_code="not_in_statistics_in_time", occurred_on=on, actor=CLERK
    )
    error = _refuses(
        project,
        IllegalTransition,
        lambda: project.remove_from_pool(pool="started", reason_code="other", occurred_on=on, actor=CLERK),
    )
    assert f"already removed on {on}" in str(error)


def test_a_removal_dated_before_the_current_stage_is_refused() -> None:
    project = project_at(Stage.STARTED)
    _refuses(
        project,
        ProjlifeError,
        lambda: project.remove_from_pool(
            pool="started",
            reason_code="stalled",
            occurred_on=project.latest_fact_date - timedelta(days=1),
            actor=CLERK,
        ),
    )


# -- investment reports -------------------------------------------------------------------------------


def test_cumulative_investment_is_the_sum_of_the_monthly_reports() -> None:
    project = project_at(Stage.STARTED)
    amounts = {date(2024, 2, 1): "1250000.50", date(2024, 3, 1): "0", date(2024, 4, 1): "8000000.25"}
    for month, amount in amounts.items():
        project.report_investment(
            month=month, amount=Money(amount), occurred_on=month + timedelta(days=40), actor=CLERK
        )
    assert project.cumulative_investment == Money("9250000.75")


def test_a_month_is_reported_once() -> None:
    project = project_at(Stage.STARTED)
    project.report_investment(
        month=date(2024, 2, 1), amount=Money.wan(5), occurred_on=date(2024, 3, 5), actor=CLERK
    )
    error = _refuses(
        project,
        IllegalTransition,
        lambda: project.report_investment(
            month=date(2024, 2, 1), amount=Money.wan(6), occurred_on=date(2024, 3, 6), actor=CLERK
        ),
    )
    assert "2024-02 already reported" in str(error)
    assert "investment_amount" in error.allowed
    assert project.cumulative_investment == Money.wan(5)


@pytest.mark.parametrize(
    ("stage", "month", "why"),
    [
        (Stage.RESERVED, date(2024, 2, 1), "signed or any later stage"),
        (Stage.STARTED, date(2024, 2, 15), "is not the first of a month"),
        (Stage.STARTED, date(2023, 12, 1), "the month is before signing"),
    ],
)
def test_investment_reports_that_do_not_fit_are_refused(stage: Stage, month: date, why: str) -> None:
    project = project_at(stage)
    error = _refuses(
        project,
        ProjlifeError,
        lambda: project.report_investment(
            month=month, amount=Money.wan(1), occurred_on=date(2024, 5, 1), actor=CLERK
        ),
    )
    assert why in str(error)


# -- flags ------------------------------------------------------------------------------------------------


def test_a_flag_is_set_once_and_cleared_only_when_set() -> None:
    project = new_project()
    project.flag(flag="lagging", occurred_on=START, actor=CLERK)
    _refuses(project, IllegalTransition, lambda: project.flag(flag="lagging", occurred_on=START, actor=CLERK))
    _refuses(
        project, IllegalTransition, lambda: project.clear_flag(flag="overdue", occurred_on=START, actor=CLERK)
    )
    _refuses(
        project,
        ProjlifeError,
        lambda: project.clear_flag(flag="lagging", occurred_on=START - timedelta(days=1), actor=CLERK),
    )
    project.clear_flag(flag="lagging", occurred_on=START, actor=CLERK)
    assert project.flags == {}


def test_land_is_reclaimed_only_from_a_signed_or_landed_project_and_once() -> None:
    project = project_at(Stage.LANDED)
    on = project.latest_fact_date
    project.reclaim_land(occurred_on=on, actor=CLERK, area_mu=Decimal("40"))
    assert project.land_reclaimed_on == on
    _refuses(project, IllegalTransition, lambda: project.reclaim_land(occurred_on=on, actor=CLERK))
    started = project_at(Stage.STARTED)
    _refuses(
        started, IllegalTransition, lambda: started.reclaim_land(occurred_on=date(2024, 6, 1), actor=CLERK)
    )


@pytest.mark.parametrize("command", sorted(AFTER_CANCELLATION))
def test_a_refusal_names_the_project_once(command: str) -> None:
    project = _cancelled_started_project()
    with pytest.raises(ProjlifeError) as caught:
        AFTER_CANCELLATION[command](project)
    assert caught.value.attempted.count("XG-2024-001") == 1


def test_a_late_stage_refusal_names_the_project_once() -> None:
    project = project_at(Stage.SIGNED)
    with pytest.raises(ProjlifeError) as caught:
        enter(project, Stage.LANDED, START)
    assert caught.value.attempted == "land XG-2024-001"


def test_every_refusal_has_a_structured_form_naming_attempt_reason_and_allowed() -> None:
    from projlife.domain.errors import CommandRejected, IllegalTransition, Problem

    refused = IllegalTransition("start XG-1", "reserved (储备)", ["sign (signed)"])
    assert refused.as_dict() == {
        "error": "IllegalTransition",
        "attempted": "start XG-1",
        "reason": "not allowed while reserved (储备)",
        "allowed": "sign (signed)",
    }
    rejected = CommandRejected(
        "sign", [Problem("amount_yuan", "must be >= 0", "-1"), Problem("occurred_on", "not a date")]
    )
    data = rejected.as_dict()
    assert data["error"] == "CommandRejected"
    assert [p["field"] for p in data["problems"]] == ["amount_yuan", "occurred_on"]  # type: ignore[index, union-attr]
