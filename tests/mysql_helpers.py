"""MariaDB/MySQL for the tests: a database per test, skipped (or failed under CI=true) without a server."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

__all__ = ["MYSQL_URL", "create_mysql_database", "drop_mysql_database", "mysql_url_for", "require_mysql"]

MYSQL_URL = os.environ.get("PROJLIFE_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _mysql_connect(database: str | None = None) -> Any:
    import pymysql

    from projlife.store.database import DatabaseURL

    u = DatabaseURL.parse(MYSQL_URL)
    return pymysql.connect(
        host=u.host,
        port=u.port or 3306,
        user=u.user,
        password=u.password or "",
        database=database,
        connect_timeout=3,
        autocommit=True,
    )


def _mysql_reason() -> str | None:
    try:
        _mysql_connect().close()
        return None
    except Exception as exc:
        return f"no MariaDB/MySQL server reachable at {MYSQL_URL}: {exc}"


_MYSQL_REASON = _mysql_reason()


def require_mysql() -> None:
    if _MYSQL_REASON is not None:
        if IN_CI:
            pytest.fail(f"CI=true but MariaDB/MySQL is required: {_MYSQL_REASON}")
        pytest.skip(_MYSQL_REASON)


def create_mysql_database() -> str:
    """A fresh, empty database (utf8mb4, the server's default collation: projlife sets its own); returns its name."""
    require_mysql()
    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = _mysql_connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    finally:
        conn.close()
    return name


def drop_mysql_database(name: str) -> None:
    conn = _mysql_connect()
    try:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
    finally:
        conn.close()


def mysql_url_for(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(MYSQL_URL).set(database=database).render_as_string(hide_password=False)
