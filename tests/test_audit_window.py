"""The audit trail has no window: every event is chained in the transaction that writes it.

Before, events stayed unsealed until the next ``seal()`` (a full projection run, a report,
an export), and a hand edit made in between was sealed as genuine.
"""

from __future__ import annotations

from typing import Any

import pytest

from audit_helpers import event_count, flip_state_byte, read_row, set_column, started_project
from projlife.app.application import Projlife, connect
from projlife.audit.integrity import TamperKind
from projlife.audit.sealing import MAX_CATCH_UP


@pytest.fixture(autouse=True)
def _not_on_mysql(request: pytest.FixtureRequest) -> None:
    """MariaDB/MySQL's recorder has no in-transaction hook yet: its events are chained by ``seal()``."""
    url = request.getfixturevalue("db_url") if "db_url" in request.fixturenames else ""
    if url.startswith("mysql"):
        pytest.skip("chain-on-write is not implemented for MariaDB/MySQL yet (events are chained by seal())")


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
