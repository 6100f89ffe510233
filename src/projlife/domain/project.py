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

from eventsourcing.domain import Aggregate

from projlife.domain import project_events as events
from projlife.domain import project_office as office
from projlife.domain.actor import Actor
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.errors import IllegalTransition, ProjlifeError
from projlife.domain.lifecycle import Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.domain.project_base import CorrectableField, StageClaim, as_stage, project_id_for
from projlife.domain.project_corrections import Corrections
from projlife.domain.project_office import OfficeCommands
from projlife.domain.project_stages import STAGE_COMMANDS, StageCommands
from projlife.domain.project_tracking import TrackingCommands

__all__ = ["STAGE_COMMANDS", "CorrectableField", "Project", "StageClaim", "project_id_for"]


class Project(StageCommands, TrackingCommands, Corrections, OfficeCommands, Aggregate):
    """One investment project, from conception to full capacity.

    Create with :meth:`conceive`; every other command is a method named in the
    imperative (``sign``, ``start``, …) that checks the transition table and the
    business dates, then records exactly one event, or raises and records nothing.
    """

    TOPIC = "projlife:Project"
    # The events live in :mod:`projlife.domain.project_events`; binding them here keeps
    # ``Project.Signed`` and friends, and registers every explicit TOPIC with the aggregate.
    Event = events.ProjectEvent
    Conceived = events.Conceived
    Reserved = events.Reserved
    Signed = events.Signed
    Landed = events.Landed
    ConstructionStarted = events.ConstructionStarted
    EnteredStatistics = events.EnteredStatistics
    Completed = events.Completed
    ProductionBegan = events.ProductionBegan
    BecameAboveScale = events.BecameAboveScale
    ReachedCapacity = events.ReachedCapacity
    StageVerified = events.StageVerified
    StageClaimRejected = events.StageClaimRejected
    MilestonePlanned = events.MilestonePlanned
    MilestoneMet = events.MilestoneMet
    StageScheduled = events.StageScheduled
    InvestmentReported = events.InvestmentReported
    SponsorAssigned = events.SponsorAssigned
    TeamFormed = events.TeamFormed
    Flagged = events.Flagged
    FlagCleared = events.FlagCleared
    RemovedFromPool = events.RemovedFromPool
    LandReclaimed = events.LandReclaimed
    Cancelled = events.Cancelled
    Corrected = events.Corrected
    # The office's working week (lists, sponsorship, funding …): projlife.domain.project_office.
    ListEntered = office.ListEntered
    ListLeft = office.ListLeft
    SponsorWorkRecorded = office.SponsorWorkRecorded
    FundingApplied = office.FundingApplied
    FundingStatusChanged = office.FundingStatusChanged
    ProductionStopped = office.ProductionStopped
    ProductionResumed = office.ProductionResumed
    CertificateIssued = office.CertificateIssued
    PartAccepted = office.PartAccepted
    PartProductionBegan = office.PartProductionBegan
    PerMuFiguresReported = office.PerMuFiguresReported
    Created = events.Conceived

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
        self.claims = {Stage.CONCEIVED: StageClaim(occurred_on, actor.id, 1)}
        if as_stage(initial_stage) is Stage.RESERVED:
            self.claims[Stage.RESERVED] = StageClaim(occurred_on, actor.id, 1)
        self.rejections = []
        self.signed_amount = None
        self.counterparty = None
        self.signing_batch = None
        self.milestones_planned = {}
        self.milestones_met = {}
        self.stages_planned = {}
        self.investment_reports = {}
        self.sponsor = None
        self.team = None
        self.flags = {}
        self.removed_from = {}
        self.land_reclaimed_on = None
        self.cancelled_on = None
        self._init_office()

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
            events.RemovedFromPool,
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
            events.LandReclaimed, area_mu=area_mu, **self._meta(occurred_on, actor, reason, evidence)
        )

    def cancel(self, *, occurred_on: date, actor: Actor, reason: str, evidence: Iterable[str] = ()) -> None:
        attempted = f"cancel {self.code}"
        self._check_open(attempted)
        if not reason or not reason.strip():
            raise ProjlifeError(attempted, "a cancellation needs a reason", "a non-empty reason")
        self._check_date(attempted, occurred_on, self.latest_fact_date)
        self.trigger_event(events.Cancelled, **self._meta(occurred_on, actor, reason, evidence))


for _name in events.__all__:
    # Keep the qualified names the events had when they were nested in ``Project``.
    _event = getattr(events, _name)
    _event.__qualname__ = f"Project.{'Event' if _name == 'ProjectEvent' else _name}"
