"""``projlife report`` prints the ledger summary, funnel and rates, as markdown or JSON."""

from __future__ import annotations

import json

import pytest

from projlife.application import connect
from projlife.cli import main
from projlife.simulation import simulate


def test_report_prints_json_with_every_rate_and_the_funnel(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect(sqlite_url, create_tables=True) as app:
        app.projects.ingest(simulate(app.city("xiaogan"), 80, seed=5).commands)
    code = main(
        [
            "report",
            "quarterly",
            "--db",
            sqlite_url,
            "--city",
            "xiaogan",
            "--as-of",
            "2024-06-30",
            "--format",
            "json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["period"] == "2024-Q2"
    assert set(data["rates"]) >= {"signed_to_started", "started_to_statistics", "on_time_start"}
    for rate in data["rates"].values():
        assert (rate["value"] is None) == (rate["denominator"] in ("0", "0.00"))
    assert data["funnel"]["cohort"] == data["entries"]["signed"]["count"]
    assert data["ledger"]["projects"] == sum(data["ledger"]["by_stage"].values())


def test_report_markdown_and_refusals(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with connect(sqlite_url, create_tables=True) as app:
        app.projects.ingest(simulate(app.city("xiaogan"), 20, seed=5).commands)
    assert main(["report", "monthly", "--db", sqlite_url, "--as-of", "2024-05-10"]) == 0
    out = capsys.readouterr().out
    assert "2024年5月" in out and "## Rates" in out
    assert main(["report", "daily", "--db", sqlite_url]) == 2
    assert main(["report", "weekly", "--db", sqlite_url, "--known-at", "2024-05-01T00:00:00"]) == 2
