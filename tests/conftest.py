"""Shared fixtures: a projlife on SQLite, PostgreSQL and MariaDB/MySQL, with the same tests for each.

PostgreSQL tests use ``PROJLIFE_TEST_POSTGRES`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), in schemas ``t_…`` of their own that are
dropped afterwards. MariaDB/MySQL tests use ``PROJLIFE_TEST_MYSQL`` (default
``mysql+pymysql://root@127.0.0.1:3306/test``, whose account may create databases), in databases
``t_…`` of their own that are dropped afterwards. They skip with a reason when no server answers,
except under ``CI=true``, where an unreachable server is a failure.

``db_url`` (and ``app``) is a database with projlife's tables and no rows: each test process
creates the tables once and empties them after every test (``tests/db_pool.py`` says how, and
how a changed schema is replaced). ``empty_db_url`` is a new database without tables.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from db_pool import MySQLPool, PostgresPool, ServerPool, pools_enabled
from mysql_helpers import create_mysql_database, drop_mysql_database, mysql_url_for, require_mysql
from projlife.app.application import Projlife, connect

# Wall-clock deadlines make property tests flaky on a shared 2-core machine: speed is measured in
# benchmarks/, never here.
settings.register_profile("projlife", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "projlife"))

POSTGRES_URL = os.environ.get("PROJLIFE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _postgres_reason() -> str | None:
    try:
        import psycopg

        from projlife.store.database import DatabaseURL

        u = DatabaseURL.parse(POSTGRES_URL)
        with psycopg.connect(
            host=u.host,
            port=u.port,
            user=u.user,
            password=u.password or None,
            dbname=u.database,
            connect_timeout=3,
        ):
            return None
    except Exception as exc:
        return f"no PostgreSQL server reachable at {POSTGRES_URL}: {exc}"


_PG_REASON = _postgres_reason()


def require_postgres() -> None:
    if _PG_REASON is not None:
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL is required: {_PG_REASON}")
        pytest.skip(_PG_REASON)


def _drop_schema(schema: str) -> None:
    import psycopg

    from projlife.store.database import DatabaseURL

    u = DatabaseURL.parse(POSTGRES_URL)
    with psycopg.connect(
        host=u.host, port=u.port, user=u.user, password=u.password or None, dbname=u.database, autocommit=True
    ) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def mysql_url() -> Iterator[str]:
    """A MariaDB/MySQL URL on a database of its own (dropped afterwards)."""
    name = create_mysql_database()
    yield mysql_url_for(name)
    drop_mysql_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'projlife.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{sep}schema={schema}"
    _drop_schema(schema)


_BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with projlife's tables, made once per test process and copied for each test."""
    path = tmp_path_factory.mktemp("template") / "projlife.db"
    connect(f"sqlite:///{path}", create_tables=True).close()
    return path


@pytest.fixture(scope="session")
def _postgres_pool() -> Iterator[PostgresPool]:
    pool = PostgresPool(POSTGRES_URL, _drop_schema)
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def _mysql_pool() -> Iterator[MySQLPool]:
    pool = MySQLPool()
    yield pool
    pool.close()


def _copy_sqlite(template: Path, target: Path) -> None:
    src, dst = sqlite3.connect(template), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@pytest.fixture(params=_BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with projlife's tables and no rows, once each for SQLite, PostgreSQL and MariaDB/MySQL.

    No test sees another's rows or schema changes (see ``tests/db_pool.py``); sequences start afresh.
    ``PROJLIFE_TEST_FRESH_DATABASES=1`` creates every one anew instead.
    """
    if request.param == "sqlite":
        path = tmp_path / "projlife.db"
        if pools_enabled():
            _copy_sqlite(request.getfixturevalue("_sqlite_template"), path)
        else:
            connect(f"sqlite:///{path}", create_tables=True).close()
        yield f"sqlite:///{path}"
        return
    if request.param == "mysql":
        require_mysql()
    else:
        require_postgres()
    if not pools_enabled():
        with _fresh(request.param) as url:
            connect(url, create_tables=True).close()
            yield url
        return
    pool: ServerPool = request.getfixturevalue(
        "_mysql_pool" if request.param == "mysql" else "_postgres_pool"
    )
    url = pool.acquire()
    try:
        yield url
    finally:
        pool.release()


@contextmanager
def _fresh(backend: str) -> Iterator[str]:
    if backend == "mysql":
        name = create_mysql_database()
        try:
            yield mysql_url_for(name)
        finally:
            drop_mysql_database(name)
    else:
        require_postgres()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        sep = "&" if "?" in POSTGRES_URL else "?"
        try:
            yield f"{POSTGRES_URL}{sep}schema={schema}"
        finally:
            _drop_schema(schema)


@pytest.fixture(params=_BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database without projlife's tables, once each for SQLite, PostgreSQL and MariaDB/MySQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'projlife.db'}"
        return
    with _fresh(request.param) as url:
        yield url


@pytest.fixture
def app(db_url: str) -> Iterator[Projlife]:
    """A projlife on each database (its tables are there: ``create_tables=True`` checks, as a deployment does)."""
    pl = connect(db_url, create_tables=True)
    try:
        yield pl
    finally:
        pl.close()


_SERVER_FIXTURES = {
    "postgres_url": "postgres",
    "_postgres_pool": "postgres",
    "mysql_url": "mysql",
    "_mysql_pool": "mysql",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for a PostgreSQL or MariaDB fixture carries its marker, so ``-m`` selects it."""
    for item in items:
        for fixture in getattr(item, "fixturenames", ()):
            marker = _SERVER_FIXTURES.get(fixture)
            if marker is not None and marker not in item.keywords:
                item.add_marker(getattr(pytest.mark, marker))
