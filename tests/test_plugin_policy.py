"""City policy at the application boundary, on SQLite and PostgreSQL.

A plugin's ``projlife_validate_command`` problems reject the command; a plugin whose hook
raises is named in the error; in both cases nothing is written.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from projlife.app.application import Projlife, connect
from projlife.app.commands import Command, ConceiveProject, StartConstruction
from projlife.domain.actor import Actor, Role
from projlife.domain.errors import CommandRejected, Problem
from projlife.domain.money import Money
from projlife.domain.project import project_id_for
from projlife.plugins import PluginError, get_plugin_manager, hookimpl
from projlife.plugins.cities import xiaogan

CLERK = Actor("clerk-1", Role.CLERK, "420902")


def conceive(code: str, yi: str) -> ConceiveProject:
    return ConceiveProject(
        code=code,
        project_name=f"项目{code}",
        city_code="420900",
        area_code="420902",
        category="industrial",
        planned_investment_yuan=Money.yi(yi).yuan,
        occurred_on=date(2024, 3, 1),
        actor=CLERK,
        reserved=True,
    )


@hookimpl
def projlife_validate_command(city: object, command: Command) -> list[Problem] | None:
    # only projects of at least 1 亿 enter the 211 pool (000)
    if isinstance(command, ConceiveProject) and command.planned_investment_yuan < Money.yi(1).yuan:
        return [Problem("planned_investment_yuan", "the 211 pool takes projects of at least 1亿元")]
    return None


@hookimpl
def crashing_validate(city: object, command: Command) -> None:
    if isinstance(command, StartConstruction):
        raise KeyError("missing table")
    return None


POLICY = types.ModuleType("policy")
# province-wide rules: cross-city hooks, asked about every city
POLICY.projlife_cross_city_validate_command = projlife_validate_command  # type: ignore[attr-defined]
CRASHY = types.ModuleType("crashy")
CRASHY.projlife_cross_city_validate_command = crashing_validate  # type: ignore[attr-defined]


@pytest.fixture
def policy_app(db_url: str) -> Iterator[Projlife]:
    pm = get_plugin_manager(
        load_entry_points=False, plugins=[("xiaogan", xiaogan), ("policy", POLICY), ("crashy", CRASHY)]
    )
    app = connect(db_url, create_tables=True, plugin_manager=pm)
    try:
        yield app
    finally:
        app.close()


def events(app: Projlife) -> list[str]:
    return [n.topic for n in app.store.recorder.select_notifications(None, 100)]


def test_a_policy_problem_rejects_the_command_and_writes_nothing(policy_app: Projlife) -> None:
    with pytest.raises(CommandRejected, match="at least 1亿元"):
        policy_app.projects.execute(conceive("S-1", "0.5"))
    assert events(policy_app) == []
    policy_app.projects.execute(conceive("B-1", "2"))
    assert events(policy_app) == ["projlife:Project.Conceived"]


def test_a_crashing_policy_hook_is_named_and_leaves_no_partial_data(policy_app: Projlife) -> None:
    policy_app.projects.execute(conceive("B-1", "2"))
    pid = project_id_for("420900", "B-1")
    from projlife.app.commands import SignProject

    policy_app.projects.execute(
        SignProject(
            project_id=pid,
            amount_yuan=Money.yi(2).yuan,
            counterparty="企业",
            occurred_on=date(2024, 4, 1),
            actor=CLERK,
        )
    )
    before = events(policy_app)
    with pytest.raises(PluginError) as err:
        policy_app.projects.execute(
            StartConstruction(project_id=pid, occurred_on=date(2024, 5, 1), actor=CLERK)
        )
    assert err.value.plugin == "crashy"
    assert "crashy" in str(err.value) and "KeyError" in str(err.value)
    assert events(policy_app) == before
    assert policy_app.projects.get(pid).stage.value == "signed"


def test_ingest_checks_policy_for_every_command_and_keeps_the_failing_batch_out(policy_app: Projlife) -> None:
    pid = project_id_for("420900", "B-2")
    batch: list[Command] = [
        conceive("B-2", "2"),
        StartConstruction(project_id=pid, occurred_on=date(2024, 5, 1), actor=CLERK),
    ]
    with pytest.raises((PluginError, CommandRejected)):
        policy_app.projects.ingest(batch)
    assert events(policy_app) == []


def test_projlife_plugins_json_lists_plugins_hooks_and_rule_set_hashes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from projlife.cli.app import main

    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.setenv("PROJLIFE_PLUGINS", "xiaogan,zhumadian")
    assert main(["plugins", "--json", "--period", "2024"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in report["plugins"]] == ["xiaogan", "zhumadian"]
    assert "projlife_city" in report["plugins"][0]["hooks"]
    assert report["plugins"][0]["hooks"] == sorted(report["plugins"][0]["hooks"])
    by_slug = {c["slug"]: c for c in report["cities"]}
    assert by_slug["xiaogan"]["plugin"] == "xiaogan"
    assert len(by_slug["xiaogan"]["rule_set_sha256"]) == 64
    assert by_slug["xiaogan"]["rule_set_sha256"] != by_slug["zhumadian"]["rule_set_sha256"]


def test_projlife_plugins_reports_a_broken_plugin_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin package with a misspelled hook, installed through a real entry point."""
    dist = tmp_path / "broken_city-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-city\nVersion: 0.1\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text("[projlife]\nbroken = broken_city\n", encoding="utf-8")
    (tmp_path / "broken_city.py").write_text(
        "from projlife.plugins import hookimpl\n\n@hookimpl\ndef projlife_deadline(city):\n    return None\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.setenv("PROJLIFE_PLUGINS", "broken,xiaogan")
    sys.modules.pop("broken_city", None)
    from projlife.cli.app import main

    assert main(["plugins", "--json", "--period", "2024"]) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert [p["name"] for p in report["plugins"]] == ["xiaogan"]
    (failure,) = report["failures"]
    assert failure["name"] == "broken"
    assert "projlife_deadline" in failure["error"] and "projlife_deadlines" in failure["error"]
    assert "broken" in captured.err
    # the strict manager an application uses refuses to start at all
    with pytest.raises(PluginError, match="did you mean 'projlife_deadlines'"):
        get_plugin_manager()


def test_the_demo_of_a_working_city_runs_beside_a_plugin_that_fails_to_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed (issue 16): an installed plugin whose module is missing takes out no other city."""
    dist = tmp_path / "gone_city-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gone-city\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[projlife]\ngone = gone_city_missing.plugin\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("PROJLIFE_PLUGINS", raising=False)
    from projlife.cli.app import main

    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--projects", "12", "--city", "xiaogan"]) == 0
    assert (out / "projlife.db").is_file()
    capsys.readouterr()
    assert main(["demo", "--out", str(tmp_path / "gone"), "--city", "gone"]) == 2
    assert not (tmp_path / "gone").exists()
