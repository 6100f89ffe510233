"""Every stored ``Ticket`` topic still resolves to the same event class after the module split."""

from __future__ import annotations

import pytest
from eventsourcing.utils import resolve_topic

from projlife.domain.ticket import Ticket

# The topics as they were written while the events were nested in ``Ticket``.
STORED_TOPICS = {
    "projlife:Ticket": "",
    "projlife:Ticket.Raised": "Raised",
    "projlife:Ticket.Assigned": "Assigned",
    "projlife:Ticket.Escalated": "Escalated",
    "projlife:Ticket.Answered": "Answered",
    "projlife:Ticket.RevisitSampled": "RevisitSampled",
    "projlife:Ticket.RevisitNotSampled": "RevisitNotSampled",
    "projlife:Ticket.Revisited": "Revisited",
    "projlife:Ticket.Reopened": "Reopened",
    "projlife:Ticket.Closed": "Closed",
    "projlife:Ticket.Withdrawn": "Withdrawn",
    "projlife:Ticket.ClockPaused": "ClockPaused",
    "projlife:Ticket.ClockResumed": "ClockResumed",
}


@pytest.mark.parametrize(("topic", "attribute"), sorted(STORED_TOPICS.items()))
def test_every_stored_ticket_topic_resolves_to_the_same_class(topic: str, attribute: str) -> None:
    expected = getattr(Ticket, attribute) if attribute else Ticket
    assert resolve_topic(topic) is expected
    assert topic == expected.TOPIC


@pytest.mark.parametrize("attribute", sorted(a for a in STORED_TOPICS.values() if a))
def test_ticket_event_keeps_its_qualified_name(attribute: str) -> None:
    assert getattr(Ticket, attribute).__qualname__ == f"Ticket.{attribute}"


def test_the_event_base_keeps_its_qualified_name() -> None:
    assert Ticket.Event.__qualname__ == "Ticket.Event"
