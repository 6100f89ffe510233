"""The pure domain: aggregates, events, value objects and errors.

Imports only the standard library, attrs and ``eventsourcing.domain``.
"""

from projlife.domain.actor import SYSTEM_ACTOR, Actor, Role
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.errors import (
    CommandRejected,
    ConcurrentUpdateError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    Problem,
    ProjlifeError,
    SeparationOfDutiesViolation,
)
from projlife.domain.lifecycle import (
    CLAIMED_STAGES,
    STAGE_TRANSITIONS,
    Milestone,
    Pool,
    RemovalReason,
    Stage,
    VerificationMethod,
)
from projlife.domain.money import WAN, YI, Money
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project import CorrectableField, Project, project_id_for

__all__ = [
    "CLAIMED_STAGES",
    "STAGE_TRANSITIONS",
    "SYSTEM_ACTOR",
    "WAN",
    "YI",
    "Actor",
    "Area",
    "AreaLevel",
    "AreaTree",
    "CommandRejected",
    "ConcurrentUpdateError",
    "CorrectableField",
    "IllegalTransition",
    "InvestorClass",
    "Milestone",
    "Money",
    "NotFound",
    "Period",
    "PeriodKind",
    "PermissionDenied",
    "Pool",
    "Problem",
    "Project",
    "ProjectCategory",
    "ProjlifeError",
    "RemovalReason",
    "Role",
    "SeparationOfDutiesViolation",
    "Stage",
    "VerificationMethod",
    "project_id_for",
]
