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

from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project
from projlife.projections.registry import register_projection
from projlife.projections.runner import DomainEvent, Item
from projlife.store.dialect import sql_dialect
from projlife.store.sql import SCHEMA_MODULES, metadata

if TYPE_CHECKING:
    from projlife.ports import ReadModelSources

__all__ = [
    "LEDGER_PROJECTION",
    "OPEN_END",
    "STAGES",
    "FactKind",
    "LedgerProjection",
    "fact_row",
    "facts_table",
    "meta_table",
    "projects_table",
    "recorded_micros",
    "timeline_table",
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
    # INTEGER on SQLite makes ``pos`` the rowid: no separate primary-key index to maintain.
    sa.Column(
        "pos", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
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
    sa.Index("ix_pl_projects_city", "city_code"),
    sa.Index("ix_pl_projects_county", "county_code"),
    sa.Index("ix_pl_projects_area", "area_code"),
)
"""What never changes about a project (its name and amounts are facts: they can be corrected)."""

COHORT_RANKS = (Stage.RESERVED.rank, Stage.SIGNED.rank, Stage.STARTED.rank, Stage.COMPLETED.rank)
"""Stages whose entry dates the timeline indexes per city (the cohort stages of the rates)."""

OPEN_END = 10_000_000
"""``valid_to`` of a timeline row that is still valid (beyond every date ordinal)."""

timeline_table = sa.Table(
    "pl_ledger_timeline",
    metadata,
    sa.Column("project_id", sa.String(36), primary_key=True),
    sa.Column("valid_from", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("valid_to", sa.Integer, nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("stage", sa.SmallInteger, nullable=False),
    sa.Column("verified_stage", sa.SmallInteger, nullable=False),
    sa.Column("verified_mask", sa.Integer, nullable=False),
    sa.Column("planned_fen", sa.BigInteger, nullable=False),
    sa.Column("signed_fen", sa.BigInteger, nullable=False),
    sa.Column("reported_fen", sa.BigInteger, nullable=False),
    sa.Column("exact", sa.SmallInteger, nullable=False),
    sa.Column("removed_mask", sa.Integer, nullable=False),
    sa.Column("cancelled", sa.SmallInteger, nullable=False),
    sa.Column("flagged", sa.SmallInteger, nullable=False),
    *(sa.Column(f"d{rank}", sa.Integer, nullable=True) for rank in range(len(STAGES))),
    sa.Index("ix_pl_timeline_city", "city_code", "valid_to"),
    sa.Index("ix_pl_timeline_county", "county_code", "valid_to"),
    sa.Index("ix_pl_timeline_area", "area_code", "valid_to"),
    # Cohorts of the conversion rates: entries into reserve, signing, start, completion.
    *(
        sa.Index(f"ix_pl_timeline_city_d{rank}", "city_code", f"d{rank}", "valid_to", "valid_from")
        for rank in COHORT_RANKS
    ),
)
"""The ledger state of each project per business-date interval [valid_from, valid_to),
as known now (see :mod:`projlife.projections.timeline`)."""

meta_table = sa.Table(
    "pl_ledger_meta",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
"""Flags of the ledger projection (``timeline_stale`` while a rebuild has not finished)."""


def recorded_micros(moment: datetime) -> int:
    """A tz-aware time as microseconds since 1970 UTC (the ``recorded`` column)."""
    if moment.tzinfo is None:
        raise ValueError(f"recorded times must be tz-aware, got {moment!r}")
    return (moment - _EPOCH) // timedelta(microseconds=1)


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
_PLACE_CACHE_LIMIT = 200_000


class LedgerProjection:
    """Fills ``pl_facts`` and ``pl_projects`` from project events, in bulk per batch."""

    name: str = LEDGER_PROJECTION
    topics: tuple[str, ...] = TOPICS
    tables: tuple[sa.Table, ...] = (projects_table, facts_table, timeline_table)

    def __init__(self, sources: ReadModelSources) -> None:
        self._dialect = sql_dialect(sources.url.dialect)
        self._cities = sources
        self._county_cache: dict[tuple[str, str], str | None] = {}
        self._place_cache: dict[str, tuple[str, str, str | None]] = {}

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None:
        self.process_batch(conn, [(event, notification)])

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        places = self._places(conn, items)
        facts: list[tuple[Any, ...]] = []
        projects: list[tuple[Any, ...]] = []
        names: dict[Any, str] = {}
        for event, n in items:
            pid = names.get(n.originator_id)
            if pid is None:
                pid = names[n.originator_id] = str(n.originator_id)
            place = places[pid]
            row = fact_values(event, n.topic, n.id, pid, n.originator_version, place)
            if row is None:
                continue
            facts.append(row)
            if row[6] == _K_CONCEIVED:
                ev: Any = event
                investors = ",".join(str(c) for c in ev.investor_classes)
                projects.append((pid, ev.code, *place, str(ev.category), investors, n.id))
        # Plain DB-API executemany with one prepared statement: no per-row SQLAlchemy compilation.
        if projects:
            conn.exec_driver_sql(self._sql(projects_table, "project_id"), projects)
        if facts:
            conn.exec_driver_sql(self._sql(facts_table, "pos"), facts)
        self.after_facts(conn, facts)

    def after_facts(self, conn: sa.Connection, facts: Sequence[tuple[Any, ...]]) -> None:
        """Recompute the timeline of every project the batch touched (unless a rebuild is under way)."""
        from projlife.projections import timeline

        if not facts:
            return
        flag = timeline.stale_flag(conn)
        if flag is None:
            # Never marked: fresh if these are the first facts ever, else facts came before the timeline.
            earlier = conn.execute(
                sa.select(facts_table.c.pos).where(facts_table.c.pos < facts[0][0]).limit(1)
            )
            flag = 0 if earlier.first() is None else 1
            timeline.set_stale(conn, bool(flag))
        if flag == 0:
            timeline.refresh(conn, sorted({r[1] for r in facts}), self._sql(timeline_table, None))

    def begin_rebuild(self, conn: sa.Connection) -> None:
        """Mark the timeline stale: the replay fills only the facts; queries fold them meanwhile."""
        from projlife.projections import timeline

        timeline.set_stale(conn, True)

    def end_rebuild(self, conn: sa.Connection) -> None:
        """Build every project's timeline in one pass over the facts, then mark it fresh."""
        from projlife.projections import timeline

        timeline.build_all(conn, self._sql(timeline_table, None))
        timeline.set_stale(conn, False)

    def _sql(self, table: sa.Table, key: str | None) -> str:
        cols = [c.name for c in table.columns]
        return self._dialect.insert_ignore_sql(table.name, cols, None if key is None else [key])

    def _places(self, conn: sa.Connection, items: Sequence[Item]) -> dict[str, tuple[str, str, str | None]]:
        """City, area and county of every project in the batch (one query for the ones not cached).

        A project's place comes from its ``Conceived`` event and never changes, so the
        cache is valid across batches, rebuilds and processes.
        """
        cache = self._place_cache
        if len(cache) > _PLACE_CACHE_LIMIT:
            cache.clear()
        places: dict[str, tuple[str, str, str | None]] = {}
        missing: set[str] = set()
        for event, n in items:
            pid = str(n.originator_id)
            if pid in places:
                continue
            if n.topic == _T_CONCEIVED:
                ev: Any = event
                places[pid] = cache[pid] = (
                    ev.city_code,
                    ev.area_code,
                    self._county(ev.city_code, ev.area_code),
                )
            elif pid in cache:
                places[pid] = cache[pid]
            else:
                missing.add(pid)
        missing -= places.keys()
        wanted = list(missing)
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            for r in conn.execute(
                sa.select(
                    projects_table.c.project_id,
                    projects_table.c.city_code,
                    projects_table.c.area_code,
                    projects_table.c.county_code,
                ).where(projects_table.c.project_id.in_(chunk))
            ):
                places[r.project_id] = cache[r.project_id] = (r.city_code, r.area_code, r.county_code)
        for pid in wanted:
            if pid not in places:
                raise LookupError(f"project {pid} has events before its Conceived event was projected")
        return places

    def _county(self, city_code: str, area_code: str) -> str | None:
        key = (city_code, area_code)
        if key not in self._county_cache:
            city = self._cities.city_by_code(city_code)
            county = None
            if city is not None and area_code in city.areas:
                found = city.areas.county_of(area_code)
                county = found.code if found is not None else None
            self._county_cache[key] = county
        return self._county_cache[key]


register_projection(LedgerProjection)
