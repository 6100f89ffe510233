"""One project's countable facts as of a business date, and the questions every surface asks of them.

A :class:`ProjectFacts` is built by :class:`~projlife.projections.counting.Counting` from the
ledger fold of the facts with business date ≤ D recorded by T (``docs/projections.md``, "As of
and as known at"). Its methods — :meth:`~ProjectFacts.entered`, :meth:`~ProjectFacts.reached`,
:meth:`~ProjectFacts.in_stock`, :meth:`~ProjectFacts.in_scope` — are the only definitions of
"entered a stage", "reached a stage", "sits in a pool" and "is in the drive's scope" in the
library: the rule engine, ``app.metrics`` and every bulletin call them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any
from uuid import UUID

import attrs

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Pool, RemovalReason, Stage
from projlife.domain.money import Money
from projlife.plugins.counting_policy import CountingPolicy, stage_amount
from projlife.plugins.rules import EventRef, EventRefKind, ProjectFilter

__all__ = ["DEFAULT_POLICY", "ProjectFacts", "Rejection", "pool_of"]

DEFAULT_POLICY = CountingPolicy()

_POOL_OF: dict[Stage, Pool] = {s: p for p in Pool for s in p.stages}


def pool_of(stage: Stage) -> Pool | None:
    """The pool a project sits in at ``stage`` (removal from it drops the project from its counts)."""
    return _POOL_OF.get(stage)


def _frozen_map(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen
class Rejection:
    """A stage claim found untrue (as of the date asked): left out of every count."""

    stage: Stage
    on: date
    reason: str
    event_id: int


@attrs.frozen
class ProjectFacts:
    """What is known about one project as of a business date (see :mod:`projlife.projections.counting`).

    ``stage_dates``: business date each stage was entered (claimed, not rejected, after date
    corrections); ``verified``: stages whose claim was verified (认定); ``removed``: pools left
    (reason, date, event id); ``cancelled_on``: when cancelled; ``claim_events``: the event ids
    behind each stage's date (claim, correction, verification); ``policy``: the city's
    counting policy, which every question below applies.
    """

    project_id: UUID
    code: str
    area_code: str
    category: ProjectCategory
    planned_investment: Money
    conceived_on: date
    investor_classes: tuple[InvestorClass, ...] = ()
    signed_amount: Money | None = None
    stage_dates: Mapping[Stage, date] = attrs.field(factory=dict, converter=_frozen_map)
    verified: frozenset[Stage] = frozenset()
    milestone_dates: Mapping[Milestone, date] = attrs.field(factory=dict, converter=_frozen_map)
    event_dates: Mapping[str, date] = attrs.field(factory=dict, converter=_frozen_map)
    investment: Mapping[date, Money] = attrs.field(factory=dict, converter=_frozen_map)
    removed: Mapping[Pool, tuple[RemovalReason, date]] = attrs.field(factory=dict, converter=_frozen_map)
    removal_events: Mapping[Pool, int] = attrs.field(factory=dict, converter=_frozen_map)
    cancelled_on: date | None = None
    cancel_reason: str = ""
    rejections: tuple[Rejection, ...] = ()
    claim_events: Mapping[Stage, tuple[int, ...]] = attrs.field(factory=dict, converter=_frozen_map)
    scheduled: Mapping[Stage, date] = attrs.field(factory=dict, converter=_frozen_map)
    flags: frozenset[str] = frozenset()
    policy: CountingPolicy = DEFAULT_POLICY
    sponsor_department: str | None = None
    """The 包保部门 of the project's sponsor (``assign_sponsor``), if one is assigned."""

    # -- amounts and scope ---------------------------------------------------------------

    @property
    def stage(self) -> Stage:
        """The furthest stage entered (claimed and not rejected)."""
        return max(self.stage_dates, default=Stage.CONCEIVED)

    def amount_at(self, stage: Stage | None = None) -> Money:
        """The amount that fits ``stage`` (default: the current stage): signed from signing on."""
        return stage_amount(
            self.stage if stage is None else stage, self.planned_investment, self.signed_amount
        )

    def in_scope(self, stage: Stage | None = None) -> bool:
        """Whether the city's drive counts this project at ``stage`` (000: 亿元以上产业项目)."""
        return self.policy.scope.matches(self.amount_at(stage), self.category, self.area_code)

    def matches(self, flt: ProjectFilter, stage: Stage | None = None) -> bool:
        """A rule's filter, judged by the amount that fits ``stage``, within the drive's scope."""
        if not self.in_scope(stage):
            return False
        return flt.matches(
            planned_investment=self.amount_at(stage),
            category=self.category,
            investor_classes=self.investor_classes,
        )

    # -- removal, cancellation -------------------------------------------------------------

    def removal_of(self, stage: Stage) -> tuple[Pool, RemovalReason, date] | None:
        """The removal (剔除) that takes ``stage``'s claim out of the counts, if any."""
        pool = pool_of(stage)
        if pool is None or pool not in self.removed:
            return None
        reason, on = self.removed[pool]
        if (
            self.policy.removal_lifted_when_met
            and reason is RemovalReason.NOT_IN_STATISTICS_IN_TIME
            and Stage.IN_STATISTICS in self.stage_dates
        ):
            return None
        return pool, reason, on

    def _dropped(self) -> bool:
        return self.cancelled_on is not None and not self.policy.cancelled_entries_count

    # -- the questions ---------------------------------------------------------------------

    def entered(self, stage: Stage, *, verified: bool = False) -> date | None:
        """When the project entered ``stage`` as counted: claimed, not rejected, not removed from
        the stage's pool, (``verified``) recognised on check (认定), and per the cancellation policy."""
        if self._dropped() or self.removal_of(stage) is not None:
            return None
        if verified and stage not in self.verified:
            return None
        return self.stage_dates.get(stage)

    def reached(self, stage: Stage, *, verified: bool = False) -> date | None:
        """When the project first stood at ``stage`` or beyond, as counted (a project that skipped
        the optional ``landed`` stage reached it when it started)."""
        if self._dropped() or self.removal_of(stage) is not None:
            return None
        dates = [
            d
            for s, d in self.stage_dates.items()
            if s >= stage and self.removal_of(s) is None and (not verified or s in self.verified)
        ]
        return min(dates, default=None)

    def happened(self, ref: EventRef) -> date | None:
        """The business date of the fact ``ref`` names, or ``None`` if it has not happened."""
        if ref.kind is EventRefKind.STAGE:
            return self.reached(Stage(ref.name))
        if ref.kind is EventRefKind.MILESTONE:
            return self.milestone_dates.get(Milestone(ref.name))
        return self.event_dates.get(ref.name)

    def in_stock(self, stage: Stage) -> bool:
        """Whether the project sits at ``stage``: not cancelled, not removed from its pool."""
        if self.cancelled_on is not None or self.stage is not stage:
            return False
        return self.removal_of(stage) is None

    def as_of(self, day: date) -> ProjectFacts | None:
        """Cut facts given without their history (an in-memory source) at business date ``day``.

        Facts read from the store never need this: :class:`~projlife.projections.counting.Counting`
        folds only the facts dated ≤ D, so later corrections are not applied early.
        """
        if self.conceived_on > day:
            return None
        signed = self.stage_dates.get(Stage.SIGNED)
        cancelled = self.cancelled_on if self.cancelled_on is not None and self.cancelled_on <= day else None
        return attrs.evolve(
            self,
            signed_amount=self.signed_amount if signed is not None and signed <= day else None,
            stage_dates={s: d for s, d in self.stage_dates.items() if d <= day},
            milestone_dates={m: d for m, d in self.milestone_dates.items() if d <= day},
            event_dates={t: d for t, d in self.event_dates.items() if d <= day},
            investment={m: a for m, a in self.investment.items() if m <= day},
            removed={p: r for p, r in self.removed.items() if r[1] <= day},
            cancelled_on=cancelled,
            rejections=tuple(r for r in self.rejections if r.on <= day),
        )
