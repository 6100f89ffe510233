"""How should MariaDB/MySQL hand out notification ids? Measure the options and the drivers, in one run.

Ordering options, each with ``--writers`` threads committing transactions of ``--events``
events while a follower tails the log by "id greater than the last one I saw":

(a) ``sequence``: a one-row counter taken with ``UPDATE … LAST_INSERT_ID(last + n)`` inside the
    writing transaction (what :mod:`projlife.store.mysql_store` does);
(b) ``get_lock``: ``GET_LOCK`` around insert and commit, ids from ``AUTO_INCREMENT``;
(c) ``auto_increment``: plain ``AUTO_INCREMENT`` (what a naive port does; unsafe).

For each: events per second, and how many committed events the follower never saw.
Then the drivers (PyMySQL, and mysqlclient when ``MySQLdb`` imports): one writer saving
200 events per transaction with option (a), and a full read of the log.

Run: ``PYTHONPATH=src python benchmarks/mysql_ordering.py [--url mysql+pymysql://root@127.0.0.1:3306/test]``
"""

from __future__ import annotations

import argparse
import os
import platform
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from projlife.store.database import DatabaseURL

STATE = b'{"x":"' + b"y" * 400 + b'"}'  # about the size of a projlife event


def _connector(driver: str, url: DatabaseURL) -> Callable[..., Any]:
    if driver == "pymysql":
        import pymysql

        def connect(database: str | None = None) -> Any:
            return pymysql.connect(
                host=url.host, port=url.port, user=url.user, password=url.password or "",
                database=database, autocommit=True,
            )  # fmt: skip
    else:
        import MySQLdb

        def connect(database: str | None = None) -> Any:
            kwargs: dict[str, Any] = {"database": database} if database else {}
            return MySQLdb.connect(
                host=url.host, port=url.port, user=url.user, password=url.password or "", autocommit=True, **kwargs
            )  # fmt: skip

    return connect


@contextmanager
def fresh_database(connect: Callable[..., Any], option: str) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = connect()
    cur = conn.cursor()
    cur.execute(f"CREATE DATABASE `{name}`")
    cur.execute(f"USE `{name}`")
    auto = "AUTO_INCREMENT" if option != "sequence" else ""
    cur.execute(
        f"CREATE TABLE events (id BIGINT NOT NULL {auto} PRIMARY KEY, originator_id CHAR(32) NOT NULL, "
        "version BIGINT NOT NULL, topic VARCHAR(255) NOT NULL, state LONGBLOB NOT NULL, "
        "UNIQUE KEY agg (originator_id, version)) ENGINE=InnoDB"
    )
    cur.execute("CREATE TABLE seq (id TINYINT PRIMARY KEY, last BIGINT NOT NULL) ENGINE=InnoDB")
    cur.execute("INSERT INTO seq VALUES (1, 0)")
    try:
        yield name
    finally:
        cur.execute(f"DROP DATABASE `{name}`")
        conn.close()


def write(cur: Any, conn: Any, option: str, rows: list[tuple[str, int]]) -> None:
    """One transaction of ``rows`` (originator id, version) with the given ordering option."""
    if option == "get_lock":
        cur.execute("SELECT GET_LOCK('bench_log', 30)")
        cur.fetchall()
    cur.execute("BEGIN")
    if option == "sequence":
        cur.execute("UPDATE seq SET last = LAST_INSERT_ID(last + %s) WHERE id = 1", (len(rows),))
        first = cur.lastrowid - len(rows) + 1
        cur.executemany(
            "INSERT INTO events (id, originator_id, version, topic, state) VALUES (%s, %s, %s, %s, %s)",
            [(first + i, o, v, "t", STATE) for i, (o, v) in enumerate(rows)],
        )
    else:
        cur.executemany(
            "INSERT INTO events (originator_id, version, topic, state) VALUES (%s, %s, %s, %s)",
            [(o, v, "t", STATE) for o, v in rows],
        )
    conn.commit()
    if option == "get_lock":
        cur.execute("SELECT RELEASE_LOCK('bench_log')")
        cur.fetchall()


def race(
    connect: Callable[..., Any], option: str, writers: int, txs: int, per_tx: int
) -> tuple[float, int, int]:
    """(events/s, events committed, events the follower missed)."""
    with fresh_database(connect, option) as db:
        done = threading.Event()
        seen: set[int] = set()

        def writer() -> None:
            conn = connect(db)
            cur = conn.cursor()
            for _ in range(txs):
                oid = uuid.uuid4().hex
                write(cur, conn, option, [(oid, v) for v in range(1, per_tx + 1)])
            conn.close()

        def follower() -> None:
            conn = connect(db)
            cur = conn.cursor()
            last = 0
            while True:
                finished = done.is_set()
                cur.execute("SELECT id FROM events WHERE id > %s ORDER BY id LIMIT 100", (last,))
                ids = [r[0] for r in cur.fetchall()]
                seen.update(ids)
                if ids:
                    last = ids[-1]
                elif finished:
                    break
            conn.close()

        f = threading.Thread(target=follower)
        f.start()
        threads = [threading.Thread(target=writer) for _ in range(writers)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        done.set()
        f.join()
        conn = connect(db)
        cur = conn.cursor()
        cur.execute("SELECT id FROM events")
        committed = {r[0] for r in cur.fetchall()}
        conn.close()
    return len(committed) / seconds, len(committed), len(committed - seen)


def driver_speed(connect: Callable[..., Any], events: int) -> tuple[float, float]:
    """(events written/s, events read/s): one writer, 200 events per transaction, then a full read."""
    with fresh_database(connect, "sequence") as db:
        conn = connect(db)
        cur = conn.cursor()
        started = time.perf_counter()
        for _ in range(events // 200):
            oids = [uuid.uuid4().hex for _ in range(20)]
            write(cur, conn, "sequence", [(o, v) for o in oids for v in range(1, 11)])
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        last, n = 0, 0
        while True:
            cur.execute(
                "SELECT id, originator_id, version, topic, state FROM events WHERE id > %s ORDER BY id LIMIT 1000",
                (last,),
            )
            rows = cur.fetchall()
            if not rows:
                break
            n += len(rows)
            last = rows[-1][0]
        read_s = time.perf_counter() - started
        conn.close()
    assert n == events // 200 * 200
    return n / write_s, n / read_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--url", default=os.environ.get("PROJLIFE_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/test")
    )
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--transactions", type=int, default=250, help="per writer")
    ap.add_argument("--events", type=int, default=2, help="per transaction")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    url = DatabaseURL.parse(a.url)
    drivers = ["pymysql"]
    try:
        import MySQLdb  # noqa: F401

        drivers.append("mysqlclient")
    except ImportError:
        print("mysqlclient not installed: driver comparison with PyMySQL only")
    connect = _connector("pymysql", url)
    probe = connect()
    cur = probe.cursor()
    cur.execute("SELECT VERSION()")
    version = cur.fetchone()[0]
    probe.close()
    print(
        f"{time.strftime('%Y-%m-%d')} · {platform.python_implementation()} {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · server {version}"
    )
    print(
        f"\nordering: {a.writers} writers x {a.transactions} transactions x {a.events} events, best of {a.repeat}"
    )
    print(f"{'option':18} {'events/s':>10} {'committed':>10} {'missed by follower (each run)':>32}")
    for option in ("sequence", "get_lock", "auto_increment"):
        runs = [race(connect, option, a.writers, a.transactions, a.events) for _ in range(a.repeat)]
        best = max(r[0] for r in runs)
        print(f"{option:18} {best:10,.0f} {runs[0][1]:10,} {', '.join(str(r[2]) for r in runs):>32}")
    print("\ndrivers: 20,000 events, 200 per transaction (option sequence), then read in pages of 1,000")
    print(f"{'driver':18} {'write ev/s':>10} {'read ev/s':>10}")
    for driver in drivers:
        runs = [driver_speed(_connector(driver, url), 20_000) for _ in range(a.repeat)]
        print(f"{driver:18} {max(r[0] for r in runs):10,.0f} {max(r[1] for r in runs):10,.0f}")


if __name__ == "__main__":
    main()
