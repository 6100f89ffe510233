"""The office's working week on a project: lists it is on, sponsorship work, funding, production.

Each fact here is one event on the ``Project`` aggregate with its business date, actor, reason
and evidence, like every other project fact. The seeds they come from:

* lists (项目名单) a project enters and leaves, each with its own dates: level (003:
  "列入2023年省重大项目建设计划"), the 调度库's funding lists (001: "对省重点项目、中央预算内项目、
  专项债项目、招商引资项目和市委市政府重点关注项目进行周调度"), the year's status (004:
  "开工项目抓进度，续建项目抓投产"), the quarter's 三个一批 batches (001: "按季度滚动开展“三个一批”活动")
  and the 省重点项目储备库 (001: "必须符合《省重点项目遴选指导目录》,且已完成立项备案");
* sponsorship work (001: "分包领导每月到分包项目单位进行调研 … 每季度定时向市委、市政府汇报分包项目情况";
  000: "市人大、市政协包县(市、区)领导每周直达项目一线核查");
* funding applications (004: "争取国家资金"; 专项债, 中央预算内);
* production stopped and resumed, for 成活率 (004: "竣工项目的成活率");
* certificates after completion (003: "推动拿地即开工、竣工即发证") and phased acceptance (001:
  "推行分批验收和边建设边验收制度 … 实现竣工一幢、验收一幢").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

from projlife.domain.actor import Actor
from projlife.domain.errors import IllegalTransition, ProjlifeError
from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project_base import ProjectBase
from projlife.domain.project_events import ProjectEvent

if TYPE_CHECKING:
    from projlife.domain.project import Project

__all__ = [
    "CertificateIssued",
    "FundingApplied",
    "FundingProgram",
    "FundingStatus",
    "FundingStatusChanged",
    "ListEntered",
    "ListKind",
    "ListLeft",
    "ListName",
    "OfficeCommands",
    "OfficeState",
    "PartAccepted",
    "PartProductionBegan",
    "PerMuFiguresReported",
    "ProductionResumed",
    "ProductionStopped",
    "SponsorWork",
    "SponsorWorkRecorded",
]


class ListKind(StrEnum):
    """The families of lists a project can be on."""

    LEVEL = "level"
    """省/市/县重点, 列入省重大项目建设计划 (003): one year's list."""
    FUNDING = "funding"
    """The 调度库's lists by funding source (001): one year's list."""
    YEAR_STATUS = "year_status"
    """新开工 / 续建 / 预备 for one year (004); a project is in at most one of them per year."""
    BATCH = "batch"
    """三个一批: 签约一批 / 开工一批 / 投产一批 of one quarter (001)."""
    RESERVE = "reserve"
    """省重点项目储备库 (001): dynamic, no period; entry is gated."""

    @property
    def period_kind(self) -> PeriodKind | None:
        """The period a list of this kind is for (``None``: no period)."""
        return _PERIOD_OF_KIND[self]


_PERIOD_OF_KIND = {
    ListKind.LEVEL: PeriodKind.YEAR,
    ListKind.FUNDING: PeriodKind.YEAR,
    ListKind.YEAR_STATUS: PeriodKind.YEAR,
    ListKind.BATCH: PeriodKind.QUARTER,
    ListKind.RESERVE: None,
}


class ListName(StrEnum):
    """One list a project can enter and leave (its kind and Chinese name below)."""

    PROVINCIAL_KEY = "provincial_key"
    CITY_KEY = "city_key"
    COUNTY_KEY = "county_key"
    PROVINCIAL_MAJOR_PLAN = "provincial_major_plan"
    CENTRAL_BUDGET = "central_budget"
    SPECIAL_BOND = "special_bond"
    ATTRACTED_INVESTMENT = "attracted_investment"
    CITY_FOCUS = "city_focus"
    NEW_START = "new_start"
    CONTINUING = "continuing"
    PREPARATORY = "preparatory"
    SIGN_BATCH = "sign_batch"
    START_BATCH = "start_batch"
    PRODUCTION_BATCH = "production_batch"
    PROVINCIAL_RESERVE = "provincial_reserve"

    @property
    def kind(self) -> ListKind:
        return _LISTS[self][0]

    @property
    def label_zh(self) -> str:
        return _LISTS[self][1]

    @property
    def batch_stage(self) -> Stage | None:
        """The stage a 三个一批 batch promises within its quarter (签约/开工/投产)."""
        return _BATCH_STAGE.get(self)


_LISTS: dict[ListName, tuple[ListKind, str]] = {
    ListName.PROVINCIAL_KEY: (ListKind.LEVEL, "省重点项目"),
    ListName.CITY_KEY: (ListKind.LEVEL, "市重点项目"),
    ListName.COUNTY_KEY: (ListKind.LEVEL, "县重点项目"),
    ListName.PROVINCIAL_MAJOR_PLAN: (ListKind.LEVEL, "列入省重大项目建设计划"),
    ListName.CENTRAL_BUDGET: (ListKind.FUNDING, "中央预算内项目"),
    ListName.SPECIAL_BOND: (ListKind.FUNDING, "专项债项目"),
    ListName.ATTRACTED_INVESTMENT: (ListKind.FUNDING, "招商引资项目"),
    ListName.CITY_FOCUS: (ListKind.FUNDING, "市委市政府重点关注项目"),
    ListName.NEW_START: (ListKind.YEAR_STATUS, "新开工"),
    ListName.CONTINUING: (ListKind.YEAR_STATUS, "续建"),
    ListName.PREPARATORY: (ListKind.YEAR_STATUS, "预备"),
    ListName.SIGN_BATCH: (ListKind.BATCH, "签约一批"),
    ListName.START_BATCH: (ListKind.BATCH, "开工一批"),
    ListName.PRODUCTION_BATCH: (ListKind.BATCH, "投产一批"),
    ListName.PROVINCIAL_RESERVE: (ListKind.RESERVE, "省重点项目储备库"),
}
_BATCH_STAGE = {
    ListName.SIGN_BATCH: Stage.SIGNED,
    ListName.START_BATCH: Stage.STARTED,
    ListName.PRODUCTION_BATCH: Stage.PRODUCING,
}


class SponsorWork(StrEnum):
    """The sponsorship work the seeds ask for, and how often."""

    MONTHLY_VISIT = "monthly_visit"
    """分包领导每月到分包项目单位进行调研 (001)."""
    QUARTERLY_REPORT = "quarterly_report"
    """每季度定时向市委、市政府汇报分包项目情况 (001)."""
    SITE_CHECK = "site_check"
    """市人大、市政协包县(市、区)领导每周直达项目一线核查 (000)."""

    @property
    def period_kind(self) -> PeriodKind:
        return {
            SponsorWork.MONTHLY_VISIT: PeriodKind.MONTH,
            SponsorWork.QUARTERLY_REPORT: PeriodKind.QUARTER,
            SponsorWork.SITE_CHECK: PeriodKind.WEEK,
        }[self]

    @property
    def label_zh(self) -> str:
        return {
            SponsorWork.MONTHLY_VISIT: "分包领导月度调研",
            SponsorWork.QUARTERLY_REPORT: "分包项目季度汇报",
            SponsorWork.SITE_CHECK: "人大政协领导一线核查",
        }[self]


class FundingProgram(StrEnum):
    """争取国家资金 (004): the programmes a project applies to."""

    SPECIAL_BOND = "special_bond"
    """地方政府专项债券."""
    CENTRAL_BUDGET = "central_budget"
    """中央预算内投资."""

    @property
    def label_zh(self) -> str:
        return {FundingProgram.SPECIAL_BOND: "专项债", FundingProgram.CENTRAL_BUDGET: "中央预算内"}[self]


class FundingStatus(StrEnum):
    """Where an application stands: applied → approved → funds_arrived, or rejected / withdrawn."""

    APPLIED = "applied"
    APPROVED = "approved"
    FUNDS_ARRIVED = "funds_arrived"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label_zh(self) -> str:
        return {
            FundingStatus.APPLIED: "已申报",
            FundingStatus.APPROVED: "已批复",
            FundingStatus.FUNDS_ARRIVED: "资金到位",
            FundingStatus.REJECTED: "未通过",
            FundingStatus.WITHDRAWN: "已撤回",
        }[self]


_FUNDING_NEXT: dict[FundingStatus, frozenset[FundingStatus]] = {
    FundingStatus.APPLIED: frozenset(
        {FundingStatus.APPROVED, FundingStatus.REJECTED, FundingStatus.WITHDRAWN}
    ),
    FundingStatus.APPROVED: frozenset({FundingStatus.FUNDS_ARRIVED, FundingStatus.WITHDRAWN}),
    FundingStatus.FUNDS_ARRIVED: frozenset(),
    FundingStatus.REJECTED: frozenset(),
    FundingStatus.WITHDRAWN: frozenset(),
}


# -- events -------------------------------------------------------------------------------


class ListEntered(ProjectEvent):
    """The project entered a list (for ``period``: ``2024`` or ``2024-Q2``; ``None`` for the reserve)."""

    TOPIC = "projlife:Project.ListEntered"
    list_name: ListName
    period: str | None
    catalogue_ref: str | None

    def apply(self, project: Project) -> None:
        project.lists[(ListName(self.list_name), self.period)] = self.occurred_on


class ListLeft(ProjectEvent):
    """The project left a list (调出, 剔除不合适项目)."""

    TOPIC = "projlife:Project.ListLeft"
    list_name: ListName
    period: str | None

    def apply(self, project: Project) -> None:
        project.lists.pop((ListName(self.list_name), self.period), None)


class SponsorWorkRecorded(ProjectEvent):
    """A sponsor's visit, a quarterly report or a 人大/政协 site check, with its findings.

    ``by`` is the leader who did it; ``ticket_codes`` the problem tickets raised from it.
    """

    TOPIC = "projlife:Project.SponsorWorkRecorded"
    work: SponsorWork
    by: str
    findings: str
    ticket_codes: tuple[str, ...]

    def apply(self, project: Project) -> None:
        project.sponsor_work.append((SponsorWork(self.work), self.occurred_on, self.by))


class FundingApplied(ProjectEvent):
    """An application for 专项债 or 中央预算内 funds, with the amount asked."""

    TOPIC = "projlife:Project.FundingApplied"
    application_ref: str
    program: FundingProgram
    amount: Money

    def apply(self, project: Project) -> None:
        project.funding[self.application_ref] = (FundingProgram(self.program), FundingStatus.APPLIED)


class FundingStatusChanged(ProjectEvent):
    """An application moved on: approved (with the amount approved), funds arrived, rejected, withdrawn."""

    TOPIC = "projlife:Project.FundingStatusChanged"
    application_ref: str
    status: FundingStatus
    amount: Money | None

    def apply(self, project: Project) -> None:
        program, _ = project.funding[self.application_ref]
        project.funding[self.application_ref] = (program, FundingStatus(self.status))


class ProductionStopped(ProjectEvent):
    """停产: a project that was producing stopped (it no longer counts as 成活)."""

    TOPIC = "projlife:Project.ProductionStopped"

    def apply(self, project: Project) -> None:
        project.production_stopped_on = self.occurred_on


class ProductionResumed(ProjectEvent):
    """复产: production resumed after a stop."""

    TOPIC = "projlife:Project.ProductionResumed"

    def apply(self, project: Project) -> None:
        project.production_stopped_on = None


class CertificateIssued(ProjectEvent):
    """发证: a certificate after completion (竣工即发证, 003), e.g. the 不动产权证."""

    TOPIC = "projlife:Project.CertificateIssued"
    certificate: str

    def apply(self, project: Project) -> None:
        project.certificates.setdefault(self.certificate, self.occurred_on)


class PartAccepted(ProjectEvent):
    """分批验收: one part (单体建筑) passed its completion acceptance before the whole project (001)."""

    TOPIC = "projlife:Project.PartAccepted"
    part: str

    def apply(self, project: Project) -> None:
        project.parts_accepted[self.part] = self.occurred_on


class PartProductionBegan(ProjectEvent):
    """An accepted part began producing while the rest is still being built (边建设边验收, 001)."""

    TOPIC = "projlife:Project.PartProductionBegan"
    part: str

    def apply(self, project: Project) -> None:
        project.parts_producing[self.part] = self.occurred_on


class PerMuFiguresReported(ProjectEvent):
    """亩均 data of one year: land used (亩), output (产值), revenue (营收) and tax (税收), in yuan.

    000: "以“亩均投资强度、亩均产值(营收)、亩均税收达标率”等为重点的效能评价"; 003: "不断提高项目用地收益率和财税贡献率".
    A later report for the same year supersedes the earlier one (it needs a reason).
    """

    TOPIC = "projlife:Project.PerMuFiguresReported"
    year: int
    land_mu: Decimal
    output: Money
    revenue: Money
    tax: Money

    def apply(self, project: Project) -> None:
        project.per_mu_years[self.year] = self.occurred_on


OFFICE_EVENTS: tuple[type[ProjectEvent], ...] = (
    ListEntered,
    ListLeft,
    SponsorWorkRecorded,
    FundingApplied,
    FundingStatusChanged,
    ProductionStopped,
    ProductionResumed,
    CertificateIssued,
    PartAccepted,
    PartProductionBegan,
    PerMuFiguresReported,
)


# -- state and commands -------------------------------------------------------------------


class OfficeState:
    """The office facts a project remembers (set up by :meth:`OfficeCommands._init_office`)."""

    lists: dict[tuple[ListName, str | None], date]
    sponsor_work: list[tuple[SponsorWork, date, str]]
    funding: dict[str, tuple[FundingProgram, FundingStatus]]
    production_stopped_on: date | None
    certificates: dict[str, date]
    parts_accepted: dict[str, date]
    parts_producing: dict[str, date]
    per_mu_years: dict[int, date]


def _text(attempted: str, field: str, value: str) -> str:
    if not value or not value.strip():
        raise ProjlifeError(attempted, f"{field} is empty", f"a non-empty {field}")
    return value.strip()


def _period_for(attempted: str, name: ListName, period: str | None) -> str | None:
    """The list's period in its canonical form, checked against the list's kind."""
    wanted = name.kind.period_kind
    if wanted is None:
        if period is not None:
            raise ProjlifeError(
                attempted, f"the {name.label_zh} has no period, {period!r} was given", "no period"
            )
        return None
    example = "2024" if wanted is PeriodKind.YEAR else "2024-Q2"
    if period is None:
        raise ProjlifeError(
            attempted, f"the {name.label_zh} is kept per {wanted.value}", f"a period like {example}"
        )
    try:
        parsed = Period.parse(period)
    except ValueError:
        raise ProjlifeError(
            attempted, f"period {period!r} is not a period", f"a period like {example}"
        ) from None
    if parsed.kind is not wanted:
        raise ProjlifeError(
            attempted,
            f"the {name.label_zh} is kept per {wanted.value}, not per {parsed.kind.value}",
            f"a period like {example}",
        )
    return str(parsed)


class OfficeCommands(ProjectBase, OfficeState):
    """Commands recording the office's working week on one project."""

    def _init_office(self) -> None:
        self.lists = {}
        self.sponsor_work = []
        self.funding = {}
        self.production_stopped_on = None
        self.certificates = {}
        self.parts_accepted = {}
        self.parts_producing = {}
        self.per_mu_years = {}

    def list_memberships(self) -> dict[tuple[ListName, str | None], date]:
        """The lists the project is on now, with the date it entered each."""
        return dict(self.lists)

    # -- lists --------------------------------------------------------------------------

    def enter_list(
        self,
        *,
        list_name: ListName,
        occurred_on: date,
        actor: Actor,
        period: str | None = None,
        catalogue_ref: str | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """Enter a list. The 省重点项目储备库 needs a 《遴选指导目录》 entry and 立项 done (001)."""
        name = ListName(list_name)
        attempted = f"put {self.code} on the {name.label_zh} list" + (f" of {period}" if period else "")
        self._check_open(attempted)
        period = _period_for(attempted, name, period)
        key = (name, period)
        if key in self.lists:
            raise IllegalTransition(
                attempted, f"on that list since {self.lists[key]}", "leave the list first"
            )
        if name.kind is ListKind.YEAR_STATUS:
            for other, p in self.lists:
                if other.kind is ListKind.YEAR_STATUS and p == period:
                    raise IllegalTransition(
                        attempted,
                        f"already listed as {other.label_zh} for {period}",
                        f"leave the {other.label_zh} list first (one of 新开工/续建/预备 per year)",
                    )
        if name is ListName.PROVINCIAL_RESERVE:
            # 001: "对纳入省重点项目储备库的项目,必须符合《省重点项目遴选指导目录》,且已完成立项备案"
            if catalogue_ref is None or not catalogue_ref.strip():
                raise ProjlifeError(
                    attempted,
                    "the entry in the 《省重点项目遴选指导目录》 is not given",
                    "catalogue_ref: the catalogue item the project fits",
                )
            approval = self.milestones_met.get(Milestone.PROJECT_APPROVAL)
            if approval is None or approval[0] > occurred_on:
                raise IllegalTransition(
                    attempted,
                    "立项备案 is not yet done (milestone project_approval not met by that date)",
                    "meet milestone project_approval first",
                )
        elif catalogue_ref is not None:
            raise ProjlifeError(
                attempted, "only the 省重点项目储备库 takes a catalogue entry", "no catalogue_ref"
            )
        self._check_date(attempted, occurred_on, self.conceived_on)
        self.trigger_event(
            ListEntered,
            list_name=name,
            period=period,
            catalogue_ref=catalogue_ref.strip() if catalogue_ref else None,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def leave_list(
        self,
        *,
        list_name: ListName,
        occurred_on: date,
        actor: Actor,
        period: str | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        name = ListName(list_name)
        attempted = f"take {self.code} off the {name.label_zh} list" + (f" of {period}" if period else "")
        self._check_open(attempted)
        period = _period_for(attempted, name, period)
        entered = self.lists.get((name, period))
        if entered is None:
            on = sorted(f"{n.value}{'/' + p if p else ''}" for n, p in self.lists)
            raise IllegalTransition(
                attempted, "not on that list", ", ".join(on) or "the project is on no list"
            )
        self._check_date(attempted, occurred_on, entered)
        self.trigger_event(
            ListLeft, list_name=name, period=period, **self._meta(occurred_on, actor, reason, evidence)
        )

    # -- sponsorship ----------------------------------------------------------------------

    def record_sponsor_work(
        self,
        *,
        work: SponsorWork,
        by: str,
        findings: str,
        occurred_on: date,
        actor: Actor,
        ticket_codes: Iterable[str] = (),
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        work = SponsorWork(work)
        attempted = f"record the {work.label_zh} of {self.code}"
        self._check_open(attempted)
        by = _text(attempted, "by (who did it)", by)
        findings = _text(attempted, "findings", findings)
        self._check_date(attempted, occurred_on, self.conceived_on)
        self.trigger_event(
            SponsorWorkRecorded,
            work=work,
            by=by,
            findings=findings,
            ticket_codes=tuple(ticket_codes),
            **self._meta(occurred_on, actor, reason, evidence),
        )

    # -- funding --------------------------------------------------------------------------

    def apply_for_funding(
        self,
        *,
        application_ref: str,
        program: FundingProgram,
        amount: Money,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        program = FundingProgram(program)
        attempted = f"apply for {program.label_zh} funds for {self.code}"
        self._check_open(attempted)
        ref = _text(attempted, "application_ref", application_ref)
        if ref in self.funding:
            raise IllegalTransition(
                attempted, f"application {ref} is already recorded", "a new application_ref"
            )
        if amount.yuan <= 0:
            raise ProjlifeError(attempted, f"amount {amount} is not positive", "an amount above zero")
        self._check_date(attempted, occurred_on, self.conceived_on)
        self.trigger_event(
            FundingApplied,
            application_ref=ref,
            program=program,
            amount=amount,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    def change_funding_status(
        self,
        *,
        application_ref: str,
        status: FundingStatus,
        occurred_on: date,
        actor: Actor,
        amount: Money | None = None,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        status = FundingStatus(status)
        attempted = f"mark funding application {application_ref} of {self.code} {status.value}"
        self._check_open(attempted)
        if application_ref not in self.funding:
            raise IllegalTransition(
                attempted, "no such application", ", ".join(sorted(self.funding)) or "no applications"
            )
        current = self.funding[application_ref][1]
        if status not in _FUNDING_NEXT[current]:
            allowed = ", ".join(sorted(s.value for s in _FUNDING_NEXT[current]))
            raise IllegalTransition(
                attempted, f"the application is {current.value}", allowed or "nothing: it is final"
            )
        if status in (FundingStatus.APPROVED, FundingStatus.FUNDS_ARRIVED) and amount is None:
            raise ProjlifeError(attempted, "the amount is not given", "the amount approved or arrived")
        if status in (FundingStatus.REJECTED, FundingStatus.WITHDRAWN) and amount is not None:
            raise ProjlifeError(attempted, "a rejected or withdrawn application has no amount", "no amount")
        self._check_date(attempted, occurred_on, self.conceived_on)
        self.trigger_event(
            FundingStatusChanged,
            application_ref=application_ref,
            status=status,
            amount=amount,
            **self._meta(occurred_on, actor, reason, evidence),
        )

    # -- production, certificates, phased acceptance ----------------------------------------

    def stop_production(
        self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()
    ) -> None:
        attempted = f"record that {self.code} stopped production"
        self._check_open(attempted)
        _text(attempted, "reason", reason)
        if Stage.PRODUCING not in self.claims:
            raise IllegalTransition(attempted, f"the project is {self.stage.value}", "producing or later")
        if self.production_stopped_on is not None:
            raise IllegalTransition(attempted, f"stopped since {self.production_stopped_on}", "resume first")
        self._check_date(attempted, occurred_on, self.claims[Stage.PRODUCING].occurred_on)
        self.trigger_event(ProductionStopped, **self._meta(occurred_on, actor, reason, evidence))

    def resume_production(
        self, *, occurred_on: date, actor: Actor, reason: str | None = None, evidence: Iterable[str] = ()
    ) -> None:
        attempted = f"record that {self.code} resumed production"
        self._check_open(attempted)
        if self.production_stopped_on is None:
            raise IllegalTransition(attempted, "production has not stopped", "stop_production first")
        self._check_date(attempted, occurred_on, self.production_stopped_on)
        self.trigger_event(ProductionResumed, **self._meta(occurred_on, actor, reason, evidence))

    def issue_certificate(
        self,
        *,
        certificate: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        attempted = f"record a certificate for {self.code}"
        self._check_open(attempted)
        certificate = _text(attempted, "certificate", certificate)
        completed = self.claims.get(Stage.COMPLETED)
        if completed is None and not self.parts_accepted:
            raise IllegalTransition(
                attempted, f"the project is {self.stage.value}", "completed, or a part accepted (分批验收)"
            )
        if certificate in self.certificates:
            raise IllegalTransition(
                attempted, f"{certificate} issued on {self.certificates[certificate]}", "nothing"
            )
        not_before = completed.occurred_on if completed else min(self.parts_accepted.values())
        self._check_date(attempted, occurred_on, not_before)
        self.trigger_event(
            CertificateIssued, certificate=certificate, **self._meta(occurred_on, actor, reason, evidence)
        )

    def accept_part(
        self,
        *,
        part: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """分批验收: a part passes its acceptance while the project is being built (001)."""
        attempted = f"accept part of {self.code}"
        self._check_open(attempted)
        part = _text(attempted, "part", part)
        started = self.claims.get(Stage.STARTED)
        if started is None:
            raise IllegalTransition(attempted, f"the project is {self.stage.value}", "started or later")
        if part in self.parts_accepted:
            raise IllegalTransition(
                attempted, f"{part} accepted on {self.parts_accepted[part]}", "another part"
            )
        self._check_date(attempted, occurred_on, started.occurred_on)
        self.trigger_event(PartAccepted, part=part, **self._meta(occurred_on, actor, reason, evidence))

    def begin_part_production(
        self,
        *,
        part: str,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """An accepted part produces before the whole project is complete (边建设边验收, 001)."""
        attempted = f"begin production of part {part} of {self.code}"
        self._check_open(attempted)
        accepted = self.parts_accepted.get(part)
        if accepted is None:
            raise IllegalTransition(
                attempted,
                "that part has not passed acceptance",
                ", ".join(sorted(self.parts_accepted)) or "accept_part first",
            )
        if part in self.parts_producing:
            raise IllegalTransition(attempted, f"producing since {self.parts_producing[part]}", "nothing")
        self._check_date(attempted, occurred_on, accepted)
        self.trigger_event(PartProductionBegan, part=part, **self._meta(occurred_on, actor, reason, evidence))

    def report_per_mu(
        self,
        *,
        year: int,
        land_mu: Decimal,
        output: Money,
        revenue: Money,
        tax: Money,
        occurred_on: date,
        actor: Actor,
        reason: str | None = None,
        evidence: Iterable[str] = (),
    ) -> None:
        """亩均 data of ``year`` (land in 亩, amounts in yuan); reported on or after 1 January of that year."""
        attempted = f"report the {year} 亩均 figures of {self.code}"
        self._check_open(attempted)
        if land_mu <= 0:
            raise ProjlifeError(attempted, f"land {land_mu} 亩 is not positive", "the land used, above 0 亩")
        if year in self.per_mu_years and not (reason and reason.strip()):
            raise IllegalTransition(
                attempted,
                f"{year} was reported on {self.per_mu_years[year]}",
                "a new report with a reason (it supersedes the earlier one)",
            )
        self._check_date(attempted, occurred_on, max(self.conceived_on, date(year, 1, 1)))
        self.trigger_event(
            PerMuFiguresReported,
            year=year,
            land_mu=land_mu,
            output=output,
            revenue=revenue,
            tax=tax,
            **self._meta(occurred_on, actor, reason, evidence),
        )
