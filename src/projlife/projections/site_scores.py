"""The site-visit read model: the projects drawn for each visit and every scoring sheet filled.

``pl_site_scores`` holds one row per drawn project (``kind`` 0, from ``SiteVisit.Drawn``) and one
per scoring sheet (``kind`` 1, ``SiteVisit.ScoreSheetFilled``), each with the visit, the city, the
period, the project's area, the scorer, the score (exact decimal text), the event's business date
and recorded time. The counting layer
(:meth:`projlife.projections.counting.Counting.site_sheets`) reads it "as of D, as known at T"
under the same rule as every other figure. Filled by :class:`SiteScoresProjection`, a default
projection of the runner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from eventsourcing.persistence import Notification

from projlife.domain.site_visit import SiteVisit
from projlife.projections.facts import recorded_micros
from projlife.projections.registry import register_projection
from projlife.projections.runner import DomainEvent, Item
from projlife.store.dialect import sql_dialect
from projlife.store.sql import SCHEMA_MODULES, metadata

if TYPE_CHECKING:
    from projlife.ports import ReadModelSources

__all__ = ["DRAWN", "SHEET", "SITE_SCORES_PROJECTION", "SiteScoresProjection", "site_scores_table"]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

SITE_SCORES_PROJECTION = "projlife.site_scores"
DRAWN = 0
SHEET = 1

site_scores_table = sa.Table(
    "pl_site_scores",
    metadata,
    sa.Column("pos", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("visit_id", sa.String(36), nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("kind", sa.SmallInteger, nullable=False),
    sa.Column("project_id", sa.String(36), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("scorer_id", sa.String(200), nullable=True),
    sa.Column("score", sa.String(40), nullable=True),
    sa.Column("business", sa.Integer, nullable=False),
    sa.Column("recorded", sa.BigInteger, nullable=False),
    sa.Index("ix_pl_site_scores_city", "city_code", "period", "pos"),
    sa.Index("ix_pl_site_scores_visit", "visit_id", "kind", "project_id"),
)
"""Drawn projects (kind 0) and scoring sheets (kind 1) of every site visit."""

_COLUMNS = [c.name for c in site_scores_table.columns]


class SiteScoresProjection:
    """Fills ``pl_site_scores`` (idempotent on replay)."""

    name: str = SITE_SCORES_PROJECTION
    topics: tuple[str, ...] = (SiteVisit.Drawn.TOPIC, SiteVisit.ScoreSheetFilled.TOPIC)
    tables: tuple[sa.Table, ...] = (site_scores_table,)

    def __init__(self, sources: ReadModelSources) -> None:
        self._dialect = sql_dialect(sources.url.dialect)

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None:
        self.process_batch(conn, [(event, notification)])

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        rows: list[dict[str, Any]] = []
        drawn: dict[tuple[str, str], dict[str, Any]] = {}
        for item, n in items:
            event: Any = item
            base = {
                "pos": n.id,
                "visit_id": str(event.originator_id),
                "business": event.occurred_on.toordinal(),
                "recorded": recorded_micros(event.timestamp),
                "scorer_id": None,
                "score": None,
            }
            if isinstance(event, SiteVisit.Drawn):
                areas = dict(zip((str(p) for p in event.population), event.population_areas, strict=True))
                for seq, pid in enumerate(event.drawn):
                    row = {
                        **base, "seq": seq, "city_code": event.city_code, "period": event.period,
                        "kind": DRAWN, "project_id": str(pid), "area_code": areas[str(pid)],
                    }  # fmt: skip
                    drawn[(row["visit_id"], row["project_id"])] = row
                    rows.append(row)
            elif isinstance(event, SiteVisit.ScoreSheetFilled):
                key = (base["visit_id"], str(event.project_id))
                place = drawn.get(key) or self._drawn_row(conn, *key)
                rows.append({
                    **base, "seq": 0, "city_code": place["city_code"], "period": place["period"],
                    "kind": SHEET, "project_id": key[1], "area_code": place["area_code"],
                    "scorer_id": event.actor.id, "score": str(event.score),
                })  # fmt: skip
        if rows:
            conn.exec_driver_sql(
                self._dialect.insert_ignore_sql(site_scores_table.name, _COLUMNS, ["pos", "seq"]),
                [tuple(r[c] for c in _COLUMNS) for r in rows],
            )

    @staticmethod
    def _drawn_row(conn: sa.Connection, visit_id: str, project_id: str) -> dict[str, Any]:
        t = site_scores_table
        row = conn.execute(
            sa.select(t.c.city_code, t.c.period, t.c.area_code).where(
                t.c.visit_id == visit_id, t.c.kind == DRAWN, t.c.project_id == project_id
            )
        ).first()
        # The domain accepts a sheet only for a drawn project, so its draw was projected before.
        assert row is not None, f"sheet for {project_id} at visit {visit_id} without its draw"
        return {"city_code": row[0], "period": row[1], "area_code": row[2]}


register_projection(SiteScoresProjection)
