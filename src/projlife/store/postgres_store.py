"""eventsourcing's PostgreSQL recorder, writing large saves in bounded chunks without pipelining.

eventsourcing 9.5.6 inserts a whole ``save()`` as one ``INSERT … SELECT FROM unnest(%s)``
statement inside a psycopg **pipeline**. psycopg 3.3.9's pipeline loop
(``psycopg.generators._pipeline_communicate``) calls ``PQflush()`` once per ready-to-write
wake-up and stops as soon as its command queue is empty, ignoring that ``PQflush()``
returned 1 ("more to send"). When the statement is larger than the socket buffers (about
20k events, several MB) the tail of the message stays in libpq's output buffer while the
client waits only to *read*: the server sits in ``ClientRead`` waiting for the rest of the
message, the client in ``poll()`` waiting for a reply, and the ``EXCLUSIVE`` lock on the
event table is held for ever. Details and figures: ``docs/persistence.md``.

:class:`PostgresStoreRecorder` writes the same rows with ordinary (non-pipelined) statements
that flush completely, in chunks of at most :data:`CHUNK_EVENTS` events or
:data:`CHUNK_BYTES` bytes of state, all in **one** transaction under the same table lock, so a
save is still all or nothing and positions stay in commit order. A lock not granted within
the URL's ``lock_timeout`` raises :class:`~projlife.store.errors.StoreLocked` naming the holder
(eventsourcing would retry it ten times, ten times the bound). A pooled connection whose
backend was killed (server restart, ``pg_terminate_backend``) fails before the commit is sent:
the pool's idle connections are then checked and replaced and the save runs once more, so it
costs a reconnect, not a failed command. (psycopg_pool's own check-before-use backs off 1, 2,
4, 8 s between dead connections: 16 s for the first command after a restart, so it is off.)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
import psycopg.errors
from eventsourcing.persistence import OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresFactory
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from projlife.store.dialect import audit_lock_key
from projlife.store.errors import StoreLocked
from projlife.store.hooks import InsertedRow, InsertHook

__all__ = ["CHUNK_BYTES", "CHUNK_EVENTS", "PostgresStoreFactory", "PostgresStoreRecorder", "chunks"]

CHUNK_EVENTS = 2000
"""At most this many events per INSERT statement."""
CHUNK_BYTES = 4 * 1024 * 1024
"""At most about this many bytes of event state per INSERT statement."""

_HOLDERS = SQL(
    "SELECT a.pid, a.application_name, a.usename, a.client_addr::text, a.state, "
    "date_trunc('second', now() - a.xact_start)::text, left(a.query, 160) "
    "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.granted AND l.pid <> pg_backend_pid() AND ("
    "(l.locktype = 'relation' AND l.relation = to_regclass(%s)) OR "
    "(l.locktype = 'advisory' AND l.objsubid = 1 AND l.classid = %s AND l.objid = %s)) "
    "ORDER BY a.xact_start LIMIT 3"
)


def chunks(events: Sequence[StoredEvent]) -> Iterator[Sequence[StoredEvent]]:
    """``events`` in consecutive slices bounded by :data:`CHUNK_EVENTS` and :data:`CHUNK_BYTES`."""
    start = size = 0
    for i, event in enumerate(events):
        size += len(event.state)
        if i - start + 1 >= CHUNK_EVENTS or size >= CHUNK_BYTES:
            yield events[start : i + 1]
            start, size = i + 1, 0
    if start < len(events):
        yield events[start:]


class PostgresStoreRecorder(PostgresApplicationRecorder):
    """The application recorder projlife uses on PostgreSQL (see the module docstring)."""

    on_insert: InsertHook | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the on_insert hook's SQL names tables without a schema, as the read models do
        search_path = SQL("SET LOCAL search_path TO {}").format(Identifier(self.datastore.schema))
        notify = SQL("NOTIFY {}").format(Identifier(self.channel_name))
        # eventsourcing's lock timeout and table lock, the notification and the search path: one
        # round trip (a query without parameters goes by the simple protocol, which takes several
        # statements), where eventsourcing sends one each
        self._preamble = SQL("; ").join([*self.lock_table_statements, notify, search_path])

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        ids = self._insert_once(stored_events)
        if ids is None:  # the pooled connection was dead before anything was committed
            self.datastore.pool.check()  # replace every dead idle connection, then try once more
            ids = self._insert_once(stored_events)
            if ids is None:
                raise OperationalError("the database connection was lost twice while writing events")
        return ids

    def _insert_once(self, stored_events: Sequence[StoredEvent]) -> list[int] | None:
        """Insert in one transaction; ``None`` if the connection broke before the commit was sent."""
        ids: list[int] = []
        committing = False
        with self.datastore.get_connection() as conn:
            try:
                with conn.transaction():
                    with conn.cursor() as curs:
                        curs.execute(self._preamble, prepare=False)
                        for chunk in chunks(stored_events):
                            self._insert_stored_chunk(curs, chunk)
                            ids.extend(row["notification_id"] for row in curs.fetchall())
                    if len(ids) != len(stored_events):
                        raise psycopg.ProgrammingError(
                            f"got {len(ids)} notification ids for {len(stored_events)} events"
                        )
                    if self.on_insert is not None:
                        rows: list[InsertedRow] = [
                            (i, e.originator_id, e.originator_version, e.topic, e.state)
                            for i, e in zip(ids, stored_events, strict=True)
                        ]
                        with conn.cursor(row_factory=tuple_row) as raw:
                            self.on_insert(raw, rows)
                    committing = True
            except psycopg.errors.LockNotAvailable:
                raise StoreLocked(
                    f"write {len(stored_events)} event(s) to {self.datastore.schema}.{self.events_table_name}",
                    float(self.datastore.lock_timeout),
                    self._holders(conn),
                ) from None
            except psycopg.OperationalError:
                if conn.broken and not committing:
                    return None  # nothing was committed: safe to run again on a fresh connection
                raise
        return ids

    def _insert_stored_chunk(self, curs: Any, chunk: Sequence[StoredEvent]) -> None:
        values = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in chunk
        ]
        curs.execute(self.insert_events_statement, (values,))

    def _holders(self, conn: Any) -> str:
        """Who holds the event table's lock or the audit chain's lock, as one line each."""
        table = SQL("{}.{}").format(Identifier(self.datastore.schema), Identifier(self.events_table_name))
        try:
            with conn.cursor(row_factory=tuple_row) as curs:
                key = audit_lock_key(self.datastore.schema)
                curs.execute(_HOLDERS, (table.as_string(conn), key >> 32, key & 0xFFFFFFFF))
                found = curs.fetchall()
        except psycopg.Error as exc:  # the holder is only described, never required
            return f"an unknown session (could not read pg_locks: {exc})"
        if not found:
            return "a session that has released it since"
        return "; ".join(
            f"pid {pid} ({app or 'no application_name'}, user {user}, client {client or 'local'}, "
            f"{state}, transaction open {age}): {query!r}"
            for pid, app, user, client, state, age, query in found
        )


class PostgresStoreFactory(PostgresFactory):
    """eventsourcing's PostgreSQL factory with :class:`PostgresStoreRecorder`."""

    application_recorder_class = PostgresStoreRecorder
