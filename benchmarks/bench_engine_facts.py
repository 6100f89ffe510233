"""Ranking time of one city through the counting layer, and the time to read its facts as of a date.

``PYTHONPATH=src python benchmarks/bench_engine_facts.py --db sqlite:///bench.db [--projects 10000]``
(simulates the drive over the four built-in cities if the database is empty).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

import attrs

from projlife.app.application import connect
from projlife.demo.simulation import simulate
from projlife.domain.periods import Period, PeriodKind
from projlife.engine import rank
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import Measure, Metric, ScoringIndicator, ScoringRule
from projlife.projections.counting import Counting

CITIES = ["xiaogan", "zhumadian", "xiamen", "jiangyan"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--projects", type=int, default=10_000)
    ap.add_argument("--city", default=CITIES[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    app = connect(args.db, create_tables=True)
    if not app.store.recorder.max_notification_id():
        for i, slug in enumerate(CITIES):
            app.projects.ingest(simulate(app.city(slug), args.projects // len(CITIES), seed=100 + i).commands)
    app.projections.run()
    city = app.city(args.city)
    mid = date(2024, 6, 30)
    probe = rule_set(app.plugins, city, Period.containing(PeriodKind.QUARTER, mid))
    kind = probe.scoring[0].period_kind if probe.scoring else PeriodKind.QUARTER
    period = Period.containing(kind, mid)
    rules = rule_set(app.plugins, city, period)
    if not rules.scoring:
        starts = ScoringIndicator("starts", "开工数", Metric(Measure.STAGE_ENTRIES, "started"), 100)
        rules = attrs.evolve(rules, scoring=(ScoringRule("bench", "季度考评", "quarter", [starts]),))
    calendar = city_calendar(app.plugins, city)
    counting = Counting(app.engine)
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        n = len(counting.projects(city.code, as_of=mid, policy=rules.counting))
        times.append(time.perf_counter() - t)
    print(f"Counting.projects {city.slug} ({n} projects as of {mid}): median {statistics.median(times):.3f}s")
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        rank(app, city, period, mid, rules=rules, calendar=calendar)
        times.append(time.perf_counter() - t)
    print(f"rank {city.slug} ({n} projects, {period}): median {statistics.median(times):.3f}s "
          f"min {min(times):.3f}s over {args.repeat}")  # fmt: skip
    app.close()


if __name__ == "__main__":
    main()
