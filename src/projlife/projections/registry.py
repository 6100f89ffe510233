"""The default projections: factories that build each read model for an application.

Modules that provide a read model append a factory here at import time::

    from projlife.projections.registry import register_projection
    register_projection(lambda sources: TicketsView(sources))

A factory is called with the :class:`~projlife.ports.ReadModelSources` (the database, the
event store, the cities, the calendar). ``ProjectionRunner(sources)`` without an explicit
list (and ``app.projections``) runs every registered factory's projection.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from projlife.ports import ReadModelSources
    from projlife.projections.runner import Projection

__all__ = ["DEFAULT_PROJECTIONS", "PROJECTION_MODULES", "default_projections", "register_projection"]

ProjectionFactory = Callable[["ReadModelSources"], "Projection"]

DEFAULT_PROJECTIONS: list[ProjectionFactory] = []
"""Factories of the projections a default runner runs, in order."""

PROJECTION_MODULES: list[str] = ["projlife.projections.facts"]
PROJECTION_MODULES.append("projlife.tickets.projection")
PROJECTION_MODULES.append("projlife.projections.details")
PROJECTION_MODULES.append("projlife.projections.site_scores")
PROJECTION_MODULES.append("projlife.projections.office")
"""Modules imported before the defaults are built (they register their factories)."""


def register_projection(factory: ProjectionFactory) -> ProjectionFactory:
    """Add a default projection factory (idempotent; usable as a decorator)."""
    if factory not in DEFAULT_PROJECTIONS:
        DEFAULT_PROJECTIONS.append(factory)
    return factory


def default_projections(sources: ReadModelSources) -> list[Projection]:
    """Build every registered projection from ``sources``."""
    for module in PROJECTION_MODULES:
        importlib.import_module(module)
    return [factory(sources) for factory in DEFAULT_PROJECTIONS]
