"""``projlife new-plugin NAME`` writes a package that loads, passes the kit and is listed (issue 16).

In-process: the skeleton's source directory goes on ``sys.path`` and a ``.dist-info`` declares
its entry point, as pip would. ``.ci/run`` also pip-installs it into the CI venv and runs its tests.
"""

from __future__ import annotations

import importlib
import json
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from projlife.domain.errors import ProjlifeError
from projlife.testing.conformance import CityPluginConformance
from projlife.testing.skeleton import skeleton_files, write_plugin_skeleton


def test_the_skeleton_has_an_entry_point_a_plugin_kit_tests_and_a_docs_page(tmp_path: Path) -> None:
    from projlife.cli.app import main

    assert main(["new-plugin", "demo_county", "--dir", str(tmp_path), "--code", "990700"]) == 0
    root = tmp_path / "projlife-demo-county"
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == set(
        skeleton_files("demo_county")
    )
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["projlife"] == {"demo_county": "projlife_demo_county.plugin"}
    assert "CityPluginConformance" in (root / "tests" / "test_conformance.py").read_text(encoding="utf-8")
    assert "projlife plugins show demo_county" in (root / "docs" / "index.md").read_text(encoding="utf-8")
    # the directory exists now: refused, nothing overwritten
    assert main(["new-plugin", "demo_county", "--dir", str(tmp_path)]) == 2


@pytest.mark.parametrize("name", ["Demo", "1county", "demo-county", "x"])
def test_a_name_that_cannot_be_an_entry_point_and_slug_is_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(ProjlifeError, match="lower-case ASCII"):
        write_plugin_skeleton(name, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_the_generated_plugin_passes_the_kit_and_shows_up_in_projlife_plugins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_plugin_skeleton("gen_county", tmp_path, code="990800")
    site = tmp_path / "site"
    dist = site / "projlife_gen_county-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: projlife-gen-county\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[projlife]\ngen_county = projlife_gen_county.plugin\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(root / "src"))
    sys.modules.pop("projlife_gen_county.plugin", None)
    module = importlib.import_module("projlife_gen_county.plugin")

    class Kit(CityPluginConformance):
        plugin = module
        plugin_name = "gen_county"

    kit = Kit()
    kit.test_registers_with_known_hooks_only()
    kit.test_governs_the_city_it_declares()
    kit.test_rule_set_hash_is_stable()
    kit.test_installs_beside_the_built_in_cities_without_changing_their_rule_set_hashes()

    from projlife.cli.app import main

    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.setenv("PROJLIFE_PLUGINS", "gen_county,xiaogan")
    assert main(["plugins", "--json", "--period", "2024"]) == 0
    report = json.loads(capsys.readouterr().out)
    listed = {p["name"]: p for p in report["plugins"]}
    assert listed["gen_county"]["jurisdiction"] == ["990800"]
    assert main(["plugins", "show", "gen_county", "--period", "2024"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["plugin"] == ["gen_county"] and len(shown["rule_set_sha256"]) == 64
    assert Decimal(shown["rules"]["counting"]["scope"]["min_amount"]) == Decimal(50_000_000)
