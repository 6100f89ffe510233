"""The ``Project`` aggregate: one investment project's whole life as events.

Every event is a fact with a stable ``TOPIC``, a ``class_version``, the business date
it happened (``occurred_on``), the time it was recorded (``timestamp``), the actor, and
an optional reason and evidence references. Stage facts from signing on are claims;
verification events confirm or reject them. Nothing is ever edited: a correction is a
``Corrected`` event that supersedes an earlier fact.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor, Role
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.errors import (
    IllegalTransition,
    PermissionDenied,
    ProjlifeError,
    SeparationOfDutiesViolation,
)
from projlife.domain.lifecycle import (
    CLAIMED_STAGES,
    Milestone,
    Pool,
    RemovalReason,
    Stage,
    VerificationMethod,
    allowed_sources,
    allowed_targets,
)
from projlife.domain.money import Money

__all__ = ["CorrectableField", "Project", "StageClaim", "project_id_for"]

_PROJECT_NAMESPACE = uuid5(NAMESPACE_URL, "https://projlife.invalid/project")


def project_id_for(city_code: str, code: str) -> UUID:
    """The stable id of a project, derived from its city and its project code.

    The same code in the same city always gives the same id, so a re-import finds the
    project it made before instead of creating a twin.
    """
    return uuid5(_PROJECT_NAMESPACE, f"{city_code}/{code}")


class CorrectableField(StrEnum):
    """The facts a ``Corrected`` event can supersede."""

    OCCURRED_ON = "occurred_on"
    """The business date of a stage, milestone or investment fact."""
    SIGNED_AMOUNT = "signed_amount"
    PLANNED_INVESTMENT = "planned_investment"
    INVESTMENT_AMOUNT = "investment_amount"
    AREA_MU = "area_mu"
    NAME = "name"


class StageClaim:
    """What the aggregate remembers about one claimed stage."""

    __slots__ = ("claimed_by", "occurred_on", "verified_by", "version")

    def __init__(self, occurred_on: date, claimed_by: str, version: int) -> None:
        self.occurred_on = occurred_on
        self.claimed_by = claimed_by
        self.version = version
        self.verified_by: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StageClaim) and all(
            getattr(self, s) == getattr(other, s) for s in self.__slots__
        )

    def __repr__(self) -> str:
        return (
            f"StageClaim(occurred_on={self.occurred_on!r}, claimed_by={self.claimed_by!r}, "
            f"verified_by={self.verified_by!r}, version={self.version})"
        )


def _stage(value: str) -> Stage:
    return value if isinstance(value, Stage) else Stage(value)


class Project(Aggregate):
    """One investment project, from conception to full capacity.

    Create with :meth:`conceive`; every other command is a method named in the
    imperative (``sign``, ``start``, …) that checks the transition table and the
    business dates, then records exactly one event, or raises and records nothing.
    """

    TOPIC = "projlife:Project"

    class Event(Aggregate.Event):
        """Base of every project event: when, who and why."""

        occurred_on: date
        actor: Actor
        reason: str | None
        evidence: tuple[str, ...]
        class_version: ClassVar[int] = 1

    class Conceived(Event, Aggregate.Created):
        """谋划: the project exists. ``initial_stage`` is conceived or reserved."""

        TOPIC = "projlife:Project.Conceived"
        code: str
        name: str
        city_code: str
        area_code: str
        category: ProjectCategory
        investor_classes: tuple[InvestorClass, ...]
        planned_investment: Money
        enterprise_code: str | None
        area_mu: Decimal | None
        initial_stage: Stage

    Created = Conceived

    class Reserved(Event):
        """储备/入库: entered the reserve pool."""

        TOPIC = "projlife:Project.Reserved"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.RESERVED, self)

    class Signed(Event):
        """签约: the investment contract was signed (a claim until verified)."""

        TOPIC = "projlife:Project.Signed"
        amount: Money
        counterparty: str
        batch: str | None

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.SIGNED, self)
            project.signed_amount = self.amount
            project.counterparty = self.counterparty
            project.signing_batch = self.batch

    class Landed(Event):
        """落地: registered locally with land secured."""

        TOPIC = "projlife:Project.Landed"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.LANDED, self)

    class ConstructionStarted(Event):
        """开工: construction started (a claim until verified)."""

        TOPIC = "projlife:Project.ConstructionStarted"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.STARTED, self)

    class EnteredStatistics(Event):
        """纳统: entered the official statistics."""

        TOPIC = "projlife:Project.EnteredStatistics"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.IN_STATISTICS, self)

    class Completed(Event):
        """竣工: construction completed."""

        TOPIC = "projlife:Project.Completed"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.COMPLETED, self)

    class ProductionBegan(Event):
        """投产/投用: in production or in use."""

        TOPIC = "projlife:Project.ProductionBegan"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.PRODUCING, self)

    class BecameAboveScale(Event):
        """进规(进限): the enterprise became above designated size."""

        TOPIC = "projlife:Project.BecameAboveScale"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.ABOVE_SCALE, self)

    class ReachedCapacity(Event):
        """达产达效: designed output and returns reached."""

        TOPIC = "projlife:Project.ReachedCapacity"

        def apply(self, project: Project) -> None:
            project._enter_stage(Stage.AT_CAPACITY, self)

    class StageVerified(Event):
        """A verifier confirmed a claimed stage, on documents or on site."""

        TOPIC = "projlife:Project.StageVerified"
        stage: Stage
        method: VerificationMethod

        def apply(self, project: Project) -> None:
            project.claims[_stage(self.stage)].verified_by = self.actor.id

    class StageClaimRejected(Event):
        """A verifier found a claimed stage untrue; the project falls back before it."""

        TOPIC = "projlife:Project.StageClaimRejected"
        stage: Stage

        def apply(self, project: Project) -> None:
            rejected = _stage(self.stage)
            for stage in [s for s in project.claims if s >= rejected]:
                del project.claims[stage]
            project.rejections.append((rejected, self.occurred_on, self.reason or ""))

    class MilestonePlanned(Event):
        """A preparation milestone (规划选址 … 招投标) was given a planned date."""

        TOPIC = "projlife:Project.MilestonePlanned"
        milestone: Milestone
        planned_on: date

        def apply(self, project: Project) -> None:
            project.milestones_planned[Milestone(self.milestone)] = self.planned_on

    class MilestoneMet(Event):
        """A preparation milestone was met on ``occurred_on``."""

        TOPIC = "projlife:Project.MilestoneMet"
        milestone: Milestone

        def apply(self, project: Project) -> None:
            project.milestones_met[Milestone(self.milestone)] = (
                self.occurred_on,
                self.originator_version,
            )

    class StageScheduled(Event):
        """A planned date for a stage (002: 明确每个项目策划生成、开工(注册)、竣工投产时间节点)."""

        TOPIC = "projlife:Project.StageScheduled"
        stage: Stage
        planned_on: date

        def apply(self, project: Project) -> None:
            project.stages_planned[_stage(self.stage)] = self.planned_on

    class InvestmentReported(Event):
        """Investment completed in one month; cumulative figures are derived."""

        TOPIC = "projlife:Project.InvestmentReported"
        month: date
        amount: Money

        def apply(self, project: Project) -> None:
            project.investment_reports[self.month] = (self.amount, self.originator_version)

    class SponsorAssigned(Event):
        """包保: one leader and one department own the project."""

        TOPIC = "projlife:Project.SponsorAssigned"
        leader: str
        department: str

        def apply(self, project: Project) -> None:
            project.sponsor = (self.leader, self.department)

    class TeamFormed(Event):
        """专班: a project team was formed."""

        TOPIC = "projlife:Project.TeamFormed"
        team: str
        lead: str

        def apply(self, project: Project) -> None:
            project.team = (self.team, self.lead)

    class Flagged(Event):
        """挂牌提醒: flagged (e.g. lagging, overdue, under supervision)."""

        TOPIC = "projlife:Project.Flagged"
        flag: str

        def apply(self, project: Project) -> None:
            project.flags[self.flag] = self.occurred_on

    class FlagCleared(Event):
        """A flag was lifted."""

        TOPIC = "projlife:Project.FlagCleared"
        flag: str

        def apply(self, project: Project) -> None:
            project.flags.pop(self.flag, None)

    class RemovedFromPool(Event):
        """剔除: removed from a pool with a reason code; the project itself stays."""

        TOPIC = "projlife:Project.RemovedFromPool"
        pool: Pool
        reason_code: RemovalReason

        def apply(self, project: Project) -> None:
            project.removed_from[Pool(self.pool)] = (
                RemovalReason(self.reason_code),
                self.occurred_on,
            )

    class LandReclaimed(Event):
        """收回: idle land taken back because the enterprise cannot start."""

        TOPIC = "projlife:Project.LandReclaimed"
        area_mu: Decimal | None

        def apply(self, project: Project) -> None:
            project.land_reclaimed_on = self.occurred_on

    class Cancelled(Event):
        """The project was cancelled; nothing may follow."""

        TOPIC = "projlife:Project.Cancelled"

        def apply(self, project: Project) -> None:
            project.cancelled_on = self.occurred_on

    class Corrected(Event):
        """A correction: the fact recorded at ``target_version`` is superseded.

        ``old_value`` and ``new_value`` are canonical strings (ISO date, decimal yuan,
        plain text) so that the history reads without code.
        """

        TOPIC = "projlife:Project.Corrected"
        target_version: int
        field: CorrectableField
        old_value: str
        new_value: str

        def apply(self, project: Project) -> None:
            project._apply_correction(self)

    # -- state ------------------------------------------------------------------

    def __init__(
        self,
        *,
        code: str,
        name: str,
        city_code: str,
        area_code: str,
        category: ProjectCategory,
        investor_classes: tuple[InvestorClass, ...],
        planned_investment: Money,
        enterprise_code: str | None,
        area_mu: Decimal | None,
        initial_stage: Stage,
        occurred_on: date,
        actor: Actor,
        reason: str | None,
        evidence: tuple[str, ...],
    ) -> None:
        self.code = code
        self.name = name
        self.city_code = city_code
        self.area_code = area_code
        self.category = ProjectCategory(category)
        self.investor_classes = tuple(InvestorClass(c) for c in investor_classes)
        self.planned_investment = planned_investment
        self.enterprise_code = enterprise_code
        self.area_mu = area_mu
        self.conceived_on = occurred_on
        self.claims: dict[Stage, StageClaim] = {Stage.CONCEIVED: StageClaim(occurred_on, actor.id, 1)}
        if _stage(initial_stage) is Stage.RESERVED:
            self.claims[Stage.RESERVED] = StageClaim(occurred_on, actor.id, 1)
        self.rejections: list[tuple[Stage, date, str]] = []
        self.signed_amount: Money | None = None
        self.counterparty: str | None = None
        self.signing_batch: str | None = None
        self.milestones_planned: dict[Milestone, date] = {}
        self.milestones_met: dict[Milestone, tuple[date, int]] = {}
        self.stages_planned: dict[Stage, date] = {}
        self.investment_reports: dict[date, tuple[Money, int]] = {}
        self.sponsor: tuple[str, str] | None = None
        self.team: tuple[str, str] | None = None
        self.flags: dict[str, date] = {}
        self.removed_from: dict[Pool, tuple[RemovalReason, date]] = {}
        self.land_reclaimed_on: date | None = None
        self.cancelled_on: date | None = None

    # -- queries ------------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        """The claimed stage: the furthest stage claimed and not rejected."""
        return max(self.claims)

    @property
    def verified_stage(self) -> Stage:
        """The furthest stage up to which every claim has been verified."""
        verified = Stage.CONCEIVED
        for stage in sorted(self.claims):
            claim = self.claims[stage]
            if stage in CLAIMED_STAGES and claim.verified_by is None:
                break
            verified = stage
        return verified

    def stage_date(self, stage: Stage) -> date | None:
        claim = self.claims.get(stage)
        return claim.occurred_on if claim else None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None

    @property
    def cumulative_investment(self) -> Money:
        """Investment completed so far, derived from the monthly reports."""
        total = Money.zero()
        for amount, _ in self.investment_reports.values():
            total = total + amount
        return total

    @property
    def latest_fact_date(self) -> date:
        return self.claims[self.stage].occurred_on

    # -- commands -------------------------------------------------------------------

    @classmethod
    def conceive(
        cls,
        *,
        code: str,
        name: str,
        city_code: str,
        area_code: str,
        category: ProjectCategory,
        planned_investment: Money,
        occurred_on: date,
        actor: Actor,
        investor_classes: Iterable[InvestorClass] = (),
        enterprise_code: str | None = None,
        area_mu: Decimal | None = None,
        reserved: bool = False,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> Project:
        """谋划 (or, with ``reserved=True``, straight into the reserve pool 入库)."""
        if area_mu is not None and area_mu < 0:
            raise ProjlifeError(
                f"conceive project {code}", f"area {area_mu} mu is negative", "an area of 0 mu or more"
            )
        return cls._create(
            cls.Conceived,
            id=project_id_for(city_code, code),
            code=code,
            name=name,
            city_code=city_code,
            area_code=area_code,
            category=ProjectCategory(category),
            investor_classes=tuple(sorted(InvestorClass(c) for c in set(investor_classes))),
            planned_investment=planned_investment,
            enterprise_code=enterprise_code,
            area_mu=area_mu,
            initial_stage=Stage.RESERVED if reserved else Stage.CONCEIVED,
            occurred_on=occurred_on,
            actor=actor,
            reason=reason,
            evidence=tuple(evidence),
        )

    def reserve(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.RESERVED, self.Reserved, occurred_on, actor, reason, evidence)

    def sign(
        self,
        *,
        amount: Money,
        counterparty: str,
        occurred_on: date,
        actor: Actor,
        batch: str | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        self._advance(
            Stage.SIGNED,
            self.Signed,
            occurred_on,
            actor,
            reason,
            evidence,
            amount=amount,
            counterparty=counterparty,
            batch=batch,
        )

    def land(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.LANDED, self.Landed, occurred_on, actor, reason, evidence)

    def start(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.STARTED, self.ConstructionStarted, occurred_on, actor, reason, evidence)

    def enter_statistics(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.IN_STATISTICS, self.EnteredStatistics, occurred_on, actor, reason, evidence)

    def complete(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.COMPLETED, self.Completed, occurred_on, actor, reason, evidence)

    def begin_production(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.PRODUCING, self.ProductionBegan, occurred_on, actor, reason, evidence)

    def become_above_scale(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.ABOVE_SCALE, self.BecameAboveScale, occurred_on, actor, reason, evidence)

    def reach_capacity(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        self._advance(Stage.AT_CAPACITY, self.ReachedCapacity, occurred_on, actor, reason, evidence)

    def verify(
        self,
        *,
        stage: Stage,
        method: VerificationMethod,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """Confirm a claimed stage. Needs the verifier role and someone other than the claimant."""
        stage = Stage(stage)
        claim = self._claim_for_check(f"verify stage {stage.value}", stage, actor, occurred_on)
        if claim.verified_by is not None:
            raise IllegalTransition(
                f"verify stage {stage.value} of {self.code}",
                f"already verified by {claim.verified_by}",
                "verify a claim once; reject it if it turned out untrue",
            )
        self._check_date(f"verify stage {stage.value}", occurred_on, claim.occurred_on)
        self.trigger_event(
            self.StageVerified,
            stage=stage,
            method=VerificationMethod(method),
            **self._meta(occurred_on, actor, reason, evidence),
        )

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
        self._check_date(attempted, occurred_on, claim.occurred_on)
        self.trigger_event(
            self.StageClaimRejected, stage=stage, **self._meta(occurred_on, actor, reason, evidence)
        )

    def plan_milestone(
        self,
        *,
        milestone: Milestone,
        planned_on: date,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        self._check_open(f"plan milestone {Milestone(milestone).value}")
        self._check_date(f"plan milestone {Milestone(milestone).value}", occurred_on, self.conceived_on)
        self.trigger_event(
            self.MilestonePlanned,
            milestone=Milestone(milestone),
            planned_on=planned_on,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def meet_milestone(
        self,
        *,
        milestone: Milestone,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        milestone = Milestone(milestone)
        attempted = f"meet milestone {milestone.value}"
        self._check_open(attempted)
        if milestone in self.milestones_met:
            raise IllegalTransition(
                f"{attempted} of {self.code}",
                f"already met on {self.milestones_met[milestone][0]}",
                "a Corrected event to change its date",
            )
        self._check_date(attempted, occurred_on, self.conceived_on)
        self.trigger_event(
            self.MilestoneMet, milestone=milestone, **self._meta(occurred_on, actor, reason, evidence)
        )

    def schedule_stage(
        self,
        *,
        stage: Stage,
        planned_on: date,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        stage = Stage(stage)
        self._check_open(f"schedule stage {stage.value}")
        self._check_date(f"schedule stage {stage.value}", occurred_on, self.conceived_on)
        self.trigger_event(
            self.StageScheduled,
            stage=stage,
            planned_on=planned_on,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def report_investment(
        self,
        *,
        month: date,
        amount: Money,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """Report the investment completed in ``month`` (first day of the month)."""
        attempted = f"report investment for {month:%Y-%m}"
        self._check_open(attempted)
        if month.day != 1:
            raise ProjlifeError(
                f"{attempted} of {self.code}",
                f"month {month} is not the first of a month",
                "the first day of the month reported",
            )
        if self.stage < Stage.SIGNED:
            raise IllegalTransition(
                f"{attempted} of {self.code}", f"{self.stage.value}", "signed or any later stage"
            )
        if month in self.investment_reports:
            raise IllegalTransition(
                f"{attempted} of {self.code}",
                f"{month:%Y-%m} already reported",
                "a Corrected event (field investment_amount) to change a reported month",
            )
        signed_on = (
            self.claims[Stage.SIGNED].occurred_on if Stage.SIGNED in self.claims else self.conceived_on
        )
        if month.year * 12 + month.month < signed_on.year * 12 + signed_on.month:
            raise ProjlifeError(
                f"{attempted} of {self.code}",
                f"the month is before signing on {signed_on}",
                f"months from {signed_on:%Y-%m} on",
            )
        self._check_date(attempted, occurred_on, month)
        self.trigger_event(
            self.InvestmentReported,
            month=month,
            amount=amount,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def assign_sponsor(
        self,
        *,
        leader: str,
        department: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """包保: one city leader and one department (000: 一个项目、一名市级领导、一个包保部门)."""
        self._check_open("assign sponsor")
        self._check_date("assign sponsor", occurred_on, self.conceived_on)
        self.trigger_event(
            self.SponsorAssigned,
            leader=leader,
            department=department,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def form_team(
        self,
        *,
        team: str,
        lead: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        self._check_open("form team")
        self._check_date("form team", occurred_on, self.conceived_on)
        self.trigger_event(
            self.TeamFormed, team=team, lead=lead, **self._meta(occurred_on, actor, reason, evidence)
        )

    def flag(
        self,
        *,
        flag: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        self._check_open(f"flag {flag}")
        if flag in self.flags:
            raise IllegalTransition(
                f"flag {self.code} as {flag}",
                f"already flagged {flag} since {self.flags[flag]}",
                "clear the flag first",
            )
        self._check_date(f"flag {flag}", occurred_on, self.conceived_on)
        self.trigger_event(self.Flagged, flag=flag, **self._meta(occurred_on, actor, reason, evidence))

    def clear_flag(
        self,
        *,
        flag: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        self._check_open(f"clear flag {flag}")
        if flag not in self.flags:
            raise IllegalTransition(
                f"clear flag {flag} of {self.code}",
                "not flagged",
                ", ".join(sorted(self.flags)) or "no flags set",
            )
        self._check_date(f"clear flag {flag}", occurred_on, self.flags[flag])
        self.trigger_event(self.FlagCleared, flag=flag, **self._meta(occurred_on, actor, reason, evidence))

    def remove_from_pool(
        self,
        *,
        pool: Pool,
        reason_code: RemovalReason,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        pool = Pool(pool)
        attempted = f"remove {self.code} from the {pool.value} pool"
        self._check_open(attempted)
        if pool in self.removed_from:
            raise IllegalTransition(
                attempted, f"already removed on {self.removed_from[pool][1]}", "nothing: a removal is final"
            )
        if self.stage not in pool.stages:
            raise IllegalTransition(
                attempted,
                f"the project is {self.stage.value}, not in that pool",
                ", ".join(s.value for s in sorted(pool.stages)),
            )
        self._check_date(attempted, occurred_on, self.latest_fact_date)
        self.trigger_event(
            self.RemovedFromPool,
            pool=pool,
            reason_code=RemovalReason(reason_code),
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def reclaim_land(
        self,
        *,
        occurred_on: date,
        actor: Actor,
        area_mu: Decimal | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        attempted = f"reclaim land of {self.code}"
        self._check_open(attempted)
        if self.stage not in (Stage.SIGNED, Stage.LANDED):
            raise IllegalTransition(attempted, self.stage.value, "signed or landed and not yet started")
        if self.land_reclaimed_on is not None:
            raise IllegalTransition(
                attempted, f"land already reclaimed on {self.land_reclaimed_on}", "nothing"
            )
        self._check_date(attempted, occurred_on, self.latest_fact_date)
        self.trigger_event(
            self.LandReclaimed, area_mu=area_mu, **self._meta(occurred_on, actor, reason, evidence)
        )

    def cancel(self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()) -> None:
        attempted = f"cancel {self.code}"
        self._check_open(attempted)
        if not reason or not reason.strip():
            raise ProjlifeError(attempted, "a cancellation needs a reason", "a non-empty reason")
        self._check_date(attempted, occurred_on, self.latest_fact_date)
        self.trigger_event(self.Cancelled, **self._meta(occurred_on, actor, reason, evidence))

    def correct(
        self,
        *,
        target_version: int,
        field: CorrectableField,
        new_value: str,
        occurred_on: date,
        actor: Actor,
        reason: str,
        evidence: Iterable[str] = (),
    ) -> None:
        """Supersede the fact recorded at ``target_version`` (a reason is required)."""
        field = CorrectableField(field)
        attempted = f"correct {field.value} of {self.code} (version {target_version})"
        self._check_open(f"correct {field.value} (version {target_version})")
        if not reason or not reason.strip():
            raise ProjlifeError(attempted, "a correction needs a reason", "a non-empty reason")
        old_value = self._current_value(attempted, target_version, field)
        self._validate_correction(attempted, target_version, field, new_value)
        if old_value == new_value:
            raise ProjlifeError(attempted, f"the value is already {new_value}", "a different value")
        self.trigger_event(
            self.Corrected,
            target_version=target_version,
            field=field,
            old_value=old_value,
            new_value=new_value,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    # -- internals ------------------------------------------------------------------

    @staticmethod
    def _meta(occurred_on: date, actor: Actor, reason: str | None, evidence: Iterable[str]) -> dict[str, Any]:
        return {"occurred_on": occurred_on, "actor": actor, "reason": reason, "evidence": tuple(evidence)}

    def _naming_project(self, attempted: str) -> str:
        """``attempted`` with the project code, named once."""
        return attempted if self.code in attempted else f"{attempted} of {self.code}"

    def _check_open(self, attempted: str) -> None:
        if self.cancelled_on is not None:
            raise IllegalTransition(
                self._naming_project(attempted),
                f"cancelled on {self.cancelled_on}",
                "nothing: a cancelled project takes no further facts",
            )

    def _check_date(self, attempted: str, occurred_on: date, not_before: date) -> None:
        if occurred_on < not_before:
            raise ProjlifeError(
                self._naming_project(attempted),
                f"business date {occurred_on} is earlier than the fact it follows ({not_before})",
                f"a date on or after {not_before}",
            )

    def _advance(
        self,
        target: Stage,
        event_class: type[Project.Event],
        occurred_on: date,
        actor: Actor,
        reason: str | None,
        evidence: Iterable[str],
        **fields: Any,
    ) -> None:
        attempted = f"{_VERB[target]} {self.code}"
        self._check_open(attempted)
        current = self.stage
        if current not in allowed_sources(target):
            allowed = [f"{_VERB[t]} ({t.value})" for t in allowed_targets(current)]
            raise IllegalTransition(attempted, f"{current.value} ({current.label_zh})", allowed or "nothing")
        self._check_date(attempted, occurred_on, self.latest_fact_date)
        self.trigger_event(event_class, **fields, **self._meta(occurred_on, actor, reason, evidence))

    def _enter_stage(self, stage: Stage, event: Project.Event) -> None:
        self.claims[stage] = StageClaim(event.occurred_on, event.actor.id, event.originator_version)

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
        if claim.claimed_by == actor.id:
            raise SeparationOfDutiesViolation(
                full,
                f"{actor.id} claimed this stage and cannot also check it",
                "a different actor with the verifier role",
            )
        return claim

    def _fact_at(self, version: int) -> tuple[str, Any] | None:
        for stage, claim in self.claims.items():
            if claim.version == version and version > 1:
                return ("stage", stage)
        for month, (_, v) in self.investment_reports.items():
            if v == version:
                return ("investment", month)
        for milestone, (_, v) in self.milestones_met.items():
            if v == version:
                return ("milestone", milestone)
        return None

    def _current_value(self, attempted: str, version: int, field: CorrectableField) -> str:
        if field in (CorrectableField.PLANNED_INVESTMENT, CorrectableField.AREA_MU, CorrectableField.NAME):
            if version != 1:
                raise ProjlifeError(
                    attempted, f"{field.value} is set when the project is conceived", "target_version 1"
                )
            if field is CorrectableField.PLANNED_INVESTMENT:
                return str(self.planned_investment.yuan)
            if field is CorrectableField.AREA_MU:
                return "" if self.area_mu is None else str(self.area_mu)
            return self.name
        fact = self._fact_at(version)
        if field is CorrectableField.SIGNED_AMOUNT:
            if fact != ("stage", Stage.SIGNED) or self.signed_amount is None:
                raise ProjlifeError(
                    attempted,
                    f"version {version} is not the current signing fact",
                    "the version of the Signed event",
                )
            return str(self.signed_amount.yuan)
        if field is CorrectableField.INVESTMENT_AMOUNT:
            if fact is None or fact[0] != "investment":
                raise ProjlifeError(
                    attempted,
                    f"version {version} is not an investment report",
                    "the version of an InvestmentReported event",
                )
            return str(self.investment_reports[fact[1]][0].yuan)
        # occurred_on
        if fact is None:
            raise ProjlifeError(
                attempted,
                f"version {version} is not a current stage, milestone or investment fact",
                "the version of such an event",
            )
        kind, key = fact
        if kind == "stage":
            return self.claims[key].occurred_on.isoformat()
        if kind == "milestone":
            return self.milestones_met[key][0].isoformat()
        raise ProjlifeError(
            attempted,
            "the business date of an investment report is its month",
            "correct investment_amount instead",
        )

    def _validate_correction(
        self, attempted: str, version: int, field: CorrectableField, new_value: str
    ) -> None:
        try:
            if field is CorrectableField.OCCURRED_ON:
                new_date = date.fromisoformat(new_value)
            elif field in (
                CorrectableField.SIGNED_AMOUNT,
                CorrectableField.PLANNED_INVESTMENT,
                CorrectableField.INVESTMENT_AMOUNT,
                CorrectableField.AREA_MU,
            ):
                Money(Decimal(new_value))
        except (ValueError, ArithmeticError) as exc:
            raise ProjlifeError(
                attempted,
                f"new value {new_value!r} is not valid: {exc}",
                "an ISO date or a non-negative decimal",
            ) from None
        if field is CorrectableField.NAME and not new_value.strip():
            raise ProjlifeError(attempted, "a project name cannot be empty", "a non-empty name")
        if field is CorrectableField.OCCURRED_ON:
            fact = self._fact_at(version)
            if fact is not None and fact[0] == "stage":
                ordered = sorted(self.claims)
                i = ordered.index(fact[1])
                before = self.claims[ordered[i - 1]].occurred_on if i > 0 else None
                after = self.claims[ordered[i + 1]].occurred_on if i + 1 < len(ordered) else None
                if (before and new_date < before) or (after and new_date > after):
                    raise ProjlifeError(
                        attempted,
                        f"{new_date} would put {fact[1].value} out of order with its neighbours ({before} … {after})",
                        f"a date between {before} and {after}",
                    )

    def _apply_correction(self, event: Project.Corrected) -> None:
        field = CorrectableField(event.field)
        if field is CorrectableField.PLANNED_INVESTMENT:
            self.planned_investment = Money(Decimal(event.new_value))
        elif field is CorrectableField.AREA_MU:
            self.area_mu = Decimal(event.new_value) if event.new_value else None
        elif field is CorrectableField.NAME:
            self.name = event.new_value
        elif field is CorrectableField.SIGNED_AMOUNT:
            self.signed_amount = Money(Decimal(event.new_value))
        else:
            fact = self._fact_at(event.target_version)
            assert fact is not None
            kind, key = fact
            if field is CorrectableField.INVESTMENT_AMOUNT:
                self.investment_reports[key] = (Money(Decimal(event.new_value)), event.target_version)
            elif kind == "stage":
                self.claims[key].occurred_on = date.fromisoformat(event.new_value)
            else:
                self.milestones_met[key] = (date.fromisoformat(event.new_value), event.target_version)


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
