"""One project event as its ``pl_facts`` row: which topics the ledger reads and what each row holds."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Notification

from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project
from projlife.projections.fact_tables import FACT_COLUMNS, FactKind, recorded_micros

__all__ = ["TOPICS", "fact_row", "fact_values"]


def _rank(stage: Any) -> int:
    rank = _RANKS.get(stage)
    return Stage(stage).rank if rank is None else rank


_CLAIM_TOPICS = {
    Project.Reserved.TOPIC: Stage.RESERVED,
    Project.Signed.TOPIC: Stage.SIGNED,
    Project.Landed.TOPIC: Stage.LANDED,
    Project.ConstructionStarted.TOPIC: Stage.STARTED,
    Project.EnteredStatistics.TOPIC: Stage.IN_STATISTICS,
    Project.Completed.TOPIC: Stage.COMPLETED,
    Project.ProductionBegan.TOPIC: Stage.PRODUCING,
    Project.BecameAboveScale.TOPIC: Stage.ABOVE_SCALE,
    Project.ReachedCapacity.TOPIC: Stage.AT_CAPACITY,
}

TOPICS: tuple[str, ...] = (
    Project.Conceived.TOPIC,
    *_CLAIM_TOPICS,
    Project.StageVerified.TOPIC,
    Project.StageClaimRejected.TOPIC,
    Project.Corrected.TOPIC,
    Project.StageScheduled.TOPIC,
    Project.InvestmentReported.TOPIC,
    Project.SponsorAssigned.TOPIC,
    Project.Flagged.TOPIC,
    Project.FlagCleared.TOPIC,
    Project.RemovedFromPool.TOPIC,
    Project.Cancelled.TOPIC,
    Project.LandReclaimed.TOPIC,
)
"""The event topics the ledger consumes."""


def fact_row(
    event: Any, notification: Notification, place: tuple[str, str, str | None]
) -> dict[str, Any] | None:
    """The facts-table row for one event (``place`` = city, area, county), or None."""
    values = fact_values(
        event, notification.topic, notification.id, str(notification.originator_id),
        notification.originator_version, place,
    )  # fmt: skip
    return None if values is None else dict(zip(FACT_COLUMNS, values, strict=True))


def fact_values(
    event: Any, topic: str, pos: int, project_id: str, version: int, place: tuple[str, str, str | None]
) -> tuple[Any, ...] | None:
    """The facts-table row for one event as a tuple in :data:`FACT_COLUMNS` order, or None."""
    business = event.occurred_on.toordinal()
    kind: int
    stage: int | None = None
    target: int | None = None
    day: int | None = business
    amount: str | None = None
    text: str | None = None
    value: str | None = None
    claimed = _CLAIM_TOPICS.get(topic)
    if claimed is not None:
        kind = _K_CLAIM
        stage = claimed.rank
        if claimed is Stage.SIGNED:
            amount = str(event.amount.yuan)
            text = event.counterparty
    elif topic == _T_INVESTMENT:
        kind, day, amount = _K_INVESTMENT, event.month.toordinal(), str(event.amount.yuan)
    elif topic == _T_CONCEIVED:
        kind, stage = _K_CONCEIVED, _rank(event.initial_stage)
        amount, value = str(event.planned_investment.yuan), event.name
    elif topic == _T_VERIFIED:
        kind, stage, text = _K_VERIFIED, _rank(event.stage), str(event.method)
    elif topic == _T_SCHEDULED:
        kind, stage, day = _K_SCHEDULED, _rank(event.stage), event.planned_on.toordinal()
    elif topic == _T_SPONSOR:
        kind, text, value = _K_SPONSOR, event.leader, event.department
    elif topic == _T_REJECTED:
        kind, stage, value = _K_REJECTED, _rank(event.stage), event.reason or ""
    elif topic == _T_CORRECTED:
        field = str(event.field)
        kind, target, text = _K_CORRECTED, event.target_version, field
        if field == "occurred_on":
            day = date.fromisoformat(event.new_value).toordinal()
        elif field in ("signed_amount", "planned_investment", "investment_amount"):
            amount = event.new_value
        else:
            value = event.new_value
    elif topic == _T_FLAGGED:
        kind, text = _K_FLAGGED, event.flag
    elif topic == _T_FLAG_CLEARED:
        kind, text = _K_FLAG_CLEARED, event.flag
    elif topic == _T_REMOVED:
        kind, text, value = _K_REMOVED, str(event.pool), str(event.reason_code)
    elif topic == _T_CANCELLED:
        kind, value = _K_CANCELLED, event.reason or ""
    elif topic == _T_LAND_RECLAIMED:
        kind = _K_LAND_RECLAIMED
    else:
        return None
    return (
        pos, project_id, version, place[0], place[1], place[2], kind, stage, target, day,
        amount, text, value, business, recorded_micros(event.timestamp),
    )  # fmt: skip


_T_CONCEIVED = Project.Conceived.TOPIC
_T_VERIFIED = Project.StageVerified.TOPIC
_T_REJECTED = Project.StageClaimRejected.TOPIC
_T_CORRECTED = Project.Corrected.TOPIC
_T_SCHEDULED = Project.StageScheduled.TOPIC
_T_INVESTMENT = Project.InvestmentReported.TOPIC
_T_SPONSOR = Project.SponsorAssigned.TOPIC
_T_FLAGGED = Project.Flagged.TOPIC
_T_FLAG_CLEARED = Project.FlagCleared.TOPIC
_T_REMOVED = Project.RemovedFromPool.TOPIC
_T_CANCELLED = Project.Cancelled.TOPIC
_T_LAND_RECLAIMED = Project.LandReclaimed.TOPIC
_K_CONCEIVED = int(FactKind.CONCEIVED)
_K_CLAIM = int(FactKind.CLAIM)
_K_VERIFIED = int(FactKind.VERIFIED)
_K_REJECTED = int(FactKind.REJECTED)
_K_CORRECTED = int(FactKind.CORRECTED)
_K_SCHEDULED = int(FactKind.SCHEDULED)
_K_INVESTMENT = int(FactKind.INVESTMENT)
_K_SPONSOR = int(FactKind.SPONSOR)
_K_FLAGGED = int(FactKind.FLAGGED)
_K_FLAG_CLEARED = int(FactKind.FLAG_CLEARED)
_K_REMOVED = int(FactKind.REMOVED)
_K_CANCELLED = int(FactKind.CANCELLED)
_K_LAND_RECLAIMED = int(FactKind.LAND_RECLAIMED)
_RANKS: dict[Any, int] = {s: s.rank for s in Stage} | {str(s): s.rank for s in Stage}
