"""The SQL schema projlife owns beside the event store, and its creation.

Read models declare their tables on :data:`metadata`; modules that do so are listed
in :data:`SCHEMA_MODULES` so that :func:`create_all` knows every table.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import Engine, MetaData, inspect, text
from sqlalchemy.exc import DBAPIError

from projlife.store.database import DatabaseURL, quote_schema
from projlife.store.dialect import named_lock

__all__ = ["SCHEMA_MODULES", "create_all", "has_event_table", "metadata"]

metadata = MetaData()
"""Every read-model table projlife creates."""

SCHEMA_MODULES: list[str] = []
"""Modules that add tables to :data:`metadata` (imported before creating tables)."""
SCHEMA_MODULES.append("projlife.projections.runner")
SCHEMA_MODULES.append("projlife.projections.facts")
SCHEMA_MODULES.append("projlife.tickets.projection")
SCHEMA_MODULES.append("projlife.projections.details")
SCHEMA_MODULES.append("projlife.projections.office")
SCHEMA_MODULES.append("projlife.projections.rebuilds")
SCHEMA_MODULES.append("projlife.store.calendar_notices")

_LOCK_KEY = 0x70726F6A  # "proj"


def _event_table_statements(url: DatabaseURL) -> list[str]:
    if url.dialect == "sqlite":
        # eventsourcing's SQLite application recorder, verbatim (rowid is the notification id).
        return [
            "CREATE TABLE IF NOT EXISTS stored_events ("
            "originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
            "PRIMARY KEY (originator_id, originator_version))",
        ]
    return []


def create_all(url: DatabaseURL, engine: Engine) -> None:
    """Create the event table and every read-model table, idempotently.

    All DDL runs in one transaction under a lock (``BEGIN EXCLUSIVE`` on SQLite, a
    transaction-scoped advisory lock on PostgreSQL), so two processes may call it at once.
    """
    for module in SCHEMA_MODULES:
        importlib.import_module(module)
    if url.dialect == "postgresql":
        _create_postgres(url, engine)
        return
    if url.dialect == "mysql":
        _create_mysql(url, engine)
        return
    with engine.connect().execution_options(sqlite_begin="BEGIN EXCLUSIVE") as conn, conn.begin():
        for statement in _event_table_statements(url):
            conn.exec_driver_sql(statement)
        metadata.create_all(conn, checkfirst=True)


def _create_postgres(url: DatabaseURL, engine: Engine) -> None:
    from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

    datastore = PostgresDatastore(
        dbname=url.database or "postgres",
        host=url.host or "localhost",
        port=str(url.port or 5432),
        user=url.user or "postgres",
        password=url.password or "",
        schema=url.schema or "",
    )
    try:
        recorder = PostgresApplicationRecorder(datastore, events_table_name=url.events_table)
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            if url.schema:
                conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {quote_schema(url.schema)}"))
            raw: Any = conn.connection.driver_connection
            for statement in recorder.sql_create_statements:
                ddl = statement.as_string(raw)
                if ddl.lstrip().upper().startswith("CREATE TYPE"):
                    # PostgreSQL has no CREATE TYPE IF NOT EXISTS: try it in a savepoint.
                    try:
                        with conn.begin_nested():
                            conn.exec_driver_sql(ddl)
                    except DBAPIError as exc:
                        if "already exists" not in str(exc.orig):
                            raise
                else:
                    conn.exec_driver_sql(ddl)
            metadata.create_all(conn, checkfirst=True)
    finally:
        datastore.close()


def _create_mysql(url: DatabaseURL, engine: Engine) -> None:
    """MySQL commits around every DDL statement: a named lock (``GET_LOCK``) serialises creators."""
    from projlife.store.mysql_store import application_table_statements

    lock = named_lock("ddl", url.database)
    with engine.connect() as conn:
        if conn.exec_driver_sql("SELECT GET_LOCK(%s, 60)", (lock,)).scalar() != 1:
            raise TimeoutError(f"another process held the lock {lock!r} for 60 s while creating tables")
        try:
            for statement in application_table_statements(url.events_table):
                conn.exec_driver_sql(statement)
            for table in metadata.tables.values():
                # utf8mb4 with a binary collation: text compares as on PostgreSQL and SQLite, case and all.
                table.dialect_kwargs.update(
                    mysql_engine="InnoDB", mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin"
                )
            metadata.create_all(conn, checkfirst=True)
            conn.commit()
        finally:
            conn.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (lock,))
            conn.commit()


def has_event_table(url: DatabaseURL, engine: Engine) -> bool:
    """Whether the event table exists (the database was initialised)."""
    return inspect(engine).has_table(url.events_table, schema=url.schema)
