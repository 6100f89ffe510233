"""Database URLs: which engines projlife opens, and the errors for the ones it does not."""

from __future__ import annotations

import pytest

from projlife.store.database import DatabaseURL, UnsupportedDatabase


@pytest.mark.parametrize(
    "raw",
    [
        "postgresql+psycopg://u:pw@db:5433/gov?schema=drive",
        "postgresql://u:pw@db:5433/gov?schema=drive",
        "postgres://u:pw@db:5433/gov?schema=drive",
    ],
)
def test_postgres_urls_with_or_without_the_driver_open_postgresql(raw: str) -> None:
    url = DatabaseURL.parse(raw)
    assert (url.dialect, url.host, url.port, url.user, url.database, url.schema) == (
        "postgresql",
        "db",
        5433,
        "u",
        "gov",
        "drive",
    )
    assert (
        url.eventsourcing_env()["PERSISTENCE_MODULE"] == "projlife.store.postgres_store:PostgresStoreFactory"
    )


@pytest.mark.parametrize(
    "raw", ["mysql+pymysql://root@127.0.0.1:3306/gov", "mariadb+pymysql://root@127.0.0.1/gov"]
)
def test_mysql_and_mariadb_urls_open_the_commit_ordered_mysql_store(raw: str) -> None:
    url = DatabaseURL.parse(raw)
    assert (url.dialect, url.port, url.database, url.position_column) == (
        "mysql",
        3306,
        "gov",
        "notification_id",
    )
    env = url.eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "projlife.store.mysql_store:MySQLFactory"
    assert env["MYSQL_DBNAME"] == "gov"


def test_a_mysql_driver_other_than_pymysql_is_refused_by_name() -> None:
    with pytest.raises(UnsupportedDatabase, match="mysqldb") as caught:
        DatabaseURL.parse("mysql+mysqldb://root@127.0.0.1/gov")
    assert "mysql+pymysql://" in caught.value.as_dict()["allowed"]


def test_a_mysql_url_without_a_database_is_refused() -> None:
    with pytest.raises(UnsupportedDatabase, match="no database named"):
        DatabaseURL.parse("mysql+pymysql://root@127.0.0.1:3306")


@pytest.mark.parametrize(
    ("raw", "engine", "path"),
    [
        ("opengauss://gaussdb@db:5432/gov", "openGauss", "postgresql+psycopg://"),
        ("kingbase8://system@db:54321/gov", "KingbaseES", "postgresql+psycopg://"),
        ("oceanbase://root@db:2881/gov", "OceanBase", "mysql+pymysql://"),
        ("tidb://root@db:4000/gov", "TiDB", "mysql+pymysql://"),
    ],
)
def test_compatible_but_untested_engines_get_an_error_saying_what_is_tested(
    raw: str, engine: str, path: str
) -> None:
    with pytest.raises(UnsupportedDatabase) as caught:
        DatabaseURL.parse(raw)
    reason = caught.value.as_dict()["reason"]
    assert f"{engine} is not tested" in reason
    assert "PostgreSQL 15" in reason and "MariaDB 10.11" in reason
    assert path in reason
