"""The append-only table of loaded holiday notices: each load is a new row, never edited."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from projlife.ports import SqlDatabase
from projlife.store.sql import SCHEMA_MODULES, metadata

__all__ = ["NoticeRow", "append_notice", "calendar_notices_table", "notice_rows"]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

calendar_notices_table = sa.Table(
    "calendar_notices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("loaded_by", sa.String(200), nullable=False),
    sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.UniqueConstraint("year", "version", name="uq_calendar_notices_year_version"),
)


@attrs.frozen
class NoticeRow:
    """One stored load of a notice: the canonical JSON ``document`` and its provenance."""

    year: int
    version: int
    document: str
    sha256: str
    loaded_by: str
    loaded_at: datetime
    reason: str


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def notice_rows(db: SqlDatabase) -> list[NoticeRow]:
    """Every stored load, by year then version; empty when the table does not exist yet."""
    if not sa.inspect(db.engine).has_table(calendar_notices_table.name):
        return []
    t = calendar_notices_table
    with db.engine.connect() as conn:
        rows = conn.execute(sa.select(t).order_by(t.c.year, t.c.version)).mappings().all()
    return [
        NoticeRow(
            r["year"],
            r["version"],
            r["document"],
            r["sha256"],
            r["loaded_by"],
            _aware(r["loaded_at"]),
            r["reason"],
        )
        for r in rows
    ]


def append_notice(
    db: SqlDatabase,
    *,
    year: int,
    document: str,
    sha256: str,
    loaded_by: str,
    loaded_at: datetime,
    reason: str = "",
) -> NoticeRow | None:
    """Store a new version of ``year``'s notice; ``None`` when the latest version is identical.

    The version is one more than the year's highest; two concurrent loads cannot share one
    (a unique constraint), the loser retries once with the next number.
    """
    if loaded_at.tzinfo is None:
        raise ValueError("loaded_at must be timezone-aware")
    t = calendar_notices_table
    for _attempt in range(3):
        try:
            with db.engine.begin() as conn:
                latest = conn.execute(
                    sa.select(t.c.version, t.c.sha256)
                    .where(t.c.year == year)
                    .order_by(t.c.version.desc())
                    .limit(1)
                ).first()
                if latest is not None and latest.sha256 == sha256:
                    return None
                version = 1 if latest is None else int(latest.version) + 1
                conn.execute(
                    t.insert().values(
                        year=year,
                        version=version,
                        document=document,
                        sha256=sha256,
                        loaded_by=loaded_by,
                        loaded_at=loaded_at,
                        reason=reason,
                    )
                )
            return NoticeRow(year, version, document, sha256, loaded_by, loaded_at, reason)
        except IntegrityError:
            continue
    raise RuntimeError(f"could not store a new version of the {year} notice after 3 attempts")
