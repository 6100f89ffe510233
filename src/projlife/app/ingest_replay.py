"""Idempotent ingest: replay an import's commands on a copy of a stored project and compare events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from projlife.domain.errors import CommandRejected, Problem
from projlife.domain.project import Project

__all__ = ["Replay", "comparable"]


class Replay:
    """A project the import conceives that is already stored: its commands are replayed on a
    shadow copy and each event compared with the stored one at the same version."""

    def __init__(self, code: str, stored: Sequence[Any], shadow: Project) -> None:
        self.code = code
        self.stored = stored
        self.shadow = shadow
        self.resumed = False

    def check(self, mapper: Any, before: int) -> None:
        """Compare the shadow's events after version ``before`` with the stored ones."""
        produced = self.shadow.collect_events()
        for event in produced:
            version = event.originator_version
            if version > len(self.stored):
                raise self._conflict(version, "the stored history ends before it (a different history)")
            mine = comparable(mapper.to_stored_event(event))
            theirs = comparable(self.stored[version - 1])
            if mine != theirs:
                raise self._conflict(version, f"stored {theirs[0]} {theirs[1]}, imported {mine[0]} {mine[1]}")

    def _conflict(self, version: int, detail: str) -> CommandRejected:
        return CommandRejected(
            f"import project {self.code}",
            [
                Problem(
                    "code",
                    f"project {self.code} already exists with different events: at version {version}, {detail}",
                    self.code,
                )
            ],
        )


def comparable(stored: Any) -> tuple[str, dict[str, Any]]:
    """An event's topic and state without the time it was recorded."""
    state = json.loads(bytes(stored.state))
    state.pop("timestamp", None)
    return stored.topic, state
