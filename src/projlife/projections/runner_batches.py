"""The projection runner's batches: one transaction locks a tracking row, applies events, moves the position."""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from eventsourcing.persistence import Mapper, Notification

from projlife.projections.contract import DomainEvent, Item, Projection, ProjectionFailed, tracking_table
from projlife.projections.rebuilds import rebuilds_table
from projlife.store.dialect import SQLDialect

if TYPE_CHECKING:
    from projlife.ports import ReadModelSources


__all__: list[str] = []


class _BatchFailure(Exception):
    def __init__(self, index: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.index = index
        self.error = error


class _BatchRunner:
    """The batch and SQL half of :class:`~projlife.projections.runner.ProjectionRunner`."""

    _database: ReadModelSources
    _mapper: Mapper[UUID]
    _projections: dict[str, Projection]
    _sql: SQLDialect
    _events_table: str
    _id_column: str
    _ready: bool

    def _run_batch(
        self, projections: Sequence[Projection], batch_size: int, until: int | None
    ) -> dict[str, tuple[int, bool]]:
        """One transaction for every projection given: lock their tracking rows, read their
        positions, read the events after the lowest one (the union of their topics) once, decode
        each once, apply to each projection the events after its own position, move each position.

        Returns each projection's ``(position, done)``; ``done`` when it reached the stop (the
        head, or ``until``) or stopped at an event it could not apply.
        """
        with self._transaction() as conn:
            # In name order, so that runners locking overlapping sets never deadlock.
            positions = {p.name: self._lock(conn, p.name) for p in sorted(projections, key=_name)}
            head = self._head(conn)
            stop = head if until is None else min(head, until)
            out = {name: (pos, True) for name, pos in positions.items() if pos >= stop}
            behind = [p for p in projections if positions[p.name] < stop]
            if not behind:
                return out
            notifications = self._select(conn, min(positions[p.name] for p in behind), stop,
                                         _union_topics(behind), batch_size)  # fmt: skip
            new_position = stop if len(notifications) < batch_size else notifications[-1].id
            decoded: dict[int, DomainEvent] = {}
            for projection in behind:
                position = positions[projection.name]
                if position >= new_position:  # ahead of this batch: the next one reaches it
                    out[projection.name] = (position, False)
                    continue
                mine = _selected(notifications, position, projection.topics)
                try:
                    with conn.begin_nested():
                        self._apply(conn, projection, mine, decoded)
                except _BatchFailure:
                    out[projection.name] = (self._apply_one_by_one(conn, projection, position, mine), True)
                    continue
                self._advance(conn, projection.name, position, new_position)
                out[projection.name] = (new_position, new_position >= stop)
            return out

    def _apply(
        self,
        conn: sa.Connection,
        projection: Projection,
        notifications: Sequence[Notification],
        decoded: dict[int, DomainEvent] | None = None,
    ) -> None:
        """Apply ``notifications`` to ``projection``; ``decoded`` caches the events by log position
        (each event decoded once for every projection of the batch)."""
        if not notifications:
            return
        cache = {} if decoded is None else decoded
        items: list[Item] = []
        for i, n in enumerate(notifications):
            event = cache.get(n.id)
            if event is None:
                try:
                    event = cache[n.id] = self._decode(n)
                except Exception as exc:
                    raise _BatchFailure(i, exc) from exc
            items.append((event, n))
        try:
            batch = getattr(projection, "process_batch", None)
            if batch is not None:
                batch(conn, items)
            else:
                for i, (event, n) in enumerate(items):
                    try:
                        projection.process(conn, event, n)
                    except Exception as exc:
                        raise _BatchFailure(i, exc) from exc
        except _BatchFailure:
            raise
        except Exception as exc:
            raise _BatchFailure(-1, exc) from exc

    def _apply_one_by_one(
        self,
        conn: sa.Connection,
        projection: Projection,
        position: int,
        notifications: Sequence[Notification],
    ) -> int:
        """After a failed batch: keep the events before the failing one, record the failure."""
        done = position
        for n in notifications:
            try:
                with conn.begin_nested():
                    self._apply(conn, projection, [n])
            except _BatchFailure as failure:
                if done > position:
                    self._advance(conn, projection.name, position, done)
                error = "".join(traceback.format_exception_only(failure.error)).strip()
                conn.execute(
                    tracking_table.update()
                    .where(tracking_table.c.name == projection.name)
                    .values(last_error=error, failed_event_id=n.id, updated_at=_now())
                )
                return done
            done = n.id
        # Every event applied on its own: the batch failure was not reproducible.
        if done > position:
            self._advance(conn, projection.name, position, done)
        return done

    def _decode(self, notification: Notification) -> DomainEvent:
        return self._mapper.to_domain_event(notification)

    @contextmanager
    def _transaction(self) -> Iterator[sa.Connection]:
        conn = self._database.engine.connect()
        if self._sql.write_options:
            conn = conn.execution_options(**self._sql.write_options)
        try:
            with conn.begin():
                yield conn
        finally:
            conn.close()

    def _lock(self, conn: sa.Connection, name: str) -> int:
        """Take the projection's tracking row for this transaction and read its position."""
        query = sa.select(tracking_table.c.position).where(tracking_table.c.name == name)
        if self._sql.lock_rows:
            query = query.with_for_update()
        return int(conn.execute(query).scalar_one())

    def _advance(self, conn: sa.Connection, name: str, old: int, new: int) -> None:
        # The tracking row exists (``_ensure_tracking_rows``) and this transaction holds it.
        moved = conn.execute(
            tracking_table.update()
            .where(tracking_table.c.name == name, tracking_table.c.position < new)
            .values(position=new, last_error=None, failed_event_id=None, updated_at=_now())
        ).rowcount
        if moved != 1:
            raise ProjectionFailed(
                f"move projection {name} from {old} to {new}",
                "another runner already moved it at least that far; this batch was rolled back",
                "nothing to do: the other runner applied these events",
            )

    def _create_indexes(self, projection: Projection) -> None:
        """Create the projection's indexes that are missing (after a rebuild, or an interrupted one)."""
        with self._transaction() as conn:
            if self._sql.index_build_sql:
                conn.exec_driver_sql(self._sql.index_build_sql[0])
            inspector = sa.inspect(conn)
            for index in _indexes(projection):
                if index.table is not None and inspector.has_table(index.table.name):
                    index.create(conn, checkfirst=True)
            if self._sql.index_build_sql:
                conn.exec_driver_sql(self._sql.index_build_sql[1])

    def _analyze(self, projection: Projection) -> None:
        """Refresh the planner statistics of the projection's tables after a bulk load
        (PostgreSQL: ``ANALYZE``; see :attr:`~projlife.store.dialect.SQLDialect.analyze_sql`)."""
        if self._sql.analyze_sql is None:
            return
        with self._transaction() as conn:
            for table in projection.tables:
                conn.exec_driver_sql(self._sql.analyze_sql.format(table=table.name))

    def _ensure_tracking_rows(self) -> None:
        if self._ready:
            return
        for projection in self._projections.values():
            self._create_indexes(projection)
        rebuilds_table.create(self._database.engine, checkfirst=True)  # databases from before it existed
        insert = self._sql.insert_ignore(tracking_table, ["name"])
        with self._database.engine.begin() as conn:
            for name in self._projections:
                conn.execute(insert, {"name": name, "position": 0, "updated_at": _now()})
        self._ready = True

    def _head(self, conn: sa.Connection) -> int:
        value = conn.exec_driver_sql(f"SELECT MAX({self._id_column}) FROM {self._events_table}").scalar()
        return int(value or 0)

    def _select(
        self, conn: sa.Connection, after: int, stop: int, topics: Sequence[str], limit: int
    ) -> list[Notification]:
        col = self._id_column
        mark = self._sql.mark
        where = f"{col} > {mark} AND {col} <= {mark}"
        params: list[Any] = [after, stop]
        if topics:
            where += f" AND topic IN ({', '.join(mark for _ in topics)})"
            params.extend(topics)
        params.append(limit)
        # Straight through the DB-API cursor: this is the hot loop of a rebuild.
        rows = conn.exec_driver_sql(
            f"SELECT {col}, originator_id, originator_version, topic, state "
            f"FROM {self._events_table} WHERE {where} ORDER BY {col} LIMIT {mark}",
            tuple(params),
        ).fetchall()
        ids: dict[Any, UUID] = {}
        out = []
        for pos, oid, version, topic, state in rows:
            uid = ids.get(oid)
            if uid is None:
                uid = ids[oid] = oid if isinstance(oid, UUID) else UUID(oid)
            out.append(
                Notification(
                    id=pos, originator_id=uid, originator_version=version, topic=topic, state=bytes(state)
                )
            )
        return out


def _name(projection: Projection) -> str:
    return projection.name


def _union_topics(projections: Sequence[Projection]) -> tuple[str, ...]:
    """The topics any of ``projections`` consumes (``()``, every event, if one consumes all)."""
    if any(not p.topics for p in projections):
        return ()
    return tuple(sorted({t for p in projections for t in p.topics}))


def _selected(notifications: Sequence[Notification], after: int, topics: Sequence[str]) -> list[Notification]:
    """The notifications after position ``after`` of ``topics`` (all of them for ``()``)."""
    wanted = frozenset(topics)
    return [n for n in notifications if n.id > after and (not wanted or n.topic in wanted)]


def _indexes(projection: Projection) -> list[sa.Index]:
    return [
        index for table in projection.tables for index in sorted(table.indexes, key=lambda i: str(i.name))
    ]


def _now() -> datetime:
    return datetime.now(UTC)
