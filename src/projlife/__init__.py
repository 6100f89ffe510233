"""projlife: the event-sourced lifecycle of major investment projects.

Open it on a database with :func:`connect`; see ``docs/`` for the domain model,
persistence, projections, audit and city plugins.
"""

from projlife.application import CommandResult, DatabaseNotInitialised, IngestReport, Projlife, connect
from projlife.calendar import Deadline, DeadlineRule, DeadlineStatus, DeadlineUnit, WorkdayCalendar
from projlife.database import DatabaseURL, UnsupportedDatabase
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
from projlife.plugins import CityProfile, PluginError

__version__ = "0.1.0"

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
    "Deadline",
    "DeadlineRule",
    "DeadlineStatus",
    "DeadlineUnit",
    "IllegalTransition",
    "IngestReport",
    "InvestorClass",
    "Milestone",
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
