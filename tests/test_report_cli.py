"""``projlife report``: the bulletin, as Markdown, JSON or HTML, in Chinese or English, as of a
date and as known at a recorded time."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from projlife.app.application import connect
from projlife.cli import main
from projlife.demo.simulation import simulate


def _ingest(url: str, n: int, seed: int = 5) -> None:
    with connect(url, create_tables=True) as app:
        app.projects.ingest(simulate(app.city("xiaogan"), n, seed=seed).commands)


def _report(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


def test_report_prints_the_bulletin_as_json_with_rates_denominators_quotas_and_ranking(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _ingest(sqlite_url, 80)
    data = json.loads(
        _report(
            capsys,
            "quarterly",
            "--db",
            sqlite_url,
            "--city",
            "xiaogan",
            "--as-of",
            "2024-06-30",
            "--format",
            "json",
        )
    )
    assert data["period"]["label"] == "2024-Q2" and data["kind"] == "quarterly"
    assert set(data["rates"]) >= {"signed_to_started", "started_to_statistics", "on_time_start"}
    for rate in data["rates"].values():
        assert (rate["value"] is None) == (rate["denominator"] in (0, "0", "0.00"))
    # the ledger registers every project; the bulletin counts Xiaogan's 211 scope (亿元以上产业项目)
    in_scope = data["projects"]
    assert data["ledger"]["projects"] == sum(data["ledger"]["by_stage"].values())
    assert data["ledger"]["projects"] == in_scope + data["totals"]["out_of_scope"]
    assert data["quotas"] and data["rankings"] and data["tickets"] is not None
    assert all(q["rule_set_sha256"] for q in data["quotas"])


def test_report_html_and_english_markdown_to_a_file(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _ingest(sqlite_url, 20)
    out = tmp_path / "r.html"
    assert (
        main(
            [
                "report",
                "half-year",
                "--db",
                sqlite_url,
                "--as-of",
                "2024-05-10",
                "--format",
                "html",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "孝感市重大项目2024年上半年通报" in out.read_text(encoding="utf-8")  # its own half
    capsys.readouterr()
    en = _report(capsys, "monthly", "--db", sqlite_url, "--as-of", "2024-05-10", "--lang", "en")
    assert "monthly progress report" in en.lower() and "3. Quotas" in en and "：" not in en


def test_known_at_really_applies(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with connect(sqlite_url, create_tables=True) as app:
        commands = list(simulate(app.city("xiaogan"), 60, seed=1).commands)
        half = len(commands) // 2
        app.projects.ingest(commands[:half])
        time.sleep(0.01)
        then = datetime.now(UTC)
        time.sleep(0.01)
        app.projects.ingest(commands[half:])  # recorded later, most of it dated before the as-of date
    args = ["quarterly", "--db", sqlite_url, "--city", "xiaogan", "--as-of", "2024-12-31", "--format", "json"]
    now = json.loads(_report(capsys, *args))
    past = json.loads(_report(capsys, *args, "--known-at", then.isoformat()))
    assert past["known_at"] == then.isoformat()
    assert past["projects"] < now["projects"]
    assert past["ledger"]["projects"] == past["projects"] + past["totals"]["out_of_scope"]
    assert sum(past["ledger"]["by_stage"].values()) == past["ledger"]["projects"]
    # the rule engine answers as known at T too; only the tickets section is left out
    assert past["quotas"] is not None and past["not_as_known"] == ["tickets"]
    with connect(sqlite_url) as app:
        assert past["ledger"]["projects"] == len(
            app.ledger.rows(city="xiaogan", as_of=date(2024, 12, 31), known_at=then)
        )


def test_report_refusals(sqlite_url: str) -> None:
    _ingest(sqlite_url, 5)
    assert main(["report", "daily", "--db", sqlite_url]) == 2
    assert main(["report", "weekly", "--db", sqlite_url, "--known-at", "2024-05-01T00:00:00"]) == 2
    assert main(["report", "weekly", "--db", sqlite_url, "--format", "pdf"]) == 2
    assert main(["bulletin", "--city", "xiaogan", "--db", sqlite_url]) == 2  # one command now: report


def test_published_at_names_the_figures_revised_since_publication(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with connect(sqlite_url, create_tables=True) as app:
        commands = list(simulate(app.city("xiaogan"), 60, seed=1).commands)
        half = len(commands) // 2
        app.projects.ingest(commands[:half])
        time.sleep(0.01)
        published = datetime.now(UTC)
        time.sleep(0.01)
        app.projects.ingest(commands[half:])  # recorded after publication, much of it dated before
    args = ["quarterly", "--db", sqlite_url, "--city", "xiaogan", "--as-of", "2024-12-31", "--format", "json"]
    plain = json.loads(_report(capsys, *args))
    revised = json.loads(_report(capsys, *args, "--published-at", published.isoformat()))
    assert plain["published_at"] is None and plain["revisions"] == []
    assert revised["published_at"] == published.isoformat()
    assert revised["revisions"], "late-recorded facts dated in the period revise its figures"
    for r in revised["revisions"]:
        assert r["event_ids"], r  # every revision names the events behind it
        assert r["published"] != r["revised"] or r["added"] or r["dropped"], r
    # as known at publication there is nothing to revise
    then = json.loads(
        _report(capsys, *args, "--published-at", published.isoformat(), "--known-at", published.isoformat())
    )
    assert then["revisions"] == []
    assert main(["report", "quarterly", "--db", sqlite_url, "--published-at", "2024-05-01T00:00:00"]) == 2
    assert main(["report", "quarterly", "--db", sqlite_url, "--published-at", "yesterday"]) == 2
