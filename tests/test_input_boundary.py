"""Input rules at the boundary: controls, invisible characters, bounds, dates, identities, roles."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from audit_helpers import AREA, XIAOGAN, actor, event_count, started_project
from projlife.app.application import Projlife
from projlife.app.authorization import COMMAND_ROLES
from projlife.app.input_rules import canonical_actor_id, latest_business_date
from projlife.domain.errors import CommandRejected, PermissionDenied, SeparationOfDutiesViolation


def _conceive(app: Projlife, **over: Any) -> Any:
    cmd = {
        "command": "conceive",
        "code": "XG-B-001",
        "project_name": "测试项目",
        "city_code": XIAOGAN,
        "area_code": AREA,
        "category": "industrial",
        "planned_investment_yuan": "150000000",
        "occurred_on": "2024-01-05",
        "actor": actor("clerk-1", "clerk"),
        **over,
    }
    return app.projects.execute(cmd)


@pytest.mark.parametrize(
    "field, value",
    [
        ("project_name", "项目\x00名"),
        ("project_name", "项目\x07"),
        ("project_name", "项目\x85"),
        ("project_name", "项目\u202e名"),
        ("project_name", "项目\u200b"),
        ("reason", "原因\ufeff"),
        ("code", "XG\u200d-1"),
    ],
)
def test_control_bidi_and_zero_width_characters_are_refused_and_nothing_is_written(
    app: Projlife, field: str, value: str
) -> None:
    before = event_count(app)
    with pytest.raises(CommandRejected, match=r"U\+"):
        _conceive(app, **{field: value})
    assert event_count(app) == before


def test_a_nul_in_a_counterparty_is_refused(app: Projlife) -> None:
    pid = started_project(app)
    with pytest.raises(CommandRejected, match="U\\+0000"):
        app.projects.execute(
            {
                "command": "assign_sponsor",
                "project_id": str(pid),
                "occurred_on": "2024-03-02",
                "actor": actor("clerk-1", "clerk"),
                "leader": "张\x00三",
                "department": "发改委",
            }
        )


def test_full_width_codes_are_nfkc_normalised(app: Projlife) -> None:
    result = _conceive(app, code="ＸＧ－Ｂ－００２")
    assert app.projects.get(result.aggregate_id).code == "XG-B-002"


def test_non_mapping_input_is_a_command_rejected(app: Projlife) -> None:
    with pytest.raises(CommandRejected, match="mapping"):
        app.projects.execute(["conceive"], kind="conceive")  # type: ignore[arg-type]
    with pytest.raises(CommandRejected, match="mapping"):
        app.projects.execute("conceive", kind="conceive")  # type: ignore[arg-type]


def test_business_dates_past_the_tolerance_are_refused(app: Projlife) -> None:
    too_late = latest_business_date() + timedelta(days=1)
    with pytest.raises(CommandRejected, match="later than today"):
        _conceive(app, occurred_on=too_late.isoformat())
    _conceive(app, code="XG-B-003", occurred_on=(latest_business_date() - timedelta(days=2)).isoformat())


def _correct(app: Projlife, pid: object, field: str, value: str, who: dict[str, Any], version: int) -> None:
    app.projects.execute(
        {
            "command": "correct",
            "project_id": str(pid),
            "occurred_on": "2024-03-05",
            "actor": who,
            "target_version": version,
            "field": field,
            "new_value": value,
            "reason": "录入错误",
        }
    )


@pytest.mark.parametrize("value", ["1e20", "0.001", "1e-400", "-1", "NaN", "Infinity"])
def test_corrections_meet_the_same_amount_bounds_as_the_fact(app: Projlife, value: str) -> None:
    pid = started_project(app)
    before = event_count(app)
    with pytest.raises(CommandRejected, match="signed_amount is not valid"):
        _correct(app, pid, "signed_amount", value, actor("clerk-1", "clerk"), 2)
    assert event_count(app) == before


def test_a_corrected_date_past_the_tolerance_is_refused(app: Projlife) -> None:
    pid = started_project(app)
    with pytest.raises(CommandRejected, match="later than today"):
        _correct(app, pid, "occurred_on", "2999-01-01", actor("clerk-1", "clerk"), 3)


def _verify(app: Projlife, pid: object, who: dict[str, Any]) -> None:
    app.projects.execute(
        {
            "command": "verify",
            "project_id": str(pid),
            "stage": "started",
            "method": "site",
            "occurred_on": "2024-03-15",
            "actor": who,
        }
    )


@pytest.mark.parametrize("variant", ["Zhang", "ZHANG", "ｚｈａｎｇ", " zhang "])
def test_identity_variants_are_the_same_actor_for_separation_of_duties(app: Projlife, variant: str) -> None:
    pid = started_project(app, claimant="zhang")
    with pytest.raises(SeparationOfDutiesViolation):
        _verify(app, pid, actor(variant, "verifier"))


@pytest.mark.parametrize("variant", ["zhang\u200b", "zhan\u0261", "zh\u0430ng", "zh\u2060ang"])
def test_invisible_or_look_alike_actor_ids_are_refused(app: Projlife, variant: str) -> None:
    pid = started_project(app, claimant="zhang")
    before = event_count(app)
    with pytest.raises(CommandRejected):
        _verify(app, pid, actor(variant, "verifier"))
    assert event_count(app) == before


def test_canonical_actor_ids_keep_chinese_names() -> None:
    assert canonical_actor_id("张三") == "张三"
    assert canonical_actor_id("Clerk-420902") == "clerk-420902"


def test_a_clerk_cannot_remove_a_project_from_a_pool_or_clear_a_rule_flag(app: Projlife) -> None:
    pid = started_project(app)
    clerk = actor("clerk-1", "clerk")
    base = {"project_id": str(pid), "occurred_on": "2024-03-20"}
    app.projects.execute(
        {"command": "flag", **base, "flag": "supervision.10yi", "actor": actor("sys", "system")}
    )
    before = event_count(app)
    with pytest.raises(PermissionDenied):
        app.projects.execute(
            {
                "command": "remove_from_pool",
                **base,
                "actor": clerk,
                "pool": "started",
                "reason_code": "not_in_statistics_in_time",
            }
        )
    with pytest.raises(PermissionDenied):
        app.projects.execute({"command": "clear_flag", **base, "flag": "supervision.10yi", "actor": clerk})
    assert event_count(app) == before
    app.projects.execute(
        {"command": "clear_flag", **base, "flag": "supervision.10yi", "actor": actor("v-2", "verifier")}
    )


def test_every_project_command_has_a_row_in_the_roles_table() -> None:
    from projlife.app.commands import PROJECT_COMMANDS
    from projlife.app.site_visits import DrawSiteVisit, FillScoreSheet

    site_visit_commands = {DrawSiteVisit.name, FillScoreSheet.name}
    assert set(COMMAND_ROLES) == set(PROJECT_COMMANDS) | site_visit_commands


def test_only_a_verifier_may_correct_a_verified_fact(app: Projlife) -> None:
    pid = started_project(app, claimant="clerk-1")
    _verify(app, pid, actor("verifier-1", "verifier"))
    before = event_count(app)
    with pytest.raises(PermissionDenied, match="verified fact"):
        _correct(app, pid, "occurred_on", "2024-03-02", actor("clerk-1", "clerk"), 3)
    assert event_count(app) == before
    _correct(app, pid, "occurred_on", "2024-03-02", actor("verifier-1", "verifier"), 3)


def test_an_unverified_fact_may_still_be_corrected_by_its_clerk(app: Projlife) -> None:
    pid = started_project(app, claimant="clerk-1")
    _correct(app, pid, "signed_amount", "160000000", actor("clerk-1", "clerk"), 2)


def test_ids_stored_before_the_rules_compare_in_canonical_form() -> None:
    from projlife.domain.actor import same_actor

    assert same_actor("clerk-420900-LK", "clerk-420900-lk")
    assert same_actor("Zhang\u200b", "zhang")
    assert not same_actor("zhang", "zhan\u0261")
