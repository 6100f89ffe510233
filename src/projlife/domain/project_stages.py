"""The ``Project`` commands that move it along the lifecycle, and verify or reject its claims."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Unpack

from projlife.domain import project_events as events
from projlife.domain.actor import Actor, Role, same_actor
from projlife.domain.errors import (
    IllegalTransition,
    PermissionDenied,
    ProjlifeError,
    SeparationOfDutiesViolation,
)
from projlife.domain.lifecycle import (
    CLAIMED_STAGES,
    Stage,
    VerificationMethod,
    allowed_sources,
    allowed_targets,
)
from projlife.domain.money import Money
from projlife.domain.project_base import FactMeta, ProjectBase, StageClaim

__all__ = ["STAGE_COMMANDS", "StageCommands"]


class StageCommands(ProjectBase):
    """Stage commands: each checks the transition table and dates, then records one event."""

    def reserve(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.RESERVED, events.Reserved, meta)

    def sign(
        self,
        *,
        amount: Money,
        counterparty: str,
        batch: str | None = None,
        **meta: Unpack[FactMeta],
    ) -> None:
        self._advance(
            Stage.SIGNED,
            events.Signed,
            meta,
            amount=amount,
            counterparty=counterparty,
            batch=batch,
        )

    def land(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.LANDED, events.Landed, meta)

    def start(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.STARTED, events.ConstructionStarted, meta)

    def enter_statistics(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.IN_STATISTICS, events.EnteredStatistics, meta)

    def complete(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.COMPLETED, events.Completed, meta)

    def begin_production(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.PRODUCING, events.ProductionBegan, meta)

    def become_above_scale(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.ABOVE_SCALE, events.BecameAboveScale, meta)

    def reach_capacity(self, **meta: Unpack[FactMeta]) -> None:
        self._advance(Stage.AT_CAPACITY, events.ReachedCapacity, meta)

    def verify(
        self,
        *,
        stage: Stage,
        method: VerificationMethod,
        **meta: Unpack[FactMeta],
    ) -> None:
        """Confirm a claimed stage. Needs the verifier role and someone other than the claimant."""
        stage = Stage(stage)
        fact = self._fact(meta)
        claim = self._claim_for_check(
            f"verify stage {stage.value}", stage, fact["actor"], fact["occurred_on"]
        )
        if claim.verified_by is not None:
            raise IllegalTransition(
                f"verify stage {stage.value} of {self.code}",
                f"already verified by {claim.verified_by}",
                "verify a claim once; reject it if it turned out untrue",
            )
        self._check_date(f"verify stage {stage.value}", fact["occurred_on"], claim.occurred_on)
        self.trigger_event(events.StageVerified, stage=stage, method=VerificationMethod(method), **fact)

    def reject_claim(
        self,
        *,
        stage: Stage,
        reason: str,
        occurred_on: date,
        actor: Actor,
        evidence: Iterable[str] = (),
    ) -> None:
        """Find a claimed stage untrue; the project falls back to the stage before it."""
        stage = Stage(stage)
        attempted = f"reject claim {stage.value}"
        if not reason or not reason.strip():
            raise ProjlifeError(
                f"{attempted} of {self.code}", "a rejection needs a reason", "a non-empty reason"
            )
        claim = self._claim_for_check(attempted, stage, actor, occurred_on)
        meta: FactMeta = {"occurred_on": occurred_on, "actor": actor, "reason": reason, "evidence": evidence}
        self._record(events.StageClaimRejected, attempted, claim.occurred_on, meta, stage=stage)

    def _advance(
        self,
        target: Stage,
        event_class: type[events.ProjectEvent],
        meta: FactMeta,
        **fields: Any,
    ) -> None:
        attempted = f"{_VERB[target]} {self.code}"
        self._check_open(attempted)
        current = self.stage
        if current not in allowed_sources(target):
            allowed = [f"{_VERB[t]} ({t.value})" for t in allowed_targets(current)]
            raise IllegalTransition(attempted, f"{current.value} ({current.label_zh})", allowed or "nothing")
        self._record(event_class, attempted, self.latest_fact_date, meta, **fields)

    def _claim_for_check(self, attempted: str, stage: Stage, actor: Actor, occurred_on: date) -> StageClaim:
        full = f"{attempted} of {self.code}"
        self._check_open(attempted)
        if actor.role is not Role.VERIFIER:
            raise PermissionDenied(
                full, f"actor {actor.id} has role {actor.role.value}", "an actor with the verifier role"
            )
        if stage not in CLAIMED_STAGES:
            raise IllegalTransition(
                full, f"{stage.value} is not a claim", ", ".join(s.value for s in sorted(CLAIMED_STAGES))
            )
        claim = self.claims.get(stage)
        if claim is None:
            claimed = [s.value for s in sorted(self.claims) if s in CLAIMED_STAGES]
            raise IllegalTransition(
                full, f"{stage.value} is not claimed", claimed or "no stage is claimed yet"
            )
        if same_actor(claim.claimed_by, actor.id):
            raise SeparationOfDutiesViolation(
                full,
                f"{actor.id} claimed this stage and cannot also check it",
                "a different actor with the verifier role",
            )
        return claim


_VERB = {
    Stage.CONCEIVED: "conceive",
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
STAGE_COMMANDS = dict(_VERB)
"""The command that enters each stage."""
