"""eventsourcing's SQLite recorder with projlife's durability setting on every connection.

eventsourcing opens its SQLite connections in WAL mode and leaves ``PRAGMA synchronous``
at SQLite's default, FULL: every commit waits for an fsync of the write-ahead log (about
3 ms on the benchmark machine, most of a single command's time). projlife's read models
already run NORMAL, which in WAL mode is corruption-safe and loses no committed
transaction when the process crashes; only an operating-system crash or power cut can
roll back the last transactions since the previous checkpoint (the events and their audit
chain rows together: they share the same log). The URL chooses:
``sqlite:///projlife.db`` (NORMAL) or ``sqlite:///projlife.db?synchronous=full``.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.sqlite import SQLiteConnection, SQLiteFactory
from eventsourcing.utils import Environment

__all__ = ["SYNCHRONOUS_LEVELS", "SQLiteStoreFactory"]

SYNCHRONOUS_LEVELS = ("NORMAL", "FULL", "EXTRA")


class SQLiteStoreFactory(SQLiteFactory):
    """:class:`~eventsourcing.sqlite.SQLiteFactory` whose connections run ``PRAGMA synchronous``."""

    SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS"

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

        def create_connection() -> SQLiteConnection:
            conn: SQLiteConnection = create()
            conn._sqlite_conn.execute(f"PRAGMA synchronous={level}")
            return conn

        pool._create_connection = create_connection
