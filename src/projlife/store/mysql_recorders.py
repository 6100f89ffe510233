"""The MariaDB/MySQL event, tracking and process recorders, handing out notification ids in commit order."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import pymysql
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    IntegrityError,
    ListenNotifySubscription,
    Notification,
    PersistenceError,
    ProcessRecorder,
    ProgrammingError,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)

from projlife.store.errors import StoreLocked
from projlife.store.hooks import InsertedRow, InsertHook
from projlife.store.mysql_connection import MySQLCursor, MySQLDatastore

__all__ = [
    "TABLE_OPTIONS",
    "MySQLAggregateRecorder",
    "MySQLApplicationRecorder",
    "MySQLProcessRecorder",
    "MySQLTrackingRecorder",
    "application_table_statements",
]

TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"


def _hex(originator_id: UUID | str) -> str:
    return (originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))).hex


def application_table_statements(events_table: str) -> list[str]:
    """DDL of the event table with its notification log and its sequence row (idempotent)."""
    t = events_table
    return [
        f"CREATE TABLE IF NOT EXISTS {t} ("
        "notification_id BIGINT NOT NULL, "
        "originator_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
        "originator_version BIGINT NOT NULL, "
        "topic VARCHAR(255) NOT NULL, "
        "state LONGBLOB NOT NULL, "
        "PRIMARY KEY (notification_id), "
        f"UNIQUE KEY {t}_aggregate (originator_id, originator_version)) {TABLE_OPTIONS}",
        f"CREATE TABLE IF NOT EXISTS {t}_sequence (id TINYINT NOT NULL PRIMARY KEY, last BIGINT NOT NULL) "
        f"{TABLE_OPTIONS}",
        # The counter starts at the log's head, so the sequence table may be added to a populated log.
        f"INSERT IGNORE INTO {t}_sequence (id, last) SELECT 1, COALESCE(MAX(notification_id), 0) FROM {t}",
    ]


class MySQLRecorder:
    """Base of the recorders: table DDL and its creation."""

    def __init__(self, datastore: MySQLDatastore) -> None:
        self.datastore = datastore
        self.create_table_statements: list[str] = []

    def create_table(self) -> None:
        with self.datastore.cursor() as c:
            for statement in self.create_table_statements:
                c.execute(statement)


class MySQLAggregateRecorder(MySQLRecorder, AggregateRecorder):
    """Events keyed by (originator_id, originator_version) (snapshots; no notification log)."""

    def __init__(self, datastore: MySQLDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore)
        self.events_table_name = events_table_name
        self.create_table_statements.append(
            f"CREATE TABLE IF NOT EXISTS {events_table_name} ("
            "originator_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, "
            "originator_version BIGINT NOT NULL, "
            "topic VARCHAR(255) NOT NULL, "
            "state LONGBLOB NOT NULL, "
            f"PRIMARY KEY (originator_id, originator_version)) {TABLE_OPTIONS}"
        )
        self.insert_sql = (
            f"INSERT INTO {events_table_name} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)"
        )
        self.select_sql = (
            f"SELECT originator_version, topic, state FROM {events_table_name} WHERE originator_id = %s"
        )

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return None
        with self.datastore.transaction(commit=True) as c:
            self._insert_rows(c, stored_events)
        return None

    def _insert_rows(self, c: MySQLCursor, stored_events: Sequence[StoredEvent]) -> None:
        c.executemany(
            self.insert_sql,
            [(_hex(e.originator_id), e.originator_version, e.topic, e.state) for e in stored_events],
        )

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        sql = self.select_sql
        params: list[Any] = [_hex(originator_id)]
        if gt is not None:
            sql += " AND originator_version > %s"
            params.append(gt)
        if lte is not None:
            sql += " AND originator_version <= %s"
            params.append(lte)
        sql += " ORDER BY originator_version DESC" if desc else " ORDER BY originator_version"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with self.datastore.cursor() as c:
            c.execute(sql, params)
            rows = c.fetchall()
        oid = originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id))
        return [
            StoredEvent(originator_id=oid, originator_version=v, topic=t, state=bytes(s)) for v, t, s in rows
        ]


class MySQLApplicationRecorder(MySQLAggregateRecorder, ApplicationRecorder):
    """Events with a notification log whose ids are handed out in commit order."""

    def __init__(self, datastore: MySQLDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        t = events_table_name
        self.sequence_table_name = f"{t}_sequence"
        self.create_table_statements[:] = application_table_statements(t)
        self.insert_sql = (
            f"INSERT INTO {t} (notification_id, originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s, %s)"
        )
        self.take_ids_sql = (
            f"UPDATE {self.sequence_table_name} SET last = LAST_INSERT_ID(last + %s) WHERE id = 1"
        )
        self.select_notifications_sql = (
            f"SELECT notification_id, originator_id, originator_version, topic, state FROM {t} WHERE 1 = 1"
        )

    on_insert: InsertHook | None = None
    """Runs in the inserting transaction, while it holds the sequence row (see ``projlife.store.hooks``)."""

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            with self.datastore.transaction(commit=True) as c:
                ids = self._insert_events(c, stored_events, **kwargs)
                if self.on_insert is not None and ids:
                    rows: list[InsertedRow] = [
                        (i, _hex(e.originator_id), e.originator_version, e.topic, e.state)
                        for i, e in zip(ids, stored_events, strict=True)
                    ]
                    self.on_insert(c.cursor, rows)
                return ids
        except PersistenceError as e:
            cause = e.__cause__
            if isinstance(cause, pymysql.err.MySQLError) and cause.args and cause.args[0] == 1205:
                # ER_LOCK_WAIT_TIMEOUT: innodb_lock_wait_timeout (the URL's lock_timeout) ran out.
                raise StoreLocked(
                    f"write {len(stored_events)} event(s) to {self.events_table_name}",
                    float(self.datastore.pool.lock_timeout),
                    "another connection's transaction on the event log (MariaDB/MySQL does not name it)",
                ) from None
            raise

    def _insert_events(
        self, c: MySQLCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> list[int]:
        n = len(stored_events)
        if not n:
            return []
        # Takes the sequence row's lock until COMMIT: ids are handed out in commit order.
        c.execute(self.take_ids_sql, (n,))
        if c.rowcount != 1:
            raise ProgrammingError(f"the sequence row of {self.sequence_table_name} is missing")
        last = c.lastrowid
        first = last - n + 1
        c.executemany(
            self.insert_sql,
            [
                (first + i, _hex(e.originator_id), e.originator_version, e.topic, e.state)
                for i, e in enumerate(stored_events)
            ],
        )
        return list(range(first, last + 1))

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        sql = self.select_notifications_sql
        params: list[Any] = []
        if start is not None:
            sql += " AND notification_id >= %s" if inclusive_of_start else " AND notification_id > %s"
            params.append(start)
        if stop is not None:
            sql += " AND notification_id <= %s"
            params.append(stop)
        if topics:
            sql += f" AND topic IN ({', '.join('%s' for _ in topics)})"
            params.extend(topics)
        sql += " ORDER BY notification_id LIMIT %s"
        params.append(limit)
        with self.datastore.cursor() as c:
            c.execute(sql, params)
            rows = c.fetchall()
        return [
            Notification(id=i, originator_id=UUID(o), originator_version=v, topic=t, state=bytes(s))
            for i, o, v, t, s in rows
        ]

    def max_notification_id(self) -> int | None:
        with self.datastore.cursor() as c:
            c.execute(f"SELECT MAX(notification_id) FROM {self.events_table_name}")
            row = c.fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[ApplicationRecorder]:
        return MySQLSubscription(self, gt=gt, topics=topics)


class MySQLSubscription(ListenNotifySubscription[MySQLApplicationRecorder]):
    """Follows the log by polling (MySQL has no LISTEN/NOTIFY)."""

    poll_interval = 0.05

    def __init__(
        self, recorder: MySQLApplicationRecorder, gt: int | None = None, topics: Sequence[str] = ()
    ) -> None:
        super().__init__(recorder=recorder, gt=gt, topics=topics)
        self._poll_thread = threading.Thread(target=self._poll, daemon=True)
        self._poll_thread.start()

    def _poll(self) -> None:
        while not self._has_been_stopped:
            self._has_been_notified.set()
            threading.Event().wait(self.poll_interval)

    def __exit__(self, *args: object, **kwargs: Any) -> None:
        try:
            super().__exit__(*args, **kwargs)
        finally:
            self._poll_thread.join()


class MySQLTrackingRecorder(MySQLRecorder, TrackingRecorder):
    """One row per upstream application: the last notification id it has processed."""

    def __init__(
        self, datastore: MySQLDatastore, *, tracking_table_name: str = "notification_tracking", **kwargs: Any
    ) -> None:
        super().__init__(datastore, **kwargs)
        self.tracking_table_name = tracking_table_name
        self.create_table_statements.append(
            f"CREATE TABLE IF NOT EXISTS {tracking_table_name} ("
            "application_name VARCHAR(255) NOT NULL PRIMARY KEY, "
            f"notification_id BIGINT NOT NULL) {TABLE_OPTIONS}"
        )
        # Affected rows: 1 inserted, 2 moved forward, 0 not moved (the same or a lower id).
        self.insert_tracking_sql = (
            f"INSERT INTO {tracking_table_name} (application_name, notification_id) VALUES (%s, %s) "
            "ON DUPLICATE KEY UPDATE notification_id = "
            "IF(notification_id < VALUES(notification_id), VALUES(notification_id), notification_id)"
        )

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._insert_tracking(c, tracking)

    def _insert_tracking(self, c: MySQLCursor, tracking: Tracking) -> None:
        c.execute(self.insert_tracking_sql, (tracking.application_name, tracking.notification_id))
        if c.rowcount == 0:
            raise IntegrityError(
                f"tracking {tracking.application_name} {tracking.notification_id}: "
                "an equal or later notification id is already recorded"
            )

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.datastore.cursor() as c:
            c.execute(
                f"SELECT notification_id FROM {self.tracking_table_name} WHERE application_name = %s",
                (application_name,),
            )
            row = c.fetchone()
        return None if row is None else int(row[0])


class MySQLProcessRecorder(MySQLTrackingRecorder, MySQLApplicationRecorder, ProcessRecorder):
    """Events and the tracking record of what produced them, in one transaction."""

    def __init__(
        self,
        datastore: MySQLDatastore,
        *,
        events_table_name: str = "stored_events",
        tracking_table_name: str = "notification_tracking",
    ) -> None:
        super().__init__(
            datastore, tracking_table_name=tracking_table_name, events_table_name=events_table_name
        )

    def _insert_events(
        self, c: MySQLCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> list[int]:
        tracking: Tracking | None = kwargs.get("tracking")
        if tracking is not None:
            self._insert_tracking(c, tracking)
        return super()._insert_events(c, stored_events, **kwargs)
