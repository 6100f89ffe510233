"""What a read model is to the runner: the Projection Protocols, the tracking table, status, errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs
import sqlalchemy as sa
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Notification

from projlife.domain.errors import ProjlifeError
from projlife.store.sql import SCHEMA_MODULES, metadata

__all__ = [
    "BatchProjection",
    "BulkAware",
    "DomainEvent",
    "Item",
    "Projection",
    "ProjectionFailed",
    "ProjectionStatus",
    "ProjectionStopped",
    "ProjectionTimeout",
    "RebuildAware",
    "UnknownProjection",
    "tracking_table",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

DomainEvent = DomainEventProtocol[Any]

tracking_table = sa.Table(
    "projection_tracking",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False, default=0),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("failed_event_id", sa.BigInteger, nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
)
"""One row per projection: how far it has applied the log, and its last failure."""

Item = tuple[DomainEvent, Notification]
"""A decoded event and the notification it came from (``.id`` is the log position)."""


@runtime_checkable
class Projection(Protocol):
    """A read model fed by the runner.

    ``process`` is called inside the runner's transaction, with the connection to
    write through; it must not commit. ``topics`` are the event topic strings it
    consumes (``()`` for every event); ``tables`` are cleared by ``rebuild``.
    """

    name: str
    topics: tuple[str, ...]
    tables: tuple[sa.Table, ...]

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None: ...


@runtime_checkable
class BatchProjection(Projection, Protocol):
    """A projection that can apply a whole batch at once (bulk inserts, one round trip)."""

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None: ...


@runtime_checkable
class RebuildAware(Protocol):
    """A projection told when a rebuild starts and ends (optional; e.g. to defer derived tables).

    ``begin_rebuild`` runs in the transaction that clears the tables; ``end_rebuild`` in
    one more transaction after the replay reached the head of the log, with every index
    in place. Neither is called by ``run()``.
    """

    def begin_rebuild(self, conn: sa.Connection) -> None: ...

    def end_rebuild(self, conn: sa.Connection) -> None: ...


@runtime_checkable
class BulkAware(Protocol):
    """A projection that can defer derived tables while ``run()`` catches up a large backlog.

    When ``run()`` finds a projection far behind (see ``ProjectionRunner.run``), it calls
    ``begin_bulk`` in a transaction of its own before the first batch, and ``end_bulk`` after
    the last, in a transaction holding the projection's tracking row, so no other runner
    applies a batch meanwhile. ``bulk_pending`` says whether a bulk catch-up was begun and
    never ended (the process died): the next full catch-up then calls ``end_bulk``.
    Neither is called by ``rebuild()`` (that is :class:`RebuildAware`'s part).
    """

    def begin_bulk(self, conn: sa.Connection) -> None: ...

    def end_bulk(self, conn: sa.Connection) -> None: ...

    def bulk_pending(self, conn: sa.Connection) -> bool: ...


class ProjectionFailed(ProjlifeError):
    """A projection stopped at an event that it could not apply."""


class ProjectionStopped(ProjectionFailed):
    """A projection stopped at an event it could not apply: its read model ends before that
    event, so nothing may be read from it as if it were current.

    Names the event: its log ``position``, ``topic``, aggregate (``originator_id``) and
    ``originator_version``, and the projection's ``error``.
    """

    def __init__(
        self,
        attempted: str,
        *,
        projection: str,
        position: int,
        topic: str | None,
        originator_id: str | None,
        originator_version: int | None,
        error: str | None,
        applied_through: int,
        head: int,
    ) -> None:
        self.projection = projection
        self.position = position
        self.topic = topic
        self.originator_id = originator_id
        self.originator_version = originator_version
        self.error = error
        self.applied_through = applied_through
        self.head = head
        event = f"event {position}"
        if topic is not None:
            event += f" (topic {topic}, aggregate {originator_id} version {originator_version})"
        super().__init__(
            attempted,
            f"the read model is broken: projection {projection} stopped at {event}: {error}; it "
            f"holds the log only up to position {applied_through} of {head}, so its figures are stale",
            "fix the cause (upgrade projlife, or record a correcting event), then "
            "app.projections.run() (or any `projlife report`) resumes from that event, or "
            f"`projlife projections rebuild --name {projection}` replays the whole log; "
            "`projlife projections status` shows where each read model stands",
        )


class ProjectionTimeout(ProjlifeError):
    """``wait()`` gave up before the projections reached the position."""


class UnknownProjection(ProjlifeError):
    """No projection of that name is registered with the runner."""


@attrs.frozen
class ProjectionStatus:
    """Where one projection stands."""

    name: str
    position: int
    """The last log position applied (or skipped as not of its topics)."""
    lag: int
    """Log positions written but not yet examined by this projection."""
    last_error: str | None
    failed_event_id: int | None
    """The log position of the event it stopped at, when it failed."""
    updated_at: datetime | None
