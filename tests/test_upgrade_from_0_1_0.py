"""A database written by release 0.1.0 opens with this code and reads the same (issue 14 §6).

The fixtures (tests/fixtures/v0_1_0/<city>/, made by make_fixture.py with 0.1.0's code)
hold the demo's database, its ledger rows and 2024 rates as 0.1.0 computed them, and the
signed checkpoint the demo made with its public key. No rate's meaning is meant to change;
if the counting layer changes one on purpose, list it in INTENDED_RATE_CHANGES with why.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

import projlife
from projlife.audit.checkpoint import Checkpoint
from projlife.audit.keys import SigningKey, VerifyingKey

FIXTURES = Path(__file__).parent / "fixtures" / "v0_1_0"
CITIES = ("xiaogan", "zhumadian", "xiamen", "jiangyan")
AS_OF = date(2024, 12, 31)
_XIAOGAN_SCOPE = (
    "issue 13: Xiaogan's surfaces count only its 211 scope (seed 000: 亿元以上产业项目, a signing "
    "judged by its 签约金额); 0.1.0 counted every project"
)
_ANNUAL_TARGET = (
    "issue 13: 投资完成率 is the year's completed investment ÷ the year's planned investment "
    "(年度投资目标); with no annual target recorded it is n/a, where 0.1.0 divided by total planned"
)
INTENDED_RATE_CHANGES: dict[tuple[str, str], str] = {
    **{
        ("xiaogan", name): _XIAOGAN_SCOPE
        for name in (
            "completed_to_producing",
            "on_time_start",
            "reserve_to_signed",
            "signed_to_landed",
            "signed_to_started",
            "started_to_statistics",
        )
    },
    **{(city, "investment_completion"): _ANNUAL_TARGET for city in CITIES},
    ("zhumadian", "signed_to_started"): (
        "issue 13: rates round half up once from the exact fraction (10/32 = 31.25% → 31.3%); "
        "0.1.0 printed 31.2%; numerator and denominator are unchanged"
    ),
    ("jiangyan", "signed_to_started"): (
        "issue 13: Jiangyan counts recognised starts (seed 003: 认定…新开工项目), not claims"
    ),
}
"""(city, rate name) → why its figure legitimately differs from 0.1.0's."""


def _open(city: str, tmp_path: Path) -> tuple[Any, dict[str, Any]]:
    work = tmp_path / city
    work.mkdir()
    for name in ("projlife.db", "checkpoint.json", "public_key.pem"):
        shutil.copy2(FIXTURES / city / name, work / name)
    figures = json.loads((FIXTURES / city / "figures.json").read_text(encoding="utf-8"))
    return projlife.connect(f"sqlite:///{work / 'projlife.db'}"), figures


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _kept(city: str) -> tuple[Checkpoint, VerifyingKey]:
    kept = Checkpoint.from_json((FIXTURES / city / "checkpoint.json").read_bytes())
    return kept, VerifyingKey.from_file(FIXTURES / city / "public_key.pem")


@pytest.mark.parametrize("city", CITIES)
def test_every_ledger_figure_and_rate_is_the_same_as_0_1_0s(city: str, tmp_path: Path) -> None:
    app, figures = _open(city, tmp_path)
    try:
        app.projections.run()
        profile = app.city(city)
        rows = _json([r.as_dict() for r in app.ledger.rows(city=profile.code, as_of=AS_OF)])
        assert rows == figures["ledger_rows"]
        rates = _json(
            {
                name: rate.as_dict()
                for name, rate in app.metrics.rates(period="2024", city=profile.code, as_of=AS_OF).items()
            }
        )
        for name, old in figures["rates_2024"].items():
            if (city, name) in INTENDED_RATE_CHANGES:
                continue
            new = rates.get(name)
            assert new is not None, f"rate {name} is gone"
            # The counting layer since 0.1.0 adds keys (e.g. "unit") and writes counts as
            # numbers, not strings: every key 0.1.0 had keeps its value, compared as text.
            assert {k: str(new.get(k)) for k in old} == {k: str(v) for k, v in old.items()}, name
    finally:
        app.close()


@pytest.mark.parametrize("city", CITIES)
def test_the_kept_checkpoint_verifies_and_new_commands_append_cleanly(city: str, tmp_path: Path) -> None:
    app, _ = _open(city, tmp_path)
    kept, key = _kept(city)
    try:
        assert app.audit.verify(public_key=key).ok
        assert app.audit.verify_against(kept, key).ok
        profile = app.city(city)
        area = next(iter(profile.areas)).code
        result = app.projects.execute(
            {
                "command": "conceive",
                "code": "UPGRADE-001",
                "project_name": "升级后新项目",
                "city_code": profile.code,
                "area_code": area,
                "category": "industrial",
                "planned_investment_yuan": "150000000",
                "occurred_on": "2025-01-05",
                "actor": {"id": "clerk-new", "role": "clerk", "area_code": area},
            }
        )
        app.projections.run()
        assert app.projects.get(result.aggregate_id).code == "UPGRADE-001"
        report = app.audit.verify_against(kept, key)
        assert report.ok and report.local_size > kept.tree_size
        assert app.audit.verify(public_key=key).ok
    finally:
        app.close()


def test_a_rollback_to_an_older_backup_fails_against_a_later_kept_checkpoint(tmp_path: Path) -> None:
    app, _ = _open("xiaogan", tmp_path)
    backup = tmp_path / "backup.db"
    shutil.copy2(tmp_path / "xiaogan" / "projlife.db", backup)
    signing = SigningKey.generate()
    try:
        profile = app.city("xiaogan")
        area = next(iter(profile.areas)).code
        app.projects.execute(
            {
                "command": "conceive",
                "code": "LATER-001",
                "project_name": "后来的项目",
                "city_code": profile.code,
                "area_code": area,
                "category": "industrial",
                "planned_investment_yuan": "150000000",
                "occurred_on": "2025-01-05",
                "actor": {"id": "clerk-new", "role": "clerk", "area_code": area},
            }
        )
        later = app.audit.checkpoint(signing, log_id="projlife-demo-420900")
    finally:
        app.close()
    restored = projlife.connect(f"sqlite:///{backup}")
    try:
        report = restored.audit.verify_against(later, signing.public_key)
        assert not report.ok and "rolled back" in (report.problem or "")
    finally:
        restored.close()


def test_a_rewritten_history_fails_against_the_kept_checkpoint(tmp_path: Path) -> None:
    app, _ = _open("xiaogan", tmp_path)
    kept, key = _kept("xiaogan")
    try:
        with app.database.engine.begin() as conn:
            conn.execute(text("UPDATE audit_chain SET event_hash = :h WHERE seq = 5"), {"h": b"\x01" * 32})
        report = app.audit.verify_against(kept, key)
        assert not report.ok and "rewritten" in (report.problem or "")
    finally:
        app.close()
