"""Entry-point discovery is scanned once per process, and again when ``sys.path`` or its folders change."""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projlife.plugins import get_plugin_manager, loading
from projlife.plugins.loading import installed_entry_points

INSTALLED = sorted(ep.name for ep in installed_entry_points())


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("PROJLIFE_PLUGINS", raising=False)
    yield monkeypatch


def _names(pm: Any) -> list[str]:
    return sorted(n for n, p in pm.list_name_plugin() if p is not None)


def test_a_second_manager_does_not_scan_the_installed_packages_again(clean_env: pytest.MonkeyPatch) -> None:
    scans = []
    real = importlib.metadata.entry_points

    def counting(**kwargs: Any) -> Any:
        scans.append(kwargs)
        return real(**kwargs)

    clean_env.setattr(importlib.metadata, "entry_points", counting)
    loading._INSTALLED.clear()
    first, second = get_plugin_manager(), get_plugin_manager()
    assert len(scans) == 1
    assert first is not second  # each caller still gets its own manager
    assert _names(first) == _names(second) == INSTALLED


def test_a_package_installed_into_a_folder_already_on_sys_path_is_found_by_the_next_manager(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    clean_env.syspath_prepend(str(site))
    assert "late" not in _names(get_plugin_manager())
    dist = site / "late_city-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: late-city\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[projlife]\nlate = late_city\n", encoding="utf-8")
    (site / "late_city.py").write_text('"""A plugin with no hooks."""\n', encoding="utf-8")
    assert "late" in _names(get_plugin_manager())
    clean_env.setenv("PROJLIFE_PLUGINS", "late")  # the switch is read on every call, not cached
    assert _names(get_plugin_manager()) == ["late"]


@settings(max_examples=15, deadline=None)
@given(st.sets(st.sampled_from(INSTALLED), min_size=1))
def test_the_kept_discovery_loads_the_plugins_a_fresh_scan_loads(chosen: set[str]) -> None:
    saved = {k: os.environ.pop(k, None) for k in ("PROJLIFE_DISABLE_PLUGINS", "PROJLIFE_PLUGINS")}
    os.environ["PROJLIFE_PLUGINS"] = ",".join(sorted(chosen))
    try:
        kept = _names(get_plugin_manager())
        loading._INSTALLED.clear()
        fresh = _names(get_plugin_manager())
    finally:
        del os.environ["PROJLIFE_PLUGINS"]
        os.environ.update({k: v for k, v in saved.items() if v is not None})
    assert kept == fresh == sorted(chosen)
