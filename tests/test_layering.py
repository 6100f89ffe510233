"""The rooms keep their doors: which projlife package may import which (see docs/architecture.md).

Every import is read from the source with ``ast`` (also those under ``TYPE_CHECKING`` and those
inside functions), relative imports resolved, and checked against the rules below.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import projlife

SRC = Path(projlife.__file__).parent
"""``src/projlife``."""

OUTER_OF_READ_MODELS = ("projlife.app", "projlife.reports", "projlife.cli", "projlife.demo")
"""What ``store/`` and ``projections/`` never import."""

MAY_IMPORT_PROJLIFE = ("app", "cli", "demo", "testing", "server")
"""The rooms that may name the application class ``Projlife`` (the composition and its users)."""

MAY_IMPORT_DEMO = ("demo/", "cli/demo_command.py")
"""Only the demo itself and the ``projlife demo`` command import ``projlife.demo``."""

PROJLIFE_ALLOWLIST: dict[str, str] = {
    # Each entry fails the test once its module no longer imports Projlife. The city plugins'
    # checks, reports and actions now take doors from projlife.ports (issue 12/16): empty.
}


@attrs.frozen
class Imported:
    """One imported module (and, for ``from m import a, b``, the names)."""

    line: int
    module: str
    names: tuple[str, ...] = ()


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[Imported]:
    """Every import in ``source``, the source of ``module`` (relative imports resolved)."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Imported] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Imported(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            names = tuple(alias.name for alias in node.names)
            found.append(Imported(node.lineno, base, names))
            # ``from projlife import demo`` imports the module projlife.demo
            found += [Imported(node.lineno, f"{base}.{name}") for name in names]
    return found


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _imports_projlife_class(imp: Imported) -> bool:
    if imp.module == "projlife.app.application":
        return not imp.names or "Projlife" in imp.names or "*" in imp.names
    return imp.module in {"projlife", "projlife.app"} and "Projlife" in imp.names


def violations(rel: str, source: str) -> list[str]:
    """The layering rules ``src/projlife/<rel>`` breaks, one line each."""
    module = "projlife." + rel.removesuffix(".py").replace("/", ".")
    is_package = rel.endswith("__init__.py")
    if is_package:
        module = module.removesuffix(".__init__")
    room = rel.split("/")[0] if "/" in rel else ""
    found: list[str] = []
    for imp in imports_of(source, module, is_package=is_package):
        where = f"{rel}:{imp.line} imports {imp.module}"
        if not imp.module.startswith("projlife"):
            continue
        if room == "domain" and imp.module != "projlife" and not _within(imp.module, ("projlife.domain",)):
            found.append(f"{where}: the domain imports nothing of projlife's outer rooms")
        if room in {"store", "projections"} and _within(imp.module, OUTER_OF_READ_MODELS):
            found.append(f"{where}: {room}/ never imports app/, reports/, cli/ or demo/")
        if _within(imp.module, ("projlife.demo",)) and not rel.startswith(MAY_IMPORT_DEMO):
            found.append(f"{where}: only cli's demo command imports projlife.demo")
        if _imports_projlife_class(imp) and room not in MAY_IMPORT_PROJLIFE and rel != "__init__.py":
            found.append(f"{where}: below app/ nothing names Projlife; take a door from projlife.ports")
    if rel == "ports.py":
        found += [
            f"{rel}:{imp.line} imports {imp.module} at run time: ports may name other rooms only "
            "under TYPE_CHECKING"
            for imp in _runtime_imports(source)
            if imp.module.startswith("projlife")
        ]
    return sorted(set(found))


def _runtime_imports(source: str) -> Iterator[Imported]:
    """Imports outside ``if TYPE_CHECKING:`` blocks."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}:
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (Imported(node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield Imported(node.lineno, node.module or "")


MODULES = sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py"))


def _source(rel: str) -> str:
    return (SRC / rel).read_text(encoding="utf-8")


def test_every_room_has_modules_to_check() -> None:
    rooms = {rel.split("/")[0] for rel in MODULES if "/" in rel}
    assert rooms >= {"domain", "store", "projections", "app", "reports", "cli", "demo", "tickets", "audit"}


@pytest.mark.parametrize("rel", [m for m in MODULES if m not in PROJLIFE_ALLOWLIST])
def test_module_keeps_the_layering(rel: str) -> None:
    assert violations(rel, _source(rel)) == []


def test_no_module_is_excused_from_the_layering() -> None:
    """The allowlist emptied with issues 12 and 16: every module keeps every rule, none excused."""
    assert PROJLIFE_ALLOWLIST == {}, (
        f"{sorted(PROJLIFE_ALLOWLIST)} are excused from the layering; give them a door from projlife.ports"
    )


# -- the checker itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "source"),
    [
        ("domain/probe.py", "from projlife.projections.ledger import Ledger"),
        ("domain/probe.py", "from ..store import sql"),
        ("store/probe.py", "from projlife.app.commands import Command"),
        ("store/probe.py", "from projlife import reports"),
        (
            "projections/probe.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import projlife.cli",
        ),
        ("projections/probe.py", "def f():\n    from ..reports.bulletin import build_bulletin"),
        ("reports/probe.py", "from projlife.demo import run_demo"),
        (
            "tickets/probe.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from projlife.app.application import Projlife",
        ),
        ("audit/probe.py", "from projlife import Projlife"),
        ("projections/probe.py", "import projlife.app.application"),
        ("ports.py", "from projlife.tickets.service import TicketService"),
    ],
)
def test_the_checker_catches_a_violating_import(rel: str, source: str) -> None:
    assert violations(rel, source), f"{rel} with {source!r} should break a rule"


@pytest.mark.parametrize(
    ("rel", "source"),
    [
        ("domain/probe.py", "from projlife.domain.errors import ProjlifeError\nfrom . import money"),
        (
            "projections/probe.py",
            "from projlife.store.sql import metadata\nfrom projlife.ports import SqlDatabase",
        ),
        ("tickets/probe.py", "from projlife.app.results import validate"),
        ("cli/demo_command.py", "from projlife.demo import run_demo"),
        ("demo/probe.py", "from projlife.app.application import Projlife"),
        ("cli/probe.py", "from projlife.app.application import Projlife, connect"),
        ("reports/probe.py", "from projlife.app.application import connect"),
        (
            "ports.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from projlife.tickets.service import TicketService",
        ),
    ],
)
def test_the_checker_lets_a_permitted_import_through(rel: str, source: str) -> None:
    assert violations(rel, source) == []
