"""Eight clerks writing one project at once: conflict rate, failures and latency under backoff.

    PYTHONPATH=src:tests python benchmarks/contention.py [--db sqlite|postgres|mysql] [--clerks 8] [--commands 25]

Each clerk is a spawned process issuing ``--commands`` ``flag`` commands on the same project
as fast as it can. Reported: version conflicts met per command (each one a backoff and a
retry inside ``save_with_retries``), commands that ended in ``ConcurrentUpdateError``, and the
p50/p99 wall time of a command. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def clerk(url: str, pid: str, clerk_no: int, n: int, barrier: Any) -> tuple[int, int, list[float]]:
    """Run ``n`` flag commands; returns (conflicts met, ConcurrentUpdateErrors, seconds each)."""
    from eventsourcing.persistence import RecordConflictError

    from projlife.app.application import connect
    from projlife.domain.errors import ConcurrentUpdateError

    conflicts = failures = 0
    times: list[float] = []
    with connect(url) as app:
        real_save = app.store.save

        def counting_save(*args: Any, **kwargs: Any) -> Any:
            nonlocal conflicts
            try:
                return real_save(*args, **kwargs)
            except RecordConflictError:
                conflicts += 1
                raise

        app.store.save = counting_save  # type: ignore[method-assign]
        barrier.wait(timeout=120)
        for i in range(n):
            t = time.perf_counter()
            try:
                app.projects.execute(
                    {
                        "command": "flag",
                        "project_id": pid,
                        "flag": f"c{clerk_no}-{i}",
                        "occurred_on": "2024-06-01",
                        "actor": {"id": f"clerk-{clerk_no}", "role": "clerk"},
                    }
                )
            except ConcurrentUpdateError:
                failures += 1
            times.append(time.perf_counter() - t)
    return conflicts, failures, times


def run(kind: str, clerks: int, commands: int) -> dict[str, Any]:
    from domain_helpers import new_project
    from projlife.app.application import connect

    with tempfile.TemporaryDirectory() as tmp:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        database = ""
        if kind == "sqlite":
            url = f"sqlite:///{Path(tmp) / 'c.db'}"
        elif kind == "mysql":
            from mysql_helpers import create_mysql_database, mysql_url_for

            database = create_mysql_database()
            url = mysql_url_for(database)
        else:
            url = f"{POSTGRES}?schema={schema}"
        with connect(url, create_tables=True) as app:
            project = new_project("CONTENDED-1")
            app.store.save(project)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Manager() as manager:
            barrier = manager.Barrier(clerks)
            with ctx.Pool(clerks) as pool:
                results = pool.starmap(
                    clerk, [(url, str(project.id), c, commands, barrier) for c in range(clerks)]
                )
        if kind == "postgres":
            import psycopg

            with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        if database:
            from mysql_helpers import drop_mysql_database

            drop_mysql_database(database)
    total = clerks * commands
    times = sorted(t for _, _, ts in results for t in ts)
    return {
        "database": kind,
        "clerks": clerks,
        "commands": total,
        "conflicts_per_command": round(sum(c for c, _, _ in results) / total, 3),
        "concurrent_update_errors": sum(f for _, f, _ in results),
        "command_p50_ms": round(statistics.median(times) * 1000, 2),
        "command_p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "mysql"], default="sqlite")
    parser.add_argument("--clerks", type=int, default=8)
    parser.add_argument("--commands", type=int, default=25)
    args = parser.parse_args()
    print(json.dumps(run(args.db, args.clerks, args.commands), indent=2))


if __name__ == "__main__":
    main()
