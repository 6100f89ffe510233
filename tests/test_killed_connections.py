"""A PostgreSQL backend killed under a pooled connection costs a reconnect, not a failed command."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from domain_helpers import new_project
from projlife.app.application import connect

pytestmark = pytest.mark.postgres


def _flag(app: Any, pid: Any, flag: str) -> int:
    return int(
        app.projects.execute(
            {
                "command": "flag",
                "project_id": str(pid),
                "flag": flag,
                "occurred_on": "2024-06-01",
                "actor": {"id": "clerk-1", "role": "clerk"},
            }
        ).version
    )


def test_the_next_command_and_query_succeed_after_every_pooled_backend_was_terminated(
    postgres_url: str,
) -> None:
    with connect(postgres_url, create_tables=True) as app:
        project = new_project("KILL-1")
        app.store.save(project)
        assert _flag(app, project.id, "before") == 2
        assert app.ping()
        _kill_pooled_backends(app)
        assert _flag(app, project.id, "after") == 3
        assert app.ping()
        assert app.projects.get(project.id).version == 3
        # a save that is the first use of the dead connections (no read before it)
        _kill_pooled_backends(app)
        other = new_project("KILL-2")
        assert len(app.store.save(other)) == 1
        assert app.projects.get(other.id).version == 1


def _kill_pooled_backends(app: Any) -> None:
    """Terminate this app's pooled connections only (other sessions share the server)."""
    pool: Any = app.store.recorder.datastore.pool
    pids = {conn.info.backend_pid for conn in list(pool._pool)}
    with app.engine.connect() as conn:
        pids.add(int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()))
    assert len(pids) > 1
    u = app.url
    with psycopg.connect(host=u.host, port=u.port, user=u.user, dbname=u.database, autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
