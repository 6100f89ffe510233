"""Shared fixtures: a projlife on SQLite, PostgreSQL and MariaDB/MySQL, with the same tests for each.

PostgreSQL tests use ``PROJLIFE_TEST_POSTGRES`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), each in a schema of its own
that is dropped afterwards. MariaDB/MySQL tests use ``PROJLIFE_TEST_MYSQL`` (default
``mysql+pymysql://root@127.0.0.1:3306/test``, whose account may create databases), each in
a database of its own that is dropped afterwards. They skip with a reason when no server
answers, except under ``CI=true``, where an unreachable server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from mysql_helpers import create_mysql_database, drop_mysql_database, mysql_url_for
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


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL, once each for SQLite, PostgreSQL and MariaDB/MySQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'projlife.db'}"
    elif request.param == "mysql":
        name = create_mysql_database()
        yield mysql_url_for(name)
        drop_mysql_database(name)
    else:
        require_postgres()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        sep = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{sep}schema={schema}"
        _drop_schema(schema)


@pytest.fixture
def app(db_url: str) -> Iterator[Projlife]:
    """A projlife with tables created, on each database."""
    pl = connect(db_url, create_tables=True)
    try:
        yield pl
    finally:
        pl.close()
