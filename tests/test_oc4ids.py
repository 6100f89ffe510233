"""OC4IDS export: a full demo export validates offline; codes come from the standard's codelists."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.domain.lifecycle import Stage
from projlife.reports.oc4ids import project_package, validate_package

OC4IDS = Path("/work/shared/oc4ids")
AS_OF = date(2024, 12, 31)


def codelist(name: str) -> set[str]:
    with (OC4IDS / "codelists" / name).open(encoding="utf-8") as fh:
        return {row["Code"] for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def demo_package(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not OC4IDS.exists():
        pytest.skip("OC4IDS schema files not present")
    db = tmp_path_factory.mktemp("oc4ids") / "demo.db"
    with connect(f"sqlite:///{db}", create_tables=True) as app:
        city = app.city("zhumadian")
        app.projects.ingest(simulate(city, 400, seed=1, as_of=AS_OF).commands)
        app.projections.run()
        rows = app.ledger.rows(city=city.code, as_of=AS_OF, with_details=True)
        return project_package(rows, city, as_of=AS_OF)


def test_a_full_demo_export_validates_against_the_package_and_project_schemas(
    demo_package: dict[str, Any],
) -> None:
    assert len(demo_package["projects"]) == 400
    assert validate_package(demo_package, OC4IDS) == []


def test_a_broken_package_does_not_validate(demo_package: dict[str, Any]) -> None:
    broken = {**demo_package, "projects": [dict(demo_package["projects"][0], status="signed")]}
    errors = validate_package(broken, OC4IDS)
    assert any("status" in e and "signed" in e for e in errors)
    del broken["publisher"]
    assert any("publisher" in e for e in validate_package(broken, OC4IDS))


def test_every_status_and_sector_comes_from_the_standards_codelists(demo_package: dict[str, Any]) -> None:
    statuses = {p["status"] for p in demo_package["projects"]}
    assert statuses <= codelist("projectStatus.csv")
    assert {"identification", "preparation", "implementation", "maintenance", "cancelled"} <= statuses
    sectors = {s for p in demo_package["projects"] for s in p.get("sector", [])}
    assert sectors and sectors <= codelist("projectSector.csv")
    roles = {r for p in demo_package["projects"] for party in p["parties"] for r in party["roles"]}
    assert roles <= codelist("partyRole.csv")
    types = {m["type"] for p in demo_package["projects"] for m in p.get("milestones", [])}
    assert types <= codelist("milestoneType.csv")


def test_lifecycle_facts_without_a_code_go_into_the_extension(demo_package: dict[str, Any]) -> None:
    in_stats = [p for p in demo_package["projects"] if "inStatisticsDate" in p["projlife"]]
    assert in_stats, "the demo has projects in statistics"
    for p in in_stats:
        ext = p["projlife"]
        assert ext["startedDate"] <= ext["inStatisticsDate"]
        assert p["status"] in {"implementation", "completion", "maintenance", "cancelled"}
    signed = [p for p in demo_package["projects"] if "signedDate" in p["projlife"]]
    assert signed and all(p["projlife"]["signedAmount"]["currency"] == "CNY" for p in signed)
    producing = [p for p in demo_package["projects"] if "productionDate" in p["projlife"]]
    assert producing and all(p["status"] in {"maintenance", "cancelled"} for p in producing)


def test_a_cancelled_project_has_the_cancelled_status(app: Projlife) -> None:
    city = app.city("zhumadian")
    sim = simulate(city, 150, seed=3, as_of=AS_OF)
    app.projects.ingest(sim.commands)
    cancelled = [sp for sp in sim.projects if sp.cancelled]
    assert cancelled
    app.projections.run()
    projects = app.ledger.rows(city=city.code, as_of=AS_OF, with_details=True)
    package = project_package(projects, city)
    by_code = {p["identifiers"][0]["id"]: p for p in package["projects"]}
    for sp in cancelled:
        assert by_code[sp.code]["status"] == "cancelled"
        assert "cancelledDate" in by_code[sp.code]["projlife"]
    started = next(p for p in projects if p.stage is Stage.STARTED and p.cancelled_on is None)
    assert by_code[started.code]["status"] == "implementation"
