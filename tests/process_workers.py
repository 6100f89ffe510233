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
