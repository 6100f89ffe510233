"""Every stored event's shape is pinned: a field change without a ``class_version`` bump fails.

``tests/fixtures/event_shapes.json`` holds, for each event TOPIC, its ``class_version`` and
its field names. Change a shape: bump ``class_version``, add ``upcast_vN_vN+1`` with a test,
then regenerate the snapshot with ``PROJLIFE_UPDATE_EVENT_SHAPES=1 pytest tests/test_event_shapes.py``.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import pkgutil
from pathlib import Path
from typing import Any

from eventsourcing.domain import Aggregate

import projlife.domain

SNAPSHOT = Path(__file__).parent / "fixtures" / "event_shapes.json"


def _event_classes() -> dict[str, type[Any]]:
    found: dict[str, type[Any]] = {}
    for info in pkgutil.iter_modules(projlife.domain.__path__, "projlife.domain."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Aggregate) and obj.__module__ == module.__name__:
                for name in dir(obj):  # dir(), not vars(): events inherited from mixins count too
                    member = getattr(obj, name)
                    topic = getattr(member, "TOPIC", None)
                    if (
                        isinstance(member, type)
                        and dataclasses.is_dataclass(member)
                        and isinstance(topic, str)
                        and topic.startswith("projlife:")
                    ):
                        found[topic] = member
    return found


def _shapes() -> dict[str, dict[str, Any]]:
    return {
        topic: {
            "class_version": int(getattr(cls, "class_version", 1)),
            "fields": sorted(f.name for f in dataclasses.fields(cls)),
        }
        for topic, cls in sorted(_event_classes().items())
    }


def test_event_shapes_match_the_snapshot_or_bump_their_version() -> None:
    current = _shapes()
    if os.environ.get("PROJLIFE_UPDATE_EVENT_SHAPES"):
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    pinned: dict[str, dict[str, Any]] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    problems = []
    for topic, shape in current.items():
        old = pinned.get(topic)
        if old is None:
            problems.append(f"{topic}: new event, add it to the snapshot")
        elif old["fields"] != shape["fields"] and old["class_version"] >= shape["class_version"]:
            problems.append(
                f"{topic}: fields changed {sorted(set(old['fields']) ^ set(shape['fields']))} "
                f"without bumping class_version from {old['class_version']} (and adding an upcaster)"
            )
        elif shape["class_version"] > old["class_version"] and old["fields"] != shape["fields"]:
            problems.append(f"{topic}: version bumped; regenerate the snapshot to pin the new shape")
    problems += [f"{t}: removed; a stored event's class must stay" for t in pinned if t not in current]
    assert not problems, "\n".join(problems)


def test_the_snapshot_covers_the_project_ticket_and_draw_events() -> None:
    topics = set(_shapes())
    assert {"projlife:Project.Corrected", "projlife:Project.Signed"} <= topics
    assert any(t.startswith("projlife:Ticket.") for t in topics)
    assert len(topics) >= 30


def test_an_upcaster_exists_for_every_version_step() -> None:
    for topic, cls in _event_classes().items():
        for v in range(1, int(getattr(cls, "class_version", 1))):
            assert hasattr(cls, f"upcast_v{v}_v{v + 1}"), f"{topic} lacks upcast_v{v}_v{v + 1}"
