"""Which event store should projlife use? Measure, on this machine, in one run.

Saves the same 10-event ``Project`` aggregates, 200 per ``save()`` call, with

(a) eventsourcing's in-memory POPO recorder (the ceiling: no database at all),
(b) eventsourcing's SQLite recorder (what projlife uses for ``sqlite:///``),
(c) eventsourcing-sqlalchemy on SQLite (skipped with a message when not installed),
(d) eventsourcing's PostgreSQL recorder (what projlife uses for ``postgresql+psycopg://``),
(e) projlife's MariaDB/MySQL recorder (``projlife.store.mysql_store``, for ``mysql+pymysql://``),

then reads every aggregate back (select + decode + replay). Prints events per second and
the ratio to in-memory. Run: ``python benchmarks/persistence_choice.py [--aggregates 2000]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from projlife.app.application import EventStore
from projlife.domain import Actor, Money, Project, ProjectCategory, Role

POSTGRES_URL = os.environ.get("PROJLIFE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("PROJLIFE_TEST_MYSQL", "mysql+pymysql://root@127.0.0.1:3306/test")
CLERK = Actor(id="bench-clerk", role=Role.CLERK)
BATCH = 200
EVENTS_PER_AGGREGATE = 10


def make_project(i: int, run: str) -> Project:
    """A project with exactly ten events: conceived, reserved, signed … and investment reports."""
    d = date(2024, 1, 10)
    p = Project.conceive(
        code=f"BENCH-{run}-{i}",
        name="基准测试项目",
        city_code="420900",
        area_code="420902",
        category=ProjectCategory.INDUSTRIAL,
        planned_investment=Money.yi(3),
        occurred_on=d,
        actor=CLERK,
    )
    p.reserve(occurred_on=d + timedelta(days=5), actor=CLERK)
    p.sign(amount=Money.yi("2.5"), counterparty="某公司", occurred_on=d + timedelta(days=20), actor=CLERK)
    p.start(occurred_on=d + timedelta(days=40), actor=CLERK, evidence=("施工许可证",))
    p.assign_sponsor(leader="王副市长", department="发改委", occurred_on=d, actor=CLERK)
    for month in range(3, 8):
        p.report_investment(
            month=date(2024, month, 1), amount=Money.wan(800), occurred_on=date(2024, month, 28), actor=CLERK
        )
    assert len(p.pending_events) == EVENTS_PER_AGGREGATE
    return p


@contextmanager
def popo() -> Iterator[dict[str, str]]:
    yield {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@contextmanager
def es_sqlite() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": os.path.join(tmp, "bench.db"),
            "SQLITE_LOCK_TIMEOUT": "30",
        }


@contextmanager
def sqlalchemy_sqlite() -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        yield {
            "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
            "SQLALCHEMY_URL": f"sqlite:///{os.path.join(tmp, 'bench.db')}",
        }


@contextmanager
def es_postgres() -> Iterator[dict[str, str]]:
    import psycopg

    from projlife.store.database import DatabaseURL

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    u = DatabaseURL.parse(f"{POSTGRES_URL}?schema={schema}")
    params = {
        "host": u.host,
        "port": u.port,
        "user": u.user,
        "password": u.password or None,
        "dbname": u.database,
    }
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        env = u.eventsourcing_env()
        env["CREATE_TABLE"] = "y"
        yield env
    finally:
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def projlife_mysql() -> Iterator[dict[str, str]]:
    import pymysql

    from projlife.store.database import DatabaseURL

    u = DatabaseURL.parse(MYSQL_URL)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = pymysql.connect(
        host=u.host, port=u.port or 3306, user=u.user, password=u.password or "", autocommit=True
    )
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        env = DatabaseURL.parse(f"mysql+pymysql://{u.user}@{u.host}:{u.port}/{name}").eventsourcing_env()
        env["MYSQL_PASSWORD"] = u.password or ""
        env["CREATE_TABLE"] = "y"
        yield env
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()


def measure(env: dict[str, str], aggregates: int, run: str) -> tuple[float, float]:
    """Return (events written per second, events read and decoded per second)."""
    store = EventStore(env=env)
    try:
        batches = [
            [make_project(b * BATCH + i, run) for i in range(BATCH)] for b in range(aggregates // BATCH)
        ]
        ids = [p.id for batch in batches for p in batch]
        started = time.perf_counter()
        for batch in batches:
            store.save(*batch)
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        for pid in ids:
            project: Any = store.repository.get(pid)
            assert project.version == EVENTS_PER_AGGREGATE
        read_s = time.perf_counter() - started
    finally:
        store.close()
    n_events = len(ids) * EVENTS_PER_AGGREGATE
    return n_events / write_s, n_events / read_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--aggregates", type=int, default=2000, help="aggregates per backend (multiple of 200)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per backend; the best is reported")
    args = parser.parse_args()

    backends: list[tuple[str, Callable[[], Any]]] = [
        ("(a) in-memory POPO", popo),
        ("(b) eventsourcing SQLite", es_sqlite),
    ]
    try:
        import eventsourcing_sqlalchemy  # noqa: F401

        backends.append(("(c) eventsourcing-sqlalchemy SQLite", sqlalchemy_sqlite))
    except ImportError:
        print("(c) skipped: eventsourcing-sqlalchemy is not installed (pip install eventsourcing-sqlalchemy)")
    backends.append(("(d) eventsourcing PostgreSQL", es_postgres))
    backends.append(("(e) projlife MariaDB/MySQL", projlife_mysql))

    print(
        f"{date.today()} · {platform.python_implementation()} {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · {args.aggregates} aggregates x {EVENTS_PER_AGGREGATE} events, "
        f"{BATCH} aggregates per save, best of {args.repeat}"
    )
    results: dict[str, tuple[float, float]] = {}
    for name, backend in backends:
        best = (0.0, 0.0)
        try:
            for r in range(args.repeat):
                with backend() as env:
                    w, rd = measure(env, args.aggregates, f"{r}-{uuid.uuid4().hex[:6]}")
                best = (max(best[0], w), max(best[1], rd))
        except Exception as exc:  # e.g. no PostgreSQL server
            print(f"{name}: skipped ({type(exc).__name__}: {exc})")
            continue
        results[name] = best
    base_w, base_r = results["(a) in-memory POPO"]
    print(f"\n{'backend':40} {'write ev/s':>12} {'vs mem':>8} {'read+decode ev/s':>18} {'vs mem':>8}")
    for name, (w, rd) in results.items():
        print(f"{name:40} {w:12,.0f} {w / base_w:8.2f} {rd:18,.0f} {rd / base_r:8.2f}")


if __name__ == "__main__":
    main()
