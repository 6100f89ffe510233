"""A bulk catch-up (after a large import) builds the ledger timeline once at its end.

It must leave exactly the timeline the incremental catch-up keeps, answer the same while it
runs (queries fold the facts), and a bulk catch-up whose process died is ended by the next
full catch-up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.projections import runner as runner_module
from projlife.projections import timeline
from projlife.projections.facts import LEDGER_PROJECTION, timeline_table

LATER = datetime(2100, 1, 1, tzinfo=UTC)


def _timeline(app: Projlife) -> list[tuple[Any, ...]]:
    t = timeline_table
    with app.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(t).order_by(t.c.project_id, t.c.valid_from))]


def _import(app: Projlife) -> None:
    app.projects.ingest(simulate(app.city("xiaogan"), 80, seed=31).commands, batch_size=40)


def test_a_bulk_catch_up_leaves_the_timeline_the_incremental_one_keeps(app: Projlife) -> None:
    _import(app)
    app.projections.run(batch_size=97, bulk=True)
    with app.engine.connect() as conn:
        assert not timeline.is_stale(conn)
        assert not timeline.bulk_pending(conn)
    bulk = _timeline(app)
    assert bulk
    assert app.ledger.summary(as_of=date(2024, 6, 30)) == app.ledger.summary(
        as_of=date(2024, 6, 30), known_at=LATER
    )
    # the incremental path: every project's rows recomputed from its facts, as a batch does
    projection: Any = app.projections.get(LEDGER_PROJECTION)
    with app.engine.begin() as conn:
        ids = sorted(r[0] for r in conn.execute(sa.select(timeline_table.c.project_id).distinct()))
        conn.execute(timeline_table.delete())
        timeline.refresh(conn, ids, projection._sql(timeline_table, None))
    assert _timeline(app) == bulk


def test_queries_fold_the_facts_while_a_bulk_catch_up_is_pending(app: Projlife) -> None:
    _import(app)
    app.projections.run(bulk=False)
    expected = app.ledger.summary(as_of=date(2024, 12, 31))
    with app.engine.begin() as conn:  # what a bulk catch-up whose process died leaves behind
        timeline.begin_bulk(conn)
        conn.execute(timeline_table.delete())
    assert app.ledger.summary(as_of=date(2024, 12, 31)) == expected
    app.projections.wait(1)  # a partial catch-up (``until``) leaves it pending
    with app.engine.connect() as conn:
        assert timeline.bulk_pending(conn)
    app.projections.run()  # the next full catch-up ends it
    with app.engine.connect() as conn:
        assert not timeline.bulk_pending(conn) and not timeline.is_stale(conn)
    assert _timeline(app)
    assert app.ledger.summary(as_of=date(2024, 12, 31)) == expected


def test_the_runner_chooses_bulk_only_far_behind(app: Projlife, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    projection = app.projections.get(LEDGER_PROJECTION)
    begin = type(projection).begin_bulk

    def spy(self: Any, conn: sa.Connection) -> None:
        calls.append("begin")
        begin(self, conn)

    monkeypatch.setattr(type(projection), "begin_bulk", spy)
    _import(app)
    monkeypatch.setattr(runner_module, "BULK_MIN_EVENTS", 10**9)
    app.projections.run()
    assert calls == []  # far fewer log positions behind than the threshold
    _import_more(app)
    monkeypatch.setattr(runner_module, "BULK_MIN_EVENTS", 1)
    app.projections.run()
    # the new import is less than half the log: still incremental
    assert calls == []
    incremental = _timeline(app)
    app.projections.rebuild(LEDGER_PROJECTION)
    assert _timeline(app) == incremental


def _import_more(app: Projlife) -> None:
    app.projects.ingest(simulate(app.city("zhumadian"), 10, seed=32).commands, batch_size=40)


def test_a_fresh_database_far_behind_is_caught_up_in_bulk(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "BULK_MIN_EVENTS", 1)
    app = connect(db_url, create_tables=True)
    try:
        projection = app.projections.get(LEDGER_PROJECTION)
        ended: list[int] = []
        end = type(projection).end_bulk

        def spy(self: Any, conn: sa.Connection) -> None:
            ended.append(1)
            end(self, conn)

        monkeypatch.setattr(type(projection), "end_bulk", spy)
        _import(app)
        app.projections.run(batch_size=50)
        assert ended == [1]  # built once, at the end
        with app.engine.connect() as conn:
            assert not timeline.is_stale(conn) and not timeline.bulk_pending(conn)
        bulk = _timeline(app)
        app.projections.rebuild(LEDGER_PROJECTION)
        assert _timeline(app) == bulk
        assert app.ledger.summary() == app.ledger.summary(known_at=LATER)
    finally:
        app.close()
