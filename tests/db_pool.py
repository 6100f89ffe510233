"""Initialised databases for the tests, created once per test process and emptied between tests.

Creating projlife's tables is most of what a PostgreSQL or MariaDB test used to cost (about 0.4 s
a schema on PostgreSQL, 1.7 s a database on MariaDB: every DDL statement commits there). A
:class:`ServerPool` keeps, per test process, one *pristine* database (tables created, never
written to) and one *working* database handed to the tests one after another. After each test the
working database is put back exactly as the pristine one is:

* every table that has rows now, or had rows when pristine, is emptied and refilled from the
  pristine copy (MariaDB's ``projlife_events_sequence`` is seeded by ``create_tables()``);
* every PostgreSQL sequence and MariaDB ``AUTO_INCREMENT`` counter that moved is reset, so a test
  sees the same notification ids and row ids it would see in a new database;
* tables a test added (``projlife serve`` creates ``server_idempotency`` on first use) are
  dropped; the rest of the schema (tables, columns, defaults, indexes, constraints, triggers,
  routines) is compared with what it was when the working database was created; if a test changed it, or the reset fails for any reason (a lock
  still held by a connection the test left open), the working database is dropped and a new one
  is created for the next test.

So a test never sees another test's rows, and never a schema another test changed. A test that
needs a database without projlife's tables asks for the ``empty_db_url`` fixture instead.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["MySQLPool", "PostgresPool", "ServerPool"]


class ServerPool:
    """One pristine and one working projlife database on a server, for one test process."""

    prefix = "t_"

    def __init__(self) -> None:
        self._pristine: str | None = None
        self._working: str | None = None
        self._tables: list[str] = []
        self._seeded: list[str] = []
        self._fingerprint: list[tuple[Any, ...]] = []  # the working database's, as created
        self._counters: dict[str, Any] = {}
        self._dropped_later: list[str] = []
        self.replaced: list[str] = []  # why a working database was replaced, test by test

    # -- what a dialect supplies --------------------------------------------------------------------

    def url_for(self, name: str) -> str:
        raise NotImplementedError

    def new_container(self) -> str:
        raise NotImplementedError

    def drop_container(self, name: str) -> None:
        raise NotImplementedError

    def connection(self) -> Any:
        raise NotImplementedError

    def tables(self, cur: Any, name: str) -> list[str]:
        raise NotImplementedError

    def fingerprint(self, cur: Any, name: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def counters(self, cur: Any, name: str) -> dict[str, Any]:
        raise NotImplementedError

    def reset(self, cur: Any, name: str, refill: list[str], counters: list[str]) -> None:
        raise NotImplementedError

    def quote(self, name: str, table: str) -> str:
        raise NotImplementedError

    def drop_tables(self, cur: Any, name: str, tables: list[str]) -> None:
        cur.execute("DROP TABLE " + ", ".join(self.quote(name, t) for t in tables))

    # -- the pool ---------------------------------------------------------------------------------------

    def _initialised(self) -> str:
        from projlife.app.application import connect

        name = self.new_container()
        connect(self.url_for(name), create_tables=True).close()
        return name

    def _nonempty(self, cur: Any, name: str) -> list[str]:
        probes = " UNION ALL ".join(
            f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {self.quote(name, t)})" for t in self._tables
        )
        cur.execute(probes)
        return [row[0] for row in cur.fetchall()]

    def acquire(self) -> str:
        """The URL of a database with projlife's tables and the rows ``create_tables()`` leaves."""
        if self._pristine is None:
            self._pristine = self._initialised()
            with self.connection() as conn:
                cur = conn.cursor()
                self._tables = self.tables(cur, self._pristine)
                self._seeded = self._nonempty(cur, self._pristine)
                self._counters = self.counters(cur, self._pristine)
        if self._working is None:
            self._working = self._initialised()
            with self.connection() as conn:
                self._fingerprint = self.fingerprint(conn.cursor(), self._working)
        return self.url_for(self._working)

    def release(self) -> None:
        """Put the working database back as the pristine one is, or replace it."""
        name = self._working
        if name is None or self._pristine is None:
            return
        try:
            with self.connection() as conn:
                cur = conn.cursor()
                now_fp = set(self.fingerprint(cur, name))
                added = sorted(set(self.tables(cur, name)) - set(self._tables))
                if added and now_fp > set(self._fingerprint):
                    # only new tables (the server's idempotency table, a test's own): drop them
                    self.drop_tables(cur, name, added)
                    now_fp = set(self.fingerprint(cur, name))
                changed = now_fp ^ set(self._fingerprint)
                if changed:
                    raise RuntimeError(f"the test changed the schema: {sorted(changed)[:6]}")
                refill = sorted(set(self._nonempty(cur, name)) | set(self._seeded))
                now = self.counters(cur, name)
                moved = [k for k, v in now.items() if self._counters.get(k) != v]
                if set(now) != set(self._counters):
                    raise RuntimeError("the counters differ from the pristine database's")
                self.reset(cur, name, refill, moved)
                if self.counters(cur, name) != self._counters or sorted(self._nonempty(cur, name)) != sorted(
                    self._seeded
                ):
                    raise RuntimeError("the reset did not restore the pristine state")
        except Exception as exc:
            self._working = None
            self.replaced.append(f"{type(exc).__name__}: {exc}")
            self._discard(name)

    def _discard(self, name: str) -> None:
        try:
            self.drop_container(name)
        except Exception:
            self._dropped_later.append(name)

    def close(self) -> None:
        trace = os.environ.get("PROJLIFE_TEST_POOL_TRACE")
        if trace:
            with open(trace, "a", encoding="utf-8") as f:
                f.write(f"{type(self).__name__} pid {os.getpid()}: {len(self.replaced)} replaced\n")
                f.writelines(f"  {r}\n" for r in self.replaced)
        for name in [self._working, self._pristine, *self._dropped_later]:
            if name is not None:
                with contextlib.suppress(Exception):  # a leftover t_… database is only litter
                    self.drop_container(name)
        self._working = self._pristine = None
        self._dropped_later = []


class PostgresPool(ServerPool):
    """Schemas ``t_…`` in the test database (``PROJLIFE_TEST_POSTGRES``)."""

    def __init__(self, base_url: str, drop_schema: Callable[[str], None]) -> None:
        super().__init__()
        self.base_url = base_url
        self._drop_schema = drop_schema

    def url_for(self, name: str) -> str:
        sep = "&" if "?" in self.base_url else "?"
        return f"{self.base_url}{sep}schema={name}"

    def new_container(self) -> str:
        return f"{self.prefix}{uuid.uuid4().hex[:12]}"  # connect() creates the schema

    def drop_container(self, name: str) -> None:
        self._drop_schema(name)

    def connection(self) -> Any:
        import psycopg

        from projlife.store.database import DatabaseURL

        u = DatabaseURL.parse(self.base_url)
        conn = psycopg.connect(
            host=u.host,
            port=u.port,
            user=u.user,
            password=u.password or None,
            dbname=u.database,
            autocommit=True,
        )
        conn.execute("SET lock_timeout = '10s'")
        return conn

    def quote(self, name: str, table: str) -> str:
        return f'"{name}"."{table}"'

    def drop_tables(self, cur: Any, name: str, tables: list[str]) -> None:
        cur.execute("DROP TABLE " + ", ".join(self.quote(name, t) for t in tables) + " CASCADE")

    def tables(self, cur: Any, name: str) -> list[str]:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (name,))
        return [r[0] for r in cur.fetchall()]

    def fingerprint(self, cur: Any, name: str) -> list[tuple[Any, ...]]:
        # The schema's tables, sequences, views and indexes; their columns, defaults, constraints,
        # index keys and triggers; its functions and types: read from the catalogs (cheaper than
        # information_schema), compared with what they were when the working schema was created.
        cur.execute(
            """
            WITH ns AS (SELECT oid FROM pg_namespace WHERE nspname = %(s)s),
                 rel AS (SELECT oid, relname FROM pg_class WHERE relnamespace = (SELECT oid FROM ns))
            SELECT 'class', relname, relkind::text || ':' || coalesce(array_to_string(reloptions, ','), '')
              FROM pg_class WHERE relnamespace = (SELECT oid FROM ns)
            UNION ALL SELECT 'att', r.relname, attname || ':' || atttypid || ':' || atttypmod || ':' || attnotnull
                        || ':' || attisdropped || ':' || atthasdef || ':' || attnum
                        FROM pg_attribute a JOIN rel r ON r.oid = a.attrelid WHERE attnum > 0
            UNION ALL SELECT 'def', r.relname, adnum || ':' || md5(adbin::text)
                        FROM pg_attrdef d JOIN rel r ON r.oid = d.adrelid
            UNION ALL SELECT 'con', conname, contype::text || ':' || conkey::text || ':' || coalesce(confkey::text, '')
                        FROM pg_constraint WHERE connamespace = (SELECT oid FROM ns)
            UNION ALL SELECT 'idx', r.relname, indkey::text || ':' || indisunique || ':' || md5(coalesce(indpred::text, ''))
                        FROM pg_index i JOIN rel r ON r.oid = i.indexrelid
            UNION ALL SELECT 'trg', tgname, tgenabled::text || ':' || tgfoid || ':' || tgtype
                        FROM pg_trigger t JOIN rel r ON r.oid = t.tgrelid WHERE NOT tgisinternal
            UNION ALL SELECT 'proc', proname, md5(prosrc) || ':' || proargtypes::text
                        FROM pg_proc WHERE pronamespace = (SELECT oid FROM ns)
            UNION ALL SELECT 'type', typname, typtype::text || ':' || typrelid
                        FROM pg_type WHERE typnamespace = (SELECT oid FROM ns)
            """,
            {"s": name},
        )
        return sorted(tuple(r) for r in cur.fetchall())

    def counters(self, cur: Any, name: str) -> dict[str, Any]:
        cur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s", (name,))
        return {r[0]: r[1] for r in cur.fetchall()}

    def reset(self, cur: Any, name: str, refill: list[str], counters: list[str]) -> None:
        assert self._pristine is not None
        cur.execute("BEGIN")
        if refill:
            # one statement for every table: no foreign key between them is broken halfway
            cur.execute("DELETE FROM " + "; DELETE FROM ".join(self.quote(name, t) for t in refill))
            for t in refill:
                if t in self._seeded:
                    cur.execute(
                        f"INSERT INTO {self.quote(name, t)} SELECT * FROM {self.quote(self._pristine, t)}"
                    )
        for seq in counters:
            cur.execute(f'ALTER SEQUENCE "{name}"."{seq}" RESTART')
        cur.execute("COMMIT")


class MySQLPool(ServerPool):
    """Databases ``t_…`` on the MariaDB/MySQL server (``PROJLIFE_TEST_MYSQL``)."""

    def url_for(self, name: str) -> str:
        from mysql_helpers import mysql_url_for

        return mysql_url_for(name)

    def new_container(self) -> str:
        from mysql_helpers import create_mysql_database

        return create_mysql_database()

    def drop_container(self, name: str) -> None:
        from mysql_helpers import drop_mysql_database

        drop_mysql_database(name)

    def connection(self) -> Any:
        from mysql_helpers import _mysql_connect

        conn = _mysql_connect()
        with conn.cursor() as cur:
            cur.execute("SET SESSION lock_wait_timeout = 10, innodb_lock_wait_timeout = 10")
        return conn

    def quote(self, name: str, table: str) -> str:
        return f"`{name}`.`{table}`"

    def tables(self, cur: Any, name: str) -> list[str]:
        cur.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_type = 'BASE TABLE' "
            "ORDER BY 1",
            (name,),
        )
        return [r[0] for r in cur.fetchall()]

    def _nonempty(self, cur: Any, name: str) -> list[str]:
        probes = " UNION ALL ".join(
            f"SELECT '{t}' FROM DUAL WHERE EXISTS (SELECT 1 FROM {self.quote(name, t)})" for t in self._tables
        )
        cur.execute(probes)
        return [row[0] for row in cur.fetchall()]

    def fingerprint(self, cur: Any, name: str) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for query in (
            "SELECT 'tbl', table_name, table_type, engine, table_collation FROM information_schema.tables "
            "WHERE table_schema = %s",
            "SELECT 'col', table_name, column_name, column_type, is_nullable, column_default, extra, collation_name "
            "FROM information_schema.columns WHERE table_schema = %s",
            "SELECT 'idx', table_name, index_name, column_name, seq_in_index, non_unique "
            "FROM information_schema.statistics WHERE table_schema = %s",
            "SELECT 'trg', trigger_name, event_object_table, action_timing, event_manipulation, action_statement "
            "FROM information_schema.triggers WHERE trigger_schema = %s",
            "SELECT 'fn', routine_name, routine_type, routine_definition FROM information_schema.routines "
            "WHERE routine_schema = %s",
        ):
            cur.execute(query, (name,))
            rows.extend(
                tuple("" if v is None else str(v).replace(name, "<db>") for v in r) for r in cur.fetchall()
            )
        return sorted(rows)

    def counters(self, cur: Any, name: str) -> dict[str, Any]:
        cur.execute(
            "SELECT table_name, auto_increment FROM information_schema.tables "
            "WHERE table_schema = %s AND auto_increment IS NOT NULL",
            (name,),
        )
        return {r[0]: r[1] for r in cur.fetchall()}

    def reset(self, cur: Any, name: str, refill: list[str], counters: list[str]) -> None:
        assert self._pristine is not None
        cur.execute("SET SESSION foreign_key_checks = 0")
        try:
            cur.execute("START TRANSACTION")
            for t in refill:
                cur.execute(f"DELETE FROM {self.quote(name, t)}")
                if t in self._seeded:
                    cur.execute(
                        f"INSERT INTO {self.quote(name, t)} SELECT * FROM {self.quote(self._pristine, t)}"
                    )
            cur.execute("COMMIT")
        finally:
            cur.execute("SET SESSION foreign_key_checks = 1")
        for t in counters:
            cur.execute(f"ALTER TABLE {self.quote(name, t)} AUTO_INCREMENT = {int(self._counters[t])}")


def pools_enabled() -> bool:
    """``PROJLIFE_TEST_FRESH_DATABASES=1`` gives every test a newly created database, as before the pool."""
    return os.environ.get("PROJLIFE_TEST_FRESH_DATABASES", "") not in ("1", "true", "yes")
