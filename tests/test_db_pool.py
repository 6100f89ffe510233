"""The reused test databases (tests/db_pool.py): a test never sees another's rows, ids or schema changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

import conftest
from db_pool import MySQLPool, PostgresPool, ServerPool
from mysql_helpers import require_mysql
from projlife.app.application import Projlife, connect

ACTOR = {"id": "clerk-1", "role": "clerk", "area_code": "420902"}


def conceive(app: Projlife, code: str) -> object:
    return app.projects.execute(
        {
            "command": "conceive",
            "code": code,
            "project_name": "新能源电池项目",
            "city_code": "420900",
            "area_code": "420902",
            "category": "industrial",
            "planned_investment_yuan": "500000000",
            "occurred_on": "2024-01-10",
            "actor": ACTOR,
        }
    ).aggregate_id


@pytest.fixture(
    params=[
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ]
)
def pool(request: pytest.FixtureRequest) -> Iterator[ServerPool]:
    """A pool of its own (not the session's), so these tests may spoil it."""
    if request.param == "mysql":
        require_mysql()
        p: ServerPool = MySQLPool()
    else:
        conftest.require_postgres()
        p = PostgresPool(conftest.POSTGRES_URL, conftest._drop_schema)
    yield p
    p.close()


def _positions(url: str) -> list[int]:
    with connect(url) as app, app.engine.connect() as conn:
        table, column = app.url.events_table, app.url.position_column
        return [r[0] for r in conn.execute(sa.text(f"SELECT {column} FROM {table} ORDER BY {column}"))]


def test_the_next_test_sees_no_rows_and_the_same_positions_as_in_a_new_database(pool: ServerPool) -> None:
    url = pool.acquire()
    with connect(url, create_tables=True) as app:
        conceive(app, "XG-2024-001")
        conceive(app, "XG-2024-002")
        app.projections.run()
    first = _positions(url)
    assert len(first) >= 2
    pool.release()

    again = pool.acquire()
    assert again == url  # the same database, emptied
    assert _positions(again) == []
    with connect(again) as app:
        assert app.ledger.rows(city="420900") == []
        conceive(app, "XG-2024-001")
        conceive(app, "XG-2024-002")
    assert _positions(again) == first  # ids start afresh: sequences and counters were reset
    assert not pool.replaced


def test_a_test_that_changes_the_schema_leaves_a_new_database_for_the_next(pool: ServerPool) -> None:
    url = pool.acquire()
    with connect(url, create_tables=True) as app, app.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE pl_projects ADD COLUMN scribbled INTEGER"))
    pool.release()
    assert pool.replaced and "changed the schema" in pool.replaced[0]

    fresh = pool.acquire()
    assert fresh != url
    with connect(fresh) as app:
        assert "scribbled" not in {
            c["name"] for c in sa.inspect(app.engine).get_columns("pl_projects", app.url.schema)
        }


def test_a_table_a_test_added_is_gone_from_the_same_database_in_the_next(pool: ServerPool) -> None:
    url = pool.acquire()
    with connect(url) as app, app.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE test_scratch (n INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("INSERT INTO test_scratch (n) VALUES (1)"))
    pool.release()
    assert not pool.replaced
    assert pool.acquire() == url
    with connect(url) as app:
        assert not sa.inspect(app.engine).has_table("test_scratch", schema=app.url.schema)


def test_the_same_project_code_is_new_again_in_the_next_test(pool: ServerPool) -> None:
    # a leftover row would make the second conceive a duplicate, which projlife refuses
    for _ in range(2):
        with connect(pool.acquire()) as app:
            conceive(app, "XG-2024-007")
            app.projections.run()
            assert [r.code for r in app.ledger.rows(city="420900")] == ["XG-2024-007"]
        pool.release()
    assert not pool.replaced
