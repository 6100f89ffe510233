"""The lifecycle every city shares, and the one transition table.

conceived → reserved → signed → (landed) → started → in_statistics → completed →
producing → (above_scale) → at_capacity. Removal, cancellation and flags are events
beside the stages (DOMAIN.md, "The lifecycle every city shares"; seed 004:
"开工项目抓进度,续建项目抓投产,签约项目抓落地,储备项目抓前期").
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CLAIMED_STAGES",
    "PREPARATION_MILESTONES",
    "STAGE_TRANSITIONS",
    "Milestone",
    "Pool",
    "RemovalReason",
    "Stage",
    "VerificationMethod",
    "allowed_sources",
]


class Stage(StrEnum):
    """The lifecycle stages a project enters in order (reserved and landed may be skipped)."""

    CONCEIVED = "conceived"
    RESERVED = "reserved"
    SIGNED = "signed"
    LANDED = "landed"
    STARTED = "started"
    IN_STATISTICS = "in_statistics"
    COMPLETED = "completed"
    PRODUCING = "producing"
    ABOVE_SCALE = "above_scale"
    AT_CAPACITY = "at_capacity"

    @property
    def rank(self) -> int:
        return _STAGE_ORDER[self]

    @property
    def label_zh(self) -> str:
        return _STAGE_ZH[self]

    def __lt__(self, other: str) -> bool:
        if isinstance(other, Stage):
            return self.rank < other.rank
        return NotImplemented

    def __le__(self, other: str) -> bool:
        if isinstance(other, Stage):
            return self.rank <= other.rank
        return NotImplemented

    def __gt__(self, other: str) -> bool:
        if isinstance(other, Stage):
            return self.rank > other.rank
        return NotImplemented

    def __ge__(self, other: str) -> bool:
        if isinstance(other, Stage):
            return self.rank >= other.rank
        return NotImplemented


_STAGE_ORDER = {stage: i for i, stage in enumerate(Stage)}
_STAGE_ZH = {
    Stage.CONCEIVED: "谋划",
    Stage.RESERVED: "储备",
    Stage.SIGNED: "签约",
    Stage.LANDED: "落地",
    Stage.STARTED: "开工",
    Stage.IN_STATISTICS: "纳统",
    Stage.COMPLETED: "竣工",
    Stage.PRODUCING: "投产",
    Stage.ABOVE_SCALE: "进规",
    Stage.AT_CAPACITY: "达产达效",
}

STAGE_TRANSITIONS: Mapping[Stage, frozenset[Stage]] = MappingProxyType(
    {
        # target stage: the stages it may be entered from
        Stage.RESERVED: frozenset({Stage.CONCEIVED}),
        Stage.SIGNED: frozenset({Stage.CONCEIVED, Stage.RESERVED}),
        Stage.LANDED: frozenset({Stage.SIGNED}),
        Stage.STARTED: frozenset({Stage.SIGNED, Stage.LANDED}),
        Stage.IN_STATISTICS: frozenset({Stage.STARTED}),
        Stage.COMPLETED: frozenset({Stage.IN_STATISTICS}),
        Stage.PRODUCING: frozenset({Stage.COMPLETED}),
        Stage.ABOVE_SCALE: frozenset({Stage.PRODUCING}),
        Stage.AT_CAPACITY: frozenset({Stage.PRODUCING, Stage.ABOVE_SCALE}),
    }
)
"""The one transition table: each stage and the stages it may be entered from.

A project is created as ``conceived`` (or directly ``reserved``); every other stage is
entered by a command whose event names the stage. Nothing else moves the stage, except
a verifier's rejection of a claim, which rolls it back to before the rejected stage.
"""

CLAIMED_STAGES: frozenset[Stage] = frozenset(s for s in Stage if s.rank >= Stage.SIGNED.rank)
"""Stage facts that are claims until verified (000: 季核查 … 核实新签约、新开工、新投产项目的真实性)."""


def allowed_sources(target: Stage) -> frozenset[Stage]:
    """The stages from which ``target`` may be entered."""
    return STAGE_TRANSITIONS.get(target, frozenset())


def allowed_targets(current: Stage) -> tuple[Stage, ...]:
    """The stages that may follow ``current``, in lifecycle order."""
    return tuple(t for t, sources in STAGE_TRANSITIONS.items() if current in sources)


class Milestone(StrEnum):
    """The seven preparation milestones between reserve and start (004, 002), and 注册.

    ``registered`` (注册, company registration) is the milestone of a 招商 project: 厦门 (002)
    明确每个项目策划生成、开工(注册)、竣工投产时间节点 — for such a project the node 开工(注册) is met by the
    registration, which is its own fact and not a construction start (``PREPARATION_MILESTONES``
    are the seven others).
    """

    SITE_SELECTION = "site_selection"
    PROJECT_APPROVAL = "project_approval"
    LAND_APPROVAL = "land_approval"
    LAND_ACQUISITION = "land_acquisition"
    ENVIRONMENTAL_APPROVAL = "environmental_approval"
    CONSTRUCTION_DESIGN = "construction_design"
    TENDERING = "tendering"
    REGISTERED = "registered"

    @property
    def label_zh(self) -> str:
        return _MILESTONE_ZH[self]


_MILESTONE_ZH = {
    Milestone.SITE_SELECTION: "规划选址",
    Milestone.PROJECT_APPROVAL: "立项审批",
    Milestone.LAND_APPROVAL: "用地报批",
    Milestone.LAND_ACQUISITION: "征地拆迁",
    Milestone.ENVIRONMENTAL_APPROVAL: "环评审批",
    Milestone.CONSTRUCTION_DESIGN: "施工设计",
    Milestone.TENDERING: "招投标",
    Milestone.REGISTERED: "注册",
}

PREPARATION_MILESTONES: tuple[Milestone, ...] = tuple(m for m in Milestone if m is not Milestone.REGISTERED)
"""The seven preparation milestones between reserve and start (004: 规划选址 … 招投标)."""


class Pool(StrEnum):
    """The project pools (项目库) a project can be removed from."""

    RESERVE = "reserve"
    SIGNED = "signed"
    STARTED = "started"
    PRODUCING = "producing"

    @property
    def stages(self) -> frozenset[Stage]:
        """The claimed stages at which a project sits in this pool."""
        return _POOL_STAGES[self]


_POOL_STAGES = {
    Pool.RESERVE: frozenset({Stage.RESERVED}),
    Pool.SIGNED: frozenset({Stage.SIGNED, Stage.LANDED}),
    Pool.STARTED: frozenset({Stage.STARTED}),
    Pool.PRODUCING: frozenset({Stage.PRODUCING, Stage.ABOVE_SCALE, Stage.AT_CAPACITY}),
}


class RemovalReason(StrEnum):
    """Why a project left a pool (剔除)."""

    NOT_IN_STATISTICS_IN_TIME = "not_in_statistics_in_time"
    """000: 开工三个月以上仍未纳统的项目在开工项目库内予以剔除."""
    NOT_GENUINE = "not_genuine"
    """000: 季核查 … 核实 … 真实性: the fact was found untrue on site."""
    UNSUITABLE = "unsuitable"
    """001: 剔除不合适项目 (dynamic management of the reserve)."""
    STALLED = "stalled"
    DUPLICATE = "duplicate"
    OTHER = "other"


class VerificationMethod(StrEnum):
    """How a stage claim was checked before it was recognised (认定)."""

    DOCUMENTS = "documents"
    """Checked on the papers (对账)."""
    SITE = "site"
    """Checked on site (现场核查)."""
