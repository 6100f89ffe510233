"""The domain is pure: it imports only the standard library, attrs, eventsourcing.domain and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import projlife.domain

DOMAIN = Path(projlife.domain.__file__).parent
ALLOWED_PACKAGES = {"attrs"}
ALLOWED_MODULES = {"eventsourcing.domain"}


def _allowed(module: str) -> bool:
    top = module.split(".")[0]
    return (
        top in sys.stdlib_module_names
        or top in ALLOWED_PACKAGES
        or module in ALLOWED_MODULES
        or module == "projlife.domain"
        or module.startswith("projlife.domain.")
    )


def _imports(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: stays inside projlife.domain
                package = ".".join(("projlife", *path.relative_to(DOMAIN.parent).parent.parts))
                found.append((node.lineno, f"{package}.{node.module or ''}".rstrip(".")))
            else:
                found.append((node.lineno, node.module or ""))
    return found


MODULES = sorted(DOMAIN.rglob("*.py"))


def test_the_domain_has_modules_to_check() -> None:
    assert {p.name for p in MODULES} >= {"project.py", "lifecycle.py", "money.py", "errors.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_domain_module_imports_nothing_impure(path: Path) -> None:
    impure = [f"line {line}: {module}" for line, module in _imports(path) if not _allowed(module)]
    assert not impure, f"{path.name} imports outside the pure domain: {impure}"


@pytest.mark.parametrize(
    "source",
    [
        "import sqlalchemy",
        "from eventsourcing.application import Application",
        "from projlife.app.application import connect",
        "from pydantic import BaseModel",
        "import eventsourcing",
    ],
)
def test_the_checker_catches_impure_imports(source: str, tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(source + "\nimport datetime\nimport attrs\nfrom eventsourcing.domain import Aggregate\n")
    verdicts = [_allowed(module) for _, module in _imports(probe)]
    assert verdicts == [False, True, True, True]
