"""The SQLite event store's WAL is checkpointed by a background thread, not in a command's commit;
no committed command is lost when the process is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from domain_helpers import new_project
from projlife.app.application import connect
from projlife.store.sqlite_checkpoint import BACKSTOP_PAGES, Checkpointer

ROOT = Path(__file__).resolve().parent.parent


def _checkpointer(app: Any) -> Checkpointer:
    found = app.store.factory.checkpointer
    assert isinstance(found, Checkpointer)
    return found


def _until(condition: Any, seconds: float = 20.0) -> bool:
    """Poll ``condition`` until it holds (a bound on waiting, not a timing assertion)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def test_the_event_stores_connections_checkpoint_themselves_only_as_a_backstop(tmp_path: Path) -> None:
    with connect(f"sqlite:///{tmp_path / 'p.db'}", create_tables=True) as app:
        with app.store.recorder.datastore.transaction(commit=False) as cur:  # type: ignore[attr-defined]
            cur.execute("PRAGMA wal_autocheckpoint")
            assert cur.fetchone()[0] == BACKSTOP_PAGES
        with app.engine.connect() as conn:  # the read models keep SQLite's default
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_a_commit_is_checkpointed_by_the_background_thread(tmp_path: Path) -> None:
    with connect(f"sqlite:///{tmp_path / 'p.db'}", create_tables=True) as app:
        checkpointer = _checkpointer(app)
        assert checkpointer.checkpoints == 0 and checkpointer._thread is None  # started by a commit
        for i in range(3):
            app.store.save(new_project(f"CKPT-{i}"))
        assert _until(lambda: checkpointer.checkpoints >= 1)
        # and it stays up for the next commits
        assert checkpointer._thread is not None and checkpointer._thread.is_alive()


def test_closing_the_application_stops_the_thread(tmp_path: Path) -> None:
    app = connect(f"sqlite:///{tmp_path / 'p.db'}", create_tables=True)
    app.store.save(new_project("CKPT-1"))
    assert any(t.name == "projlife-wal-checkpoint" for t in threading.enumerate())
    thread = _checkpointer(app)._thread
    app.close()
    assert thread is not None and not thread.is_alive()


_KILLED = """
import json, os, signal, sys
from datetime import date
from projlife.app.application import connect

app = connect(sys.argv[1], create_tables=True)
city = app.city("xiaogan")
county = city.areas.counties[0].code
actor = {"id": "c1", "role": "clerk", "area_code": county}
done = []
for i in range(int(sys.argv[2])):
    r = app.projects.execute({
        "command": "conceive", "code": f"XG-2024-{i:03d}", "project_name": "测试项目",
        "city_code": city.code, "area_code": county, "category": "industrial",
        "planned_investment_yuan": "300000000", "occurred_on": date(2024, 3, 1).isoformat(),
        "actor": actor,
    })
    r = app.projects.execute({"command": "flag", "project_id": str(r.aggregate_id), "flag": "watch",
                              "occurred_on": "2024-06-01", "actor": actor})
    done.append([str(r.aggregate_id), r.version])
print(json.dumps(done), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no close(), no checkpoint at exit
"""


def test_a_killed_process_loses_no_committed_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED, url, "150"], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    committed = json.loads(proc.stdout)
    assert len(committed) == 150
    with connect(url) as app:
        for project_id, version in committed:
            assert app.projects.get(UUID(project_id)).version == version
        assert app.audit.verify().problem is None
