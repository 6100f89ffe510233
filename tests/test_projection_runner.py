"""The projection runner: exactly once, on SQLite and PostgreSQL, with failures and rebuilds."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest
import sqlalchemy as sa
from eventsourcing.persistence import Notification

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.projections import registry
from projlife.projections.runner import (
    Item,
    ProjectionFailed,
    ProjectionRunner,
    ProjectionTimeout,
    UnknownProjection,
)

view_metadata = sa.MetaData()
seen_table = sa.Table(
    "test_seen_events",
    view_metadata,
    # deliberately no unique constraint: a double delivery shows up as a duplicate row
    sa.Column("event_id", sa.BigInteger, nullable=False),
    sa.Column("topic", sa.String(200), nullable=False),
)


class SeenView:
    """Writes one row per event it is given; raises on ``fail_on`` while that is set."""

    def __init__(
        self,
        name: str = "test.seen",
        topics: tuple[str, ...] = (),
        *,
        fail_on: int | None = None,
        delay: float = 0.0,
        batch: bool = False,
    ) -> None:
        self.name = name
        self.topics = topics
        self.tables = (seen_table,)
        self.fail_on = fail_on
        self.delay = delay
        if batch:
            self.process_batch = self._process_batch

    def process(self, conn: sa.Connection, event: Any, notification: Notification) -> None:
        if notification.id == self.fail_on:
            raise ValueError(f"cannot apply {notification.topic}")
        conn.execute(seen_table.insert().values(event_id=notification.id, topic=notification.topic))

    def _process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        if self.delay:
            time.sleep(self.delay)
        for _, n in items:
            if n.id == self.fail_on:
                raise ValueError(f"cannot apply {n.topic}")
        conn.execute(seen_table.insert(), [{"event_id": n.id, "topic": n.topic} for _, n in items])


def _fill(app: Projlife, n: int = 25) -> int:
    report = app.projects.ingest(simulate(app.city("xiaogan"), n, seed=3).commands)
    assert report.last_position is not None
    view_metadata.create_all(app.engine)
    return report.last_position


def _seen(app: Projlife) -> list[int]:
    with app.engine.connect() as conn:
        return [r[0] for r in conn.execute(sa.select(seen_table.c.event_id).order_by(seen_table.c.event_id))]


def _all_ids(app: Projlife, topics: Sequence[str] = ()) -> list[int]:
    notes = app.store.recorder.select_notifications(1, 1_000_000, topics=topics)
    return [n.id for n in notes]


@pytest.mark.parametrize("batch", [False, True])
def test_run_applies_every_event_once_and_a_second_run_changes_nothing(app: Projlife, batch: bool) -> None:
    head = _fill(app)
    runner = ProjectionRunner(app, [SeenView(batch=batch)])
    assert runner.run(batch_size=17) == {"test.seen": head}
    assert _seen(app) == _all_ids(app)
    assert runner.run(batch_size=17) == {"test.seen": head}
    assert _seen(app) == _all_ids(app)
    (st,) = runner.status()
    assert (st.position, st.lag, st.last_error, st.failed_event_id) == (head, 0, None, None)


def test_a_projection_sees_only_its_topics_and_still_reaches_the_head(app: Projlife) -> None:
    head = _fill(app)
    topics = ("projlife:Project.Signed", "projlife:Project.ConstructionStarted")
    runner = ProjectionRunner(app, [SeenView(topics=topics)])
    assert runner.run(batch_size=5) == {"test.seen": head}
    ids = _all_ids(app, topics)
    assert ids and _seen(app) == ids
    assert len(ids) < head


def test_status_reports_lag_for_events_not_yet_applied(app: Projlife) -> None:
    head = _fill(app)
    runner = ProjectionRunner(app, [SeenView()])
    runner.run(until=10)
    (st,) = runner.status()
    assert st.position == 10 and st.lag == head - 10
    assert _seen(app) == list(range(1, 11))


def _race(url: str, batch: bool) -> tuple[Projlife, int]:
    setup = connect(url, create_tables=True)
    head = _fill(setup, 40)
    apps = [connect(url) for _ in range(2)]
    runners = [ProjectionRunner(a, [SeenView(batch=batch, delay=0.002)]) for a in apps]
    barrier = threading.Barrier(len(runners))
    errors: list[BaseException] = []

    def go(r: ProjectionRunner) -> None:
        try:
            barrier.wait()
            r.run(batch_size=7)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(r,)) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for a in apps:
        a.close()
    assert not errors, errors
    return setup, head


@pytest.mark.parametrize("batch", [False, True])
def test_two_runners_racing_on_one_projection_apply_each_event_exactly_once(db_url: str, batch: bool) -> None:
    setup, head = _race(db_url, batch)
    try:
        seen = _seen(setup)
        assert len(seen) == len(set(seen)) == head
        assert seen == _all_ids(setup)
        (st,) = ProjectionRunner(setup, [SeenView()]).status()
        assert st.position == head
    finally:
        setup.close()


def test_the_guarded_upsert_refuses_to_move_a_position_that_is_already_there(app: Projlife) -> None:
    _fill(app)
    runner = ProjectionRunner(app, [SeenView()])
    runner.run(until=20)
    with pytest.raises(ProjectionFailed, match="already moved"), app.engine.begin() as conn:
        runner._advance(conn, "test.seen", 10, 15)
    assert runner.status()[0].position == 20


@pytest.mark.parametrize("batch", [False, True])
def test_a_failing_projection_stops_at_the_event_and_resumes_there_once_fixed(
    app: Projlife, batch: bool
) -> None:
    head = _fill(app)
    view = SeenView(fail_on=23, batch=batch)
    runner = ProjectionRunner(app, [view])
    assert runner.run(batch_size=10) == {"test.seen": 22}
    (st,) = runner.status()
    assert st.position == 22 and st.failed_event_id == 23
    assert st.last_error is not None and "ValueError: cannot apply" in st.last_error
    assert _seen(app) == list(range(1, 23))
    # still broken: the next run stops at the same event and writes nothing twice
    runner.run(batch_size=10)
    assert _seen(app) == list(range(1, 23))
    with pytest.raises(ProjectionFailed, match="stopped at event 23"):
        runner.wait(30, timeout=1)
    view.fail_on = None  # the fix is deployed
    assert runner.run(batch_size=10) == {"test.seen": head}
    (st,) = runner.status()
    assert (st.last_error, st.failed_event_id) == (None, None)
    assert _seen(app) == _all_ids(app)


def test_wait_reads_your_own_write_after_a_command(app: Projlife) -> None:
    _fill(app)
    runner = ProjectionRunner(app, [SeenView()])
    runner.run()
    project = app.projects.find(
        app.city("xiaogan").code, simulate(app.city("xiaogan"), 25, seed=3).projects[0].code
    )
    result = app.projects.execute(
        {
            "command": "flag",
            "project_id": str(project.id),
            "flag": "supervised",
            "occurred_on": "2024-12-31",
            "actor": {"id": "clerk-1", "role": "clerk"},
        }
    )
    assert result.position is not None
    runner.wait(result.position, timeout=5)
    assert _seen(app)[-1] == result.position


def test_wait_for_a_position_never_written_times_out(app: Projlife) -> None:
    head = _fill(app, 3)
    runner = ProjectionRunner(app, [SeenView()])
    with pytest.raises(ProjectionTimeout, match="behind"):
        runner.wait(head + 5, timeout=0.2)


def test_rebuild_clears_the_view_and_replays_the_log(app: Projlife) -> None:
    head = _fill(app)
    runner = ProjectionRunner(app, [SeenView()])
    runner.run()
    with app.engine.begin() as conn:
        conn.execute(seen_table.insert().values(event_id=999_999, topic="stray"))
    assert runner.rebuild("test.seen") == head
    assert _seen(app) == _all_ids(app)
    with pytest.raises(UnknownProjection):
        runner.rebuild("nope")


def test_app_projections_runs_the_registered_default_factories(
    app: Projlife, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = _fill(app)
    monkeypatch.setattr(registry, "DEFAULT_PROJECTIONS", [lambda a: SeenView(name="test.default")])
    runner = app.projections
    assert runner is app.projections
    assert [p.name for p in runner.projections] == ["test.default"]
    assert runner.run() == {"test.default": head}


def test_two_projections_with_one_name_are_refused(app: Projlife) -> None:
    with pytest.raises(Exception, match="duplicate projection names"):
        ProjectionRunner(app, [SeenView(), SeenView()])


def test_a_full_run_seals_the_audit_chain_after_the_projections_commit(app: Projlife) -> None:
    head = _fill(app, 8)
    assert app.audit.latest_checkpoint() is None
    app.projections.run()
    # everything the read models saw is chained: a second seal finds nothing new
    again = app.audit.seal()
    assert again.sealed == 0 and again.size == len(_all_ids(app)) and again.last_position == head


def test_a_partial_run_or_seal_false_leaves_sealing_to_later(app: Projlife) -> None:
    # events from a writer that does not chain on write (the default chains in the write itself)
    with connect(app.url.raw, chain_on_write=False) as legacy:
        head = _fill(legacy, 4)
    app.projections.run(until=head - 1)
    app.projections.run(seal=False)
    first = app.audit.seal()
    assert first.sealed == len(_all_ids(app))
