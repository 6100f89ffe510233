"""The audit trail has no window: every event is chained in the transaction that writes it.

Before, events stayed unsealed until the next ``seal()`` (a full projection run, a report,
an export), and a hand edit made in between was sealed as genuine. On SQLite, PostgreSQL and
MariaDB/MySQL (where it used to be skipped: its recorder had no in-transaction hook).
"""

from __future__ import annotations

import threading
from typing import Any

from audit_helpers import event_count, flip_state_byte, read_row, set_column, started_project
from projlife.app.application import Projlife, connect
from projlife.audit.integrity import TamperKind
from projlife.audit.sealing import MAX_CATCH_UP


def _head_size(app: Projlife) -> int:
    with app.engine.begin() as conn:
        return int(conn.exec_driver_sql("SELECT size FROM audit_head WHERE id = 1").scalar_one())


def test_every_written_event_is_chained_and_logged_before_the_command_returns(app: Projlife) -> None:
    pid = started_project(app)
    assert _head_size(app) == event_count(app) == 3
    report = app.audit.verify()
    assert report.ok and report.unsealed == 0 and report.checked == 3
    # the log rows were written in the same transaction too
    assert [e.aggregate_version for e in app.audit.log(project=str(pid))] == [1, 2, 3]
    assert app.audit.seal().sealed == 0


def test_a_hand_edit_right_after_a_write_cannot_be_sealed_as_genuine(app: Projlife) -> None:
    started_project(app)
    signed = read_row(app, 2)
    set_column(app, 2, "state", signed["state"].replace(b"clerk-1", b"clerk-X"))
    app.audit.seal()  # the next seal (a projection run, a report) must not bless the edit
    problem = app.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.ALTERED, 2)


def test_a_large_ingest_is_chained_as_it_is_written(app: Projlife) -> None:
    from audit_helpers import drive

    written = drive(app, n_projects=30)
    assert _head_size(app) == event_count(app) == written
    flip_state_byte(app, written // 2, 11)
    app.audit.seal()
    problem = app.audit.verify().problem
    assert problem is not None and problem.position == written // 2


def test_a_write_chains_the_older_unsealed_events_first(db_url: str) -> None:
    with connect(db_url, create_tables=True, chain_on_write=False) as legacy:
        started_project(legacy, code="OLD-1")
    with connect(db_url) as app:
        assert app.audit.verify().unsealed == 3
        started_project(app, code="NEW-1")
        report = app.audit.verify()
        assert report.ok and report.unsealed == 0 and report.checked == 6


def test_a_backlog_too_large_for_one_write_is_left_to_seal(db_url: str, monkeypatch: Any) -> None:
    import projlife.audit.sealing as sealing

    monkeypatch.setattr(sealing, "MAX_CATCH_UP", 2)
    assert MAX_CATCH_UP > 2
    with connect(db_url, create_tables=True, chain_on_write=False) as legacy:
        started_project(legacy, code="OLD-1")
    with connect(db_url) as app:
        started_project(app, code="NEW-1")
        assert app.audit.verify().unsealed == 6  # nothing chained out of order
        assert app.audit.seal().sealed == 6
        started_project(app, code="NEW-2")
        report = app.audit.verify()
        assert report.ok and report.unsealed == 0 and report.checked == 9


def test_writers_and_sealers_at_once_chain_every_event_exactly_once_in_log_order(db_url: str) -> None:
    with connect(db_url, create_tables=True):
        pass
    apps = [connect(db_url) for _ in range(5)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(apps))

    def write(app: Projlife, n: int) -> None:
        try:
            barrier.wait()
            for i in range(4):
                started_project(app, code=f"W{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def seal(app: Projlife) -> None:
        try:
            barrier.wait()
            for _ in range(6):
                app.audit.seal()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(a, n)) for n, a in enumerate(apps[:3])]
    threads += [threading.Thread(target=seal, args=(a,)) for a in apps[3:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    try:
        assert not errors, errors
        app = apps[0]
        total = event_count(app)
        assert total == 3 * 4 * 3
        assert _head_size(app) == total  # each event chained once, none skipped
        report = app.audit.verify()
        assert report.ok and report.unsealed == 0 and report.checked == total
        assert app.audit.seal().sealed == 0
    finally:
        for a in apps:
            a.close()
