"""An eventsourcing persistence module for MariaDB/MySQL that hands out notification ids in commit order.

eventsourcing has no MySQL recorder, and an ``AUTO_INCREMENT`` notification id is not
safe to follow: InnoDB assigns it when a row is inserted, not when its transaction
commits, so a reader can see id 12 committed while id 11 is still in flight and skip it
forever. Here every writing transaction first takes a one-row sequence table's row lock
(``UPDATE … SET last = LAST_INSERT_ID(last + n)``), inserts its events with the ids it got
and commits; the row lock is held until the commit, so ids become visible in the order
they were handed out, without gaps (a rolled-back transaction also rolls back the
counter). ``docs/persistence.md`` measures this against ``GET_LOCK`` and naive
``AUTO_INCREMENT``.

Events: ``notification_id BIGINT`` primary key (the log is clustered in log order),
``UNIQUE (originator_id, originator_version)`` for optimistic concurrency, ``state LONGBLOB``;
originator ids are stored as 32 lowercase hex digits (as eventsourcing's SQLite recorder
does). Driver: PyMySQL (``mysql+pymysql://``).

Environment (``PERSISTENCE_MODULE=projlife.store.mysql_store``): ``MYSQL_HOST``,
``MYSQL_PORT``, ``MYSQL_USER``, ``MYSQL_PASSWORD``, ``MYSQL_DBNAME``, ``MYSQL_POOL_SIZE``,
``MYSQL_MAX_OVERFLOW``, ``MYSQL_LOCK_TIMEOUT`` (seconds, InnoDB lock wait),
``MYSQL_PRE_PING`` and eventsourcing's ``CREATE_TABLE``.
"""

from __future__ import annotations

from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    InfrastructureFactory,
    ProcessRecorder,
)
from eventsourcing.utils import Environment, EnvType, resolve_topic, strtobool

from projlife.store.mysql_connection import MySQLDatastore, session_statements
from projlife.store.mysql_recorders import (
    MySQLAggregateRecorder,
    MySQLApplicationRecorder,
    MySQLProcessRecorder,
    MySQLRecorder,
    MySQLTrackingRecorder,
    application_table_statements,
)

__all__ = [
    "MySQLAggregateRecorder",
    "MySQLApplicationRecorder",
    "MySQLDatastore",
    "MySQLFactory",
    "MySQLProcessRecorder",
    "MySQLTrackingRecorder",
    "application_table_statements",
    "session_statements",
]


class MySQLFactory(InfrastructureFactory[MySQLTrackingRecorder]):
    """eventsourcing infrastructure on MariaDB/MySQL, configured from ``MYSQL_*`` variables."""

    MYSQL_HOST = "MYSQL_HOST"
    MYSQL_PORT = "MYSQL_PORT"
    MYSQL_USER = "MYSQL_USER"
    MYSQL_PASSWORD = "MYSQL_PASSWORD"
    MYSQL_DBNAME = "MYSQL_DBNAME"
    MYSQL_POOL_SIZE = "MYSQL_POOL_SIZE"
    MYSQL_MAX_OVERFLOW = "MYSQL_MAX_OVERFLOW"
    MYSQL_LOCK_TIMEOUT = "MYSQL_LOCK_TIMEOUT"
    MYSQL_PRE_PING = "MYSQL_PRE_PING"
    CREATE_TABLE = "CREATE_TABLE"

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        dbname = self.env.get(self.MYSQL_DBNAME)
        if not dbname:
            raise OSError(f"{self.MYSQL_DBNAME} is not set (the MariaDB/MySQL database to store events in)")
        self.datastore = MySQLDatastore(
            dbname=dbname,
            host=self.env.get(self.MYSQL_HOST) or "127.0.0.1",
            port=int(self.env.get(self.MYSQL_PORT) or 3306),
            user=self.env.get(self.MYSQL_USER) or "root",
            password=self.env.get(self.MYSQL_PASSWORD) or "",
            pool_size=int(self.env.get(self.MYSQL_POOL_SIZE) or 5),
            max_overflow=int(self.env.get(self.MYSQL_MAX_OVERFLOW) or 10),
            lock_timeout=int(self.env.get(self.MYSQL_LOCK_TIMEOUT) or 10),
            pre_ping=strtobool(self.env.get(self.MYSQL_PRE_PING) or "yes"),
        )

    def _prefix(self, default: str) -> str:
        return self.env.name.lower() or default

    def _created(self, recorder: MySQLRecorder) -> None:
        if strtobool(self.env.get(self.CREATE_TABLE) or "yes"):
            recorder.create_table()

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        recorder = MySQLAggregateRecorder(
            self.datastore, events_table_name=f"{self._prefix('stored')}_{purpose}"
        )
        self._created(recorder)
        return recorder

    def application_recorder(self) -> ApplicationRecorder:
        recorder = MySQLApplicationRecorder(
            self.datastore, events_table_name=f"{self._prefix('stored')}_events"
        )
        self._created(recorder)
        return recorder

    def tracking_recorder(
        self, tracking_recorder_class: type[MySQLTrackingRecorder] | None = None
    ) -> MySQLTrackingRecorder:
        cls = tracking_recorder_class
        if cls is None:
            topic = self.env.get(self.TRACKING_RECORDER_TOPIC)
            cls = resolve_topic(topic) if topic else MySQLTrackingRecorder
        recorder = cls(self.datastore, tracking_table_name=f"{self._prefix('notification')}_tracking")
        self._created(recorder)
        return recorder

    def process_recorder(self) -> ProcessRecorder:
        recorder = MySQLProcessRecorder(
            self.datastore,
            events_table_name=f"{self._prefix('stored')}_events",
            tracking_table_name=f"{self._prefix('notification')}_tracking",
        )
        self._created(recorder)
        return recorder

    def close(self) -> None:
        self.datastore.close()
