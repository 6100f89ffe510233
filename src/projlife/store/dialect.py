"""The one place where SQLite, PostgreSQL and MariaDB/MySQL differ for projlife's own SQL.

Read models, the projection runner and the audit trail ask :func:`sql_dialect` (given a
connection, an engine or a dialect name) for: the DB-API placeholder, "insert unless the key
exists", "insert or update if newer", whether ``SELECT … FOR UPDATE`` locks a row, whether DDL
is transactional, how a raw driver transaction begins with the audit's write lock or a read
snapshot, and how dates and times are passed to the driver. MariaDB/MySQL has no ``RETURNING``,
no ``ON CONFLICT`` and no advisory transaction locks: it gets ``ON DUPLICATE KEY UPDATE``,
row counts, and ``GET_LOCK``.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import mysql as mysql_dialect
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.ext.compiler import compiles

if TYPE_CHECKING:
    from projlife.store.database import DatabaseURL

__all__ = [
    "MySQLDialect",
    "PostgresDialect",
    "SQLDialect",
    "SQLiteDialect",
    "audit_lock_key",
    "mysql_engine",
    "named_lock",
    "sql_dialect",
]

_AUDIT_LOCK_CLASS = 0x61756474  # "audt"


def audit_lock_key(schema: str | None) -> int:
    """The PostgreSQL advisory lock (a bigint) that serialises one schema's audit-chain writers.

    Advisory locks are database-wide, so the key carries the schema: two cities in two schemas
    of one database chain their audit trails side by side instead of queueing behind each other
    (one city's 10,000-event import once held the other's writers past their lock timeout). The
    high 32 bits are ``"audt"``, the low 32 bits the CRC-32 of the schema name (``""`` for the
    default ``search_path``); ``pg_locks`` shows them as ``classid`` and ``objid``.
    """
    return (_AUDIT_LOCK_CLASS << 32) | zlib.crc32((schema or "").encode())


NAMED_LOCK_LENGTH = 64
"""MariaDB/MySQL's limit on a ``GET_LOCK`` name."""


def named_lock(purpose: str, database: str | None, table: str = "") -> str:
    """The MariaDB/MySQL ``GET_LOCK`` name for ``purpose`` in one database (and table).

    ``GET_LOCK`` names are server-wide, so the name carries the database and the table: two
    cities in two databases of one server seal their audit chains side by side instead of
    queueing (as :func:`audit_lock_key` does for PostgreSQL schemas). A name longer than
    MariaDB's 64 characters keeps its readable head and ends in a digest of the whole name, so
    two long database names never share a lock (a plain cut once could: the old ``[-64:]``).
    """
    name = f"projlife:{purpose}:{database or ''}" + (f".{table}" if table else "")
    if len(name) <= NAMED_LOCK_LENGTH:
        return name
    digest = f"{zlib.crc32(name.encode()):08x}{zlib.adler32(name.encode()):08x}"
    return f"{name[: NAMED_LOCK_LENGTH - len(digest) - 1]}~{digest}"


class SQLDialect:
    """What differs between the databases (PostgreSQL's behaviour is the default)."""

    name = "postgresql"
    mark = "%s"
    """The DB-API placeholder."""
    lock_rows = True
    """Whether ``SELECT … FOR UPDATE`` holds a row until the transaction ends (SQLite: no)."""
    transactional_ddl = True
    """Whether DDL runs inside a transaction (MySQL commits implicitly before and after it)."""
    write_options: dict[str, Any] = {}  # noqa: RUF012 - read-only class constant
    """Execution options of a connection for a write transaction."""
    index_build_sql: tuple[str, str] | None = None
    """Statements run before and after building a read model's indexes (SQLite: a larger cache)."""
    analyze_sql: str | None = "ANALYZE {table}"
    """Refreshes a table's planner statistics after a bulk load (a rebuild, a bulk catch-up), so
    queries do not plan on an empty table's. PostgreSQL only: SQLite plans by its indexes, and
    InnoDB recomputes its statistics itself after a tenth of the table changed."""

    def _insert(self, table: sa.Table) -> Any:
        return pg_dialect.insert(table)

    def insert_ignore(self, table: sa.Table, key: Sequence[str]) -> sa.Executable:
        """``INSERT`` that leaves the row alone when ``key`` already exists."""
        stmt: sa.Executable = self._insert(table).on_conflict_do_nothing(index_elements=list(key))
        return stmt

    def insert_ignore_sql(self, table: str, columns: Sequence[str], key: Sequence[str] | None) -> str:
        """The same as DB-API SQL with one placeholder per column (``key=None``: a plain insert)."""
        marks = ", ".join(self.mark for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        return sql if key is None else f"{sql} ON CONFLICT ({', '.join(key)}) DO NOTHING"

    def upsert(
        self, table: sa.Table, key: Sequence[str], update: Sequence[str], newer: str | None = None
    ) -> sa.Executable:
        """Insert, or update ``update`` columns of the existing row (only if ``newer`` grows)."""
        stmt = self._insert(table)
        where = None if newer is None else table.c[newer] < stmt.excluded[newer]
        result: sa.Executable = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in update}, where=where
        )
        return result

    def stored_uuid(self, originator_id: UUID) -> Any:
        """An originator id as a bound parameter comparing with the event table's column."""
        return originator_id

    # -- raw driver transactions (the audit trail) -----------------------------------------

    def chain_lock(self, cur: Any, *, lock_key: int) -> None:
        """In an event-inserting transaction, take the audit sealers' lock before chaining.

        PostgreSQL: the advisory lock (the insert holds the event table's lock, which sealers
        never wait for, so the two cannot deadlock). SQLite: the insert already holds the write
        lock. MariaDB/MySQL: the insert already holds the sequence row, which sealers take too.
        """
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key,))

    def raw_begin(
        self, cur: Any, *, write: bool, lock_key: int, lock_name: str, events_table: str = ""
    ) -> None:
        """Open a transaction: with the named write lock, or as a read snapshot."""
        if write:  # psycopg opens the transaction implicitly
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (lock_key,))
        else:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def raw_end(self, cur: Any, conn: Any, *, commit: bool, write: bool, lock_name: str) -> None:
        """Commit or roll back what :meth:`raw_begin` opened, releasing its lock."""
        if commit:
            conn.commit()
        else:
            conn.rollback()

    def raw_date(self, value: date | None) -> Any:
        return value

    def raw_datetime(self, value: datetime | None) -> Any:
        return value

    def stored_originator_id(self, originator_id: str) -> Any:
        """An originator id (canonical text) as the event table stores it."""
        return originator_id


class PostgresDialect(SQLDialect):
    pass


class SQLiteDialect(SQLDialect):
    name = "sqlite"
    mark = "?"
    lock_rows = False
    write_options = {"sqlite_begin": "BEGIN IMMEDIATE"}  # noqa: RUF012
    index_build_sql = ("PRAGMA cache_size=-131072", "PRAGMA cache_size=-2000")  # 128 MiB for the sorts
    analyze_sql = None

    def _insert(self, table: sa.Table) -> Any:
        return sqlite_dialect.insert(table)

    def stored_uuid(self, originator_id: UUID) -> Any:
        return originator_id.hex

    def chain_lock(self, cur: Any, *, lock_key: int) -> None:
        pass

    def raw_begin(
        self, cur: Any, *, write: bool, lock_key: int, lock_name: str, events_table: str = ""
    ) -> None:
        cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def raw_end(self, cur: Any, conn: Any, *, commit: bool, write: bool, lock_name: str) -> None:
        cur.execute("COMMIT" if commit else "ROLLBACK")

    def raw_date(self, value: date | None) -> Any:
        return None if value is None else value.isoformat()

    def raw_datetime(self, value: datetime | None) -> Any:
        return None if value is None else value.isoformat()

    def stored_originator_id(self, originator_id: str) -> Any:
        return UUID(originator_id).hex


LOCK_TIMEOUT = 60
"""Seconds to wait for a MariaDB/MySQL named lock (``GET_LOCK``)."""


class MySQLDialect(SQLDialect):
    name = "mysql"
    analyze_sql = None
    transactional_ddl = False

    def _insert(self, table: sa.Table) -> Any:
        return mysql_dialect.insert(table)

    def stored_uuid(self, originator_id: UUID) -> Any:
        return originator_id.hex

    def chain_lock(self, cur: Any, *, lock_key: int) -> None:
        pass

    def insert_ignore(self, table: sa.Table, key: Sequence[str]) -> sa.Executable:
        # Not INSERT IGNORE, which also turns bad values into warnings: a no-op update of the key.
        stmt = self._insert(table)
        result: sa.Executable = stmt.on_duplicate_key_update({key[0]: table.c[key[0]]})
        return result

    def insert_ignore_sql(self, table: str, columns: Sequence[str], key: Sequence[str] | None) -> str:
        marks = ", ".join(self.mark for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        return sql if key is None else f"{sql} ON DUPLICATE KEY UPDATE {key[0]} = {key[0]}"

    def upsert(
        self, table: sa.Table, key: Sequence[str], update: Sequence[str], newer: str | None = None
    ) -> sa.Executable:
        stmt = self._insert(table)
        if newer is None:
            pairs = [(c, stmt.inserted[c]) for c in update]
        else:
            # MySQL assigns left to right, so the guard column is assigned last.
            grows = table.c[newer] < stmt.inserted[newer]
            ordered = [c for c in update if c != newer] + ([newer] if newer in update else [])
            pairs = [(c, sa.case((grows, stmt.inserted[c]), else_=table.c[c])) for c in ordered]
        result: sa.Executable = stmt.on_duplicate_key_update(pairs)
        return result

    def raw_begin(
        self, cur: Any, *, write: bool, lock_key: int, lock_name: str, events_table: str = ""
    ) -> None:
        if write:
            cur.execute("SELECT GET_LOCK(%s, %s)", (lock_name, LOCK_TIMEOUT))
            if cur.fetchone()[0] != 1:
                raise TimeoutError(f"could not take the lock {lock_name!r} within {LOCK_TIMEOUT}s")
            cur.execute("START TRANSACTION")
            if events_table:
                # The event writers' lock (``projlife.store.mysql_store``): a writer chains its
                # events in its own transaction while holding this row, so sealers take it too
                # and the two append to the chain one after the other, each seeing the other's
                # committed head. Writers never wait for GET_LOCK, so there is no cycle.
                cur.execute(f"SELECT last FROM {events_table}_sequence WHERE id = 1 FOR UPDATE")
                cur.fetchall()
        else:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")

    def raw_end(self, cur: Any, conn: Any, *, commit: bool, write: bool, lock_name: str) -> None:
        try:
            if commit:
                conn.commit()
            else:
                conn.rollback()
        finally:
            if write:
                cur.execute("SELECT RELEASE_LOCK(%s)", (lock_name,))
                cur.fetchall()

    def raw_datetime(self, value: datetime | None) -> Any:
        # naive UTC: the same text through the engine's converters and through the event
        # recorder's plain PyMySQL connection (chain-on-write), which ignores tzinfo
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def stored_originator_id(self, originator_id: str) -> Any:
        return UUID(originator_id).hex


_DIALECTS: dict[str, SQLDialect] = {
    "postgresql": PostgresDialect(),
    "sqlite": SQLiteDialect(),
    "mysql": MySQLDialect(),
    "mariadb": MySQLDialect(),
}


def sql_dialect(of: str | sa.Connection | sa.Engine) -> SQLDialect:
    """The dialect of a connection, an engine, or a :class:`DatabaseURL` dialect name."""
    name = of if isinstance(of, str) else of.dialect.name
    return _DIALECTS[name]


# -- MariaDB/MySQL engine ------------------------------------------------------------------


@compiles(sa.DateTime, "mysql")
@compiles(sa.DateTime, "mariadb")
def _datetime_with_microseconds(type_: sa.DateTime, compiler: Any, **kw: Any) -> str:
    """``DATETIME(6)``: MySQL's bare ``DATETIME`` drops microseconds."""
    return "DATETIME(6)"


def _escape_utc(value: datetime, mapping: Any = None) -> str:
    from pymysql.converters import escape_datetime

    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    result: str = escape_datetime(value, mapping)
    return result


def _decode_utc(value: Any) -> Any:
    from pymysql.converters import convert_datetime

    parsed = convert_datetime(value)
    return parsed.replace(tzinfo=UTC) if isinstance(parsed, datetime) else parsed


def mysql_engine(url: DatabaseURL) -> sa.Engine:
    """A SQLAlchemy engine on MariaDB/MySQL: utf8mb4, strict, READ COMMITTED, times in UTC.

    Every projlife ``DateTime`` column is timezone-aware; MySQL's ``DATETIME`` has no zone, so
    aware values are written in UTC and read back as UTC, as PostgreSQL's ``timestamptz`` does.
    """
    from pymysql.constants import FIELD_TYPE
    from pymysql.converters import conversions

    from projlife.store.mysql_store import session_statements

    conv = dict(conversions)
    conv[datetime] = _escape_utc
    conv[FIELD_TYPE.DATETIME] = _decode_utc
    conv[FIELD_TYPE.TIMESTAMP] = _decode_utc
    target = sa.engine.make_url("mysql+pymysql://").set(
        username=url.user,
        password=url.password,
        host=url.host,
        port=url.port,
        database=url.database,
        query={"charset": "utf8mb4"},
    )
    engine = sa.create_engine(
        target,
        connect_args={"conv": conv},
        pool_size=4,
        max_overflow=4,
        pool_pre_ping=True,
        pool_recycle=3600,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        with dbapi_conn.cursor() as cur:
            for statement in session_statements(LOCK_TIMEOUT):
                cur.execute(statement)

    return engine
