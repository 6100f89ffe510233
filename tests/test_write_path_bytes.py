"""The faster write path writes, for the same commands, the very bytes the old one wrote.

Stored event states, ``audit_chain`` and ``audit_log`` rows and the chain head are compared,
byte for byte, between a database written by the old path (``reference_write_path``: eventsourcing's
transcoder, eventsourcing's one-insert-per-event SQLite insert, the chain hook that decoded every
state and looked every subject up) and one written by the application as it is, on a clock that
gives both the same event timestamps.
"""

from __future__ import annotations

import functools
import itertools
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import eventsourcing.domain
import pytest
from eventsourcing.sqlite import SQLiteApplicationRecorder

import reference_write_path as reference
from conftest import _fresh
from projlife.app.application import Projlife, connect
from projlife.audit.rawdb import RawDB
from projlife.demo.simulation import simulate

_BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
    pytest.param("mysql", marks=pytest.mark.mysql),
]


@contextmanager
def _two_databases(backend: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}", f"sqlite:///{tmp_path / 'new.db'}"
        return
    with _fresh(backend) as old, _fresh(backend) as new:
        yield old, new


def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Event timestamps from a counter: the same sequence for each database (some whole seconds)."""
    start = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    ticks = itertools.count()
    monkeypatch.setattr(
        eventsourcing.domain,
        "datetime_now_with_tzinfo",
        lambda: start + timedelta(microseconds=250_000 * next(ticks)),
    )


def _as_old(app: Projlife) -> Projlife:
    """``app`` writing the way commit 6982852 wrote."""
    app.store.mapper.transcoder = reference.stock_transcoder()
    recorder: Any = app.store.recorder
    recorder.on_insert = functools.partial(reference.chain_in_transaction, RawDB(app.url, app.engine))
    if isinstance(recorder, SQLiteApplicationRecorder):
        recorder._insert_events = types.MethodType(SQLiteApplicationRecorder._insert_events, recorder)
    return app


def _drive(open_app: Callable[[], Projlife]) -> None:
    """Batched imports (new projects, a re-run, continued projects), then the last commands one
    at a time from a second application (a writer that knows no subjects yet)."""
    app = open_app()
    try:
        commands = simulate(app.city("xiaogan"), 40, seed=17).commands
        batched, single = commands[:-6], commands[-6:]
        cut = len(batched) * 3 // 5
        app.projects.ingest(batched[:cut], batch_size=37)
        app.projects.ingest(batched[: cut // 2], batch_size=41)  # stored already: nothing written
        app.projects.ingest(batched, batch_size=53)  # replays the first part, then continues
    finally:
        app.close()
    later = open_app()
    try:
        for command in single:
            later.projects.execute(command)
    finally:
        later.close()


_TABLES = {
    "audit_chain": "SELECT seq, position, originator_id, originator_version, event_hash, chain_hash "
    "FROM audit_chain ORDER BY seq",
    "audit_log": "SELECT * FROM audit_log ORDER BY position",
    "audit_head": "SELECT size, last_position, chain_hash, frontier FROM audit_head",
}


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    app = connect(url)
    try:
        pos, table = app.url.position_column, app.url.events_table
        queries = {
            "events": f"SELECT {pos}, originator_id, originator_version, topic, state FROM {table} ORDER BY {pos}",
            **_TABLES,
        }
        with app.engine.connect() as conn:
            return {
                name: [
                    tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                    for row in conn.exec_driver_sql(sql).fetchall()
                ]
                for name, sql in queries.items()
            }
    finally:
        app.close()


@pytest.mark.parametrize("backend", _BACKENDS)
def test_the_same_commands_write_the_same_bytes_as_the_old_write_path(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _two_databases(backend, tmp_path) as (old_url, new_url):
        _clock(monkeypatch)
        _drive(lambda: _as_old(connect(old_url, create_tables=True)))
        _clock(monkeypatch)
        _drive(lambda: connect(new_url, create_tables=True))
        old, new = _dump(old_url), _dump(new_url)
    assert len(new["events"]) > 300
    assert len(new["audit_log"]) == len(new["events"])
    for name in old:
        assert new[name] == old[name], name


def test_a_write_that_rolled_back_leaves_no_subject_behind(sqlite_url: str) -> None:
    from audit_helpers import actor

    app = connect(sqlite_url, create_tables=True)
    try:
        recorder: Any = app.store.recorder
        hook = recorder.on_insert
        failing = {"on": True}

        def then_fail(cur: Any, rows: Any) -> None:
            hook(cur, rows)
            if failing["on"]:
                raise RuntimeError("the transaction fails after chaining")

        recorder.on_insert = then_fail

        def conceive(area: str, writer: Projlife) -> Any:
            return writer.projects.execute(
                {
                    "command": "conceive",
                    "code": "XG-RB-001",
                    "project_name": "回滚项目",
                    "city_code": "420900",
                    "area_code": area,
                    "category": "industrial",
                    "planned_investment_yuan": "1000000",
                    "occurred_on": "2024-01-05",
                    "actor": actor("clerk-1", "clerk", area),
                    "reserved": True,
                }
            )

        with pytest.raises(RuntimeError):
            conceive("420902", app)
        failing["on"] = False
        other = connect(sqlite_url)  # another writer stores the project, in another area
        try:
            pid = conceive("420900-SFS", other).aggregate_id
        finally:
            other.close()
        app.projects.execute(
            {
                "command": "sign",
                "project_id": str(pid),
                "amount_yuan": "1000000",
                "counterparty": "某公司",
                "occurred_on": "2024-02-01",
                "actor": actor("clerk-1", "clerk", "420900-SFS"),
            }
        )
        with app.engine.connect() as conn:
            areas = conn.exec_driver_sql(
                "SELECT aggregate_version, subject_area FROM audit_log ORDER BY position"
            ).fetchall()
    finally:
        app.close()
    assert [tuple(r) for r in areas] == [(1, "420900-SFS"), (2, "420900-SFS")]
