"""Database URLs: one URL configures the event store and the read models.

``sqlite:///path/to/projlife.db`` is the embedded default;
``postgresql+psycopg://user:password@host:5432/dbname?schema=name`` (or ``postgres://…``) and
``mysql+pymysql://user:password@host:3306/dbname`` (MariaDB/MySQL) are for production.
The event store uses eventsourcing's own recorders on SQLite and PostgreSQL and
:mod:`projlife.store.mysql_store` on MariaDB/MySQL (see ``docs/persistence.md``); read models
use SQLAlchemy on the same database.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import attrs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from projlife.domain.errors import ProjlifeError
from projlife.extras import require

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "SCHEMA_PATTERN",
    "Database",
    "DatabaseURL",
    "UnsupportedDatabase",
    "events_location",
    "quote_schema",
]

Dialect = Literal["sqlite", "postgresql", "mysql"]


def events_location(dialect: str) -> tuple[str, str]:
    """The events table and its log-position column for a dialect (a SQLAlchemy dialect name
    such as ``sqlite``, ``postgresql``, ``mysql`` or ``mariadb`` will do)."""
    return ("stored_events", "rowid") if dialect == "sqlite" else ("projlife_events", "notification_id")


CONNECT_TIMEOUT = 5
"""Seconds to wait for a database server before giving up (both the event store and read models)."""
IDLE_IN_TRANSACTION_TIMEOUT = 300
"""Seconds PostgreSQL lets a session sit idle inside a transaction before ending it.

eventsourcing's default is 5 s; a large chunked save that chains its events in Python can pause
longer than that between statements on a loaded machine, and the server then kills the
connection mid-save ("terminating connection due to idle-in-transaction timeout"). Five minutes
still ends a transaction abandoned by a crashed client."""
_SUPPORTED = (
    "sqlite:///PATH, postgresql+psycopg://USER@HOST:PORT/DB[?schema=NAME] "
    "or mysql+pymysql://USER@HOST:PORT/DB (MariaDB/MySQL)"
)
_TESTED = "tested: SQLite 3, PostgreSQL 15 and MariaDB 10.11 (see docs/persistence.md)"
_COMPATIBLE: dict[str, tuple[str, str]] = {
    # backend name in the URL: (engine, the path it would take)
    "opengauss": ("openGauss", "postgresql+psycopg://"),
    "gaussdb": ("GaussDB", "postgresql+psycopg://"),
    "kingbase": ("KingbaseES", "postgresql+psycopg://"),
    "kingbase8": ("KingbaseES", "postgresql+psycopg://"),
    "kingbasees": ("KingbaseES", "postgresql+psycopg://"),
    "oceanbase": ("OceanBase", "mysql+pymysql://"),
    "tidb": ("TiDB", "mysql+pymysql://"),
}

SCHEMA_PATTERN = re.compile(r"[a-z_][a-z0-9_]{0,62}")
"""A PostgreSQL schema name projlife accepts: lowercase ASCII letters, digits and ``_``,
starting with a letter or ``_``, at most 63 characters (PostgreSQL's identifier limit).

Lowercase only, because PostgreSQL folds unquoted names: ``Drive2024`` and ``drive2024``
would otherwise be two schemas to one tool and one schema to another. Names are also
quoted wherever they are used."""

DEFAULT_LOCK_TIMEOUT = {"sqlite": 30, "postgresql": 10, "mysql": 10}
"""Seconds a write waits for a lock before raising ``StoreLocked`` (``?lock_timeout=N``)."""


class UnsupportedDatabase(ProjlifeError):
    """The URL names a database projlife cannot store events in."""


@attrs.frozen
class DatabaseURL:
    """A parsed database URL and everything derived from it."""

    raw: str
    dialect: Dialect
    sqlite_path: str | None = None
    host: str | None = None
    port: int | None = None
    user: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    database: str | None = None
    schema: str | None = None
    sqlite_synchronous: str = "NORMAL"
    lock_timeout: int = 10

    @classmethod
    def parse(cls, url: str | DatabaseURL) -> DatabaseURL:
        if isinstance(url, DatabaseURL):
            return url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise UnsupportedDatabase(f"open database {url!r}", "not a database URL", _SUPPORTED) from None
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            if parsed.host:
                raise UnsupportedDatabase(
                    f"open database {url!r}",
                    f"{parsed.host!r} is read as a host name: a SQLite file path follows three slashes",
                    f"sqlite:///{parsed.host} (relative) or sqlite:////absolute/path.db",
                )
            path = parsed.database or ""
            if path in ("", ":memory:") or "mode=memory" in path:
                raise UnsupportedDatabase(
                    f"open database {url!r}",
                    "an in-memory SQLite database cannot be shared by the event store and the read models",
                    "a file path, e.g. sqlite:///projlife.db",
                )
            sync = parsed.query.get("synchronous", "normal")
            sync = (sync[0] if isinstance(sync, tuple) else sync).upper()
            if sync not in ("NORMAL", "FULL", "EXTRA"):
                raise UnsupportedDatabase(
                    f"open database {url!r}",
                    f"synchronous={sync.lower()} is not supported",
                    "normal, full or extra",
                )
            return cls(
                raw=url,
                dialect="sqlite",
                sqlite_path=str(Path(path).expanduser()),
                sqlite_synchronous=sync,
                lock_timeout=_lock_timeout(url, parsed.query.get("lock_timeout"), "sqlite"),
            )
        if backend in ("postgresql", "postgres"):
            # ``postgres://`` and ``postgresql://`` (no driver named) mean psycopg 3.
            require("postgres", "psycopg", "psycopg_pool")
            driver = parsed.get_driver_name() if "+" in parsed.drivername else "psycopg"
            if driver not in ("psycopg", "psycopg3"):
                raise UnsupportedDatabase(
                    f"open database {url!r}", f"driver {driver!r} is not supported", "postgresql+psycopg://…"
                )
            schema = parsed.query.get("schema")
            if isinstance(schema, tuple):
                schema = schema[0]
            if schema is not None and not SCHEMA_PATTERN.fullmatch(schema):
                raise UnsupportedDatabase(
                    f"open database {url!r}",
                    f"schema name {schema!r} is not allowed",
                    "1-63 lowercase ASCII letters, digits and _, not starting with a digit, e.g. drive2024",
                )
            return cls(
                **_server(url, parsed, "postgresql", port=5432, user="postgres"),
                database=parsed.database or "postgres",
                schema=schema,
            )
        if backend in ("mysql", "mariadb"):
            require("mysql", "pymysql")
            driver = parsed.get_driver_name() if "+" in parsed.drivername else "pymysql"
            if driver != "pymysql":
                raise UnsupportedDatabase(
                    f"open database {url!r}",
                    f"driver {driver!r} is not supported (PyMySQL is the tested driver)",
                    "mysql+pymysql://…",
                )
            if not parsed.database:
                raise UnsupportedDatabase(
                    f"open database {url!r}",
                    "no database named in the URL",
                    "mysql+pymysql://USER@HOST:PORT/DB",
                )
            return cls(**_server(url, parsed, "mysql", port=3306, user="root"), database=parsed.database)
        if backend in _COMPATIBLE:
            engine, path = _COMPATIBLE[backend]
            raise UnsupportedDatabase(
                f"open database {url!r}",
                f"{engine} is not tested with projlife ({_TESTED}); it claims compatibility with the "
                f"{path} path, which you may point at it at your own risk",
                _SUPPORTED,
            )
        raise UnsupportedDatabase(
            f"open database {url!r}",
            f"{backend} is not supported for the event store ({_TESTED})",
            _SUPPORTED,
        )

    @property
    def events_table(self) -> str:
        """The table eventsourcing stores events in."""
        return events_location(self.dialect)[0]

    @property
    def position_column(self) -> str:
        """The event table's column holding the notification id (the log position)."""
        return events_location(self.dialect)[1]

    def eventsourcing_env(self) -> dict[str, str]:
        """Environment for eventsourcing's InfrastructureFactory."""
        if self.dialect == "sqlite":
            assert self.sqlite_path is not None
            return {
                "PERSISTENCE_MODULE": "projlife.store.sqlite_store:SQLiteStoreFactory",
                "SQLITE_DBNAME": self.sqlite_path,
                "SQLITE_SYNCHRONOUS": self.sqlite_synchronous,
                "SQLITE_LOCK_TIMEOUT": str(self.lock_timeout),
                "CREATE_TABLE": "n",
            }
        if self.dialect == "mysql":
            return {
                "PERSISTENCE_MODULE": "projlife.store.mysql_store:MySQLFactory",
                "MYSQL_DBNAME": self.database or "",
                "MYSQL_HOST": self.host or "localhost",
                "MYSQL_PORT": str(self.port or 3306),
                "MYSQL_USER": self.user or "root",
                "MYSQL_PASSWORD": self.password or "",
                "MYSQL_LOCK_TIMEOUT": str(self.lock_timeout),
                "MYSQL_POOL_SIZE": "4",
                "CREATE_TABLE": "n",
            }
        env = {
            "PERSISTENCE_MODULE": "projlife.store.postgres_store:PostgresStoreFactory",
            "POSTGRES_DBNAME": self.database or "postgres",
            "POSTGRES_HOST": self.host or "localhost",
            "POSTGRES_PORT": str(self.port or 5432),
            "POSTGRES_USER": self.user or "postgres",
            "POSTGRES_PASSWORD": self.password or "",
            "POSTGRES_LOCK_TIMEOUT": str(self.lock_timeout),
            "POSTGRES_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": str(IDLE_IN_TRANSACTION_TIMEOUT),
            "POSTGRES_POOL_SIZE": "4",
            "CREATE_TABLE": "n",
        }
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        return env

    def create_engine(self) -> Engine:
        """A SQLAlchemy engine on the same database (and schema) as the events."""
        if self.dialect == "sqlite":
            return _sqlite_engine(str(self.sqlite_path), self.sqlite_synchronous, self.lock_timeout)
        if self.dialect == "mysql":
            from projlife.store.dialect import mysql_engine

            return mysql_engine(self)
        connect_args: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT}
        if self.schema:
            connect_args["options"] = f"-csearch_path={quote_schema(self.schema)}"
        url = make_url("postgresql+psycopg://").set(
            username=self.user,
            password=self.password,
            host=self.host,
            port=self.port,
            database=self.database,
        )
        # pre-ping: a pooled connection whose backend was killed is replaced, not handed out
        return create_engine(url, connect_args=connect_args, pool_size=4, max_overflow=4, pool_pre_ping=True)


def quote_schema(schema: str) -> str:
    """``schema`` as a quoted PostgreSQL identifier (it has passed :data:`SCHEMA_PATTERN`)."""
    if not SCHEMA_PATTERN.fullmatch(schema):
        raise ValueError(f"schema name {schema!r} does not match {SCHEMA_PATTERN.pattern}")
    return f'"{schema}"'


def _server(url: str, parsed: Any, dialect: Dialect, *, port: int, user: str) -> dict[str, Any]:
    """The fields a server URL (PostgreSQL, MariaDB/MySQL) gives, with the dialect's defaults."""
    return {
        "raw": url,
        "dialect": dialect,
        "host": parsed.host or "localhost",
        "port": parsed.port or port,
        "user": parsed.username or user,
        "password": parsed.password if parsed.password is None else str(parsed.password),
        "lock_timeout": _lock_timeout(url, parsed.query.get("lock_timeout"), dialect),
    }


def _lock_timeout(url: str, value: str | tuple[str, ...] | None, dialect: Dialect) -> int:
    if value is None:
        return DEFAULT_LOCK_TIMEOUT[dialect]
    text = value[0] if isinstance(value, tuple) else value
    if not text.isdigit() or not 1 <= int(text) <= 3600:
        raise UnsupportedDatabase(
            f"open database {url!r}", f"lock_timeout={text!r} is not allowed", "whole seconds from 1 to 3600"
        )
    return int(text)


def _sqlite_engine(path: str, synchronous: str = "NORMAL", lock_timeout: int = 30) -> Engine:
    """SQLAlchemy's recipe for pysqlite: real transactions, WAL, a busy timeout."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": lock_timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # ``conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")`` takes the write
        # lock up front (projection runners, table creation).
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine


class Database:
    """One database's URL and its SQLAlchemy engine (created on first use, disposed by ``close``)."""

    def __init__(self, url: str | DatabaseURL) -> None:
        self.url = DatabaseURL.parse(url)
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine for read models (same database as the events)."""
        if self._engine is None:
            self._engine = self.url.create_engine()
        return self._engine

    def close(self) -> None:
        """Dispose of the engine's connections (a later use opens a new engine)."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
