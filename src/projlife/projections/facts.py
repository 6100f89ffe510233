"""The facts table: every project event that matters to the ledger, typed and indexed.

One row per event (keyed by its log position), carrying the project's city, area and
county, the event's business date (``business``, a date ordinal) and recorded time
(``recorded``, microseconds since 1970 UTC). Every ledger, as-of query and metric is
a fold of these rows (:mod:`projlife.projections.state`) filtered by
``business <= D`` and ``recorded <= T``: no query replays the event log.

The :class:`LedgerProjection` fills it (and ``pl_projects``, the static attributes of
each project) in bulk, one multi-row insert per batch. The tables are defined in
:mod:`~projlife.projections.fact_tables`, an event's row in :mod:`~projlife.projections.fact_rows`;
this module names them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from eventsourcing.persistence import Notification

from projlife.domain.project import Project
from projlife.projections.fact_rows import TOPICS, fact_row, fact_values
from projlife.projections.fact_tables import (
    OPEN_END,
    STAGES,
    FactKind,
    facts_table,
    meta_table,
    projects_table,
    recorded_micros,
    rows_table,
    timeline_table,
)
from projlife.projections.registry import register_projection
from projlife.projections.runner import DomainEvent, Item
from projlife.store.dialect import sql_dialect

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
    "rows_table",
    "timeline_table",
]

LEDGER_PROJECTION = "projlife.ledger"

_T_CONCEIVED = Project.Conceived.TOPIC
_K_CONCEIVED = int(FactKind.CONCEIVED)
_PLACE_CACHE_LIMIT = 200_000


class LedgerProjection:
    """Fills ``pl_facts`` and ``pl_projects`` from project events, in bulk per batch."""

    name: str = LEDGER_PROJECTION
    topics: tuple[str, ...] = TOPICS
    tables: tuple[sa.Table, ...] = (projects_table, facts_table, timeline_table, rows_table)

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
        """Build every project's timeline in one pass over the facts, then mark it fresh
        (a bulk catch-up left pending is then ended too: the timeline is whole)."""
        from projlife.projections import timeline

        timeline.end_bulk(conn, self._sql(timeline_table, None))

    def begin_bulk(self, conn: sa.Connection) -> None:
        """A large catch-up (after a bulk import): the timeline is built once at its end, not
        recomputed for every touched project per batch; queries fold the facts meanwhile."""
        from projlife.projections import timeline

        timeline.begin_bulk(conn)

    def end_bulk(self, conn: sa.Connection) -> None:
        """Build every project's timeline in one pass over the facts, then mark it fresh."""
        from projlife.projections import timeline

        timeline.end_bulk(conn, self._sql(timeline_table, None))

    def bulk_pending(self, conn: sa.Connection) -> bool:
        from projlife.projections import timeline

        return timeline.bulk_pending(conn)

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
                found = city.areas.unit_of(area_code)  # the unit below the top (县市区, or a county's 镇街)
                county = found.code if found is not None else None
            self._county_cache[key] = county
        return self._county_cache[key]


register_projection(LedgerProjection)
