"""Conventional command line and configuration: --version, choices in --help, one --format style,
results on stdout and status on stderr, PROJLIFE_DATABASE_URL, logging, and a clear missing-extra error."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import projlife
from projlife.cli import main
from projlife.extras import MissingExtra, require

CLERK = {"id": "clerk-420902", "role": "clerk", "area_code": "420902"}
CONCEIVE = {
    "command": "conceive",
    "code": "XG-2024-001",
    "project_name": "新能源电池产业园",
    "city_code": "420900",
    "area_code": "420902",
    "category": "industrial",
    "planned_investment_yuan": "1200000000",
    "occurred_on": "2024-03-01",
    "actor": CLERK,
}


def test_version_prints_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"projlife {projlife.__version__}"


@pytest.mark.parametrize(
    ("command", "choices"),
    [
        (["report"], "weekly|monthly|quarterly|half-year"),
        (["report"], "md|json|html"),
        (["audit", "log"], "md|json"),
        (["plugins"], "table|json"),
        (["projections", "status"], "table|json"),
        (["import", "ledger"], "all_or_nothing|good_rows_only"),
    ],
)
def test_help_lists_the_choices(command: list[str], choices: str, capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["COLUMNS"] = "200"
    try:
        assert main([*command, "--help"]) == 0
    finally:
        del os.environ["COLUMNS"]
    out = capsys.readouterr().out
    assert choices in out
    assert "<str>" not in out and "<bool>" not in out


def test_the_database_url_comes_from_the_environment_when_no_db_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "from-env.db"
    monkeypatch.setenv("PROJLIFE_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert db.is_file()
    assert not (tmp_path / "projlife.db").exists()
    assert "from-env.db" in capsys.readouterr().err


def test_the_eventsourcing_environment_cannot_send_events_to_another_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.db"
    monkeypatch.setenv("PROJLIFE_SQLITE_DBNAME", str(other))
    monkeypatch.setenv("SQLITE_DBNAME", str(other))
    monkeypatch.setenv("PERSISTENCE_MODULE", "eventsourcing.popo")
    monkeypatch.setenv("PROJLIFE_CREATE_TABLE", "y")
    main_db = tmp_path / "main.db"
    with projlife.connect(f"sqlite:///{main_db}", create_tables=True) as app:
        result = app.projects.execute(CONCEIVE)
        app.projections.run()
        assert len(app.ledger.rows(city="420900")) == 1
        assert app.projects.get(result.aggregate_id).code == "XG-2024-001"
    assert not other.exists()
    with sqlite3.connect(main_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0] == 1


def test_the_projlife_logger_records_commands_batches_seals_and_projections(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.DEBUG, logger="projlife"),
        projlife.connect(f"sqlite:///{tmp_path / 'l.db'}", create_tables=True) as app,
    ):
        app.projects.execute(CONCEIVE)
        app.projections.run()
    names = {r.name for r in caplog.records}
    messages = " | ".join(r.getMessage() for r in caplog.records)
    assert all(n.startswith("projlife.") for n in names)
    assert "command conceive" in messages
    assert "sealed 1 event(s)" in messages
    assert "projection projlife.ledger at log position 1" in messages
    assert "plugins loaded:" in messages
    assert "projlife.app.application" in names and "projlife.audit.sealing" in names


def test_the_projlife_logger_is_silent_by_default() -> None:
    handlers = logging.getLogger("projlife").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_projections_status_shows_lag_after_a_new_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    url = f"sqlite:///{tmp_path / 's.db'}"
    with projlife.connect(url, create_tables=True) as app:
        app.projects.execute(CONCEIVE)
    capsys.readouterr()
    assert main(["projections", "status", "--db", url, "--format", "json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert "projlife.ledger" in status["stale"]
    assert all(p["lag"] == 1 for p in status["projections"])
    assert main(["projections", "rebuild", "--db", url]) == 0
    assert "rebuilt up to log position 1" in capsys.readouterr().err
    assert main(["projections", "status", "--db", url, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["stale"] == []


def test_projections_rebuild_of_named_read_models_rebuilds_each_once_in_one_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with projlife.connect(url, create_tables=True) as app:
        app.projects.execute(CONCEIVE)
        names = [p.name for p in app.projections.projections][:2]
    capsys.readouterr()
    args = ["projections", "rebuild", "--db", url]
    for n in [*names, names[0]]:  # a name given twice is rebuilt once
        args += ["--name", n]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert [line.split(":")[0] for line in err.splitlines() if "rebuilt up to" in line] == names
    assert main(["projections", "rebuild", "--db", url, "--name", "no.such.model"]) != 0


def test_a_missing_extra_names_the_extra() -> None:
    with pytest.raises(MissingExtra, match=r"pip install 'projlife\[excel\]'"):
        require("excel", "projlife_no_such_module")
    assert issubclass(MissingExtra, ImportError) and issubclass(MissingExtra, projlife.ProjlifeError)


def test_the_cli_names_the_extra_when_its_package_is_missing(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['openpyxl'] = None; from projlife.cli import main; "
        "sys.exit(main(['export', 'ledger', '--city', 'xiaogan', '--out', 'l.xlsx']))"
    )
    env = dict(os.environ, PYTHONPATH=str(Path(projlife.__file__).parents[1]))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: use reading and writing .xlsx ledgers: the Python package 'openpyxl' is not installed "
        "(allowed: pip install 'projlife[excel]')"
    ]
