"""The example third-party plugin (examples/county_plugin) against the conformance kit.

The fast tests import the example module directly; the install test builds a fresh virtualenv,
pip-installs projlife and the example, and checks ``projlife plugins`` lists it. The install
test is slow (network, builds) and runs only with ``PROJLIFE_TEST_EXAMPLE_INSTALL=1``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from projlife.plugins import get_plugin_manager, rule_set
from projlife.plugins.manager import cities, plugin_hooks
from projlife.testing.conformance import CityPluginConformance

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "county_plugin"
sys.path.insert(0, str(EXAMPLE / "src"))

import projlife_county_demo.plugin as county  # noqa: E402


class TestExampleCountyConformance(CityPluginConformance):
    plugin = county
    plugin_name = "county_demo"


def test_the_example_implements_every_city_rule_hook() -> None:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("county_demo", county)])
    hooks = set(plugin_hooks(pm)["county_demo"])
    assert {"projlife_city", "projlife_quotas", "projlife_deadlines", "projlife_scoring"} <= hooks
    assert "projlife_validate_command" in hooks


def test_the_example_declares_its_entry_point_in_the_projlife_group() -> None:
    import tomllib

    meta = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["entry-points"]["projlife"] == {"county_demo": "projlife_county_demo.plugin"}


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("PROJLIFE_TEST_EXAMPLE_INSTALL") != "1",
    reason="builds a virtualenv and pip-installs; set PROJLIFE_TEST_EXAMPLE_INSTALL=1 to run",
)
def test_the_example_installs_with_pip_and_shows_up_in_projlife_plugins(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "-e", str(ROOT), "-e", f"{EXAMPLE}[test]"], check=True)
    out = subprocess.run(
        [str(venv / "bin" / "projlife"), "plugins", "--json", "--period", "2024"],
        check=True,
        capture_output=True,
        text=True,
    )
    report = json.loads(out.stdout)
    assert "county_demo" in {p["name"] for p in report["plugins"]}
    (city,) = [c for c in report["cities"] if c["slug"] == "county_demo"]
    pm = get_plugin_manager(load_entry_points=False, plugins=[("county_demo", county)])
    assert city["rule_set_sha256"] == rule_set(pm, cities(pm)["county_demo"], _p2024()).sha256
    # the example's own tests, conformance kit included, pass in the fresh environment
    subprocess.run(
        [str(py), "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE)], check=True, cwd=EXAMPLE
    )


def _p2024():  # type: ignore[no-untyped-def]
    from projlife.domain.periods import Period

    return Period.parse("2024")
