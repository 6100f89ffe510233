"""``projlife tick``: a city's own actions (Xiaogan's 季核查 removal), the CLI's exit codes and its lock."""

from __future__ import annotations

import fcntl
import json
import os
from datetime import date
from pathlib import Path

import pytest

from projlife.actions import PlanLagRule, tick
from projlife.app.application import Projlife, connect
from projlife.app.commands import ConceiveProject, EnterStatistics, SignProject, StartConstruction
from projlife.cli.app import main
from projlife.cli.tick_command import EX_TEMPFAIL
from projlife.domain.actor import Actor, Role
from projlife.domain.lifecycle import Pool, RemovalReason
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import project_id_for
from projlife.plugins import rule_set

CLERK = Actor("clerk-xn", Role.CLERK, "420902")


def _started(app: Projlife, code: str, started: date, *, in_stats: date | None = None) -> None:
    app.projects.execute(
        ConceiveProject(
            code=code,
            project_name=f"项目{code}",
            city_code="420900",
            area_code="420902",
            category="industrial",
            planned_investment_yuan=Money.yi(2).yuan,
            occurred_on=date(2023, 1, 4),
            actor=CLERK,
            reserved=True,
        )
    )
    pid = project_id_for("420900", code)
    app.projects.execute(
        SignProject(
            project_id=pid,
            amount_yuan=Money.yi(2).yuan,
            counterparty="某公司",
            occurred_on=date(2023, 11, 1),
            actor=CLERK,
        )
    )
    app.projects.execute(StartConstruction(project_id=pid, occurred_on=started, actor=CLERK))
    if in_stats is not None:
        app.projects.execute(EnterStatistics(project_id=pid, occurred_on=in_stats, actor=CLERK))


def test_tick_runs_xiaogans_quarterly_removal_through_its_actions_hook(app: Projlife) -> None:
    _started(app, "OLD", date(2023, 12, 31))
    _started(app, "FRESH", date(2024, 1, 2))
    check = date(2024, 4, 1)
    (report,) = tick(app, check, cities=["xiaogan"])
    removals = [a for a in report.actions if a.kind == "remove_from_pool"]
    assert [a.target for a in removals] == [str(project_id_for("420900", "OLD"))]
    old = app.projects.find("420900", "OLD")
    assert old.removed_from[Pool.STARTED] == (RemovalReason.NOT_IN_STATISTICS_IN_TIME, check)
    assert app.projects.find("420900", "FRESH").removed_from == {}
    year = rule_set(app.plugins, app.city("xiaogan"), Period.parse("2024"))
    removed = [
        e for e in app.store.repository.event_store.get(old.id) if type(e).__name__ == "RemovedFromPool"
    ]
    assert removed and removed[0].actor.role is Role.SYSTEM
    assert f"rules:sha256:{year.sha256}" in removed[0].evidence
    head = app.store.recorder.max_notification_id()
    (again,) = tick(app, check, cities=["xiaogan"])
    assert [a for a in again.actions if a.kind == "remove_from_pool"] == []
    assert app.store.recorder.max_notification_id() == head


def test_a_plan_lag_rule_keeps_its_share_within_zero_and_one() -> None:
    with pytest.raises(ValueError, match="within"):
        PlanLagRule(min_share="1.5")


def test_the_tick_command_prints_what_it_did_and_a_second_run_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    with connect(db, create_tables=True) as app:
        _started(app, "OLD", date(2023, 12, 31))
    lock = str(tmp_path / "tick.lock")
    args = [
        "tick",
        "--db",
        db,
        "--as-of",
        "2024-04-01",
        "--city",
        "xiaogan",
        "--lock-file",
        lock,
        "--format",
        "json",
    ]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert _schema_errors(first) == []
    assert "remove_from_pool" in [a["kind"] for a in first[0]["actions"]]
    assert len(first[0]["rule_set_sha256"]) == 64
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)[0]["actions"] == []


def test_the_tick_command_exits_75_when_another_tick_holds_the_lock(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    connect(db, create_tables=True).close()
    lock = tmp_path / "tick.lock"
    fd = os.open(lock, os.O_CREAT | os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert main(["tick", "--db", db, "--as-of", "2024-04-01", "--lock-file", str(lock)]) == EX_TEMPFAIL
    finally:
        os.close(fd)
    assert "another projlife tick holds" in capsys.readouterr().err


def test_the_tick_command_exits_75_when_the_store_stays_locked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import projlife.actions
    from projlife.store.errors import StoreLocked

    db = f"sqlite:///{tmp_path / 'x.db'}"
    connect(db, create_tables=True).close()

    def locked(*args: object, **kwargs: object) -> list[object]:
        raise StoreLocked("save a flag", 5.0, str(tmp_path / "x.db"))

    monkeypatch.setattr(projlife.actions, "tick", locked)
    code = main(["tick", "--db", db, "--as-of", "2024-04-01", "--lock-file", str(tmp_path / "l")])
    assert code == EX_TEMPFAIL
    assert "run it again" in capsys.readouterr().err


def test_the_tick_command_refuses_a_bad_date_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tick", "--db", f"sqlite:///{tmp_path / 'x.db'}", "--as-of", "2024-13-01"]) == 2
    assert "--as-of" in capsys.readouterr().err


def _schema_errors(data: object) -> list[str]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from projlife.schemas import SCHEMAS, schema

    registry: Registry[object] = Registry().with_resources(
        [(f"{n}.schema.json", Resource.from_contents(schema(n))) for n in SCHEMAS]
    )
    validator = Draft202012Validator(schema("tick"), registry=registry)
    return [e.message for e in validator.iter_errors(data)]


def test_import_targets_reads_a_sheet_and_a_bad_sheet_exits_2_writing_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    db = f"sqlite:///{tmp_path / 'x.db'}"
    connect(db, create_tables=True).close()
    for name, value in (("good.xlsx", 500000000), ("bad.xlsx", -1)):
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["对象类型", "对象编号", "指标", "期间", "目标值"])
        ws.append(["县区", "420902", "年度计划投资", "2025", value])
        wb.save(tmp_path / name)
    args = ["import", "targets", "--db", db, "--city", "xiaogan", "--on", "2025-01-06"]
    assert main([*args[:2], str(tmp_path / "bad.xlsx"), *args[2:]]) == 2
    assert "row 1" in capsys.readouterr().err
    assert main([*args[:2], str(tmp_path / "good.xlsx"), *args[2:]]) == 0
    with connect(db) as app:
        entry = app.targets.table("xiaogan", date(2025, 1, 6)).get("area", "420902", "investment", "2025")
        assert entry is not None and entry.value == 500000000 and entry.reason == "《重点项目建设目标责任书》"


def test_a_command_the_domain_refuses_is_reported_and_the_others_are_still_issued(tmp_path: Path) -> None:
    from uuid import uuid4

    from projlife.app.commands import FlagProject
    from projlife.domain.actor import SYSTEM_ACTOR
    from projlife.domain.areas import Area, AreaLevel, AreaTree
    from projlife.plugins import get_plugin_manager, hookimpl
    from projlife.plugins.types import CityProfile

    city = CityProfile(
        slug="testcity",
        code="990800",
        name_zh="测试市",
        name_en="Test city",
        areas=AreaTree(
            [Area("990800", "测试市", AreaLevel.CITY), Area("990801", "甲县", AreaLevel.COUNTY, "990800")]
        ),
    )

    class Stray:
        @hookimpl
        def projlife_city(self) -> CityProfile:
            return city

        @hookimpl
        def projlife_actions(self, city: CityProfile, app: object, as_of: date) -> list[FlagProject]:
            meta = {"occurred_on": as_of, "actor": SYSTEM_ACTOR, "reason": "测试"}
            return [
                FlagProject(project_id=uuid4(), flag="stray", **meta),
                FlagProject(project_id=project_id_for("990800", "P-1"), flag="real", **meta),
            ]

    pm = get_plugin_manager(plugins=[("stray", Stray())])
    with connect(f"sqlite:///{tmp_path / 'x.db'}", create_tables=True, plugin_manager=pm) as app:
        app.projects.execute(
            ConceiveProject(
                code="P-1",
                project_name="项目",
                city_code="990800",
                area_code="990801",
                category="industrial",
                planned_investment_yuan=Money.yi(2).yuan,
                occurred_on=date(2024, 1, 4),
                actor=Actor("clerk-t", Role.CLERK),
            )
        )
        (report,) = tick(app, date(2024, 4, 1), cities=["testcity"])
        assert [a.rule for a, _ in report.refused] == ["stray.actions"]
        assert [a.kind for a in report.actions] == ["flag"]
        assert "real" in app.projects.find("990800", "P-1").flags
