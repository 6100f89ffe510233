"""Random command sequences against one Project, checking the invariants after every step.

Valid and invalid commands are mixed: stages in any order, verifications and rejections by
random actors (including the claimant), corrections of random versions, removals,
cancellation, investment reports and flags, on random business dates. After every step:

* the stage moved only along the transition table, or back through a rejection;
* the verified stage is never ahead of the claimed stage;
* a refused command changed nothing (a deep snapshot of the state is equal);
* replaying the recorded events rebuilds an equal aggregate, and so does saving them
  through eventsourcing (with projlife's transcodings) and reading them back.

The hypothesis profile ``projlife-state-machine`` keeps the run short enough for CI; set
``PROJLIFE_STATE_MACHINE_EXAMPLES`` to run more.
"""

from __future__ import annotations

import copy
import os
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain_helpers import CLERK, CLERK_2, VERIFIER, VERIFIER_2
from projlife.app.application import EventStore
from projlife.domain import (
    Actor,
    CorrectableField,
    Money,
    Pool,
    Project,
    ProjectCategory,
    ProjlifeError,
    RemovalReason,
    Role,
    Stage,
)
from projlife.domain.lifecycle import CLAIMED_STAGES, allowed_sources, allowed_targets

settings.register_profile(
    "projlife-state-machine",
    max_examples=int(os.environ.get("PROJLIFE_STATE_MACHINE_EXAMPLES", "25")),
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# A verifier who also records claims: the separation-of-duties case.
CLAIMING_VERIFIER = Actor(id="zhang", role=Role.VERIFIER)
ACTORS = st.sampled_from([CLERK, CLERK_2, VERIFIER, VERIFIER_2, CLAIMING_VERIFIER])

STAGE_EVENT = {
    Project.Reserved: Stage.RESERVED,
    Project.Signed: Stage.SIGNED,
    Project.Landed: Stage.LANDED,
    Project.ConstructionStarted: Stage.STARTED,
    Project.EnteredStatistics: Stage.IN_STATISTICS,
    Project.Completed: Stage.COMPLETED,
    Project.ProductionBegan: Stage.PRODUCING,
    Project.BecameAboveScale: Stage.ABOVE_SCALE,
    Project.ReachedCapacity: Stage.AT_CAPACITY,
}
COMMAND = {
    Stage.RESERVED: "reserve",
    Stage.SIGNED: "sign",
    Stage.LANDED: "land",
    Stage.STARTED: "start",
    Stage.IN_STATISTICS: "enter_statistics",
    Stage.COMPLETED: "complete",
    Stage.PRODUCING: "begin_production",
    Stage.ABOVE_SCALE: "become_above_scale",
    Stage.AT_CAPACITY: "reach_capacity",
}
BASE = date(2023, 3, 1)
# Mostly forward in time, sometimes before the fact a command follows.
offsets = st.one_of(st.integers(min_value=0, max_value=60), st.integers(min_value=-20, max_value=-1))
amounts = st.integers(min_value=0, max_value=10**11).map(lambda c: Money(Decimal(c).scaleb(-2)))


def snapshot(project: Project) -> dict[str, Any]:
    return copy.deepcopy({k: v for k, v in vars(project).items() if k != "_pending_events"})


class ProjectMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.project: Project
        self.events: list[Project.Event] = []
        self.today = BASE
        self.accepted: Counter[str] = Counter()

    # -- plumbing -------------------------------------------------------------------

    def _on(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def _run(self, action: Any, on: date | None = None) -> None:
        """Run one command; check what it did, or that a refusal did nothing."""
        before = snapshot(self.project)
        stage_before = self.project.stage
        pending_before = list(self.project.pending_events)
        try:
            action()
        except ProjlifeError:
            assert snapshot(self.project) == before
            assert self.project.pending_events == pending_before
            return
        new = self.project.pending_events[len(pending_before) :]
        assert len(new) == 1, "a command records exactly one event"
        event = new[0]
        assert event.originator_version == before["_version"] + 1
        self.events.append(event)
        self.accepted[type(event).__name__] += 1
        if on is not None:
            self.today = max(self.today, on)
        stage_after = self.project.stage
        if type(event) in STAGE_EVENT:
            target = STAGE_EVENT[type(event)]
            assert stage_after is target
            assert stage_before in allowed_sources(target)
        elif isinstance(event, Project.StageClaimRejected):
            rejected = Stage(event.stage)
            assert stage_after < rejected <= stage_before
        else:
            assert stage_after is stage_before

    # -- rules ------------------------------------------------------------------------

    @initialize(reserved=st.booleans(), actor=ACTORS)
    def conceive(self, reserved: bool, actor: Actor) -> None:
        self.project = Project.conceive(
            code="SM-001",
            name="状态机项目",
            city_code="420900",
            area_code="420902",
            category=ProjectCategory.INDUSTRIAL,
            planned_investment=Money.yi(3),
            occurred_on=BASE,
            actor=actor,
            reserved=reserved,
            area_mu=Decimal("50"),
        )
        self.events = list(self.project.pending_events)

    @rule(
        stage=st.sampled_from(list(COMMAND)),
        follow_table=st.integers(0, 3),
        offset=offsets,
        actor=ACTORS,
        amount=amounts,
    )
    def enter_stage(self, stage: Stage, follow_table: int, offset: int, actor: Actor, amount: Money) -> None:
        """Mostly a stage the table allows next (so runs get far), sometimes any stage."""
        allowed = allowed_targets(self.project.stage)
        if follow_table and allowed:
            stage = allowed[follow_table % len(allowed)]
        on = self._on(offset)
        method = getattr(self.project, COMMAND[stage])
        if stage is Stage.SIGNED:
            self._run(lambda: method(amount=amount, counterparty="某公司", occurred_on=on, actor=actor), on)
        else:
            self._run(lambda: method(occurred_on=on, actor=actor), on)

    def _claimed_or(self, stage: Stage, pick: int) -> Stage:
        claimed = sorted(s for s in self.project.claims if s in CLAIMED_STAGES)
        return claimed[pick % len(claimed)] if pick and claimed else stage

    @rule(
        stage=st.sampled_from(list(Stage)),
        pick=st.integers(0, 4),
        offset=offsets,
        actor=ACTORS,
        site=st.booleans(),
    )
    def verify(self, stage: Stage, pick: int, offset: int, actor: Actor, site: bool) -> None:
        stage = self._claimed_or(stage, pick)
        on = self._on(offset)
        method = "site" if site else "documents"
        self._run(lambda: self.project.verify(stage=stage, method=method, occurred_on=on, actor=actor), on)

    @rule(
        stage=st.sampled_from(list(Stage)),
        offset=offsets,
        actor=ACTORS,
        reason=st.sampled_from(["未见施工", ""]),
    )
    def reject(self, stage: Stage, offset: int, actor: Actor, reason: str) -> None:
        on = self._on(offset)
        self._run(
            lambda: self.project.reject_claim(stage=stage, reason=reason, occurred_on=on, actor=actor), on
        )

    @rule(
        version=st.integers(min_value=1, max_value=40),
        field=st.sampled_from(list(CorrectableField)),
        day_offset=st.integers(min_value=-30, max_value=400),
        amount=amounts,
        actor=ACTORS,
        pick_date=st.booleans(),
    )
    def correct(
        self,
        version: int,
        field: CorrectableField,
        day_offset: int,
        amount: Money,
        actor: Actor,
        pick_date: bool,
    ) -> None:
        version = version % (len(self.events) + 1) or 1  # mostly an existing version
        if field is CorrectableField.OCCURRED_ON or (pick_date and field is CorrectableField.NAME):
            value = (BASE + timedelta(days=day_offset)).isoformat()
        elif field is CorrectableField.NAME:
            value = f"更正后的名称{day_offset}"
        else:
            value = str(amount.yuan)
        self._run(
            lambda: self.project.correct(
                target_version=version,
                field=field,
                new_value=value,
                occurred_on=self.today,
                actor=actor,
                reason="核查更正",
            )
        )

    @rule(
        pool=st.sampled_from(list(Pool)),
        code=st.sampled_from(list(RemovalReason)),
        offset=offsets,
        actor=ACTORS,
    )
    def remove(self, pool: Pool, code: RemovalReason, offset: int, actor: Actor) -> None:
        on = self._on(offset)
        self._run(
            lambda: self.project.remove_from_pool(pool=pool, reason_code=code, occurred_on=on, actor=actor),
            on,
        )

    @precondition(lambda self: len(self.events) >= 12)  # late, so that runs first get somewhere
    @rule(offset=offsets, actor=ACTORS)
    def cancel(self, offset: int, actor: Actor) -> None:
        on = self._on(offset)
        self._run(lambda: self.project.cancel(occurred_on=on, actor=actor, reason="投资方撤资"), on)

    @rule(
        month_offset=st.integers(min_value=-3, max_value=30),
        amount=amounts,
        actor=ACTORS,
        late=st.integers(0, 40),
    )
    def report_investment(self, month_offset: int, amount: Money, actor: Actor, late: int) -> None:
        total = BASE.year * 12 + BASE.month - 1 + month_offset
        month = date(total // 12, total % 12 + 1, 1)
        on = month + timedelta(days=late)
        self._run(
            lambda: self.project.report_investment(month=month, amount=amount, occurred_on=on, actor=actor)
        )

    @rule(flag=st.sampled_from(["lagging", "overdue"]), clear=st.booleans(), offset=offsets, actor=ACTORS)
    def flag(self, flag: str, clear: bool, offset: int, actor: Actor) -> None:
        on = self._on(offset)
        if clear:
            self._run(lambda: self.project.clear_flag(flag=flag, occurred_on=on, actor=actor))
        else:
            self._run(lambda: self.project.flag(flag=flag, occurred_on=on, actor=actor))

    # -- invariants ---------------------------------------------------------------------

    @invariant()
    def verified_stage_is_never_ahead_of_the_claimed_stage(self) -> None:
        assert self.project.verified_stage <= self.project.stage

    @invariant()
    def no_claim_is_verified_by_its_claimant(self) -> None:
        for claim in self.project.claims.values():
            assert claim.verified_by is None or claim.verified_by != claim.claimed_by

    @invariant()
    def every_check_was_made_by_a_verifier(self) -> None:
        for event in self.events:
            if isinstance(event, (Project.StageVerified, Project.StageClaimRejected)):
                assert event.actor.role is Role.VERIFIER

    @invariant()
    def nothing_follows_a_cancellation(self) -> None:
        kinds = [type(e) for e in self.events]
        if Project.Cancelled in kinds:
            assert kinds[-1] is Project.Cancelled and kinds.count(Project.Cancelled) == 1

    @invariant()
    def every_claim_is_dated_in_stage_order(self) -> None:
        dates = [self.project.claims[s].occurred_on for s in sorted(self.project.claims)]
        assert dates == sorted(dates)

    @invariant()
    def replaying_the_events_rebuilds_an_equal_aggregate(self) -> None:
        rebuilt: Project | None = None
        for event in self.events:
            rebuilt = event.mutate(rebuilt)
        assert rebuilt is not None
        assert snapshot(rebuilt) == snapshot(self.project)

    def teardown(self) -> None:
        if not hasattr(self, "project"):
            return
        store = EventStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        store.save(self.project)
        stored = store.repository.get(self.project.id)
        assert snapshot(stored) == snapshot(self.project)
        assert stored.cumulative_investment == self.project.cumulative_investment
        for name, count in self.accepted.items():
            for threshold in (1, 3):
                if count >= threshold:
                    note(f"{name} accepted >= {threshold}")
        note(f"reached {max((Stage(s) for s in self.project.claims), default=Stage.CONCEIVED).value}")


ProjectMachine.TestCase.settings = settings.get_profile("projlife-state-machine")
TestProjectMachine = ProjectMachine.TestCase


@pytest.mark.slow
class TestProjectMachineLong(ProjectMachine.TestCase):  # type: ignore[misc,valid-type]
    """The long run (CI: ``-m slow``): 80 machines of 50 steps; the quick run above does 25."""

    settings = settings(settings.get_profile("projlife-state-machine"), max_examples=80)
