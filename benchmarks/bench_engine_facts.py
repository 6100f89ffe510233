"""Ranking time of one city with the engine's two facts sources: StoreFacts vs ProjectionFacts.

``PYTHONPATH=src python benchmarks/bench_engine_facts.py --db sqlite:///bench.db [--projects 10000]``
(simulates the drive over the four built-in cities if the database is empty). Also checks the
two sources give the same facts and the same ranking.
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
from projlife.engine import ProjectionFacts, StoreFacts, rank
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import Measure, Metric, ScoringIndicator, ScoringRule

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
    n = sum(1 for _ in ProjectionFacts(app).project_facts(city))
    results = {}
    for name, source in (("StoreFacts", StoreFacts(app)), ("ProjectionFacts", ProjectionFacts(app))):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ranking = rank(source, city, period, mid, rules=rules, calendar=calendar)
            times.append(time.perf_counter() - t)
        results[name] = ranking
        print(f"{name:16} rank {city.slug} ({n} projects, {period}): median {statistics.median(times):.3f}s "
              f"min {min(times):.3f}s over {args.repeat}")  # fmt: skip
    assert results["StoreFacts"] == results["ProjectionFacts"], "the two sources disagree"
    print("same ranking from both sources")
    app.close()


if __name__ == "__main__":
    main()
