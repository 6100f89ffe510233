"""Adding a version to an event: ``class_version`` plus an ``upcast_v1_v2`` static method.

``Memo`` is a tiny aggregate made for this test. Its ``Noted`` event is at version 2:
version 1 carried only ``text``; version 2 adds the business date ``occurred_on`` and
an ``evidence`` tuple. A v1 state is written to the store as it was recorded years ago;
reading it back upcasts it. The same recipe applies to any ``Project`` event
(``docs/domain.md``, "Adding an event version").
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from projlife.app.application import EventStore


class Memo(Aggregate):
    TOPIC = "projlife-tests:Memo"

    class Created(Aggregate.Created):
        TOPIC = "projlife-tests:Memo.Created"
        title: str

    class Noted(Aggregate.Event):
        TOPIC = "projlife-tests:Memo.Noted"
        class_version: ClassVar[int] = 2
        text: str
        occurred_on: date
        evidence: tuple[str, ...]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # v1 had no business date: the best knowledge is the day it was recorded.
            state["occurred_on"] = state["timestamp"].date()
            state["evidence"] = ()

        def apply(self, memo: Memo) -> None:
            memo.notes.append((self.occurred_on, self.text, tuple(self.evidence)))

    def __init__(self, title: str) -> None:
        self.title = title
        self.notes: list[tuple[date, str, tuple[str, ...]]] = []

    def note(self, text: str, occurred_on: date, evidence: tuple[str, ...] = ()) -> None:
        self.trigger_event(self.Noted, text=text, occurred_on=occurred_on, evidence=evidence)


def _store(tmp_path: Path) -> EventStore:
    return EventStore(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "memo.db")}
    )


def test_a_stored_v1_event_is_upcast_when_read(tmp_path: Path) -> None:
    store = _store(tmp_path)
    memo = Memo(title="谋划会议")
    store.save(memo)
    recorded_at = datetime(2023, 5, 6, 2, 30, tzinfo=UTC)
    v1_state = store.mapper.transcoder.encode({"timestamp": recorded_at, "text": "企业来访"})
    store.recorder.insert_events(
        [
            StoredEvent(
                originator_id=memo.id, originator_version=2, topic="projlife-tests:Memo.Noted", state=v1_state
            )
        ]
    )

    loaded: Any = store.repository.get(memo.id)

    assert loaded.version == 2
    assert loaded.notes == [(date(2023, 5, 6), "企业来访", ())]


def test_a_v2_event_is_stored_with_its_class_version_and_read_unchanged(tmp_path: Path) -> None:
    store = _store(tmp_path)
    memo = Memo(title="谋划会议")
    memo.note("签约仪式", date(2024, 3, 1), ("照片-1",))
    store.save(memo)

    (stored,) = store.recorder.select_events(memo.id, gt=1)
    assert store.mapper.transcoder.decode(stored.state)["class_version"] == 2
    loaded: Any = store.repository.get(memo.id)
    assert loaded.notes == [(date(2024, 3, 1), "签约仪式", ("照片-1",))]
