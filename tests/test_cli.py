"""The command line, run in-process through ``projlife.cli.main``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from projlife.cli import main


def test_init_creates_the_tables_and_can_run_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "p.db"
    assert main(["init", "--db", f"sqlite:///{db}"]) == 0
    assert main(["init", "--db", f"sqlite:///{db}"]) == 0
    assert "projlife tables ready" in capsys.readouterr().err
    assert inspect(create_engine(f"sqlite:///{db}")).has_table("stored_events")


def test_init_refuses_an_unsupported_database(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--db", "mssql://sa@localhost/projlife"]) == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
    assert "mssql is not supported for the event store" in err
    assert "postgresql+psycopg://" in err


# One city in the quick run; every other city's whole demo (reports, charts, Excel) in the long run.
_SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    "city",
    [
        "xiaogan",
        pytest.param("zhumadian", marks=_SLOW),
        pytest.param("xiamen", marks=_SLOW),
        pytest.param("jiangyan", marks=_SLOW),
    ],
)
def test_demo_runs_for_every_built_in_city(
    city: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--projects", "60", "--city", city]) == 0
    assert (out / "projlife.db").is_file()
    printed = capsys.readouterr().out
    assert "projlife demo" in printed
    assert "imported" in printed and "events for 60 projects" in printed
    assert "nothing was written" in printed


@pytest.mark.mysql
def test_the_whole_demo_runs_on_mariadb(
    mysql_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--db", mysql_url, "--out", str(out), "--projects", "60"]) == 0
    printed = capsys.readouterr().out
    assert "events for 60 projects" in printed and f"database: {mysql_url}" in printed
    assert not (out / "projlife.db").exists()  # the events went to MariaDB
    for report in ("bulletin.md", "report.html", "ledger.xlsx", "oc4ids.json", "checkpoint.json"):
        assert (out / report).is_file(), report


def test_demo_with_an_unknown_city_names_the_installed_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", "--out", str(tmp_path / "d"), "--projects", "10", "--city", "atlantis"])
    assert code != 0
    err = capsys.readouterr().err
    assert "atlantis" in err
    for city in ("jiangyan", "xiamen", "xiaogan", "zhumadian"):
        assert city in err


def test_an_unknown_command_exits_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) != 0
