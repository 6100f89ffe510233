"""Rebuild markers: a row while a projection is rebuilt, so readers never serve partial tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from projlife.domain.errors import ProjlifeError
from projlife.store.sql import SCHEMA_MODULES, metadata

__all__ = ["ProjectionRebuilding", "rebuilding", "rebuilds_table", "refuse_if_rebuilding"]

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
