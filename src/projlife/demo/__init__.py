"""The demo: a seeded drive for one city, imported through the public API, shown section by section.

Nothing in the library imports this package; it uses the library as an embedder would.
:func:`run_demo` is what ``projlife demo`` runs; :mod:`projlife.demo.simulation` generates
the drive (also used by the tests and benchmarks).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projlife.demo.context import DEMO_AS_OF, DemoContext
    from projlife.demo.runner import DEMO_SECTIONS, run_demo

__all__ = ["DEMO_AS_OF", "DEMO_SECTIONS", "DemoContext", "run_demo"]

_LAZY = {
    "DEMO_AS_OF": "projlife.demo.context",
    "DemoContext": "projlife.demo.context",
    "DEMO_SECTIONS": "projlife.demo.runner",
    "run_demo": "projlife.demo.runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'projlife.demo' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
