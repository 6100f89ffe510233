"""The ``Project`` aggregate's events: every fact a project's history can hold."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from eventsourcing.domain import Aggregate

from projlife.domain.actor import Actor
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Pool, RemovalReason, Stage, VerificationMethod
from projlife.domain.money import Money
from projlife.domain.project_base import CorrectableField, as_stage

if TYPE_CHECKING:
    from projlife.domain.project import Project

__all__ = [
    "BecameAboveScale",
    "Cancelled",
    "Completed",
    "Conceived",
    "ConstructionStarted",
    "Corrected",
    "EnteredStatistics",
    "FlagCleared",
    "Flagged",
    "InvestmentReported",
    "LandReclaimed",
    "Landed",
    "MilestoneMet",
    "MilestonePlanned",
    "ProductionBegan",
    "ProjectEvent",
    "ReachedCapacity",
    "RemovedFromPool",
    "Reserved",
    "Signed",
    "SponsorAssigned",
    "StageClaimRejected",
    "StageScheduled",
    "StageVerified",
    "TeamFormed",
]


class ProjectEvent(Aggregate.Event):
    """Base of every project event: when, who and why."""

    occurred_on: date
    actor: Actor
    reason: str | None
    evidence: tuple[str, ...]
    class_version: ClassVar[int] = 1


class Conceived(ProjectEvent, Aggregate.Created):
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


class Reserved(ProjectEvent):
    """储备/入库: entered the reserve pool."""

    TOPIC = "projlife:Project.Reserved"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.RESERVED, self)


class Signed(ProjectEvent):
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


class Landed(ProjectEvent):
    """落地: registered locally with land secured."""

    TOPIC = "projlife:Project.Landed"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.LANDED, self)


class ConstructionStarted(ProjectEvent):
    """开工: construction started (a claim until verified)."""

    TOPIC = "projlife:Project.ConstructionStarted"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.STARTED, self)


class EnteredStatistics(ProjectEvent):
    """纳统: entered the official statistics."""

    TOPIC = "projlife:Project.EnteredStatistics"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.IN_STATISTICS, self)


class Completed(ProjectEvent):
    """竣工: construction completed."""

    TOPIC = "projlife:Project.Completed"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.COMPLETED, self)


class ProductionBegan(ProjectEvent):
    """投产/投用: in production or in use."""

    TOPIC = "projlife:Project.ProductionBegan"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.PRODUCING, self)


class BecameAboveScale(ProjectEvent):
    """进规(进限): the enterprise became above designated size."""

    TOPIC = "projlife:Project.BecameAboveScale"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.ABOVE_SCALE, self)


class ReachedCapacity(ProjectEvent):
    """达产达效: designed output and returns reached."""

    TOPIC = "projlife:Project.ReachedCapacity"

    def apply(self, project: Project) -> None:
        project._enter_stage(Stage.AT_CAPACITY, self)


class StageVerified(ProjectEvent):
    """A verifier confirmed a claimed stage, on documents or on site."""

    TOPIC = "projlife:Project.StageVerified"
    stage: Stage
    method: VerificationMethod

    def apply(self, project: Project) -> None:
        project.claims[as_stage(self.stage)].verified_by = self.actor.id


class StageClaimRejected(ProjectEvent):
    """A verifier found a claimed stage untrue; the project falls back before it."""

    TOPIC = "projlife:Project.StageClaimRejected"
    stage: Stage

    def apply(self, project: Project) -> None:
        rejected = as_stage(self.stage)
        for stage in [s for s in project.claims if s >= rejected]:
            del project.claims[stage]
        project.rejections.append((rejected, self.occurred_on, self.reason or ""))


class MilestonePlanned(ProjectEvent):
    """A preparation milestone (规划选址 … 招投标) was given a planned date."""

    TOPIC = "projlife:Project.MilestonePlanned"
    milestone: Milestone
    planned_on: date

    def apply(self, project: Project) -> None:
        project.milestones_planned[Milestone(self.milestone)] = self.planned_on


class MilestoneMet(ProjectEvent):
    """A preparation milestone was met on ``occurred_on``."""

    TOPIC = "projlife:Project.MilestoneMet"
    milestone: Milestone

    def apply(self, project: Project) -> None:
        project.milestones_met[Milestone(self.milestone)] = (
            self.occurred_on,
            self.originator_version,
        )


class StageScheduled(ProjectEvent):
    """A planned date for a stage (002: 明确每个项目策划生成、开工(注册)、竣工投产时间节点)."""

    TOPIC = "projlife:Project.StageScheduled"
    stage: Stage
    planned_on: date

    def apply(self, project: Project) -> None:
        project.stages_planned[as_stage(self.stage)] = self.planned_on


class InvestmentReported(ProjectEvent):
    """Investment completed in one month; cumulative figures are derived."""

    TOPIC = "projlife:Project.InvestmentReported"
    month: date
    amount: Money

    def apply(self, project: Project) -> None:
        project.investment_reports[self.month] = (self.amount, self.originator_version)


class SponsorAssigned(ProjectEvent):
    """包保: one leader and one department own the project."""

    TOPIC = "projlife:Project.SponsorAssigned"
    leader: str
    department: str

    def apply(self, project: Project) -> None:
        project.sponsor = (self.leader, self.department)


class TeamFormed(ProjectEvent):
    """专班: a project team was formed."""

    TOPIC = "projlife:Project.TeamFormed"
    team: str
    lead: str

    def apply(self, project: Project) -> None:
        project.team = (self.team, self.lead)


class Flagged(ProjectEvent):
    """挂牌提醒: flagged (e.g. lagging, overdue, under supervision)."""

    TOPIC = "projlife:Project.Flagged"
    flag: str

    def apply(self, project: Project) -> None:
        project.flags[self.flag] = self.occurred_on


class FlagCleared(ProjectEvent):
    """A flag was lifted."""

    TOPIC = "projlife:Project.FlagCleared"
    flag: str

    def apply(self, project: Project) -> None:
        project.flags.pop(self.flag, None)


class RemovedFromPool(ProjectEvent):
    """剔除: removed from a pool with a reason code; the project itself stays."""

    TOPIC = "projlife:Project.RemovedFromPool"
    pool: Pool
    reason_code: RemovalReason

    def apply(self, project: Project) -> None:
        project.removed_from[Pool(self.pool)] = (
            RemovalReason(self.reason_code),
            self.occurred_on,
        )


class LandReclaimed(ProjectEvent):
    """收回: idle land taken back because the enterprise cannot start."""

    TOPIC = "projlife:Project.LandReclaimed"
    area_mu: Decimal | None

    def apply(self, project: Project) -> None:
        project.land_reclaimed_on = self.occurred_on


class Cancelled(ProjectEvent):
    """The project was cancelled; nothing may follow."""

    TOPIC = "projlife:Project.Cancelled"

    def apply(self, project: Project) -> None:
        project.cancelled_on = self.occurred_on


class Corrected(ProjectEvent):
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
