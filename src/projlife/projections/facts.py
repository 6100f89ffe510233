"""The facts table: every project event that matters to the ledger, typed and indexed.

One row per event (keyed by its log position), carrying the project's city, area and
county, the event's business date (``business``, a date ordinal) and recorded time
(``recorded``, microseconds since 1970 UTC). Every ledger, as-of query and metric is
a fold of these rows (:mod:`projlife.projections.state`) filtered by
``business <= D`` and ``recorded <= T``: no query replays the event log.

The :class:`LedgerProjection` fills it (and ``pl_projects``, the static attributes of
each project) in bulk, one multi-row insert per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from eventsourcing.persistence import Notification
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects import sqlite as sqlite_dialect

from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project
from projlife.projections.registry import register_projection
from projlife.projections.runner import DomainEvent, Item
from projlife.sql import SCHEMA_MODULES, metadata

if TYPE_CHECKING:
    from projlife.application import Projlife

__all__ = [
    "LEDGER_PROJECTION",
    "STAGES",
    "FactKind",
    "LedgerProjection",
    "fact_row",
    "facts_table",
    "projects_table",
    "recorded_micros",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

LEDGER_PROJECTION = "projlife.ledger"

STAGES: tuple[Stage, ...] = tuple(Stage)
"""Stages by rank (the ``stage`` column holds the rank)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FactKind(IntEnum):
    CONCEIVED = 1
    CLAIM = 2
    VERIFIED = 3
    REJECTED = 4
    CORRECTED = 5
    SCHEDULED = 6
    INVESTMENT = 7
    SPONSOR = 8
    FLAGGED = 9
    FLAG_CLEARED = 10
    REMOVED = 11
    CANCELLED = 12
    LAND_RECLAIMED = 13


facts_table = sa.Table(
    "pl_facts",
    metadata,
    sa.Column("pos", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("project_id", sa.String(36), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("kind", sa.SmallInteger, nullable=False),
    sa.Column("stage", sa.SmallInteger, nullable=True),
    sa.Column("target_version", sa.Integer, nullable=True),
    sa.Column("day", sa.Integer, nullable=True),
    sa.Column("amount", sa.String(40), nullable=True),
    sa.Column("text", sa.String(200), nullable=True),
    sa.Column("value", sa.Text, nullable=True),
    sa.Column("business", sa.Integer, nullable=False),
    sa.Column("recorded", sa.BigInteger, nullable=False),
    sa.Index("ix_pl_facts_city_pos", "city_code", "pos"),
    sa.Index("ix_pl_facts_county_pos", "county_code", "pos"),
    sa.Index("ix_pl_facts_area_pos", "area_code", "pos"),
    sa.Index("ix_pl_facts_project_pos", "project_id", "pos"),
    sa.Index("ix_pl_facts_cohort", "city_code", "kind", "day"),
)
"""One row per ledger-relevant project event."""

FACT_COLUMNS = tuple(c.name for c in facts_table.columns)

projects_table = sa.Table(
    "pl_projects",
    metadata,
    sa.Column("project_id", sa.String(36), primary_key=True),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("category", sa.String(50), nullable=False),
    sa.Column("investor_classes", sa.String(300), nullable=False),
    sa.Column("conceived_pos", sa.BigInteger, nullable=False),
)
"""What never changes about a project (its name and amounts are facts: they can be corrected)."""


def recorded_micros(moment: datetime) -> int:
    """A tz-aware time as microseconds since 1970 UTC (the ``recorded`` column)."""
    if moment.tzinfo is None:
        raise ValueError(f"recorded times must be tz-aware, got {moment!r}")
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _rank(stage: Any) -> int:
    return Stage(stage).rank


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
    topic = notification.topic
    row: dict[str, Any] = {
        "pos": notification.id,
        "project_id": str(notification.originator_id),
        "version": notification.originator_version,
        "city_code": place[0],
        "area_code": place[1],
        "county_code": place[2],
        "kind": 0,
        "stage": None,
        "target_version": None,
        "day": event.occurred_on.toordinal(),
        "amount": None,
        "text": None,
        "value": None,
        "business": event.occurred_on.toordinal(),
        "recorded": recorded_micros(event.timestamp),
    }
    stage = _CLAIM_TOPICS.get(topic)
    if stage is not None:
        row["kind"] = FactKind.CLAIM
        row["stage"] = stage.rank
        if stage is Stage.SIGNED:
            row["amount"] = str(event.amount.yuan)
            row["text"] = event.counterparty
    elif topic == Project.Conceived.TOPIC:
        row.update(
            kind=FactKind.CONCEIVED,
            stage=_rank(event.initial_stage),
            amount=str(event.planned_investment.yuan),
            value=event.name,
        )
    elif topic == Project.StageVerified.TOPIC:
        row.update(kind=FactKind.VERIFIED, stage=_rank(event.stage), text=str(event.method))
    elif topic == Project.StageClaimRejected.TOPIC:
        row.update(kind=FactKind.REJECTED, stage=_rank(event.stage), value=event.reason or "")
    elif topic == Project.Corrected.TOPIC:
        field = str(event.field)
        row.update(kind=FactKind.CORRECTED, target_version=event.target_version, text=field)
        if field == "occurred_on":
            row["day"] = date.fromisoformat(event.new_value).toordinal()
        elif field in ("signed_amount", "planned_investment", "investment_amount"):
            row["amount"] = event.new_value
        else:
            row["value"] = event.new_value
    elif topic == Project.StageScheduled.TOPIC:
        row.update(kind=FactKind.SCHEDULED, stage=_rank(event.stage), day=event.planned_on.toordinal())
    elif topic == Project.InvestmentReported.TOPIC:
        row.update(kind=FactKind.INVESTMENT, day=event.month.toordinal(), amount=str(event.amount.yuan))
    elif topic == Project.SponsorAssigned.TOPIC:
        row.update(kind=FactKind.SPONSOR, text=event.leader, value=event.department)
    elif topic == Project.Flagged.TOPIC:
        row.update(kind=FactKind.FLAGGED, text=event.flag)
    elif topic == Project.FlagCleared.TOPIC:
        row.update(kind=FactKind.FLAG_CLEARED, text=event.flag)
    elif topic == Project.RemovedFromPool.TOPIC:
        row.update(kind=FactKind.REMOVED, text=str(event.pool), value=str(event.reason_code))
    elif topic == Project.Cancelled.TOPIC:
        row.update(kind=FactKind.CANCELLED, value=event.reason or "")
    elif topic == Project.LandReclaimed.TOPIC:
        row.update(kind=FactKind.LAND_RECLAIMED)
    else:
        return None
    return row


class LedgerProjection:
    """Fills ``pl_facts`` and ``pl_projects`` from project events, in bulk per batch."""

    name: str = LEDGER_PROJECTION
    topics: tuple[str, ...] = TOPICS
    tables: tuple[sa.Table, ...] = (projects_table, facts_table)

    def __init__(self, app: Projlife) -> None:
        self._app = app
        self._insert: Any = pg.insert if app.url.dialect == "postgresql" else sqlite_dialect.insert
        self._county_cache: dict[tuple[str, str], str | None] = {}

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None:
        self.process_batch(conn, [(event, notification)])

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        places = self._places(conn, items)
        facts: list[dict[str, Any]] = []
        projects: list[dict[str, Any]] = []
        for event, n in items:
            place = places[str(n.originator_id)]
            row = fact_row(event, n, place)
            if row is None:
                continue
            facts.append(row)
            if row["kind"] == FactKind.CONCEIVED:
                ev: Any = event
                projects.append(
                    {
                        "project_id": row["project_id"],
                        "code": ev.code,
                        "city_code": place[0],
                        "area_code": place[1],
                        "county_code": place[2],
                        "category": str(ev.category),
                        "investor_classes": ",".join(str(c) for c in ev.investor_classes),
                        "conceived_pos": n.id,
                    }
                )
        if projects:
            conn.execute(
                self._insert(projects_table).on_conflict_do_nothing(index_elements=["project_id"]), projects
            )
        if facts:
            conn.execute(self._insert(facts_table).on_conflict_do_nothing(index_elements=["pos"]), facts)

    def _places(self, conn: sa.Connection, items: Sequence[Item]) -> dict[str, tuple[str, str, str | None]]:
        """City, area and county of every project in the batch (one query for the ones seen before)."""
        places: dict[str, tuple[str, str, str | None]] = {}
        for event, n in items:
            if n.topic == Project.Conceived.TOPIC:
                ev: Any = event
                places[str(n.originator_id)] = (
                    ev.city_code,
                    ev.area_code,
                    self._county(ev.city_code, ev.area_code),
                )
        missing = list({str(n.originator_id) for _, n in items} - places.keys())
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            for r in conn.execute(
                sa.select(
                    projects_table.c.project_id,
                    projects_table.c.city_code,
                    projects_table.c.area_code,
                    projects_table.c.county_code,
                ).where(projects_table.c.project_id.in_(chunk))
            ):
                places[r.project_id] = (r.city_code, r.area_code, r.county_code)
        for pid in missing:
            if pid not in places:
                raise LookupError(f"project {pid} has events before its Conceived event was projected")
        return places

    def _county(self, city_code: str, area_code: str) -> str | None:
        key = (city_code, area_code)
        if key not in self._county_cache:
            city = self._app.city_by_code(city_code)
            county = None
            if city is not None and area_code in city.areas:
                found = city.areas.county_of(area_code)
                county = found.code if found is not None else None
            self._county_cache[key] = county
        return self._county_cache[key]


register_projection(LedgerProjection)
