"""The project commands: conceive a project, enter each stage, verify, plan, report, flag, remove, correct."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import (
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from projlife.app.command_base import (
    AreaCode,
    Code,
    Command,
    CreditCode,
    LongText,
    Mu,
    ProjectCommand,
    ShortText,
    Yuan,
)
from projlife.app.input_rules import latest_business_date
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Pool, RemovalReason, Stage, VerificationMethod
from projlife.domain.money import Money
from projlife.domain.project import CorrectableField, Project

__all__ = [
    "AssignSponsor",
    "BecomeAboveScale",
    "BeginProduction",
    "CancelProject",
    "ClearFlag",
    "CompleteProject",
    "ConceiveProject",
    "CorrectFact",
    "EnterStatistics",
    "FlagProject",
    "FormTeam",
    "LandProject",
    "MeetMilestone",
    "PlanMilestone",
    "ReachCapacity",
    "ReclaimLand",
    "RejectClaim",
    "RemoveFromPool",
    "ReportInvestment",
    "ReserveProject",
    "ScheduleStage",
    "SignProject",
    "StartConstruction",
    "VerifyStage",
]


class ConceiveProject(Command):
    """谋划: create a project (``reserved=True`` puts it straight into the reserve pool)."""

    name: ClassVar[str] = "conceive"
    code: Code
    project_name: ShortText
    city_code: AreaCode
    area_code: AreaCode
    category: ProjectCategory
    planned_investment_yuan: Yuan
    investor_classes: tuple[InvestorClass, ...] = Field(default=(), max_length=11)
    enterprise_code: CreditCode | None = None
    area_mu: Mu | None = None
    reserved: bool = False

    def create(self) -> Project:
        return Project.conceive(
            code=self.code,
            name=self.project_name,
            city_code=self.city_code,
            area_code=self.area_code,
            category=self.category,
            planned_investment=Money(self.planned_investment_yuan),
            investor_classes=self.investor_classes,
            enterprise_code=self.enterprise_code,
            area_mu=self.area_mu,
            reserved=self.reserved,
            **self.meta(),
        )


class ReserveProject(ProjectCommand):
    """入库: enter the reserve pool (储备库)."""

    name: ClassVar[str] = "reserve"

    def apply(self, project: Project) -> None:
        project.reserve(**self.meta())


class SignProject(ProjectCommand):
    """签约: record the signing, with the signed amount and counterparty."""

    name: ClassVar[str] = "sign"
    amount_yuan: Yuan
    counterparty: ShortText
    batch: ShortText | None = None

    def apply(self, project: Project) -> None:
        project.sign(
            amount=Money(self.amount_yuan), counterparty=self.counterparty, batch=self.batch, **self.meta()
        )


class LandProject(ProjectCommand):
    """落地: the project has landed (land, registration)."""

    name: ClassVar[str] = "land"

    def apply(self, project: Project) -> None:
        project.land(**self.meta())


class StartConstruction(ProjectCommand):
    """开工: construction started."""

    name: ClassVar[str] = "start"

    def apply(self, project: Project) -> None:
        project.start(**self.meta())


class EnterStatistics(ProjectCommand):
    """纳统: the project entered the statistics (入库纳统)."""

    name: ClassVar[str] = "enter_statistics"

    def apply(self, project: Project) -> None:
        project.enter_statistics(**self.meta())


class CompleteProject(ProjectCommand):
    """竣工: construction completed."""

    name: ClassVar[str] = "complete"

    def apply(self, project: Project) -> None:
        project.complete(**self.meta())


class BeginProduction(ProjectCommand):
    """投产: production began."""

    name: ClassVar[str] = "begin_production"

    def apply(self, project: Project) -> None:
        project.begin_production(**self.meta())


class BecomeAboveScale(ProjectCommand):
    """升规: the enterprise became above-designated-size (规上)."""

    name: ClassVar[str] = "become_above_scale"

    def apply(self, project: Project) -> None:
        project.become_above_scale(**self.meta())


class ReachCapacity(ProjectCommand):
    """达产: the project reached its designed capacity."""

    name: ClassVar[str] = "reach_capacity"

    def apply(self, project: Project) -> None:
        project.reach_capacity(**self.meta())


class VerifyStage(ProjectCommand):
    """认定: a checker recognises a stage claim (on the papers or on site)."""

    name: ClassVar[str] = "verify"
    stage: Stage
    method: VerificationMethod

    def apply(self, project: Project) -> None:
        project.verify(stage=self.stage, method=self.method, **self.meta())


class RejectClaim(ProjectCommand):
    """Reject a stage claim found untrue; it leaves every count from this date on."""

    name: ClassVar[str] = "reject_claim"
    stage: Stage
    reason: LongText

    def apply(self, project: Project) -> None:
        meta = self.meta()
        meta.pop("reason")
        project.reject_claim(stage=self.stage, reason=self.reason, **meta)


class PlanMilestone(ProjectCommand):
    """Plan a preparation milestone's date."""

    name: ClassVar[str] = "plan_milestone"
    milestone: Milestone
    planned_on: date

    def apply(self, project: Project) -> None:
        project.plan_milestone(milestone=self.milestone, planned_on=self.planned_on, **self.meta())


class MeetMilestone(ProjectCommand):
    """Record a preparation milestone met."""

    name: ClassVar[str] = "meet_milestone"
    milestone: Milestone

    def apply(self, project: Project) -> None:
        project.meet_milestone(milestone=self.milestone, **self.meta())


class ScheduleStage(ProjectCommand):
    """Schedule the date a later stage is planned for (计划节点)."""

    name: ClassVar[str] = "schedule_stage"
    stage: Stage
    planned_on: date

    def apply(self, project: Project) -> None:
        project.schedule_stage(stage=self.stage, planned_on=self.planned_on, **self.meta())


class ReportInvestment(ProjectCommand):
    """完成投资: the investment completed in a month (from signing on)."""

    name: ClassVar[str] = "report_investment"
    month: date
    amount_yuan: Yuan

    @field_validator("month")
    @classmethod
    def _month_not_in_future(cls, value: date) -> date:
        if value > latest_business_date():
            raise ValueError(
                f"month {value} is later than today plus the tolerance ({latest_business_date()})"
            )
        return value

    def apply(self, project: Project) -> None:
        project.report_investment(month=self.month, amount=Money(self.amount_yuan), **self.meta())


class AssignSponsor(ProjectCommand):
    """包保: assign the leader sponsoring the project."""

    name: ClassVar[str] = "assign_sponsor"
    leader: ShortText
    department: ShortText

    def apply(self, project: Project) -> None:
        project.assign_sponsor(leader=self.leader, department=self.department, **self.meta())


class FormTeam(ProjectCommand):
    """组建专班: record the project team and its lead."""

    name: ClassVar[str] = "form_team"
    team: ShortText
    lead: ShortText

    def apply(self, project: Project) -> None:
        project.form_team(team=self.team, lead=self.lead, **self.meta())


class FlagProject(ProjectCommand):
    """挂牌: put a named flag on the project (e.g. a deadline's 挂牌提醒)."""

    name: ClassVar[str] = "flag"
    flag: Code

    def apply(self, project: Project) -> None:
        project.flag(flag=self.flag, **self.meta())


class ClearFlag(ProjectCommand):
    """摘牌: clear a flag (a verifier's act)."""

    name: ClassVar[str] = "clear_flag"
    flag: Code

    def apply(self, project: Project) -> None:
        project.clear_flag(flag=self.flag, **self.meta())


class RemoveFromPool(ProjectCommand):
    """剔除: remove the project from a pool, with the reason code."""

    name: ClassVar[str] = "remove_from_pool"
    pool: Pool
    reason_code: RemovalReason

    def apply(self, project: Project) -> None:
        project.remove_from_pool(pool=self.pool, reason_code=self.reason_code, **self.meta())


class ReclaimLand(ProjectCommand):
    """收回土地: record land reclaimed from the project."""

    name: ClassVar[str] = "reclaim_land"
    area_mu: Mu | None = None

    def apply(self, project: Project) -> None:
        project.reclaim_land(area_mu=self.area_mu, **self.meta())


class CancelProject(ProjectCommand):
    """Cancel the project: it leaves every stock and owes no deadline."""

    name: ClassVar[str] = "cancel"
    reason: LongText

    def apply(self, project: Project) -> None:
        meta = self.meta()
        meta.pop("reason")
        project.cancel(reason=self.reason, **meta)


class CorrectFact(ProjectCommand):
    """Correct a recorded fact (a new event; the original stays)."""

    name: ClassVar[str] = "correct"
    target_version: int = Field(ge=1)
    field: CorrectableField
    new_value: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
    reason: LongText

    @model_validator(mode="after")
    def _same_bounds_as_the_fact(self) -> CorrectFact:
        """A corrected value passes the same rules as the fact it supersedes."""
        bound: Any = {
            CorrectableField.SIGNED_AMOUNT: Yuan,
            CorrectableField.PLANNED_INVESTMENT: Yuan,
            CorrectableField.INVESTMENT_AMOUNT: Yuan,
            CorrectableField.AREA_MU: Mu,
            CorrectableField.NAME: ShortText,
            CorrectableField.OCCURRED_ON: date,
        }[self.field]
        try:
            value = TypeAdapter(bound).validate_python(self.new_value, strict=False)
        except ValidationError as exc:
            first = exc.errors()[0]["msg"]
            raise ValueError(
                f"new value {self.new_value!r} for {self.field.value} is not valid: {first}"
            ) from None
        if isinstance(value, date) and value > latest_business_date():
            raise ValueError(
                f"new date {value} is later than today plus the tolerance ({latest_business_date()})"
            )
        return self

    def apply(self, project: Project) -> None:
        meta = self.meta()
        meta.pop("reason")
        project.correct(
            target_version=self.target_version,
            field=self.field,
            new_value=self.new_value,
            reason=self.reason,
            **meta,
        )
