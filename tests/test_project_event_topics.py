"""Every stored ``Project`` topic still resolves to the same event class after the module split."""

from __future__ import annotations

import pytest
from eventsourcing.utils import resolve_topic

from projlife.domain.project import Project

# The topics as they were written before the events moved to ``project_events``.
STORED_TOPICS = {
    "projlife:Project": "",
    "projlife:Project.Conceived": "Conceived",
    "projlife:Project.Reserved": "Reserved",
    "projlife:Project.Signed": "Signed",
    "projlife:Project.Landed": "Landed",
    "projlife:Project.ConstructionStarted": "ConstructionStarted",
    "projlife:Project.EnteredStatistics": "EnteredStatistics",
    "projlife:Project.Completed": "Completed",
    "projlife:Project.ProductionBegan": "ProductionBegan",
    "projlife:Project.BecameAboveScale": "BecameAboveScale",
    "projlife:Project.ReachedCapacity": "ReachedCapacity",
    "projlife:Project.StageVerified": "StageVerified",
    "projlife:Project.StageClaimRejected": "StageClaimRejected",
    "projlife:Project.MilestonePlanned": "MilestonePlanned",
    "projlife:Project.MilestoneMet": "MilestoneMet",
    "projlife:Project.StageScheduled": "StageScheduled",
    "projlife:Project.InvestmentReported": "InvestmentReported",
    "projlife:Project.SponsorAssigned": "SponsorAssigned",
    "projlife:Project.TeamFormed": "TeamFormed",
    "projlife:Project.Flagged": "Flagged",
    "projlife:Project.FlagCleared": "FlagCleared",
    "projlife:Project.RemovedFromPool": "RemovedFromPool",
    "projlife:Project.LandReclaimed": "LandReclaimed",
    "projlife:Project.Cancelled": "Cancelled",
    "projlife:Project.Corrected": "Corrected",
}


@pytest.mark.parametrize(("topic", "attribute"), sorted(STORED_TOPICS.items()))
def test_every_stored_project_topic_resolves_to_the_same_class(topic: str, attribute: str) -> None:
    expected = getattr(Project, attribute) if attribute else Project
    assert resolve_topic(topic) is expected
    assert topic == expected.TOPIC


@pytest.mark.parametrize("attribute", sorted(a for a in STORED_TOPICS.values() if a))
def test_project_event_keeps_its_qualified_name(attribute: str) -> None:
    assert getattr(Project, attribute).__qualname__ == f"Project.{attribute}"
