"""Projections: read models fed exactly once from the event log (see ``docs/projections.md``)."""

from projlife.projections.registry import DEFAULT_PROJECTIONS, default_projections, register_projection
from projlife.projections.runner import (
    BatchProjection,
    Item,
    Projection,
    ProjectionFailed,
    ProjectionRunner,
    ProjectionStatus,
    ProjectionStopped,
    ProjectionTimeout,
    UnknownProjection,
    tracking_table,
)

__all__ = [
    "DEFAULT_PROJECTIONS",
    "BatchProjection",
    "Item",
    "Projection",
    "ProjectionFailed",
    "ProjectionRunner",
    "ProjectionStatus",
    "ProjectionStopped",
    "ProjectionTimeout",
    "UnknownProjection",
    "default_projections",
    "register_projection",
    "tracking_table",
]
