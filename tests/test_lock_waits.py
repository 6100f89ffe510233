"""A write that cannot get its lock fails within the URL's lock_timeout with a typed error naming the holder."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from domain_helpers import new_project
from projlife.app.application import Projlife, connect
from projlife.domain.errors import ProjlifeError
from projlife.store.database import DEFAULT_LOCK_TIMEOUT, DatabaseURL, UnsupportedDatabase
from projlife.store.errors import StoreLocked


def _with(url: str, query: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{query}"


@contextmanager
def _lock_held_elsewhere(app: Projlife) -> Iterator[None]:
    """Another session holds the event table's write lock until the block ends."""
    url = app.url
    if url.dialect == "sqlite":
        assert url.sqlite_path is not None
        other = sqlite3.connect(url.sqlite_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    if url.dialect == "mysql":
        import pymysql

        other_my = pymysql.connect(
            host=url.host, port=url.port, user=url.user, password=url.password or "", database=url.database
        )
        try:
            with other_my.cursor() as cur:
                cur.execute("BEGIN")
                cur.execute(f"SELECT last FROM {url.events_table}_sequence WHERE id = 1 FOR UPDATE")
            yield
        finally:
            other_my.rollback()
            other_my.close()
        return
    import psycopg

    with psycopg.connect(
        host=url.host, port=url.port, user=url.user, dbname=url.database, application_name="nightly-rebuild"
    ) as other:
        other.execute(f'LOCK TABLE "{url.schema}".{url.events_table} IN EXCLUSIVE MODE')
        yield
        other.rollback()


def _flag(app: Projlife, pid: Any, flag: str) -> None:
    app.projects.execute(
        {
            "command": "flag",
            "project_id": str(pid),
            "flag": flag,
            "occurred_on": "2024-06-01",
            "actor": {"id": "clerk-1", "role": "clerk"},
        }
    )


def test_a_held_write_lock_fails_the_command_within_the_bound_with_a_typed_error(db_url: str) -> None:
    with connect(db_url, create_tables=True) as app:
        project = new_project("LOCK-1")
        app.store.save(project)
    with connect(_with(db_url, "lock_timeout=1")) as app:
        with _lock_held_elsewhere(app), pytest.raises(StoreLocked) as caught:
            _flag(app, project.id, "waited")
        err = caught.value
        assert isinstance(err, ProjlifeError)
        assert err.waited_s == 1
        if app.url.dialect == "postgresql":
            assert "nightly-rebuild" in err.holder and "pid " in err.holder
        else:
            assert "another connection" in err.holder
        assert err.as_dict()["holder"] == err.holder
        assert app.projects.get(project.id).version == 1  # nothing written
        _flag(app, project.id, "after")  # the lock is free again: the next command goes through
        assert app.projects.get(project.id).version == 2


def test_lock_timeout_comes_from_the_url_with_a_documented_default() -> None:
    assert DatabaseURL.parse("sqlite:///x.db").lock_timeout == DEFAULT_LOCK_TIMEOUT["sqlite"] == 30
    pg = DatabaseURL.parse("postgresql+psycopg://u@h/db")
    assert pg.lock_timeout == DEFAULT_LOCK_TIMEOUT["postgresql"] == 10
    assert pg.eventsourcing_env()["POSTGRES_LOCK_TIMEOUT"] == "10"
    assert (
        DatabaseURL.parse("sqlite:///x.db?lock_timeout=5").eventsourcing_env()["SQLITE_LOCK_TIMEOUT"] == "5"
    )
    for bad in ("0", "-1", "1.5", "forever", "3601"):
        with pytest.raises(UnsupportedDatabase, match="lock_timeout"):
            DatabaseURL.parse(f"sqlite:///x.db?lock_timeout={bad}")


def test_a_city_in_another_schema_writes_while_this_one_holds_its_audit_lock(postgres_url: str) -> None:
    """Advisory locks are database-wide; the audit lock's key carries the schema, so cities don't queue."""
    import psycopg

    from projlife.store.dialect import audit_lock_key

    other_url = _with(postgres_url.replace("schema=t_", "schema=u_"), "lock_timeout=1")
    url = DatabaseURL.parse(postgres_url)
    assert audit_lock_key(url.schema) != audit_lock_key(DatabaseURL.parse(other_url).schema)
    with connect(postgres_url, create_tables=True) as busy, connect(other_url, create_tables=True) as free:
        with psycopg.connect(host=url.host, port=url.port, user=url.user, dbname=url.database) as holder:
            holder.execute("SELECT pg_advisory_xact_lock(%s)", (audit_lock_key(url.schema),))
            project = new_project("LOCK-2")
            free.store.save(project)  # chained in its own transaction, under its own schema's lock
            assert free.projects.get(project.id).version == 1
            waiting = new_project("LOCK-3")
            with connect(_with(postgres_url, "lock_timeout=1")) as same:
                with pytest.raises(StoreLocked) as caught:
                    same.store.save(waiting)  # the same schema does wait for the holder
                assert "pid " in caught.value.holder
            holder.rollback()
        after = new_project("LOCK-4")  # the refused save took its events with it: a new one
        busy.store.save(after)
        assert busy.projects.get(after.id).version == 1
    from conftest import _drop_schema

    _drop_schema(str(DatabaseURL.parse(other_url).schema))


def test_the_mariadb_lock_names_carry_the_database_and_table_and_fit_64_characters() -> None:
    from projlife.store.dialect import NAMED_LOCK_LENGTH, named_lock

    assert named_lock("audit", "xiaogan", "projlife_events") == "projlife:audit:xiaogan.projlife_events"
    assert named_lock("audit", "xiaogan", "projlife_events") != named_lock(
        "audit", "zhumadian", "projlife_events"
    )
    assert named_lock("audit", "xiaogan", "a") != named_lock("audit", "xiaogan", "b")
    # Two long names that share their head and their tail: the old cut ([-64:]) gave them one lock.
    long_a, long_b = "a" * 30 + "city_one" + "z" * 26, "a" * 30 + "city_two" + "z" * 26
    names = {named_lock("audit", db, "projlife_events") for db in (long_a, long_b)}
    assert len(names) == 2
    assert all(len(n) <= NAMED_LOCK_LENGTH for n in names)
    assert all(n.startswith("projlife:audit:aaaa") for n in names)


@pytest.mark.mysql
def test_a_city_in_another_mariadb_database_seals_while_this_one_holds_its_audit_lock() -> None:
    """GET_LOCK names are server-wide; the audit lock's name carries the database, so cities don't queue."""
    import threading

    import pymysql

    from mysql_helpers import create_mysql_database, drop_mysql_database, mysql_url_for

    busy_db, free_db = create_mysql_database(), create_mysql_database()
    try:
        with (
            connect(mysql_url_for(busy_db), create_tables=True) as busy,
            connect(mysql_url_for(free_db), create_tables=True) as free,
        ):
            held = busy.audit.db._lock_name
            assert held != free.audit.db._lock_name
            for app, code in ((busy, "LOCK-5"), (free, "LOCK-6")):
                app.store.save(new_project(code))
            url = busy.url
            holder = pymysql.connect(
                host=url.host, port=url.port, user=url.user, password=url.password or "", autocommit=True
            )
            try:
                with holder.cursor() as cur:
                    cur.execute("SELECT GET_LOCK(%s, 5)", (held,))
                    assert cur.fetchone() == (1,)
                free.audit.seal()  # its own database's lock: does not wait
                assert free.audit.verify().ok
                sealed = threading.Event()
                sealer = threading.Thread(target=lambda: (busy.audit.seal(), sealed.set()))
                sealer.start()
                assert not sealed.wait(1.0), "the same database's sealer waits for the holder"
                with holder.cursor() as cur:
                    cur.execute("SELECT RELEASE_LOCK(%s)", (held,))
                sealer.join(60)
                assert sealed.is_set()
            finally:
                holder.close()
    finally:
        drop_mysql_database(busy_db)
        drop_mysql_database(free_db)
