"""The API reference (docs/api.md, rendered by mkdocstrings from the docstrings) covers every
public name of the modules a plugin author uses: types, enums, hooks and command fields (issue 16)."""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
from pathlib import Path
from types import ModuleType

import pytest

API = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")

REFERENCE = (
    "projlife.plugins",
    "projlife.plugins.hookspecs",
    "projlife.plugins.manager",
    "projlife.plugins.loading",
    "projlife.plugins.rules",
    "projlife.plugins.counting_policy",
    "projlife.plugins.types",
    "projlife.plugins.directory",
    "projlife.domain.areas",
    "projlife.domain.classification",
    "projlife.domain.lifecycle",
    "projlife.app.commands",
    "projlife.app.command_base",
    "projlife.tickets.commands",
    "projlife.testing.conformance",
    "projlife.testing.strategies",
    "projlife.testing.fixtures",
    "projlife.testing.skeleton",
)


def attribute_docs(module: ModuleType) -> set[str]:
    """Module-level names followed by a docstring (``X = 1`` then ``\"\"\"…\"\"\"``)."""
    body = ast.parse(inspect.getsource(module)).body
    found: set[str] = set()
    for node, after in itertools.pairwise(body):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(after, ast.Expr):
            if isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found |= {t.id for t in targets if isinstance(t, ast.Name)}
    return found


def documented(module: ModuleType, name: str) -> bool:
    obj = getattr(module, name)
    if inspect.isclass(obj):
        return bool((obj.__dict__.get("__doc__") or "").strip())
    if inspect.isfunction(obj) or inspect.ismodule(obj) or (callable(obj) and hasattr(obj, "__wrapped__")):
        return bool((obj.__doc__ or "").strip())
    for m in REFERENCE:  # a constant: documented where it is defined (re-exports included)
        home = importlib.import_module(m)
        if getattr(home, name, None) is obj and name in attribute_docs(home):
            return True
    return False


@pytest.mark.parametrize("module_name", REFERENCE)
def test_every_public_name_has_a_docstring_and_its_module_is_in_the_reference(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert f"::: {module_name}\n" in API, f"docs/api.md does not render {module_name}"
    missing = [n for n in module.__all__ if not documented(module, n)]
    assert missing == [], f"{module_name}: undocumented public names {missing}"


def test_the_checker_catches_an_undocumented_class_and_constant() -> None:
    probe = ModuleType("probe")

    class Bare:
        pass

    probe.Bare = Bare  # type: ignore[attr-defined]
    probe.LIMIT = object()  # type: ignore[attr-defined]
    assert not documented(probe, "Bare") and not documented(probe, "LIMIT")
