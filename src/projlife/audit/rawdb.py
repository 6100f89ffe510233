"""Raw DB-API access to the event table and the audit tables, for speed.

Hashing the whole log must run at well over 100k events/s, so the audit reads rows
through the driver's own cursor (``sqlite3``, ``psycopg`` or ``pymysql``) in keyset-paginated
batches instead of through SQLAlchemy's result objects. This module hides the few
differences (through :mod:`projlife.store.dialect`): parameter style, the position column,
the write lock, the snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from projlife.store.database import DatabaseURL
from projlife.store.dialect import audit_lock_key, named_lock, sql_dialect

from .pgpacked import packed_sql, unpack_rows

__all__ = ["JoinedRow", "RawDB", "StoredRow"]

StoredRow = tuple[int, Any, int, str, Any]
"""(position, originator_id, originator_version, topic, state) as the driver returns them."""

JoinedRow = tuple[Any, ...]
"""A stored event with its chain row and its log row beside it (see :meth:`RawDB.joined_rows`)."""


class RawDB:
    """The event table and the audit tables through one raw driver connection."""

    def __init__(self, url: DatabaseURL, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.dialect = sql_dialect(url.dialect)
        self.p = self.dialect.mark
        # MariaDB/MySQL: per database and event table (PostgreSQL: per schema, ``audit_lock_key``)
        self._lock_name = named_lock("audit", url.database or url.sqlite_path, url.events_table)
        self.lock_key = audit_lock_key(url.schema)
        pos = url.position_column
        self._stored_sql = (
            f"SELECT {pos}, originator_id, originator_version, topic, state FROM {url.events_table} "
            f"WHERE {pos} > {self.p} ORDER BY {pos} LIMIT {self.p}"
        )
        self._stored_between_sql = (
            f"SELECT {pos}, originator_id, originator_version, topic, state FROM {url.events_table} "
            f"WHERE {pos} > {self.p} AND {pos} < {self.p} ORDER BY {pos} LIMIT {self.p}"
        )
        self._stored_at_sql = (
            f"SELECT {pos}, originator_id, originator_version, topic, state FROM {url.events_table} "
            f"WHERE {pos} = {self.p}"
        )
        # PostgreSQL stores a uuid: its text form is the canonical one, and cheaper to load than
        # a UUID object; SQLite and MariaDB store 32 hex digits, checked by ``canonical_id``.
        self.ids_are_canonical = self.dialect.name == "postgresql"
        oid = "e.originator_id::text" if self.ids_are_canonical else "e.originator_id"
        self._packed_sql = packed_sql(url.events_table, pos, self.p) if self.ids_are_canonical else None
        self._joined_sql = (
            f"SELECT e.{pos}, {oid}, e.originator_version, e.topic, e.state, "
            "c.seq, c.event_hash, c.chain_hash, l.position, l.event_type, l.summary, l.actor_id, "
            f"l.actor_role, l.actor_area, l.reason, l.evidence FROM {url.events_table} e "
            f"LEFT JOIN audit_chain c ON c.position = e.{pos} LEFT JOIN audit_log l ON l.position = e.{pos} "
            f"WHERE e.{pos} > {self.p} ORDER BY e.{pos} LIMIT {self.p}"
        )

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[Any]:
        """A raw cursor in one transaction; ``write`` takes the audit's write lock first.

        Reads see one snapshot: SQLite's read transaction, PostgreSQL's
        ``REPEATABLE READ``. Commits on success, rolls back on error.
        """
        fairy = self.engine.raw_connection()
        conn: Any = fairy.driver_connection
        dialect = self.dialect
        try:
            cur = conn.cursor()
            dialect.raw_begin(
                cur,
                write=write,
                lock_key=self.lock_key,
                lock_name=self._lock_name,
                events_table=self.url.events_table,
            )
            try:
                yield cur
            except BaseException:
                dialect.raw_end(cur, conn, commit=False, write=write, lock_name=self._lock_name)
                raise
            dialect.raw_end(cur, conn, commit=True, write=write, lock_name=self._lock_name)
            cur.close()
        finally:
            fairy.close()

    def stored_rows(self, cur: Any, after: int, limit: int) -> Sequence[StoredRow]:
        """Up to ``limit`` stored events after position ``after``, in log order."""
        cur.execute(self._stored_sql, (after, limit))
        rows: Sequence[StoredRow] = cur.fetchall()
        return rows

    def joined_rows(self, cur: Any, after: int, limit: int) -> Sequence[JoinedRow]:
        """Up to ``limit`` stored events after position ``after``, in log order, each with the
        ``audit_chain`` and ``audit_log`` rows at its position (``NULL`` where there is none):

        ``(position, originator_id, originator_version, topic, state, seq, event_hash,
        chain_hash, log position, event_type, summary, actor_id, actor_role, actor_area,
        reason, evidence)``; on PostgreSQL the originator id comes as its canonical text in
        ASCII bytes, and the batch as one packed value (:mod:`.pgpacked`).
        """
        if self._packed_sql is not None:
            cur.execute(self._packed_sql, (after, limit), binary=True)
            blob, count, _ = cur.fetchone()
            packed = unpack_rows(blob)
            if len(packed) != count:
                raise ValueError("a joined row packed to NULL")  # a NULL where the schema allows none
            return packed
        cur.execute(self._joined_sql, (after, limit))
        rows: Sequence[JoinedRow] = cur.fetchall()
        return rows

    def stored_rows_between(self, cur: Any, after: int, before: int, limit: int) -> Sequence[StoredRow]:
        """Up to ``limit`` stored events strictly between two positions, in log order."""
        cur.execute(self._stored_between_sql, (after, before, limit))
        rows: Sequence[StoredRow] = cur.fetchall()
        return rows

    def stored_row_at(self, cur: Any, position: int) -> StoredRow | None:
        cur.execute(self._stored_at_sql, (position,))
        row: StoredRow | None = cur.fetchone()
        return row

    def position_of(self, cur: Any, originator_id: str, version: int) -> int | None:
        """Where the event table stores version ``version`` of ``originator_id`` (canonical text)."""
        stored_id: Any = self.dialect.stored_originator_id(originator_id)
        pos = self.url.position_column
        cur.execute(
            self.q(
                f"SELECT {pos} FROM {self.url.events_table} WHERE originator_id = ? AND originator_version = ?"
            ),
            (stored_id, version),
        )
        row = cur.fetchone()
        return int(row[0]) if row else None

    def q(self, sql: str) -> str:
        """``sql`` written with ``?`` placeholders, in this driver's style."""
        return sql if self.p == "?" else sql.replace("?", self.p)

    @staticmethod
    def as_bytes(value: Any) -> bytes:
        """A BLOB/bytea value as ``bytes`` (psycopg may hand out ``memoryview``)."""
        return value if isinstance(value, bytes) else bytes(value)
