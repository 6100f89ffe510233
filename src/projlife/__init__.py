"""projlife: the event-sourced lifecycle of major investment projects.

Open it on a database with :func:`connect`; see ``docs/`` for the domain model,
persistence, projections, audit and city plugins.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projlife.app.application import (
        CommandResult,
        DatabaseNotInitialised,
        DatabaseUnreachable,
        IngestReport,
        Projlife,
        connect,
    )
    from projlife.calendar import Deadline, DeadlineRule, DeadlineStatus, DeadlineUnit, WorkdayCalendar
    from projlife.domain import (
        Actor,
        Area,
        AreaLevel,
        AreaTree,
        CommandRejected,
        ConcurrentUpdateError,
        CorrectableField,
        IllegalTransition,
        InvestorClass,
        Milestone,
        Money,
        NotFound,
        Period,
        PeriodKind,
        PermissionDenied,
        Pool,
        Problem,
        Project,
        ProjectCategory,
        ProjlifeError,
        RemovalReason,
        Role,
        SeparationOfDutiesViolation,
        Stage,
        VerificationMethod,
        project_id_for,
    )
    from projlife.extras import MissingExtra
    from projlife.plugins import CityProfile, PluginError
    from projlife.store.database import DatabaseURL, UnsupportedDatabase

__version__ = "0.1.0"

# The library's log records go to the "projlife" logger tree; the embedder configures handlers.
logging.getLogger("projlife").addHandler(logging.NullHandler())

# Names resolve on first use (PEP 562), so that ``import projlife.audit`` (the offline
# verifier a province runs) does not pull in the database layers.
_LAZY = {
    "Actor": "projlife.domain",
    "Area": "projlife.domain",
    "AreaLevel": "projlife.domain",
    "AreaTree": "projlife.domain",
    "CityProfile": "projlife.plugins",
    "CommandRejected": "projlife.domain",
    "CommandResult": "projlife.app.application",
    "ConcurrentUpdateError": "projlife.domain",
    "CorrectableField": "projlife.domain",
    "DatabaseNotInitialised": "projlife.app.application",
    "DatabaseUnreachable": "projlife.app.application",
    "DatabaseURL": "projlife.store.database",
    "Deadline": "projlife.calendar",
    "DeadlineRule": "projlife.calendar",
    "DeadlineStatus": "projlife.calendar",
    "DeadlineUnit": "projlife.calendar",
    "IllegalTransition": "projlife.domain",
    "MissingExtra": "projlife.extras",
    "IngestReport": "projlife.app.application",
    "InvestorClass": "projlife.domain",
    "Milestone": "projlife.domain",
    "Money": "projlife.domain",
    "NotFound": "projlife.domain",
    "Period": "projlife.domain",
    "PeriodKind": "projlife.domain",
    "PermissionDenied": "projlife.domain",
    "PluginError": "projlife.plugins",
    "Pool": "projlife.domain",
    "Problem": "projlife.domain",
    "Project": "projlife.domain",
    "ProjectCategory": "projlife.domain",
    "Projlife": "projlife.app.application",
    "ProjlifeError": "projlife.domain",
    "RemovalReason": "projlife.domain",
    "Role": "projlife.domain",
    "SeparationOfDutiesViolation": "projlife.domain",
    "Stage": "projlife.domain",
    "UnsupportedDatabase": "projlife.store.database",
    "VerificationMethod": "projlife.domain",
    "WorkdayCalendar": "projlife.calendar",
    "connect": "projlife.app.application",
    "project_id_for": "projlife.domain",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'projlife' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "Actor",
    "Area",
    "AreaLevel",
    "AreaTree",
    "CityProfile",
    "CommandRejected",
    "CommandResult",
    "ConcurrentUpdateError",
    "CorrectableField",
    "DatabaseNotInitialised",
    "DatabaseURL",
    "DatabaseUnreachable",
    "Deadline",
    "DeadlineRule",
    "DeadlineStatus",
    "DeadlineUnit",
    "IllegalTransition",
    "IngestReport",
    "InvestorClass",
    "Milestone",
    "MissingExtra",
    "Money",
    "NotFound",
    "Period",
    "PeriodKind",
    "PermissionDenied",
    "PluginError",
    "Pool",
    "Problem",
    "Project",
    "ProjectCategory",
    "Projlife",
    "ProjlifeError",
    "RemovalReason",
    "Role",
    "SeparationOfDutiesViolation",
    "Stage",
    "UnsupportedDatabase",
    "VerificationMethod",
    "WorkdayCalendar",
    "connect",
    "project_id_for",
]
