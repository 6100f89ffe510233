"""The ledger's tables: ``pl_facts`` (one row per ledger event), ``pl_projects``, the timeline and its flags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from enum import IntEnum

import sqlalchemy as sa

from projlife.domain.lifecycle import Stage
from projlife.store.sql import SCHEMA_MODULES, metadata

__all__ = [
    "COHORT_RANKS",
    "FACT_COLUMNS",
    "OPEN_END",
    "STAGES",
    "FactKind",
    "facts_table",
    "meta_table",
    "projects_table",
    "recorded_micros",
    "rows_table",
    "timeline_table",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

STAGES: tuple[Stage, ...] = tuple(Stage)
"""Stages by rank (the ``stage`` column holds the rank)."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class FactKind(IntEnum):
    CONCEIVED = 1
    CLAIM = 2
    VERIFIED = 3
    REJECTED = 4
    CORRECTED = 5
    SCHEDULED = 6
    INVESTMENT = 7
    SPONSOR = 8
    FLAGGED = 9
    FLAG_CLEARED = 10
    REMOVED = 11
    CANCELLED = 12
    LAND_RECLAIMED = 13


facts_table = sa.Table(
    "pl_facts",
    metadata,
    # INTEGER on SQLite makes ``pos`` the rowid: no separate primary-key index to maintain.
    sa.Column(
        "pos", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    sa.Column("project_id", sa.String(36), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("kind", sa.SmallInteger, nullable=False),
    sa.Column("stage", sa.SmallInteger, nullable=True),
    sa.Column("target_version", sa.Integer, nullable=True),
    sa.Column("day", sa.Integer, nullable=True),
    sa.Column("amount", sa.String(40), nullable=True),
    sa.Column("text", sa.String(200), nullable=True),
    sa.Column("value", sa.Text, nullable=True),
    sa.Column("business", sa.Integer, nullable=False),
    sa.Column("recorded", sa.BigInteger, nullable=False),
    sa.Index("ix_pl_facts_city_pos", "city_code", "pos"),
    sa.Index("ix_pl_facts_county_pos", "county_code", "pos"),
    sa.Index("ix_pl_facts_area_pos", "area_code", "pos"),
    sa.Index("ix_pl_facts_project_pos", "project_id", "pos"),
    sa.Index("ix_pl_facts_cohort", "city_code", "kind", "day"),
)
"""One row per ledger-relevant project event."""

FACT_COLUMNS = tuple(c.name for c in facts_table.columns)

projects_table = sa.Table(
    "pl_projects",
    metadata,
    sa.Column("project_id", sa.String(36), primary_key=True),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("category", sa.String(50), nullable=False),
    sa.Column("investor_classes", sa.String(300), nullable=False),
    sa.Column("conceived_pos", sa.BigInteger, nullable=False),
    sa.Index("ix_pl_projects_city", "city_code"),
    sa.Index("ix_pl_projects_county", "county_code"),
    sa.Index("ix_pl_projects_area", "area_code"),
)
"""What never changes about a project (its name and amounts are facts: they can be corrected)."""

COHORT_RANKS = (Stage.RESERVED.rank, Stage.SIGNED.rank, Stage.STARTED.rank, Stage.COMPLETED.rank)
"""Stages whose entry dates the timeline indexes per city (the cohort stages of the rates)."""

OPEN_END = 10_000_000
"""``valid_to`` of a timeline row that is still valid (beyond every date ordinal)."""

timeline_table = sa.Table(
    "pl_ledger_timeline",
    metadata,
    sa.Column("project_id", sa.String(36), primary_key=True),
    sa.Column("valid_from", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("valid_to", sa.Integer, nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("stage", sa.SmallInteger, nullable=False),
    sa.Column("verified_stage", sa.SmallInteger, nullable=False),
    sa.Column("verified_mask", sa.Integer, nullable=False),
    sa.Column("planned_fen", sa.BigInteger, nullable=False),
    sa.Column("signed_fen", sa.BigInteger, nullable=False),
    sa.Column("reported_fen", sa.BigInteger, nullable=False),
    sa.Column("exact", sa.SmallInteger, nullable=False),
    sa.Column("removed_mask", sa.Integer, nullable=False),
    sa.Column("cancelled", sa.SmallInteger, nullable=False),
    sa.Column("flagged", sa.SmallInteger, nullable=False),
    *(sa.Column(f"d{rank}", sa.Integer, nullable=True) for rank in range(len(STAGES))),
    sa.Index("ix_pl_timeline_city", "city_code", "valid_to"),
    sa.Index("ix_pl_timeline_county", "county_code", "valid_to"),
    sa.Index("ix_pl_timeline_area", "area_code", "valid_to"),
    # Cohorts of the conversion rates: entries into reserve, signing, start, completion.
    *(
        sa.Index(f"ix_pl_timeline_city_d{rank}", "city_code", f"d{rank}", "valid_to", "valid_from")
        for rank in COHORT_RANKS
    ),
)
"""The ledger state of each project per business-date interval [valid_from, valid_to),
as known now (see :mod:`projlife.projections.timeline`)."""

rows_table = sa.Table(
    "pl_ledger_rows",
    metadata,
    sa.Column("project_id", sa.String(36), primary_key=True),
    sa.Column("valid_from", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("valid_to", sa.Integer, nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=False),
    sa.Column("county_code", sa.String(32), nullable=True),
    sa.Column("figures", sa.Text, nullable=False),
    sa.Index("ix_pl_rows_city", "city_code", "valid_to"),
    sa.Index("ix_pl_rows_county", "county_code", "valid_to"),
    sa.Index("ix_pl_rows_area", "area_code", "valid_to"),
)
"""Each project's whole ledger row per business-date interval [valid_from, valid_to), as known
now: ``figures`` is the JSON of :func:`projlife.projections.ledger_rows.row_figures` (every figure
and the event ids behind it). The current row is the one with ``valid_to = OPEN_END``, so "now"
and "as of D" are one indexed range each (see :mod:`projlife.projections.timeline`)."""

meta_table = sa.Table(
    "pl_ledger_meta",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
"""Flags of the ledger projection (``timeline_stale`` while a rebuild has not finished)."""


def recorded_micros(moment: datetime) -> int:
    """A tz-aware time as microseconds since 1970 UTC (the ``recorded`` column)."""
    if moment.tzinfo is None:
        raise ValueError(f"recorded times must be tz-aware, got {moment!r}")
    return (moment - _EPOCH) // timedelta(microseconds=1)
