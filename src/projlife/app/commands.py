"""Commands: what callers ask projlife to do, validated with pydantic at the boundary.

A command is a frozen pydantic model. Validation collects every problem at once (not
just the first) and the application turns them into a :class:`CommandRejected` error;
nothing is written for a rejected command. Each project command knows which domain
method carries it out (``apply``).
"""

from __future__ import annotations

# the field types are re-exported: commands elsewhere (tickets, meetings, office) name them here
from projlife.app.command_base import MAX_AMOUNT_YUAN, ActorIn, Command, ProjectCommand
from projlife.app.command_base import ActorId as ActorId
from projlife.app.command_base import AreaCode as AreaCode
from projlife.app.command_base import Code as Code
from projlife.app.command_base import CreditCode as CreditCode
from projlife.app.command_base import EvidenceRef as EvidenceRef
from projlife.app.command_base import LongText as LongText
from projlife.app.command_base import Mu as Mu
from projlife.app.command_base import ShortText as ShortText
from projlife.app.command_base import Yuan as Yuan
from projlife.app.command_base import _no_float as _no_float
from projlife.app.project_commands import (
    AssignSponsor,
    BecomeAboveScale,
    BeginProduction,
    CancelProject,
    ClearFlag,
    CompleteProject,
    ConceiveProject,
    CorrectFact,
    EnterStatistics,
    FlagProject,
    FormTeam,
    LandProject,
    MeetMilestone,
    PlanMilestone,
    ReachCapacity,
    ReclaimLand,
    RejectClaim,
    RemoveFromPool,
    ReportInvestment,
    ReserveProject,
    ScheduleStage,
    SignProject,
    StartConstruction,
    VerifyStage,
)
from projlife.domain.lifecycle import Stage

__all__ = [
    "MAX_AMOUNT_YUAN",
    "PROJECT_COMMANDS",
    "STAGE_ENTRY_COMMANDS",
    "ActorIn",
    "AssignSponsor",
    "BecomeAboveScale",
    "BeginProduction",
    "CancelProject",
    "ClearFlag",
    "Command",
    "CompleteProject",
    "ConceiveProject",
    "CorrectFact",
    "EnterStatistics",
    "FlagProject",
    "FormTeam",
    "LandProject",
    "MeetMilestone",
    "PlanMilestone",
    "ProjectCommand",
    "ReachCapacity",
    "ReclaimLand",
    "RejectClaim",
    "RemoveFromPool",
    "ReportInvestment",
    "ReserveProject",
    "ScheduleStage",
    "SignProject",
    "StartConstruction",
    "VerifyStage",
]


PROJECT_COMMANDS: dict[str, type[Command]] = {
    cls.name: cls
    for cls in (
        ConceiveProject,
        ReserveProject,
        SignProject,
        LandProject,
        StartConstruction,
        EnterStatistics,
        CompleteProject,
        BeginProduction,
        BecomeAboveScale,
        ReachCapacity,
        VerifyStage,
        RejectClaim,
        PlanMilestone,
        MeetMilestone,
        ScheduleStage,
        ReportInvestment,
        AssignSponsor,
        FormTeam,
        FlagProject,
        ClearFlag,
        RemoveFromPool,
        ReclaimLand,
        CancelProject,
        CorrectFact,
    )
}
"""Every project command by its name (``"sign"``, ``"start"`` …), for JSON and CLI input."""

STAGE_ENTRY_COMMANDS: dict[Stage, type[ProjectCommand]] = {
    Stage.RESERVED: ReserveProject,
    Stage.SIGNED: SignProject,
    Stage.LANDED: LandProject,
    Stage.STARTED: StartConstruction,
    Stage.IN_STATISTICS: EnterStatistics,
    Stage.COMPLETED: CompleteProject,
    Stage.PRODUCING: BeginProduction,
    Stage.ABOVE_SCALE: BecomeAboveScale,
    Stage.AT_CAPACITY: ReachCapacity,
}
"""The command that enters each stage after conception (``SignProject`` also needs the amount)."""

# The office's working-week commands live in their own module (it imports this one's types).
from projlife.app.office_commands import OFFICE_COMMANDS  # noqa: E402

PROJECT_COMMANDS.update({cls.name: cls for cls in OFFICE_COMMANDS})
