"""What a command returns, and the validation that turns a mapping into a command."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

import attrs
from eventsourcing.persistence import RecordConflictError
from pydantic import BaseModel, ValidationError

from projlife.app.commands import Command
from projlife.domain.errors import CommandRejected, Problem

__all__ = ["CommandResult", "IngestReport", "last_position", "save_new", "validate"]

TCommand = TypeVar("TCommand", bound=Command)


@attrs.frozen
class CommandResult:
    """What a successful command did: the project, its new version and the log position.

    Pass ``position`` to a projection's ``wait()`` to read your own write.
    """

    aggregate_id: UUID
    version: int
    position: int | None


@attrs.frozen
class IngestReport:
    """What a batched import did."""

    commands: int
    events: int
    aggregates: int
    last_position: int | None
    skipped: int = 0
    """Projects already stored with exactly these events (a re-run after an interruption)."""


def validate(
    model: type[TCommand], data: Mapping[str, Any] | TCommand, attempted: str | None = None
) -> TCommand:
    """Build a command from ``data``, or raise :class:`CommandRejected` listing every problem."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping | BaseModel):
        raise CommandRejected(
            attempted or model.name,
            [Problem("(command)", f"a command is a mapping of fields, not {type(data).__name__}")],
        )
    try:
        return model.model_validate(dict(data) if not isinstance(data, BaseModel) else data.model_dump())
    except ValidationError as exc:
        problems = [
            Problem(".".join(str(p) for p in err["loc"]) or "(command)", err["msg"], err.get("input"))
            for err in exc.errors()
        ]
        raise CommandRejected(attempted or model.name, problems) from None


def last_position(recordings: list[Any]) -> int | None:
    """The notification log position of the last of ``recordings`` (``None`` if there are none)."""
    if not recordings:
        return None
    return int(recordings[-1].notification.id)


def save_new(
    store: Any, aggregate: Any, *, attempted: str, code: str, city_code: str, kind: str
) -> CommandResult:
    """Save a newly created aggregate; a clash on its id (same city and code) is a ``CommandRejected``."""
    try:
        recordings = store.save(aggregate)
    except RecordConflictError:
        raise CommandRejected(
            attempted, [Problem("code", f"{kind} {code} already exists in city {city_code}", code)]
        ) from None
    return CommandResult(aggregate.id, aggregate.version, last_position(recordings))
