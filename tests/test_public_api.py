"""The package's public surface: a sorted ``__all__`` whose names resolve, and type information."""

from __future__ import annotations

import importlib
from importlib import resources

import pytest

import projlife

PUBLIC_MODULES = [
    "projlife",
    "projlife.domain",
    "projlife.app.application",
    "projlife.app.commands",
    "projlife.store.database",
    "projlife.store.transcodings",
]


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then functions, each alphabetical."""
    if name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_unique_and_every_name_resolves(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported, key=_isort_key)
    assert len(set(exported)) == len(exported)
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing


def test_the_top_level_package_exports_the_entry_points() -> None:
    for name in ("connect", "Projlife", "Project", "Money", "Stage", "ProjlifeError", "CommandRejected"):
        assert name in projlife.__all__


def test_py_typed_marker_is_packaged() -> None:
    assert resources.files("projlife").joinpath("py.typed").is_file()


def test_py_typed_is_declared_as_package_data() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(projlife.__file__).parents[2] / "pyproject.toml"
    if not pyproject.exists():
        pytest.skip("not running from a source checkout")
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    assert "py.typed" in data["tool"]["setuptools"]["package-data"]["projlife"]
