"""The county's own rules, end to end on a temporary projlife (fixtures from projlife.testing)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from projlife.app.application import Projlife
from projlife.app.commands import ConceiveProject, SignProject
from projlife.calendar import DeadlineStatus
from projlife.domain.actor import Actor, Role
from projlife.domain.errors import CommandRejected
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.engine import QuotaStatus, evaluate_deadlines, evaluate_quotas

CLERK = Actor("clerk-1", Role.CLERK, "990102")


def conceive(code: str, yi: str, *, reserved: bool = True, on: date = date(2024, 3, 1)) -> ConceiveProject:
    return ConceiveProject(
        code=code,
        project_name=f"示例项目{code}",
        city_code="990100",
        area_code="990102",
        category="industrial",
        planned_investment_yuan=Money.yi(yi).yuan,
        occurred_on=on,
        actor=CLERK,
        reserved=reserved,
    )


def test_a_project_under_one_yi_cannot_enter_the_reserve_pool_and_nothing_is_written(
    projlife_app: Projlife,
) -> None:
    with pytest.raises(CommandRejected, match=r"at least 1\.00亿元"):
        projlife_app.projects.execute(conceive("SMALL", "0.5"))
    # nothing was written: the event log is empty
    assert list(projlife_app.store.recorder.select_notifications(None, 10)) == []
    # outside the reserve pool the same project is fine
    projlife_app.projects.execute(conceive("SMALL", "0.5", reserved=False))


def test_signed_projects_are_flagged_ninety_working_days_after_signing(projlife_app: Projlife) -> None:
    projlife_app.projects.execute(conceive("BIG", "3"))
    projlife_app.projects.execute(
        SignProject(
            project_id=project_id_for("990100", "BIG"),
            amount_yuan=Money.yi(3).yuan,
            counterparty="示例企业",
            occurred_on=date(2024, 4, 1),
            actor=CLERK,
        )
    )
    report = evaluate_deadlines(projlife_app, "county_demo", date(2024, 8, 9))
    start = {r.rule_id: r for r in report.results}["signed.start-90wd"]
    assert start.due_on == date(2024, 8, 8)  # 90 working days after 2024-04-01
    assert start.status is DeadlineStatus.OVERDUE and start.flag == "start-overdue"
    quotas = evaluate_quotas(projlife_app, "county_demo", Period.parse("2024"), date(2024, 12, 31))
    maturity = {(r.rule_id, r.area_code): r for r in quotas.results}["reserve.maturity-rate", "990102"]
    assert (maturity.value.numerator, maturity.value.denominator) == (Decimal(1), Decimal(1))
    assert maturity.status is QuotaStatus.MET
    assert quotas.rule_set_sha256 == report.rule_set_sha256  # both use the 2024 rule set


def test_the_county_ticket_policy_is_its_own_ladder_and_bar(projlife_app: Projlife) -> None:
    from projlife.domain.ticket import Satisfaction
    from projlife.tickets.policy import ticket_policy_for

    policy = ticket_policy_for(projlife_app, "990100")
    assert [s.label_zh for s in policy.ladder] == ["项目管家(镇街)", "项目专班", "区政府分管领导协调会"]
    assert policy.ladder[-1].meets_on == 3  # the district leader's Thursday meeting
    assert policy.satisfaction_bar is Satisfaction.SATISFIED and policy.close_unsampled_on_answer is False
    assert "用地保障" in policy.category_labels and policy.revisit_sample_rate == Decimal("0.2")
