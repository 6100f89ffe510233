"""Rebuild markers: a row while a projection is rebuilt, so readers never serve partial tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from projlife.domain.errors import ProjlifeError
from projlife.projections.contract import ProjectionStopped, tracking_table
from projlife.store.database import events_location
from projlife.store.sql import SCHEMA_MODULES, metadata

__all__ = [
    "ProjectionRebuilding",
    "rebuilding",
    "rebuilds_table",
    "refuse_if_rebuilding",
    "refuse_unservable",
    "stopped",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

rebuilds_table = sa.Table(
    "projection_rebuilds",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
)
"""A row while a projection is being rebuilt: set when its tables are cleared, removed when
the replay, its indexes and ``end_rebuild`` are done. A crashed rebuild leaves it, so readers
refuse partial figures and the next ``run()`` finishes the rebuild."""


class ProjectionRebuilding(ProjlifeError):
    """A read model is being rebuilt (or a rebuild was interrupted): its figures would be partial."""


def rebuilding(conn: sa.Connection) -> dict[str, datetime]:
    """The projections being rebuilt (or whose rebuild was interrupted), with when it started.

    Use a connection of its own: on a database from before the table existed the failed
    query is rolled back (and nothing is being rebuilt).
    """
    try:
        return {r.name: r.started_at for r in conn.execute(sa.select(rebuilds_table))}
    except (sa.exc.ProgrammingError, sa.exc.OperationalError):
        conn.rollback()
        return {}


def refuse_if_rebuilding(conn: sa.Connection, names: Sequence[str], attempted: str) -> None:
    """Raise :class:`ProjectionRebuilding` if any of ``names`` is being rebuilt."""
    busy = {n: t for n, t in rebuilding(conn).items() if n in names}
    if busy:
        listed = ", ".join(f"{n} (since {t})" for n, t in sorted(busy.items()))
        raise ProjectionRebuilding(
            attempted,
            f"rebuilding: {listed}; its tables are partial until the rebuild finishes",
            "wait for the rebuild, or run `app.projections.run()` to finish an interrupted one",
        )


def stopped(conn: sa.Connection, names: Sequence[str], attempted: str) -> list[ProjectionStopped]:
    """The projections among ``names`` that stopped at an event they could not apply, each as
    the :class:`ProjectionStopped` error naming that event (its topic and aggregate are read
    from the event table)."""
    t = tracking_table
    try:
        rows = conn.execute(
            sa.select(t.c.name, t.c.position, t.c.failed_event_id, t.c.last_error).where(
                t.c.name.in_(list(names)), t.c.failed_event_id.is_not(None)
            )
        ).all()
    except (sa.exc.ProgrammingError, sa.exc.OperationalError):
        conn.rollback()  # no tracking table yet: no projection has run, none has stopped
        return []
    if not rows:
        return []
    table, column = events_location(conn.dialect.name)
    head = int(conn.exec_driver_sql(f"SELECT MAX({column}) FROM {table}").scalar() or 0)
    out = []
    for name, position, failed, error in sorted(rows):
        found = conn.exec_driver_sql(
            f"SELECT topic, originator_id, originator_version FROM {table} WHERE {column} = {int(failed)}"
        ).first()
        oid = None if found is None else found[1]
        out.append(
            ProjectionStopped(
                attempted,
                projection=name,
                position=int(failed),
                topic=None if found is None else str(found[0]),
                originator_id=None if oid is None else str(oid.hex() if isinstance(oid, bytes) else oid),
                originator_version=None if found is None else int(found[2]),
                error=error,
                applied_through=int(position),
                head=head,
            )
        )
    return out


def refuse_unservable(conn: sa.Connection, names: Sequence[str], attempted: str) -> None:
    """Refuse to read figures from the read models ``names`` when they would be partial or stale:
    :class:`ProjectionRebuilding` while one is rebuilt, :class:`ProjectionStopped` (naming the
    event) when one stopped at an event it could not apply."""
    refuse_if_rebuilding(conn, names, attempted)
    broken = stopped(conn, names, attempted)
    if broken:
        raise broken[0]
