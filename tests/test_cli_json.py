"""The JSON the command line prints is a contract: each output validates against its shipped schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from projlife.cli import main
from projlife.schemas import SCHEMAS, schema


def _validator(name: str) -> Draft202012Validator:
    resources = [(f"{n}.schema.json", Resource.from_contents(schema(n))) for n in SCHEMAS] + [
        (schema(n)["$id"], Resource.from_contents(schema(n))) for n in SCHEMAS
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    Draft202012Validator.check_schema(schema(name))
    return Draft202012Validator(schema(name), registry=registry)


def _errors(name: str, data: object) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator(name).iter_errors(data)]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("demo") / "demo"
    assert main(["demo", "--city", "xiaogan", "--out", str(out), "--projects", "60"]) == 0
    return f"sqlite:///{out / 'projlife.db'}"


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    capsys.readouterr()
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("kind", ["weekly", "quarterly", "half-year"])
def test_the_bulletin_json_validates_and_its_counts_are_integers(
    kind: str, demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(["report", kind, "--db", demo_db, "--as-of", "2024-12-31", "--format", "json"], capsys)
    assert _errors("bulletin", data) == []
    counted = [r for r in data["rates"].values() if r["unit"] == "count"]
    assert counted and all(isinstance(r["numerator"], int) for r in counted)
    amounts = [r for r in data["rates"].values() if r["unit"] == "yuan"]
    assert amounts and all(isinstance(r["numerator"], str) for r in amounts)


def test_a_string_count_is_refused_by_the_bulletin_schema(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(["report", "weekly", "--db", demo_db, "--as-of", "2024-12-31", "--format", "json"], capsys)
    rate = next(r for r in data["rates"].values() if r["unit"] == "count")
    rate["numerator"] = str(rate["numerator"])
    data["as_of"] = "31/12/2024"
    errors = _errors("bulletin", data)
    assert any("as_of" in e for e in errors)
    assert any("numerator" in e or "is not of type 'integer'" in e for e in errors)


def test_the_plugins_json_validates(capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(["plugins", "--format", "json", "--period", "2024"], capsys)
    assert _errors("plugins", data) == []
    assert {c["slug"] for c in data["cities"]} >= {"xiaogan", "zhumadian", "xiamen", "jiangyan"}


def test_the_audit_log_json_validates(demo_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(["audit", "log", "--db", demo_db, "--format", "json", "--limit", "50"], capsys)
    assert len(data) == 50
    assert _errors("audit-log", data) == []


def test_the_projections_status_json_validates_and_shows_lag(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _json(["projections", "status", "--db", demo_db, "--format", "json"], capsys)
    assert _errors("projections-status", data) == []
    assert data["stale"] == [] and all(p["lag"] == 0 for p in data["projections"])


def test_every_shipped_schema_is_a_valid_schema() -> None:
    for name in SCHEMAS:
        Draft202012Validator.check_schema(schema(name))
