"""A province's event log on one server: write, size, read and audit at about a million events.

    PYTHONPATH=src python benchmarks/province_log.py [--db URL] [--events 1000000] [--json]

What ``docs/scaling.md`` needs measured rather than extrapolated: how one database server
holds a province's year of events (100k projects, about 1M events). Building the province
through the whole application (``benchmarks/run.py --projects 100000``) takes hours on a shared
2-core machine, so this drives the event store directly:

1. a real sample: a 300-project Xiaogan drive is simulated and ingested into a temporary SQLite
   projlife, and its stored events (topic, state, per-aggregate version runs) are read back;
2. the province: those aggregate histories are copied under fresh originator ids into a fresh
   schema (PostgreSQL) or database (MariaDB/MySQL) through projlife's own recorder, 200
   aggregates per transaction, each insert chaining its events into the audit hash chain in
   the same transaction (the production write path);
3. measured: the write rate per tenth of the log (does it fall as the table grows?), the
   table and index sizes, the rate of reading the whole log in pages of 1,000 (what a
   projection rebuild reads), the latency of loading one aggregate's events from a
   province-size table, and a full audit verification (re-hash the whole log).

Read models are not built here (copied projects share codes, so the ledger would be
meaningless); their rebuild rate comes from ``benchmarks/run.py``. Prints a table or JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from eventsourcing.persistence import StoredEvent

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate

POSTGRES_URL = os.environ.get("PROJLIFE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PER_SAVE = 200


def sample_histories(projects: int = 300) -> list[list[tuple[int, str, bytes]]]:
    """Real stored events of a simulated drive, grouped per aggregate: [(version, topic, state)]."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        connect(f"sqlite:///{Path(tmp) / 's.db'}", create_tables=True) as app,
    ):
        sim = simulate(app.city("xiaogan"), projects, seed=2024)
        app.projects.ingest(sim.commands)
        by_id: dict[Any, list[tuple[int, str, bytes]]] = {}
        for n in app.store.recorder.select_notifications(1, 10_000_000):
            by_id.setdefault(n.originator_id, []).append((n.originator_version, n.topic, n.state))
    return list(by_id.values())


@contextmanager
def target(db: str) -> Iterator[str]:
    """A fresh PostgreSQL schema or MariaDB/MySQL database on ``db``'s server (dropped afterwards)."""
    if db.startswith(("mysql", "mariadb")):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from mysql_helpers import create_mysql_database, drop_mysql_database, mysql_url_for

        name = create_mysql_database()
        try:
            yield mysql_url_for(name)
        finally:
            drop_mysql_database(name)
        return
    import psycopg

    from projlife.store.database import DatabaseURL

    schema = f"province_{uuid.uuid4().hex[:8]}"
    u = DatabaseURL.parse(db)
    try:
        yield f"{db}{'&' if '?' in db else '?'}schema={schema}"
    finally:
        with psycopg.connect(host=u.host, port=u.port, user=u.user, dbname=u.database, autocommit=True) as c:
            c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def sizes(app: Projlife) -> dict[str, float]:
    """MB on disk: the event table (with its indexes) and everything projlife stored."""
    url = app.url
    with app.engine.connect() as conn:
        if url.dialect == "mysql":
            rows = conn.exec_driver_sql(
                "SELECT table_name, data_length + index_length FROM information_schema.tables "
                "WHERE table_schema = DATABASE()"
            ).all()
        else:
            rows = conn.exec_driver_sql(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            ).all()
    by_table = {str(t): int(b) for t, b in rows}
    return {
        "events_mb": round(by_table.get(url.events_table, 0) / 1e6, 1),
        "all_mb": round(sum(by_table.values()) / 1e6, 1),
    }


def run(db: str, events: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    histories = sample_histories()
    sample_events = sum(len(h) for h in histories)
    out: dict[str, Any] = {
        "database": db.split(":", 1)[0],
        "sample": f"{len(histories)} aggregates, {sample_events} events from a 300-project drive",
        "load_start": list(os.getloadavg()),
    }
    rng = random.Random(2024)
    with target(db) as url, connect(url, create_tables=True) as app:
        out["server"] = app.engine.dialect.server_version_info
        recorder = app.store.recorder
        written, tenth, slices, ids = 0, max(1, events // 10), [], []
        mark_n, mark_t = 0, time.perf_counter()
        while written < events:
            batch: list[StoredEvent] = []
            for history in rng.choices(histories, k=PER_SAVE):
                oid = uuid.uuid4()
                ids.append(oid)
                batch.extend(StoredEvent(oid, v, topic, state) for v, topic, state in history)
            recorder.insert_events(batch)
            written += len(batch)
            if written - mark_n >= tenth:
                now = time.perf_counter()
                slices.append(round((written - mark_n) / (now - mark_t)))
                mark_n, mark_t = written, now
        out["events"] = written
        out["aggregates"] = len(ids)
        out["write_events_per_s_by_tenth"] = slices
        out["load_after_write"] = list(os.getloadavg())
        out |= sizes(app)

        t = time.perf_counter()
        read, last = 0, 0
        while True:
            page = recorder.select_notifications(last, 1000, inclusive_of_start=False)
            if not page:
                break
            read += len(page)
            last = page[-1].id
        out["read_log_events_per_s"] = round(read / (time.perf_counter() - t))
        assert read == written, (read, written)

        lat = []
        for oid in rng.sample(ids, 500):
            t = time.perf_counter()
            recorder.select_events(oid)
            lat.append(time.perf_counter() - t)
        lat.sort()
        out["load_one_aggregate_p50_ms"] = round(statistics.median(lat) * 1000, 2)
        out["load_one_aggregate_p99_ms"] = round(lat[int(len(lat) * 0.99)] * 1000, 2)

        t = time.perf_counter()
        report = app.audit.verify()
        seconds = time.perf_counter() - t
        out["audit_verify_ok"] = report.ok
        out["audit_verify_events_per_s"] = round(written / seconds)
    out["load_end"] = list(os.getloadavg())
    out["total_s"] = round(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=POSTGRES_URL, help="a PostgreSQL or MariaDB/MySQL server URL")
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = run(args.db, args.events)
    if args.json:
        print(json.dumps(result, default=str))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")


if __name__ == "__main__":
    main()
