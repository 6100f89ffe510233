"""Which ``Project`` event topic each read-model row stands for (first business date per topic)."""

from __future__ import annotations

from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project
from projlife.projections.details import details_table
from projlife.projections.facts import FactKind, facts_table

__all__ = ["CLAIM_TOPICS", "CONCEIVED_TOPIC", "DETAIL_TOPICS", "KIND_TOPICS", "TOPIC_SOURCES"]

CONCEIVED_TOPIC = Project.Conceived.TOPIC

CLAIM_TOPICS: dict[int, str] = {
    Stage.RESERVED.rank: Project.Reserved.TOPIC,
    Stage.SIGNED.rank: Project.Signed.TOPIC,
    Stage.LANDED.rank: Project.Landed.TOPIC,
    Stage.STARTED.rank: Project.ConstructionStarted.TOPIC,
    Stage.IN_STATISTICS.rank: Project.EnteredStatistics.TOPIC,
    Stage.COMPLETED.rank: Project.Completed.TOPIC,
    Stage.PRODUCING.rank: Project.ProductionBegan.TOPIC,
    Stage.ABOVE_SCALE.rank: Project.BecameAboveScale.TOPIC,
    Stage.AT_CAPACITY.rank: Project.ReachedCapacity.TOPIC,
}
"""The topic of a ``pl_facts`` claim row, by the rank of the stage claimed."""

KIND_TOPICS: dict[int, str] = {
    int(FactKind.CONCEIVED): Project.Conceived.TOPIC,
    int(FactKind.VERIFIED): Project.StageVerified.TOPIC,
    int(FactKind.REJECTED): Project.StageClaimRejected.TOPIC,
    int(FactKind.CORRECTED): Project.Corrected.TOPIC,
    int(FactKind.SCHEDULED): Project.StageScheduled.TOPIC,
    int(FactKind.INVESTMENT): Project.InvestmentReported.TOPIC,
    int(FactKind.SPONSOR): Project.SponsorAssigned.TOPIC,
    int(FactKind.FLAGGED): Project.Flagged.TOPIC,
    int(FactKind.FLAG_CLEARED): Project.FlagCleared.TOPIC,
    int(FactKind.REMOVED): Project.RemovedFromPool.TOPIC,
    int(FactKind.CANCELLED): Project.Cancelled.TOPIC,
    int(FactKind.LAND_RECLAIMED): Project.LandReclaimed.TOPIC,
}
"""The topic of every other ``pl_facts`` row, by its kind."""

DETAIL_TOPICS: dict[str, str] = {
    "met:": Project.MilestoneMet.TOPIC,
    "planned:": Project.MilestonePlanned.TOPIC,
    "team": Project.TeamFormed.TOPIC,
}
"""The topic of a ``pl_project_details`` row, by its field (a prefix for milestones)."""

TOPIC_SOURCES: dict[str, str] = {
    **{t: facts_table.name for t in CLAIM_TOPICS.values()},
    **{t: facts_table.name for t in KIND_TOPICS.values()},
    **{t: details_table.name for t in DETAIL_TOPICS.values()},
}
"""Where the first business date of each ``Project`` event topic is read."""
