"""Functions run in spawned processes by the application and concurrency tests.

They live in their own module so a spawned interpreter can import them cheaply.
"""

from __future__ import annotations

import traceback
from datetime import date
from typing import Any


def create_tables_at_once(url: str, barrier: Any) -> str | None:
    """Wait for the others, then create the tables; return the error text or None."""
    try:
        from projlife.app.application import connect

        barrier.wait(timeout=60)
        connect(url, create_tables=True).close()
        return None
    except Exception:
        return traceback.format_exc()


def report_months(url: str, project_id: str, months: list[str], barrier: Any) -> tuple[int, str | None]:
    """Report investment for each month on one project; return (done, error)."""
    from projlife.app.application import connect
    from projlife.domain.errors import ConcurrentUpdateError

    done = 0
    try:
        with connect(url) as app:
            barrier.wait(timeout=60)
            for month in months:
                try:
                    app.projects.execute(
                        {
                            "command": "report_investment",
                            "project_id": project_id,
                            "month": month,
                            "amount_yuan": "1000000.00",
                            "occurred_on": (date.fromisoformat(month).replace(day=28)).isoformat(),
                            "actor": {"id": f"clerk-{month}", "role": "clerk"},
                        }
                    )
                    done += 1
                except ConcurrentUpdateError:
                    return done, "ConcurrentUpdateError"
        return done, None
    except Exception:
        return done, traceback.format_exc()


def add_flags(url: str, project_ids: list[str], flags: list[str], barrier: Any) -> tuple[int, str | None]:
    """Add each flag to each project; return (done, error)."""
    from projlife.app.application import connect
    from projlife.domain.errors import ConcurrentUpdateError

    done = 0
    try:
        with connect(url) as app:
            barrier.wait(timeout=60)
            for flag in flags:
                for pid in project_ids:
                    try:
                        app.projects.execute(
                            {
                                "command": "flag",
                                "project_id": pid,
                                "flag": flag,
                                "occurred_on": "2024-06-01",
                                "actor": {"id": "clerk", "role": "clerk"},
                            }
                        )
                        done += 1
                    except ConcurrentUpdateError:
                        return done, "ConcurrentUpdateError"
        return done, None
    except Exception:
        return done, traceback.format_exc()


def save_many_events(url: str, events: int, started: Any) -> tuple[int, str | None]:
    """Save about ``events`` events (5 per project) in ONE ``store.save``; return (saved, error)."""
    try:
        from domain_helpers import CLERK, new_project
        from projlife.app.application import connect

        projects = []
        for i in range(events // 5):
            project = new_project(f"BIG-{i}")
            for k in range(4):
                project.flag(flag=f"big-{k}", occurred_on=date(2024, 1, 10), actor=CLERK)
            projects.append(project)
        with connect(url) as app:
            started.set()
            recordings = app.store.save(*projects)
        return len(recordings), None
    except Exception:
        started.set()
        return 0, traceback.format_exc()


def import_ledger_file(url: str, path: str, started: Any) -> tuple[int, str | None]:
    """Import a ledger file all-or-nothing into Zhumadian; return (projects written, error)."""
    try:
        from projlife.app.application import connect
        from projlife.reports.ledger_import import import_ledger

        with connect(url) as app:
            started.set()
            report = import_ledger(app, path, city="zhumadian", mode="all_or_nothing")
        return report.projects_written, None
    except Exception:
        started.set()
        return 0, traceback.format_exc()
