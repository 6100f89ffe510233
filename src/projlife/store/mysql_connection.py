"""MariaDB/MySQL connections for the event store: PyMySQL cursors, a pool whose sessions are strict, and the datastore."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

import pymysql
from eventsourcing.persistence import (
    Connection,
    ConnectionPool,
    Cursor,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
)

__all__ = ["SQL_MODE", "MySQLDatastore", "session_statements"]


SQL_MODE = "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
"""The session ``sql_mode`` projlife runs with (strict: bad values are errors, not warnings)."""


def session_statements(lock_timeout: int) -> list[str]:
    """What every projlife session runs first (MariaDB and MySQL 8 accept both spellings used)."""
    return [
        f"SET SESSION sql_mode = '{SQL_MODE}'",
        f"SET SESSION innodb_lock_wait_timeout = {int(lock_timeout)}",
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED",
    ]


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
