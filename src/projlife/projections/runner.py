"""The projection runner: exactly-once catch-up of read models from the event log.

Works on SQLite, PostgreSQL and MariaDB/MySQL alike: it reads the notification log in batches
(filtered by each projection's topics) through the read-model engine, and for each
batch writes the view rows and the new tracking position in ONE transaction.

Exactly once with several runners at once: the batch transaction first takes the
projection's tracking row for itself (``SELECT … FOR UPDATE`` on PostgreSQL and
MariaDB/MySQL; the database write lock, ``BEGIN IMMEDIATE``, on SQLite), reads the position
*after* the lock is held, reads the events after that position, applies them and moves the
position with an update guarded by ``WHERE position < new``. A second runner blocks on the
lock and then sees the new position, so no event is applied twice; the guarded update
refuses (and rolls the batch back) should any path ever try to move a position backwards
or sideways.

A projection that raises stops at that event: the events before it in the batch are
kept, the tracking row records the failing event's id and the error, and the next
``run()`` retries from exactly there. ``run()`` itself returns (the other projections still
run); ``wait()``, ``raise_if_stopped()`` and every reader of the read model
(``refuse_unservable``) raise :class:`ProjectionStopped`, naming the event.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from projlife.domain.errors import ProjlifeError
from projlife.projections.contract import (
    BatchProjection,
    BulkAware,
    DomainEvent,
    Item,
    Projection,
    ProjectionFailed,
    ProjectionStatus,
    ProjectionStopped,
    ProjectionTimeout,
    RebuildAware,
    UnknownProjection,
    tracking_table,
)
from projlife.projections.rebuilds import (
    ProjectionRebuilding,
    rebuilding,
    rebuilds_table,
    refuse_if_rebuilding,
    stopped,
)
from projlife.projections.runner_batches import _BatchRunner, _indexes, _now
from projlife.projections.state import no_cyclic_gc
from projlife.store.dialect import sql_dialect

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from projlife.ports import ReadModelSources


__all__ = [
    "BULK_MIN_EVENTS",
    "BatchProjection",
    "BulkAware",
    "DomainEvent",
    "Item",
    "Projection",
    "ProjectionFailed",
    "ProjectionRebuilding",
    "ProjectionRunner",
    "ProjectionStatus",
    "ProjectionStopped",
    "ProjectionTimeout",
    "RebuildAware",
    "UnknownProjection",
    "rebuilding",
    "rebuilds_table",
    "refuse_if_rebuilding",
    "tracking_table",
]


BULK_MIN_EVENTS = 20_000
"""A full catch-up runs in bulk (see :meth:`ProjectionRunner.run`) from this many log positions behind."""


class ProjectionRunner(_BatchRunner):
    """Runs projections over one projlife database; safe to run in several processes at once."""

    def __init__(
        self,
        sources: ReadModelSources,
        projections: Sequence[Projection] | None = None,
        *,
        after_catch_up: Callable[[], object] | None = None,
    ) -> None:
        """Run ``projections`` (default: every registered one, built from ``sources``).

        ``after_catch_up`` is called after a full catch-up by ``run()`` (the application passes
        its audit trail's ``seal``).
        """
        from projlife.projections.registry import default_projections

        self._database = sources
        self._mapper = sources.store.mapper
        self._after_catch_up = after_catch_up
        chosen = list(projections) if projections is not None else default_projections(sources)
        names = [p.name for p in chosen]
        if len(set(names)) != len(names):
            raise ProjlifeError(
                "build a projection runner", f"duplicate projection names in {names}", "unique names"
            )
        self._projections: dict[str, Projection] = {p.name: p for p in chosen}
        self._sql = sql_dialect(sources.url.dialect)
        self._events_table = sources.url.events_table
        self._id_column = sources.url.position_column
        self._ready = False

    # -- public -----------------------------------------------------------------------

    @property
    def projections(self) -> tuple[Projection, ...]:
        return tuple(self._projections.values())

    def get(self, name: str) -> Projection:
        try:
            return self._projections[name]
        except KeyError:
            raise UnknownProjection(
                f"find projection {name!r}", "not registered with this runner", ", ".join(self._projections)
            ) from None

    def run(
        self, *, batch_size: int = 2000, until: int | None = None, seal: bool = True, bulk: bool | None = None
    ) -> dict[str, int]:
        """Catch every projection up to the head of the log (or to ``until``), then seal.

        Returns each projection's position. A projection that fails stops at the
        failing event (see :meth:`status`); the others still run.

        ``bulk``: whether a :class:`BulkAware` projection defers its derived tables to the end
        of this catch-up (the ledger builds its timeline once, instead of recomputing each
        touched project's per batch). ``None`` (the default) decides per projection: in bulk
        when it is at least :data:`BULK_MIN_EVENTS` log positions behind and those are at least
        half the log, i.e. after a bulk import. Only a full catch-up (``until=None``) runs in bulk.

        A full catch-up (``until=None``) with ``seal=True`` then calls ``after_catch_up``
        (``app.audit.seal()`` for the application's runner), after every projection transaction
        has committed, so the audit chain covers every event the read models have seen (sealing
        is idempotent and exactly once).
        """
        self._ensure_tracking_rows()
        positions = self._catch_up(self.projections, batch_size, until, bulk)
        if seal and until is None and self._after_catch_up is not None:
            self._after_catch_up()
        return positions

    def run_one(self, name: str, *, batch_size: int = 2000, until: int | None = None) -> int:
        self._ensure_tracking_rows()
        return self._catch_up([self.get(name)], batch_size, until)[name]

    def wait(self, position: int, *, timeout: float = 10.0) -> None:
        """Return once every projection has applied the log up to ``position``.

        Catches up itself (so it works without a background runner); raises
        :class:`ProjectionStopped` if a projection is stuck on an earlier event and
        :class:`ProjectionTimeout` if ``position`` is not reached within ``timeout``.
        """
        deadline = time.monotonic() + timeout
        while True:
            positions = self.run(until=position, seal=False)
            self.raise_if_stopped(attempted=f"wait for log position {position}", before=position)
            if all(p >= position for p in positions.values()):
                return
            if time.monotonic() >= deadline:
                behind = {n: p for n, p in positions.items() if p < position}
                raise ProjectionTimeout(
                    f"wait for log position {position}",
                    f"after {timeout}s these projections are behind: {behind}",
                    "a position that has been written, or a longer timeout",
                )
            time.sleep(0.02)

    def raise_if_stopped(
        self, *, attempted: str, names: Sequence[str] | None = None, before: int | None = None
    ) -> None:
        """Raise :class:`ProjectionStopped` (naming the event: position, topic, aggregate) if one
        of ``names`` (default: all) stopped at an event it could not apply (at or before
        position ``before``, if given)."""
        self._ensure_tracking_rows()
        chosen = list(names) if names is not None else list(self._projections)
        with self._database.engine.connect() as conn:
            broken = [e for e in stopped(conn, chosen, attempted) if before is None or e.position <= before]
        if broken:
            raise broken[0]

    def rebuild(self, name: str, *, batch_size: int = 10_000) -> int:
        """Clear the projection's tables and replay the whole log into them (see :meth:`rebuild_all`)."""
        return self.rebuild_all([name], batch_size=batch_size)[name]

    def rebuild_all(self, names: Sequence[str] | None = None, *, batch_size: int = 10_000) -> dict[str, int]:
        """Clear the tables of the projections ``names`` (default: all) and replay the whole log
        into them in one pass: each event read and decoded once, then handed to every projection
        of its topics. Returns each projection's position.

        The secondary indexes of the projections' tables are dropped for the replay and
        created again at the end (bulk inserts into unindexed tables, one index build
        each), also when the replay fails. A projection with ``begin_rebuild(conn)`` /
        ``end_rebuild(conn)`` (see :class:`RebuildAware`) has them called in the
        clearing transaction and, with the indexes back, in a final transaction of its own.
        """
        projections = [self.get(n) for n in (self._projections if names is None else names)]
        self._ensure_tracking_rows()
        with self._transaction() as conn:
            for projection in sorted(projections, key=lambda p: p.name):
                self._lock(conn, projection.name)
            for projection in projections:
                self._clear(conn, projection)
        try:
            # The catch-up finishes each rebuild (indexes, end_rebuild, marker) once it replayed the log.
            return self._catch_up(projections, batch_size, None)
        except BaseException:
            for projection in projections:
                self._create_indexes(projection)
            raise

    def _clear(self, conn: sa.Connection, projection: Projection) -> None:
        """A rebuild's first step, in the caller's transaction: empty the tables, drop their
        indexes, move the position to 0, set the rebuild marker, ``begin_rebuild``."""
        name = projection.name
        for table in reversed(projection.tables):
            conn.execute(table.delete())
        if self._sql.transactional_ddl:  # elsewhere DDL would commit the half-done rebuild
            for index in _indexes(projection):
                index.drop(conn, checkfirst=True)
        conn.execute(
            tracking_table.update()
            .where(tracking_table.c.name == name)
            .values(position=0, last_error=None, failed_event_id=None, updated_at=_now())
        )
        conn.execute(rebuilds_table.delete().where(rebuilds_table.c.name == name))
        conn.execute(rebuilds_table.insert().values(name=name, started_at=_now()))
        if isinstance(projection, RebuildAware):
            projection.begin_rebuild(conn)

    def _finish_rebuild(self, projection: Projection) -> None:
        """The rebuild's last step, in one transaction: ``end_rebuild``, and the marker's removal
        once the projection has replayed the whole log (a projection stuck on a failing event
        stays marked, so readers keep refusing its partial tables)."""
        with self._transaction() as conn:
            position = self._lock(conn, projection.name)
            if isinstance(projection, RebuildAware):
                projection.end_rebuild(conn)
            if position >= self._head(conn):
                conn.execute(rebuilds_table.delete().where(rebuilds_table.c.name == projection.name))

    def status(self) -> list[ProjectionStatus]:
        self._ensure_tracking_rows()
        with self._database.engine.connect() as conn:
            head = self._head(conn)
            rows = {
                r.name: r
                for r in conn.execute(
                    sa.select(tracking_table).where(tracking_table.c.name.in_(list(self._projections)))
                )
            }
        out = []
        for name in self._projections:
            r = rows[name]
            out.append(
                ProjectionStatus(
                    name=name,
                    position=int(r.position),
                    lag=max(0, head - int(r.position)),
                    last_error=r.last_error,
                    failed_event_id=None if r.failed_event_id is None else int(r.failed_event_id),
                    updated_at=r.updated_at,
                )
            )
        return out

    # -- catch-up ---------------------------------------------------------------------

    def _catch_up(
        self,
        projections: Sequence[Projection],
        batch_size: int,
        until: int | None,
        bulk: bool | None = False,
    ) -> dict[str, int]:
        """Catch ``projections`` up together, one pass over the log (see ``_run_batch``)."""
        full = until is None
        in_bulk = {p.name: full and bulk is not False and self._begin_bulk(p, bulk) for p in projections}
        positions: dict[str, int] = {}
        active = list(projections)
        try:
            while active:
                with no_cyclic_gc():  # a batch's events and rows are freed by reference counting
                    moved = self._run_batch(active, batch_size, until)
                for name, (position, _) in moved.items():
                    positions[name] = position
                    _log.debug("projection %s at log position %d", name, position)
                active = [p for p in active if not moved[p.name][1]]
        except BaseException:
            in_bulk = dict.fromkeys(in_bulk, False)  # left pending: the next full catch-up ends it
            raise
        finally:
            if full:
                for projection in projections:
                    if isinstance(projection, BulkAware):
                        self._end_bulk(projection, in_bulk[projection.name])
        if full:
            interrupted = self._interrupted_rebuilds()
            for projection in projections:
                if projection.name in interrupted:
                    # a rebuild (or one that crashed after clearing the tables) has now replayed
                    # the log: finish it
                    self._create_indexes(projection)
                    self._finish_rebuild(projection)
                if projection.name in interrupted or in_bulk[projection.name]:
                    self._analyze(projection)
        return positions

    def _begin_bulk(self, projection: Projection, bulk: bool | None) -> bool:
        """Enter bulk mode if asked to (``bulk=True``) or if far enough behind (``None``)."""
        if not isinstance(projection, BulkAware):
            return False
        with self._transaction() as conn:
            if projection.name in rebuilding(conn):
                return False  # a rebuild defers its own way (RebuildAware)
            position = self._lock(conn, projection.name)
            head = self._head(conn)
            behind = head - position
            if bulk is None and (behind < BULK_MIN_EVENTS or 2 * behind < head):
                return False
            if behind <= 0:
                return False
            projection.begin_bulk(conn)
            _log.info("projection %s: bulk catch-up of %d log positions", projection.name, behind)
            return True

    def _end_bulk(self, projection: BulkAware, in_bulk: bool) -> None:
        """End this catch-up's bulk mode, or one a crashed process left pending."""
        if not in_bulk:
            with self._database.engine.connect() as conn:
                if not projection.bulk_pending(conn):
                    return
        with self._transaction() as conn:
            name = getattr(projection, "name", "")
            self._lock(conn, name)
            if name in rebuilding(conn):
                return
            if in_bulk or projection.bulk_pending(conn):
                projection.end_bulk(conn)

    def _interrupted_rebuilds(self) -> dict[str, datetime]:
        with self._database.engine.connect() as conn:
            return rebuilding(conn)

    # -- SQL ---------------------------------------------------------------------------
