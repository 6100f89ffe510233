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

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any
from uuid import UUID

import pymysql
from eventsourcing.persistence import (
    AggregateRecorder,
    ApplicationRecorder,
    Connection,
    ConnectionPool,
    Cursor,
    DatabaseError,
    DataError,
    InfrastructureFactory,
    IntegrityError,
    InterfaceError,
    InternalError,
    ListenNotifySubscription,
    Notification,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProcessRecorder,
    ProgrammingError,
    StoredEvent,
    Subscription,
    Tracking,
    TrackingRecorder,
)
from eventsourcing.utils import Environment, EnvType, strtobool

from projlife.store.errors import StoreLocked
from projlife.store.hooks import InsertedRow, InsertHook

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

SQL_MODE = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
"""The session ``sql_mode`` projlife runs with (strict: bad values are errors, not warnings)."""


def session_statements(lock_timeout: int) -> list[str]:
    """What every projlife session runs first (MariaDB and MySQL 8 accept both spellings used)."""
    return [
        f"SET SESSION sql_mode = '{SQL_MODE}'",
        f"SET SESSION innodb_lock_wait_timeout = {int(lock_timeout)}",
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    ]


TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"
_ERRORS: tuple[tuple[type[pymysql.err.Error], type[PersistenceError]], ...] = (
    (pymysql.err.IntegrityError, IntegrityError),
    (pymysql.err.DataError, DataError),
    (pymysql.err.OperationalError, OperationalError),
    (pymysql.err.InternalError, InternalError),
    (pymysql.err.ProgrammingError, ProgrammingError),
    (pymysql.err.NotSupportedError, NotSupportedError),
    (pymysql.err.InterfaceError, InterfaceError),
    (pymysql.err.DatabaseError, DatabaseError),
)


def _translate(error: pymysql.err.Error) -> PersistenceError:
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            return ours(error)
    return PersistenceError(error)


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


class MySQLCursor(Cursor):
    """A PyMySQL cursor behind eventsourcing's cursor interface."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, statement: str | bytes, params: Any = None) -> None:
        self.cursor.execute(statement, params)

    def executemany(self, statement: str, params: Sequence[Any]) -> None:
        self.cursor.executemany(statement, params)

    def fetchall(self) -> Any:
        return self.cursor.fetchall()

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    @property
    def rowcount(self) -> int:
        return int(self.cursor.rowcount)

    @property
    def lastrowid(self) -> int:
        return int(self.cursor.lastrowid)


class MySQLConnection(Connection[MySQLCursor]):
    """One PyMySQL connection (autocommit between explicit transactions)."""

    def __init__(self, conn: Any, max_age: float | None) -> None:
        super().__init__(max_age=max_age)
        self.raw = conn

    def cursor(self) -> MySQLCursor:
        return MySQLCursor(self.raw.cursor())

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def _close(self) -> None:
        with suppress(pymysql.err.Error):
            self.raw.close()
        super()._close()


class MySQLConnectionPool(ConnectionPool[MySQLConnection]):
    def __init__(self, *, connect_kwargs: dict[str, Any], lock_timeout: int, **kwargs: Any) -> None:
        self.connect_kwargs = connect_kwargs
        self.lock_timeout = lock_timeout
        super().__init__(**kwargs)

    def _create_connection(self) -> MySQLConnection:
        try:
            conn = pymysql.connect(
                **self.connect_kwargs,
                autocommit=True,
                charset="utf8mb4",
                client_flag=0,  # affected rows, not found rows: the tracking upsert reads them
            )
            with conn.cursor() as cur:
                for statement in session_statements(self.lock_timeout):
                    cur.execute(statement)
        except pymysql.err.Error as e:
            raise _translate(e) from e
        return MySQLConnection(conn, max_age=self.max_age)


class MySQLDatastore:
    """A pool of connections to one MariaDB/MySQL database."""

    def __init__(
        self,
        *,
        dbname: str,
        host: str = "127.0.0.1",
        port: int = 3306,
        user: str = "root",
        password: str = "",
        pool_size: int = 5,
        max_overflow: int = 10,
        pool_timeout: float = 30.0,
        max_age: float | None = None,
        pre_ping: bool = True,
        lock_timeout: int = 10,
    ) -> None:
        self.dbname = dbname
        self.pool = MySQLConnectionPool(
            connect_kwargs={
                "host": host,
                "port": port,
                "user": user,
                "password": password,
                "database": dbname,
            },
            lock_timeout=lock_timeout,
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_timeout=pool_timeout,
            max_age=max_age,
            pre_ping=pre_ping,
        )

    @contextmanager
    def get_connection(self) -> Iterator[MySQLConnection]:
        conn = self.pool.get_connection()
        try:
            yield conn
        except pymysql.err.OperationalError:
            conn.close()  # most operational errors leave the session unusable: never reuse it
            raise
        finally:
            self.pool.put_connection(conn)

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[MySQLCursor]:
        """A cursor in one transaction, committed (when ``commit``) or rolled back."""
        try:
            with self.get_connection() as conn:
                conn.raw.begin()
                try:
                    yield conn.cursor()
                except BaseException:
                    try:
                        conn.rollback()
                    except pymysql.err.Error:
                        conn.close()
                    raise
                if commit:
                    conn.commit()
                else:
                    conn.rollback()
        except pymysql.err.Error as e:
            raise _translate(e) from e

    @contextmanager
    def cursor(self) -> Iterator[MySQLCursor]:
        """An autocommit cursor (each statement reads its own committed snapshot)."""
        try:
            with self.get_connection() as conn:
                yield conn.cursor()
        except pymysql.err.Error as e:
            raise _translate(e) from e

    def close(self) -> None:
        self.pool.close()


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
        cls = tracking_recorder_class or MySQLTrackingRecorder
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
