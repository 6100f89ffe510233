"""Raw SQLite insert cost per row as the event table grows: random-UUID vs ordered key."""

import os
import sqlite3
import tempfile
import time
import uuid

STATE = os.urandom(300)


def run(kind, total=600_000, batch=2000):
    d = tempfile.mkdtemp()
    c = sqlite3.connect(f"{d}/t.db")
    c.execute("PRAGMA journal_mode=WAL")
    c.execute("PRAGMA synchronous=NORMAL")
    c.execute(
        "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, PRIMARY KEY (originator_id, originator_version))"
    )
    out = {}
    n = 0
    while n < total:
        rows = []
        for _ in range(batch // 10):
            oid = uuid.uuid4().hex if kind == "random" else f"{n:032x}"
            rows += [(oid, v, "t", STATE) for v in range(1, 11)]
            n += 10
        t = time.process_time()
        with c:
            c.executemany("INSERT INTO stored_events VALUES (?,?,?,?)", rows)
        dt = time.process_time() - t
        for mark in (50_000, 600_000):
            if mark - 50_000 < n <= mark:
                out.setdefault(mark, []).append(dt)
    return {m: round(1e6 * sum(v) / 50_000, 1) for m, v in out.items()}


for k in ("random", "ordered"):
    print(k, "µs CPU/row for rows 0-50k and 550k-600k:", run(k))
