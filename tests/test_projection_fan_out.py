"""One pass over the log feeds every projection: the read models equal the per-projection path's.

The runner reads each batch of events once (the union of the projections' topics), decodes each
event once and hands each projection the events of its own topics after its own position. The
read models it leaves must be row for row those of each projection caught up (or rebuilt) on its
own, and those of an incremental catch-up in any steps and batch sizes, with the projections at
different positions when it starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.demo.ticket_simulation import simulate_tickets
from projlife.projections.facts import meta_table
from projlife.projections.runner import ProjectionRunner, rebuilding

SETTINGS = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
AS_OF = date(2024, 12, 31)

Dump = dict[str, list[tuple[Any, ...]]]


def _dump(app: Projlife) -> Dump:
    """Every row of every read model table (and the ledger's flags), in a stable order."""
    tables = {t.name: t for p in app.projections.projections for t in p.tables}
    tables[meta_table.name] = meta_table
    with app.engine.connect() as conn:
        out = {
            name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.columns))]
            for name, t in sorted(tables.items())
        }
    # a bulk catch-up or rebuild leaves its flag at 0; never having had one leaves no flag: the same
    out[meta_table.name] = [r for r in out[meta_table.name] if r != ("timeline_bulk", 0)]
    return out


def _positions(app: Projlife) -> dict[str, int]:
    return {s.name: s.position for s in app.projections.status()}


def _reset(app: Projlife) -> None:
    """Every read model empty at position 0, as before the first catch-up."""
    with app.engine.begin() as conn:
        for p in app.projections.projections:
            for table in reversed(p.tables):
                conn.execute(table.delete())
        conn.execute(meta_table.delete())
        conn.execute(sa.text("UPDATE projection_tracking SET position = 0, last_error = NULL"))


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def drive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projlife]:
    """Projects of two cities and tickets about them, projected: ledger, details and tickets
    read overlapping and disjoint topics."""
    import conftest

    cleanup = mysql_database = None
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('fan')) / 'f.db'}"
    elif request.param == "mysql":
        import mysql_helpers

        mysql_database = mysql_helpers.create_mysql_database()
        url = mysql_helpers.mysql_url_for(mysql_database)
    else:
        import uuid

        conftest.require_postgres()
        cleanup = f"t_{uuid.uuid4().hex[:12]}"
        url = f"{conftest.POSTGRES_URL}?schema={cleanup}"
    app = connect(url, create_tables=True)
    for slug, n, seed in (("xiaogan", 60, 21), ("zhumadian", 30, 22)):
        city = app.city(slug)
        sim = simulate(city, n, seed=seed, as_of=AS_OF)
        app.projects.ingest(sim.commands, batch_size=40)
        labels = app.tickets.policy(city.code).category_labels
        for command in simulate_tickets(city.code, sim.projects, labels, 12, seed=seed, as_of=AS_OF):
            app.tickets.execute(command)
    app.projections.run(batch_size=97)
    try:
        yield app
    finally:
        app.close()
        if cleanup:
            conftest._drop_schema(cleanup)
        if mysql_database:
            mysql_helpers.drop_mysql_database(mysql_database)


def test_the_drive_feeds_every_read_model(drive: Projlife) -> None:
    fed = {p.name for p in drive.projections.projections if any(_dump(drive)[t.name] for t in p.tables)}
    assert {"projlife.ledger", "projlife.ledger_details", "projlife.tickets"} <= fed


def test_one_pass_rebuild_equals_each_projection_rebuilt_on_its_own(drive: Projlife) -> None:
    runner = drive.projections
    head = drive.store.recorder.max_notification_id()
    incremental = _dump(drive)
    for p in runner.projections:  # the per-projection path: each reads and decodes the log itself
        runner.rebuild(p.name, batch_size=131)
    one_by_one = _dump(drive)
    assert one_by_one == incremental
    assert runner.rebuild_all(batch_size=131) == dict.fromkeys(_positions(drive), head)
    assert _dump(drive) == incremental
    with drive.engine.connect() as conn:
        assert rebuilding(conn) == {}


def test_one_pass_catch_up_equals_each_projection_caught_up_on_its_own(drive: Projlife) -> None:
    expected = _dump(drive)
    _reset(drive)
    for p in drive.projections.projections:
        drive.projections.run_one(p.name, batch_size=89)
    assert _dump(drive) == expected


@SETTINGS
@given(
    steps=st.lists(st.integers(5, 400), min_size=1, max_size=5),
    sizes=st.lists(st.integers(1, 300), min_size=1, max_size=4),
    ahead=st.dictionaries(st.sampled_from(range(5)), st.integers(0, 1500), max_size=3),
)
def test_incremental_catch_up_in_any_steps_equals_the_one_pass_rebuild(
    drive: Projlife, steps: list[int], sizes: list[int], ahead: dict[int, int]
) -> None:
    """Some projections first run ahead on their own (``ahead``: index → position), then the
    runner catches all up together in steps of ``steps`` events and batches of ``sizes``."""
    runner = drive.projections
    runner.rebuild_all()
    expected = _dump(drive)
    head = drive.store.recorder.max_notification_id() or 0
    _reset(drive)
    names = [p.name for p in runner.projections]
    for index, position in ahead.items():
        runner.run_one(names[index % len(names)], batch_size=sizes[0], until=position)
    position, i = 0, 0
    while position < head:
        position = min(head, position + steps[i % len(steps)])
        runner.run(batch_size=sizes[i % len(sizes)], until=position, bulk=False)
        i += 1
    runner.run()
    assert _positions(drive) == dict.fromkeys(names, head)
    assert _dump(drive) == expected


def test_a_failing_projection_stops_alone_while_the_others_reach_the_head(drive: Projlife) -> None:
    head = drive.store.recorder.max_notification_id() or 0
    expected = _dump(drive)
    ledger, *others = drive.projections.projections
    fail_at = head // 2

    class Breaking:
        """The ledger, failing at one event."""

        name, topics, tables = ledger.name, ledger.topics, ledger.tables

        def process(self, conn: sa.Connection, event: Any, n: Any) -> None:
            self.process_batch(conn, [(event, n)])

        def process_batch(self, conn: sa.Connection, items: Any) -> None:
            if any(n.id >= fail_at for _, n in items):
                raise ValueError("cannot apply")
            ledger.process_batch(conn, items)  # type: ignore[attr-defined]

    _reset(drive)
    runner = ProjectionRunner(drive, [Breaking(), *others])
    positions = runner.run(batch_size=50, seal=False)
    assert positions[ledger.name] < fail_at
    assert all(positions[p.name] == head for p in others)
    drive.projections.run()  # the real ledger resumes where the broken one stopped
    assert _dump(drive) == expected
