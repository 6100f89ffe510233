"""A rebuild that crashes never serves a partial ledger, and the next run finishes it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from projlife.app.application import Projlife
from projlife.demo.simulation import simulate
from projlife.projections import timeline
from projlife.projections.facts import LEDGER_PROJECTION
from projlife.projections.runner import ProjectionRebuilding, rebuilding


class Crash(BaseException):
    """The process dies in the middle of the rebuild (a kill, a power cut)."""


def _drive(app: Projlife) -> None:
    app.projects.ingest(simulate(app.city("xiaogan"), 40, seed=11, as_of=date(2024, 12, 31)).commands)
    app.projections.run()


def _crash_rebuild(app: Projlife, monkeypatch: Any, after_batches: int = 2) -> None:
    runner = app.projections
    real = runner._run_batch
    calls = {"n": 0}

    def dying(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] > after_batches:
            raise Crash
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "_run_batch", dying)
    with pytest.raises(Crash):
        runner.rebuild(LEDGER_PROJECTION, batch_size=50)
    monkeypatch.setattr(runner, "_run_batch", real)


def test_readers_refuse_with_rebuilding_after_a_crashed_rebuild(app: Projlife, monkeypatch: Any) -> None:
    _drive(app)
    _crash_rebuild(app, monkeypatch)
    with app.engine.connect() as conn:
        assert LEDGER_PROJECTION in rebuilding(conn)
    with pytest.raises(ProjectionRebuilding, match="rebuilding"):
        app.ledger.rows(city="xiaogan")
    with pytest.raises(ProjectionRebuilding, match="rebuilding"):
        app.ledger.summary(city="xiaogan")


def test_the_next_run_finishes_a_crashed_rebuild_to_the_same_ledger(app: Projlife, monkeypatch: Any) -> None:
    _drive(app)
    before_rows = app.ledger.rows(city="xiaogan")
    before_summary = app.ledger.summary(city="xiaogan")
    _crash_rebuild(app, monkeypatch)

    app.projections.run()

    with app.engine.connect() as conn:
        assert rebuilding(conn) == {}
        assert not timeline.is_stale(conn)  # the fast summary is back, not the fold
    assert app.ledger.rows(city="xiaogan") == before_rows
    assert app.ledger.summary(city="xiaogan") == before_summary


def test_a_completed_rebuild_leaves_no_marker(app: Projlife) -> None:
    _drive(app)
    app.projections.rebuild(LEDGER_PROJECTION)
    with app.engine.connect() as conn:
        assert rebuilding(conn) == {}
    assert app.ledger.rows(city="xiaogan")
