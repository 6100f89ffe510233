"""eventsourcing's SQLite recorder with projlife's durability setting on every connection.

eventsourcing opens its SQLite connections in WAL mode and leaves ``PRAGMA synchronous``
at SQLite's default, FULL: every commit waits for an fsync of the write-ahead log (about
3 ms on the benchmark machine, most of a single command's time). projlife's read models
already run NORMAL, which in WAL mode is corruption-safe and loses no committed
transaction when the process crashes; only an operating-system crash or power cut can
roll back the last transactions since the previous checkpoint (the events and their audit
chain rows together: they share the same log). The URL chooses:
``sqlite:///projlife.db`` (NORMAL) or ``sqlite:///projlife.db?synchronous=full``.

WAL checkpoints run in a background thread, not in the commit that fills the log
(:mod:`projlife.store.sqlite_checkpoint`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, OperationalError, ProgrammingError, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteConnection, SQLiteCursor, SQLiteFactory
from eventsourcing.utils import Environment

from projlife.store.errors import StoreLocked
from projlife.store.hooks import InsertedRow, InsertHook
from projlife.store.sqlite_checkpoint import BACKSTOP_PAGES, Checkpointer

__all__ = ["SYNCHRONOUS_LEVELS", "SQLiteStoreFactory", "SQLiteStoreRecorder"]

SYNCHRONOUS_LEVELS = ("NORMAL", "FULL", "EXTRA")


class SQLiteStoreRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite application recorder, running its ``on_insert`` hook in the
    inserting transaction and raising :class:`StoreLocked` when the write lock is not granted
    within the busy timeout (``SQLITE_LOCK_TIMEOUT``, the URL's ``lock_timeout``)."""

    on_insert: InsertHook | None = None
    checkpointer: Checkpointer | None = None
    """Told of every commit, so the log is checkpointed in the background (set by the factory)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._last_rowids = f"SELECT last_insert_rowid(), MAX(rowid) FROM {self.events_table_name}"

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """eventsourcing's insert (one ``execute`` per event, ``lastrowid`` its position) as one
        ``executemany``. SQLite gives each new row the rowid after the table's largest, and the
        first insert takes the write lock, so the rows get consecutive rowids ending at the
        connection's last insert rowid. Only past the largest possible rowid does SQLite pick
        them at random; then the last one is not the largest, and the save is refused."""
        if not stored_events:
            return []
        curs = c.sqlite_cursor
        curs.executemany(
            self.insert_events_statement,
            [
                (e.originator_id.hex if isinstance(e.originator_id, UUID) else e.originator_id,
                 e.originator_version, e.topic, e.state)
                for e in stored_events
            ],
        )  # fmt: skip
        curs.execute(self._last_rowids)
        last, largest = curs.fetchone()
        n = len(stored_events)
        if last != largest or last < n:
            raise ProgrammingError(
                f"the {n} new events did not get consecutive positions (last {last}, largest {largest})"
            )
        return list(range(last - n + 1, last + 1))

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            with self.datastore.transaction(commit=True) as c:
                ids = self._insert_events(c, stored_events, **kwargs)
                if self.on_insert is not None and ids:
                    rows: list[InsertedRow] = [
                        (int(i), e.originator_id.hex, e.originator_version, e.topic, e.state)  # type: ignore[union-attr]
                        for i, e in zip(ids, stored_events, strict=True)
                    ]
                    self.on_insert(c.sqlite_cursor, rows)
        except OperationalError as exc:
            cause = exc.__cause__ or (exc.args[0] if exc.args else None)
            if isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause):
                raise StoreLocked(
                    f"write {len(stored_events)} event(s) to {self.datastore.pool.db_name}",
                    float(self.datastore.pool.lock_timeout or 5),
                    "another connection's write transaction (SQLite cannot name it: a command, "
                    "an import, a projection run or a seal in this or another process)",
                ) from None
            raise
        if self.checkpointer is not None:
            self.checkpointer.committed()
        return ids


class SQLiteStoreFactory(SQLiteFactory):
    """:class:`~eventsourcing.sqlite.SQLiteFactory` whose connections run ``PRAGMA synchronous``,
    and whose WAL is checkpointed by a background thread (the connections' own automatic
    checkpoint only as a backstop, at :data:`~projlife.store.sqlite_checkpoint.BACKSTOP_PAGES`)."""

    SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS"
    application_recorder_class = SQLiteStoreRecorder

    def __init__(self, env: Environment | dict[str, str] | None) -> None:
        super().__init__(env)
        level = (self.env.get(self.SQLITE_SYNCHRONOUS) or "NORMAL").strip().upper()
        if level not in SYNCHRONOUS_LEVELS:
            raise OSError(
                f"SQLITE_SYNCHRONOUS={level!r} is not one of {', '.join(SYNCHRONOUS_LEVELS)} "
                "(OFF would risk a corrupt database after a power cut)"
            )
        pool: Any = self.datastore.pool
        create = pool._create_connection
        self.checkpointer = Checkpointer(pool.db_name)

        def create_connection() -> SQLiteConnection:
            conn: SQLiteConnection = create()
            conn._sqlite_conn.execute(f"PRAGMA synchronous={level}")
            conn._sqlite_conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
            return conn

        pool._create_connection = create_connection

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        if isinstance(recorder, SQLiteStoreRecorder):
            recorder.checkpointer = self.checkpointer
        return recorder

    def close(self) -> None:
        self.checkpointer.close()
        super().close()
