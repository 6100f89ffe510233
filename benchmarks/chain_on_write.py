"""What chaining every event in its own write transaction costs: ingest and one command, ABBA.

    PYTHONPATH=src python benchmarks/chain_on_write.py [--db sqlite|postgres|mariadb] [--projects 1000] [--commands 400]

For each database the script runs four phases in the order A B B A (A: ``chain_on_write=False``,
the audit chain left to a later ``seal()``; B: the default, chained in the write transaction),
each on a fresh database: an ``ingest`` of a seeded drive (events/s; and with the ``seal()``
that A needs afterwards to reach the same sealed state), then ``--commands``
single ``flag`` commands (A leaves them unsealed, B chains each in its own transaction) on random projects, one at a time (each command's wall time; p50 and
p99). The ABBA order cancels a drift of the shared machine. Results are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from projlife.app.application import connect
from projlife.demo.simulation import simulate

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MARIADB = "mysql+pymysql://root@127.0.0.1:3306"


def _fresh_url(kind: str, folder: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{folder / (uuid.uuid4().hex + '.db')}", None
    if kind == "mariadb":
        import pymysql

        name = f"bench_{uuid.uuid4().hex[:10]}"
        with pymysql.connect(host="127.0.0.1", user="root", autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        return f"{MARIADB}/{name}", f"mysql:{name}"
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    return f"{POSTGRES}?schema={schema}", schema


def _drop(schema: str | None) -> None:
    if schema is None:
        return
    if schema.startswith("mysql:"):
        import pymysql

        with pymysql.connect(host="127.0.0.1", user="root", autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {schema.removeprefix('mysql:')}")
        return
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def phase(url: str, chain: bool, n_projects: int, n_commands: int, seed: int = 7) -> dict[str, Any]:
    with connect(url, create_tables=True, chain_on_write=chain) as app:
        sim = simulate(app.city("xiaogan"), n_projects, seed=seed, as_of=date(2024, 12, 31))
        commands = list(sim.commands)
        t = time.perf_counter()
        report = app.projects.ingest(commands)
        ingest_s = time.perf_counter() - t
        t = time.perf_counter()
        app.audit.seal()  # A: the chain is written now; B: nothing left to do
        seal_s = time.perf_counter() - t
        ids = sorted({str(c.project_id) for c in commands if hasattr(c, "project_id")})
        ids = [i for i in ids if not app.projects.get(uuid.UUID(i)).is_cancelled]
        rng = random.Random(seed)
        times = []
        for i in range(n_commands):
            cmd = {
                "command": "flag",
                "project_id": rng.choice(ids),
                "flag": f"bench-{i}",
                "occurred_on": "2024-12-30",
                "actor": {"id": "clerk-1", "role": "clerk", "area_code": "420902"},
            }
            t = time.perf_counter()
            app.projects.execute(cmd)
            times.append(time.perf_counter() - t)
        unsealed = app.audit.verify().unsealed
    times.sort()
    return {
        "chain_on_write": chain,
        "events": report.events,
        "ingest_events_per_s": round(report.events / ingest_s),
        "ingest_then_seal_events_per_s": round(report.events / (ingest_s + seal_s)),
        "command_p50_ms": round(statistics.median(times) * 1000, 2),
        "command_p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))] * 1000, 2),
        "unsealed_after": unsealed,
    }


def run(kind: str, n_projects: int, n_commands: int) -> dict[str, Any]:
    phases = []
    with tempfile.TemporaryDirectory() as tmp:
        for chain in (False, True, True, False):
            url, schema = _fresh_url(kind, Path(tmp))
            try:
                phases.append(phase(url, chain, n_projects, n_commands))
            finally:
                _drop(schema)

    def mean(chain: bool, key: str) -> float:
        return round(statistics.mean(p[key] for p in phases if p["chain_on_write"] is chain), 2)

    keys = ("ingest_events_per_s", "ingest_then_seal_events_per_s", "command_p50_ms", "command_p99_ms")
    summary = {k: {"off": mean(False, k), "on": mean(True, k)} for k in keys}
    return {
        "database": kind,
        "projects": n_projects,
        "commands": n_commands,
        "phases": phases,
        "summary": summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "mariadb"], default="sqlite")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--commands", type=int, default=400)
    args = parser.parse_args()
    print(json.dumps(run(args.db, args.projects, args.commands), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
