"""A very large save finishes on PostgreSQL (no pipeline deadlock) while another writer still gets in.

Hang detectors, not timing assertions: the big save runs in a spawned process and the test
fails if it has not finished within a generous bound (before the fix, a save of about 25k
events or more never returned on PostgreSQL and held the event table's lock for ever).
"""

from __future__ import annotations

import multiprocessing
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

import process_workers
from domain_helpers import new_project
from projlife.app.application import connect
from projlife.domain.project import project_id_for
from projlife.store.postgres_store import CHUNK_EVENTS, chunks

HANG_BOUND_S = 600  # a hang detector, not a timing: the fixed save takes well under a minute idle (chain included); the broken one never returns

pytestmark = pytest.mark.postgres


def _with_lock_timeout(url: str, seconds: int) -> str:
    return f"{url}&lock_timeout={seconds}"


def _run_beside(target: Any, args: tuple[Any, ...], url: str) -> tuple[tuple[int, str | None], int]:
    """Run ``target`` in a spawned process and, once it has started, one command from here.

    Returns the worker's result and the version of the project the command wrote to.
    """
    with connect(url) as app:
        neighbour = new_project("NEIGHBOUR-1")
        app.store.save(neighbour)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        started = manager.Event()
        with ctx.Pool(1) as pool:
            pending = pool.apply_async(target, (*args, started))
            assert started.wait(timeout=HANG_BOUND_S)
            # the concurrent clerk: may queue behind the big save's table lock, must then succeed
            with connect(_with_lock_timeout(url, HANG_BOUND_S)) as app:
                result = app.projects.execute(
                    {
                        "command": "flag",
                        "project_id": str(neighbour.id),
                        "flag": "while-importing",
                        "occurred_on": "2024-06-01",
                        "actor": {"id": "clerk-9", "role": "clerk"},
                    }
                )
            try:
                outcome = pending.get(timeout=HANG_BOUND_S)
            except multiprocessing.TimeoutError:
                pool.terminate()
                pytest.fail(f"the large save did not finish within {HANG_BOUND_S} s: it hung")
    return outcome, result.version


@pytest.mark.slow  # about 3 minutes: CI runs it with `-m slow`
def test_a_50k_event_save_finishes_on_postgresql_while_a_clerk_writes(postgres_url: str) -> None:
    connect(postgres_url, create_tables=True).close()

    (saved, error), version = _run_beside(
        process_workers.save_many_events, (postgres_url, 50_000), postgres_url
    )

    assert error is None, error
    assert saved == 50_000
    assert version == 2
    with connect(postgres_url) as app:
        assert app.store.recorder.max_notification_id() is not None
        assert len(app.store.recorder.select_notifications(None, 100_000)) == 50_002
        assert app.projects.find("420900", "BIG-9999").version == 5


def _ledger(path: Path, rows: int) -> Path:
    headers = ["项目编号", "项目名称", "县市区", "行业类别", "计划总投资(万元)", "谋划日期", "入库日期",
               "签约日期", "签约金额(万元)", "签约对象", "开工日期", "包保领导", "包保部门"]  # fmt: skip
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("项目台账")
    ws.append(headers)
    for i in range(rows):
        ws.append([f"ZMD-{i:05d}", "年产10万吨饲料加工项目", "西平县", "工业", 52000, date(2024, 1, 5),
                   date(2024, 2, 1), date(2024, 3, 15), 50000.5, "河南某某实业有限公司", date(2024, 5, 20),
                   "市领导3", "市发改委"])  # fmt: skip
    wb.save(path)
    return path


def test_a_10000_row_all_or_nothing_ledger_import_finishes_on_postgresql_while_a_clerk_writes(
    postgres_url: str, tmp_path: Path
) -> None:
    connect(postgres_url, create_tables=True).close()
    path = _ledger(tmp_path / "ledger.xlsx", 10_000)

    (written, error), version = _run_beside(
        process_workers.import_ledger_file, (postgres_url, str(path)), postgres_url
    )

    assert error is None, error
    assert written == 10_000
    assert version == 2
    with connect(postgres_url) as app:
        last = app.projects.get(project_id_for("411700", "ZMD-09999"))
        assert last.code == "ZMD-09999"
        assert len(app.store.recorder.select_notifications(None, 200_000)) > 10_000 * 4


def test_a_large_save_is_cut_into_bounded_chunks_in_order() -> None:
    from eventsourcing.persistence import StoredEvent

    events = [StoredEvent(uuid.uuid4(), 1, "t", b"x" * 10) for _ in range(CHUNK_EVENTS * 2 + 7)]
    parts = list(chunks(events))
    assert [len(p) for p in parts] == [CHUNK_EVENTS, CHUNK_EVENTS, 7]
    assert [e for p in parts for e in p] == events
    big = [StoredEvent(uuid.uuid4(), 1, "t", b"x" * (3 * 1024 * 1024)) for _ in range(3)]
    assert [len(p) for p in chunks(big)] == [2, 1]


def test_a_large_save_is_not_killed_as_idle_in_transaction_on_postgresql(postgres_url: str) -> None:
    """A chunked save pauses between statements; eventsourcing's 5 s idle limit killed it under load."""
    from projlife.store.database import IDLE_IN_TRANSACTION_TIMEOUT

    app = connect(postgres_url, create_tables=True)
    try:
        datastore = app.store.recorder.datastore  # type: ignore[attr-defined]
        with datastore.transaction(commit=False) as curs:
            curs.execute("SHOW idle_in_transaction_session_timeout")
            row = curs.fetchone()
        shown = row["idle_in_transaction_session_timeout"] if isinstance(row, dict) else row[0]
        assert shown == f"{IDLE_IN_TRANSACTION_TIMEOUT // 60}min"
    finally:
        app.close()
