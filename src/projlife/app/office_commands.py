"""The office's working-week commands on projects (lists, sponsorship, funding, production, parts).

Each is a :class:`~projlife.app.commands.ProjectCommand`, registered in
:data:`~projlife.app.commands.PROJECT_COMMANDS` and in the roles table
(:data:`~projlife.app.authorization.COMMAND_ROLES`); the domain method it calls is in
:mod:`projlife.domain.project_office`, which cites the seed of each.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from projlife.app.commands import Code, LongText, Mu, ProjectCommand, ShortText, Yuan
from projlife.domain.money import Money
from projlife.domain.project import Project
from projlife.domain.project_office import FundingProgram, FundingStatus, ListName, SponsorWork

__all__ = [
    "OFFICE_COMMANDS",
    "AcceptPart",
    "ApplyForFunding",
    "BeginPartProduction",
    "ChangeFundingStatus",
    "EnterList",
    "IssueCertificate",
    "LeaveList",
    "RecordSponsorWork",
    "ReportPerMu",
    "ResumeProduction",
    "StopProduction",
]

PeriodText = ShortText


class EnterList(ProjectCommand):
    """Put the project on a list (``period``: ``2024`` for a year's list, ``2024-Q2`` for a 三个一批 batch)."""

    name: ClassVar[str] = "enter_list"
    list_name: ListName
    period: PeriodText | None = None
    catalogue_ref: ShortText | None = None
    """The 《省重点项目遴选指导目录》 item (储备库 only)."""

    def apply(self, project: Project) -> None:
        project.enter_list(
            list_name=self.list_name, period=self.period, catalogue_ref=self.catalogue_ref, **self.meta()
        )


class LeaveList(ProjectCommand):
    """Take the project off a list."""

    name: ClassVar[str] = "leave_list"
    list_name: ListName
    period: PeriodText | None = None

    def apply(self, project: Project) -> None:
        project.leave_list(list_name=self.list_name, period=self.period, **self.meta())


class RecordSponsorWork(ProjectCommand):
    """A sponsor's monthly visit, the quarterly report, or a 人大/政协 weekly site check."""

    name: ClassVar[str] = "record_sponsor_work"
    work: SponsorWork
    by: ShortText
    findings: LongText
    ticket_codes: tuple[Code, ...] = Field(default=(), max_length=50)

    def apply(self, project: Project) -> None:
        project.record_sponsor_work(
            work=self.work, by=self.by, findings=self.findings, ticket_codes=self.ticket_codes, **self.meta()
        )


class ApplyForFunding(ProjectCommand):
    """An application for 专项债 or 中央预算内 funds."""

    name: ClassVar[str] = "apply_for_funding"
    application_ref: Code
    program: FundingProgram
    amount_yuan: Yuan

    def apply(self, project: Project) -> None:
        project.apply_for_funding(
            application_ref=self.application_ref,
            program=self.program,
            amount=Money(self.amount_yuan),
            **self.meta(),
        )


class ChangeFundingStatus(ProjectCommand):
    """An application approved (with the amount), funds arrived (with the amount), rejected or withdrawn."""

    name: ClassVar[str] = "change_funding_status"
    application_ref: Code
    status: FundingStatus
    amount_yuan: Yuan | None = None

    def apply(self, project: Project) -> None:
        project.change_funding_status(
            application_ref=self.application_ref,
            status=self.status,
            amount=None if self.amount_yuan is None else Money(self.amount_yuan),
            **self.meta(),
        )


class StopProduction(ProjectCommand):
    """停产 (needs a reason)."""

    name: ClassVar[str] = "stop_production"
    reason: LongText

    def apply(self, project: Project) -> None:
        meta = self.meta()
        meta.pop("reason")
        project.stop_production(reason=self.reason, **meta)


class ResumeProduction(ProjectCommand):
    name: ClassVar[str] = "resume_production"

    def apply(self, project: Project) -> None:
        project.resume_production(**self.meta())


class IssueCertificate(ProjectCommand):
    """A certificate after completion (竣工即发证, 003)."""

    name: ClassVar[str] = "issue_certificate"
    certificate: ShortText

    def apply(self, project: Project) -> None:
        project.issue_certificate(certificate=self.certificate, **self.meta())


class AcceptPart(ProjectCommand):
    """分批验收: one part accepted before the whole (001)."""

    name: ClassVar[str] = "accept_part"
    part: ShortText

    def apply(self, project: Project) -> None:
        project.accept_part(part=self.part, **self.meta())


class BeginPartProduction(ProjectCommand):
    """An accepted part begins producing before the project is complete (001)."""

    name: ClassVar[str] = "begin_part_production"
    part: ShortText

    def apply(self, project: Project) -> None:
        project.begin_part_production(part=self.part, **self.meta())


class ReportPerMu(ProjectCommand):
    """亩均 data of one year: land (亩) and output, revenue, tax (yuan)."""

    name: ClassVar[str] = "report_per_mu"
    year: int = Field(ge=2000, le=2100)
    land_mu: Mu
    output_yuan: Yuan
    revenue_yuan: Yuan
    tax_yuan: Yuan

    def apply(self, project: Project) -> None:
        project.report_per_mu(
            year=self.year,
            land_mu=self.land_mu,
            output=Money(self.output_yuan),
            revenue=Money(self.revenue_yuan),
            tax=Money(self.tax_yuan),
            **self.meta(),
        )


OFFICE_COMMANDS: tuple[type[ProjectCommand], ...] = (
    EnterList,
    LeaveList,
    RecordSponsorWork,
    ApplyForFunding,
    ChangeFundingStatus,
    StopProduction,
    ResumeProduction,
    IssueCertificate,
    AcceptPart,
    BeginPartProduction,
    ReportPerMu,
)
