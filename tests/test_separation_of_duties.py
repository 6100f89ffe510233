"""Separation of duties through the application: claimant ≠ verifier, roles required, nothing written."""

from __future__ import annotations

import pytest

from audit_helpers import actor, event_count, started_project
from projlife.app.application import Projlife
from projlife.app.authorization import require_role, require_someone_else
from projlife.domain.actor import Actor, Role
from projlife.domain.errors import PermissionDenied, SeparationOfDutiesViolation


def _verify(app: Projlife, project_id: str, who: dict[str, object], command: str = "verify") -> None:
    extra = {"method": "site"} if command == "verify" else {"reason": "未见开工"}
    app.projects.execute(
        {
            "command": command,
            "project_id": project_id,
            "stage": "started",
            "occurred_on": "2024-03-15",
            "actor": who,
            **extra,
        }
    )


@pytest.mark.parametrize("command", ["verify", "reject_claim"])
def test_whoever_claimed_a_stage_cannot_check_it_and_nothing_is_written(app: Projlife, command: str) -> None:
    pid = started_project(app, claimant="inspector-1")  # claimed by a clerk account named inspector-1
    before = event_count(app)
    with pytest.raises(SeparationOfDutiesViolation, match="claimed this stage"):
        _verify(app, str(pid), actor("inspector-1", "verifier"), command)
    assert event_count(app) == before
    assert app.projects.get(pid).claims  # the claim stands, unverified
    assert all(c.verified_by is None for c in app.projects.get(pid).claims.values())


@pytest.mark.parametrize("role", ["clerk", "scorer", "admin", "handler"])
def test_verification_needs_the_verifier_role_and_nothing_is_written(app: Projlife, role: str) -> None:
    pid = started_project(app)
    before = event_count(app)
    with pytest.raises(PermissionDenied, match="verifier role"):
        _verify(app, str(pid), actor("someone-else", role))
    assert event_count(app) == before


def test_another_verifier_may_verify_and_the_audit_log_shows_both(app: Projlife) -> None:
    pid = started_project(app, claimant="clerk-9")
    _verify(app, str(pid), actor("verifier-3", "verifier"))
    log = app.audit.log(project=str(pid))
    assert [(e.event_type, e.actor_id) for e in log[-2:]] == [
        ("Project.ConstructionStarted", "clerk-9"),
        ("Project.StageVerified", "verifier-3"),
    ]


def test_scoring_needs_the_scorer_role() -> None:
    require_role(Actor("s-1", Role.SCORER), Role.SCORER, attempted="score 420902 for 2024-Q1")
    for role in Role:
        if role is not Role.SCORER:
            with pytest.raises(PermissionDenied, match="only the scorer role") as info:
                require_role(Actor("x", role), Role.SCORER, attempted="score 420902 for 2024-Q1")
            assert info.value.attempted == "score 420902 for 2024-Q1"


def test_require_role_accepts_any_of_several_roles() -> None:
    require_role(Actor("a", Role.ADMIN), [Role.SCORER, Role.ADMIN], attempted="publish ranking")
    with pytest.raises(PermissionDenied, match="scorer or admin"):
        require_role(Actor("c", Role.CLERK), [Role.SCORER, Role.ADMIN], attempted="publish ranking")


def test_a_scorer_who_verified_may_not_score_the_same_facts() -> None:
    with pytest.raises(SeparationOfDutiesViolation):
        require_someone_else(
            Actor("v-1", Role.SCORER),
            {"v-1", "clerk-2"},
            attempted="score 420902",
            did="verified stages scored here",
        )
    require_someone_else(Actor("s-1", Role.SCORER), {"v-1"}, attempted="score 420902", did="verified them")
