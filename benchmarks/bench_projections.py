"""Projection benchmark: rebuild rate vs read+decode rate, as-of ledger and funnel latency, peak memory.

    PYTHONPATH=src python benchmarks/bench_projections.py --projects 10000 [--db sqlite:///bench.db]

Generates the drive with ``projlife.demo.simulation.simulate`` (spread over the four built-in
cities), imports it with ``app.projects.ingest``, then measures.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from projlife.app.application import connect
from projlife.demo.simulation import simulate
from projlife.projections.facts import LEDGER_PROJECTION


def timed(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--db", default=None)
    args = ap.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    app = connect(url, create_tables=True)
    cities = ["xiaogan", "zhumadian", "xiamen", "jiangyan"]
    t = time.perf_counter()
    if not app.store.recorder.max_notification_id():
        for i, slug in enumerate(cities):
            n = args.projects // len(cities)
            app.projects.ingest(simulate(app.city(slug), n, seed=100 + i).commands)
    head = app.store.recorder.max_notification_id() or 0
    print(f"ingested {args.projects} projects, {head} events in {time.perf_counter() - t:.1f}s ({url})")

    projection = app.projections.get(LEDGER_PROJECTION)
    t = time.perf_counter()
    pos, n_read = 0, 0
    while True:
        notes = app.store.recorder.select_notifications(pos + 1, 2000, topics=projection.topics)
        if not notes:
            break
        for n in notes:
            app.store.mapper.to_domain_event(n)
        n_read += len(notes)
        pos = notes[-1].id
    read_s = time.perf_counter() - t
    print(f"read+decode: {n_read} events in {read_s:.2f}s = {n_read / read_s:,.0f} events/s")

    t = time.perf_counter()
    app.projections.rebuild(LEDGER_PROJECTION)
    rebuild_s = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"rebuild: {n_read} events in {rebuild_s:.2f}s = {n_read / rebuild_s:,.0f} events/s "
        f"({100 * read_s / rebuild_s:.0f}% of read+decode; target >= 50%), "
        f"{1e6 * rebuild_s / n_read:.1f} us/event; peak RSS of the process {peak:.0f} MB (target <= 400)"
    )

    city = app.city("xiaogan")
    county = city.areas.counties[0].code
    for as_of in (date(2024, 6, 30), date(2024, 12, 31), None):
        ms = timed(lambda d=as_of: app.ledger.rows(city="xiaogan", county=county, as_of=d))
        n = len(app.ledger.rows(city="xiaogan", county=county, as_of=as_of))
        print(f"ledger rows, one county ({n} projects) as of {as_of}: {ms:.1f} ms")
        ms = timed(lambda d=as_of: app.ledger.summary(city="xiaogan", county=county, as_of=d))
        print(f"ledger summary, one county as of {as_of}: {ms:.1f} ms")
        ms = timed(lambda d=as_of: app.ledger.rows(as_of=d), repeat=1)
        print(f"ledger rows, whole province ({args.projects} projects) as of {as_of}: {ms:.1f} ms")
        ms = timed(lambda d=as_of: app.ledger.summary(as_of=d), repeat=3)
        print(f"ledger summary, whole province as of {as_of}: {ms:.1f} ms")
    ms = timed(lambda: app.metrics.funnel("2024-Q2", city="xiaogan"))
    print(f"funnel, one city and quarter: {ms:.1f} ms (target <= 20)")
    ms = timed(lambda: app.metrics.funnel("2024-Q2", city="xiaogan", as_of=date(2024, 9, 30), within_days=90))
    print(f"funnel, one city and quarter, as of 2024-09-30 within 90 days: {ms:.1f} ms (target <= 20)")
    ms = timed(lambda: app.metrics.rate("started_to_statistics", period="2024-Q2", city="xiaogan"))
    print(f"纳统率, one city and quarter: {ms:.1f} ms")
    app.close()


if __name__ == "__main__":
    main()
