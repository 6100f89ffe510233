"""Build a drive, project it, and read the 台账 and the rates now, as of a date and as known at a time.

PYTHONPATH=src python examples/ledger_and_rates.py
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from projlife import connect
from projlife.demo.simulation import simulate

with connect(f"sqlite:///{Path(tempfile.mkdtemp()) / 'example.db'}", create_tables=True) as app:
    report = app.projects.ingest(simulate(app.city("xiaogan"), 300, seed=1).commands)
    assert report.last_position is not None
    app.projections.wait(report.last_position)
    print(app.projections.status())

    county = app.city("xiaogan").areas.counties[0].code
    rows = app.ledger.rows(city="xiaogan", county=county, stage="started", as_of=date(2024, 6, 30))
    for row in rows[:5]:
        print(
            row.code,
            row.stage,
            row.verified_stage,
            row.stage_dates.get(row.stage),
            row.sources[f"stage:{row.stage}"],
        )

    for name, rate in app.metrics.rates(period="2024-Q2", city="xiaogan").items():
        print(f"{rate.label_zh:8} {name:24} {rate}  (removed: {len(rate.excluded)})")
    funnel = app.metrics.funnel("2024-Q1", city="xiaogan", within_days=90, steps=["started"])
    print("signed in 2024-Q1 and started within 90 days:", funnel.steps[0].rate)
