"""Every stage transition in the one table works; every other one is refused and records nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain_helpers import CLERK, PATH, START, VERIFIER, VERIFIER_2, enter, new_project, project_at
from projlife.domain import STAGE_TRANSITIONS, IllegalTransition, Project, Stage
from projlife.domain.lifecycle import allowed_sources, allowed_targets

ALLOWED = [(source, target) for target, sources in STAGE_TRANSITIONS.items() for source in sorted(sources)]
DISALLOWED = [
    (source, target)
    for target in STAGE_TRANSITIONS
    for source in Stage
    if source not in allowed_sources(target)
]


def _event_type(project: Project) -> type:
    return type(project.pending_events[-1])


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: s.value)
def test_allowed_transition_moves_the_stage_and_records_one_event(source: Stage, target: Stage) -> None:
    project = project_at(source)
    before = len(project.pending_events)
    on = project.latest_fact_date + timedelta(days=3)

    enter(project, target, on)

    assert project.stage is target
    assert project.stage_date(target) == on
    assert len(project.pending_events) == before + 1
    assert project.pending_events[-1].occurred_on == on
    assert project.pending_events[-1].actor == CLERK


def test_the_table_covers_every_stage_but_the_first() -> None:
    assert set(STAGE_TRANSITIONS) == set(Stage) - {Stage.CONCEIVED}
    # every stage can be reached from conceived by following the table
    reachable = {Stage.CONCEIVED}
    while True:
        more = {t for t, sources in STAGE_TRANSITIONS.items() if sources & reachable} - reachable
        if not more:
            break
        reachable |= more
    assert reachable == set(Stage)


def test_the_table_only_moves_forward() -> None:
    for target, sources in STAGE_TRANSITIONS.items():
        assert all(source < target for source in sources)


@pytest.mark.parametrize(("source", "target"), DISALLOWED, ids=lambda s: s.value)
def test_disallowed_transition_is_refused_naming_the_state_and_what_is_allowed(
    source: Stage, target: Stage
) -> None:
    project = project_at(source)
    events_before = list(project.pending_events)
    version_before = project.version

    with pytest.raises(IllegalTransition) as caught:
        enter(project, target, project.latest_fact_date + timedelta(days=3))

    message = str(caught.value)
    assert source.value in caught.value.current
    assert source.label_zh in message
    for allowed in allowed_targets(source):
        assert allowed.value in caught.value.allowed
    if not allowed_targets(source):
        assert caught.value.allowed == "nothing"
    assert project.pending_events == events_before
    assert project.version == version_before
    assert project.stage is source


def test_start_before_signing_names_signing_as_the_way_forward() -> None:
    project = project_at(Stage.RESERVED)
    with pytest.raises(IllegalTransition) as caught:
        project.start(occurred_on=START + timedelta(days=30), actor=CLERK)
    assert str(caught.value) == (
        "start XG-2024-001: not allowed while reserved (储备) (allowed: sign (signed))"
    )


def test_a_project_may_be_conceived_straight_into_the_reserve_pool() -> None:
    project = new_project(reserved=True)
    assert project.stage is Stage.RESERVED
    assert project.stage_date(Stage.RESERVED) == START
    with pytest.raises(IllegalTransition):
        project.reserve(occurred_on=START, actor=CLERK)


def test_signing_is_allowed_without_reserving_first() -> None:
    project = new_project()
    enter(project, Stage.SIGNED, START)
    assert project.stage is Stage.SIGNED
    assert Stage.RESERVED not in project.claims


def test_landing_and_becoming_above_scale_are_optional_steps() -> None:
    project = project_at(Stage.SIGNED)
    on = project.latest_fact_date
    for stage in (Stage.STARTED, Stage.IN_STATISTICS, Stage.COMPLETED, Stage.PRODUCING, Stage.AT_CAPACITY):
        on += timedelta(days=1)
        enter(project, stage, on)
    assert project.stage is Stage.AT_CAPACITY
    assert Stage.LANDED not in project.claims
    assert Stage.ABOVE_SCALE not in project.claims


def test_a_transition_on_the_same_business_day_as_the_last_fact_is_allowed() -> None:
    project = project_at(Stage.SIGNED)
    enter(project, Stage.LANDED, project.latest_fact_date)
    assert project.stage is Stage.LANDED


def test_the_verified_stage_follows_verifications_in_order() -> None:
    project = project_at(Stage.STARTED)
    on = project.latest_fact_date + timedelta(days=5)
    assert project.verified_stage is Stage.RESERVED
    project.verify(stage=Stage.LANDED, method="site", occurred_on=on, actor=VERIFIER)
    assert project.verified_stage is Stage.RESERVED  # signing is not yet verified
    project.verify(stage=Stage.SIGNED, method="documents", occurred_on=on, actor=VERIFIER_2)
    assert project.verified_stage is Stage.LANDED
    project.verify(stage=Stage.STARTED, method="site", occurred_on=on, actor=VERIFIER)
    assert project.verified_stage is Stage.STARTED
    assert project.stage is Stage.STARTED


def test_every_path_in_the_helpers_follows_the_table() -> None:
    for stage, path in PATH.items():
        current = Stage.CONCEIVED
        for step in path:
            assert current in STAGE_TRANSITIONS[step]
            current = step
        assert current is stage
