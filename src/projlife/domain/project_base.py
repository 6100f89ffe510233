"""What every part of the ``Project`` aggregate shares: its id, state, queries and checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Required, TypedDict
from uuid import NAMESPACE_URL, UUID, uuid5

from projlife.domain.actor import Actor, fact_meta
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.errors import IllegalTransition, ProjlifeError
from projlife.domain.lifecycle import CLAIMED_STAGES, Milestone, Pool, RemovalReason, Stage
from projlife.domain.money import Money

if TYPE_CHECKING:
    from eventsourcing.domain import CanMutateAggregate

    from projlife.domain.project_events import ProjectEvent

__all__ = ["CorrectableField", "FactMeta", "ProjectBase", "StageClaim", "as_stage", "project_id_for"]

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


class FactMeta(TypedDict, total=False):
    """What every project command records besides its own fields: when, who and why."""

    occurred_on: Required[date]
    """The business date the fact happened."""
    actor: Required[Actor]
    reason: str | None
    evidence: Iterable[str]
    """References to the documents behind the fact."""


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


def as_stage(value: str) -> Stage:
    """A stored stage value as a :class:`Stage` (events hold the plain string)."""
    return value if isinstance(value, Stage) else Stage(value)


class ProjectBase:
    """The state of a project and the checks every command shares.

    A plain mixin: :class:`~projlife.domain.project.Project` combines it with the
    command mixins and ``eventsourcing``'s ``Aggregate``, which sets the state in
    ``Project.__init__`` and supplies ``trigger_event``.
    """

    code: str
    name: str
    city_code: str
    area_code: str
    category: ProjectCategory
    investor_classes: tuple[InvestorClass, ...]
    planned_investment: Money
    enterprise_code: str | None
    area_mu: Decimal | None
    conceived_on: date
    claims: dict[Stage, StageClaim]
    rejections: list[tuple[Stage, date, str]]
    signed_amount: Money | None
    counterparty: str | None
    signing_batch: str | None
    milestones_planned: dict[Milestone, date]
    milestones_met: dict[Milestone, tuple[date, int]]
    stages_planned: dict[Stage, date]
    investment_reports: dict[date, tuple[Money, int]]
    sponsor: tuple[str, str] | None
    team: tuple[str, str] | None
    flags: dict[str, date]
    removed_from: dict[Pool, tuple[RemovalReason, date]]
    land_reclaimed_on: date | None
    cancelled_on: date | None

    if TYPE_CHECKING:

        def trigger_event(self, event_class: type[CanMutateAggregate[UUID]], **kwargs: Any) -> None: ...

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

    # -- internals shared by the commands ------------------------------------------

    _meta = staticmethod(fact_meta)

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

    @staticmethod
    def _fact(meta: FactMeta) -> dict[str, Any]:
        """``meta`` as an event's fields; a missing or unknown key is a TypeError, as a named argument's is."""
        unknown = meta.keys() - FactMeta.__annotations__.keys()
        if unknown or "occurred_on" not in meta or "actor" not in meta:
            raise TypeError(
                f"a project fact takes occurred_on, actor, reason and evidence, not {sorted(meta)}"
            )
        return ProjectBase._meta(
            meta["occurred_on"], meta["actor"], meta.get("reason"), meta.get("evidence", ())
        )

    def _record(
        self,
        event_class: type[ProjectEvent],
        attempted: str,
        not_before: date,
        meta: FactMeta,
        **fields: Any,
    ) -> None:
        """Check the business date is on or after ``not_before``, then record one ``event_class``."""
        fact = self._fact(meta)
        self._check_date(attempted, fact["occurred_on"], not_before)
        self.trigger_event(event_class, **fields, **fact)

    def _enter_stage(self, stage: Stage, event: ProjectEvent) -> None:
        self.claims[stage] = StageClaim(event.occurred_on, event.actor.id, event.originator_version)
