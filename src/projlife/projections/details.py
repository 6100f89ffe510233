"""The ledger's descriptive details: what the 台账 shows beyond the figures.

``pl_project_details`` holds one row per (event, field) for the attributes the Excel ledger
and OC4IDS need and the figures do not: enterprise credit code, land area (亩), signing
counterparty and batch, project team and its lead, cancellation reason. Each row carries the
event's business date and recorded time, so ``details(…, as_of=…, known_at=…)`` answers under
the same rules as the ledger: the last value recorded by ``known_at`` whose business date is on
or before ``as_of``. Filled by :class:`DetailsProjection`, a default projection of the runner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import sqlalchemy as sa
from eventsourcing.persistence import Notification

from projlife.domain.lifecycle import Milestone
from projlife.domain.project import CorrectableField, Project
from projlife.projections.facts import FactKind, facts_table, recorded_micros
from projlife.projections.registry import register_projection
from projlife.projections.runner import DomainEvent, Item
from projlife.store.dialect import sql_dialect
from projlife.store.sql import SCHEMA_MODULES, metadata

if TYPE_CHECKING:
    from projlife.ports import SqlDatabase

__all__ = [
    "DETAILS_PROJECTION",
    "DetailsProjection",
    "ProjectDetails",
    "detail_rows",
    "details",
    "details_table",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

DETAILS_PROJECTION = "projlife.ledger_details"

K = TypeVar("K")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

details_table = sa.Table(
    "pl_project_details",
    metadata,
    sa.Column("pos", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("field", sa.String(30), primary_key=True),
    sa.Column("project_id", sa.String(36), nullable=False),
    sa.Column("city_code", sa.String(32), nullable=False),
    sa.Column("value", sa.Text, nullable=True),
    sa.Column("version", sa.Integer, nullable=False),
    # the event's version; for a date correction, the version of the fact it corrects
    sa.Column("business", sa.Integer, nullable=False),
    sa.Column("recorded", sa.BigInteger, nullable=False),
    sa.Index("ix_pl_project_details_project", "project_id", "pos"),
    sa.Index("ix_pl_project_details_city", "city_code", "pos"),
)
"""One row per descriptive field an event sets (a correction sets it again)."""

TOPICS: tuple[str, ...] = (
    Project.Conceived.TOPIC,
    Project.Signed.TOPIC,
    Project.TeamFormed.TOPIC,
    Project.Cancelled.TOPIC,
    Project.Corrected.TOPIC,
    Project.MilestonePlanned.TOPIC,
    Project.MilestoneMet.TOPIC,
    Project.Flagged.TOPIC,
    Project.FlagCleared.TOPIC,
)


@attrs.frozen
class ProjectDetails:
    """A project's descriptive details as of a date (``None``: not recorded)."""

    enterprise_code: str | None = None
    area_mu: Decimal | None = None
    counterparty: str | None = None
    batch: str | None = None
    team: str | None = None
    team_lead: str | None = None
    cancel_reason: str | None = None
    milestones_planned: dict[Milestone, date] = attrs.field(factory=dict)
    milestones_met: dict[Milestone, date] = attrs.field(factory=dict)
    flags_since: dict[str, date] = attrs.field(factory=dict)
    """Each flag carried, with the business date it was raised."""
    last_recorded: datetime | None = None
    """When the last of the project's facts (in the ledger's scope) was recorded."""
    last_investment_month: date | None = None


def detail_rows(event: Any, notification: Notification) -> list[dict[str, Any]]:
    """The rows one event adds (none for a topic without details)."""
    topic = notification.topic
    values: dict[str, str | None] = {}
    version = notification.originator_version
    if topic == Project.Conceived.TOPIC:
        values = {
            "enterprise_code": event.enterprise_code,
            "area_mu": None if event.area_mu is None else str(event.area_mu),
        }
    elif topic == Project.Signed.TOPIC:
        values = {"counterparty": event.counterparty, "batch": event.batch}
    elif topic == Project.TeamFormed.TOPIC:
        values = {"team": event.team, "team_lead": event.lead}
    elif topic == Project.Cancelled.TOPIC:
        values = {"cancel_reason": event.reason or ""}
    elif topic == Project.Corrected.TOPIC and str(event.field) == CorrectableField.AREA_MU.value:
        values = {"area_mu": event.new_value or None}
    elif topic == Project.Corrected.TOPIC and str(event.field) == CorrectableField.OCCURRED_ON.value:
        values = {"date_corrected": event.new_value}
        version = event.target_version
    elif topic == Project.MilestonePlanned.TOPIC:
        values = {f"planned:{Milestone(event.milestone).value}": event.planned_on.isoformat()}
    elif topic == Project.MilestoneMet.TOPIC:
        values = {f"met:{Milestone(event.milestone).value}": event.occurred_on.isoformat()}
    elif topic == Project.Flagged.TOPIC:
        values = {f"flag:{event.flag}": event.occurred_on.isoformat()}
    elif topic == Project.FlagCleared.TOPIC:
        values = {f"flag:{event.flag}": None}
    return [
        {
            "pos": notification.id,
            "field": field,
            "project_id": str(notification.originator_id),
            "city_code": event.city_code if topic == Project.Conceived.TOPIC else "",
            "value": value,
            "version": version,
            "business": event.occurred_on.toordinal(),
            "recorded": recorded_micros(event.timestamp),
        }
        for field, value in values.items()
    ]


class DetailsProjection:
    """Fills ``pl_project_details`` (bulk insert per batch; idempotent on replay)."""

    name: str = DETAILS_PROJECTION
    topics: tuple[str, ...] = TOPICS
    tables: tuple[sa.Table, ...] = (details_table,)

    def __init__(self, database: SqlDatabase) -> None:
        self._dialect = sql_dialect(database.url.dialect)
        self._cities: dict[str, str] = {}

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None:
        self.process_batch(conn, [(event, notification)])

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        rows: list[dict[str, Any]] = []
        for event, n in items:
            rows.extend(detail_rows(event, n))
        if not rows:
            return
        self._fill_cities(conn, rows)
        cols = [c.name for c in details_table.columns]
        conn.exec_driver_sql(
            self._dialect.insert_ignore_sql(details_table.name, cols, ["pos", "field"]),
            [tuple(r[c] for c in cols) for r in rows],
        )

    def _fill_cities(self, conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
        for r in rows:
            if r["city_code"]:
                self._cities[r["project_id"]] = r["city_code"]
        missing = list({r["project_id"] for r in rows if not r["city_code"]} - self._cities.keys())
        t = details_table
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            for pid, city in conn.execute(
                sa.select(t.c.project_id, t.c.city_code).where(t.c.project_id.in_(chunk), t.c.city_code != "")
            ):
                self._cities[pid] = city
        for r in rows:
            r["city_code"] = r["city_code"] or self._cities.get(r["project_id"], "")


register_projection(DetailsProjection)


def details(
    database: SqlDatabase,
    project_ids: Iterable[str],
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> dict[str, ProjectDetails]:
    """Each project's details as of ``as_of`` and as known at ``known_at`` (every project asked for)."""
    t = details_table
    ids = list(project_ids)
    conds: list[Any] = []
    if as_of is not None:
        conds.append(t.c.business <= as_of.toordinal())
    if known_at is not None:
        conds.append(t.c.recorded <= recorded_micros(known_at))
    found: dict[str, dict[str, str | None]] = {pid: {} for pid in ids}
    met_versions: dict[str, dict[int, str]] = {pid: {} for pid in ids}
    last: dict[str, int] = {}
    month: dict[str, int] = {}
    f = facts_table
    fact_conds: list[Any] = []
    if as_of is not None:
        fact_conds.append(f.c.business <= as_of.toordinal())
    if known_at is not None:
        fact_conds.append(f.c.recorded <= recorded_micros(known_at))
    with database.engine.connect() as conn:
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            query = sa.select(t.c.project_id, t.c.field, t.c.value, t.c.version, t.c.recorded).where(
                t.c.project_id.in_(chunk), *conds
            )
            for pid, field, value, version, recorded in conn.execute(query.order_by(t.c.pos)):
                last[pid] = max(last.get(pid, recorded), recorded)
                if field.startswith("met:"):
                    met_versions[pid][version] = field
                if field == "date_corrected":
                    target = met_versions[pid].get(version)
                    if target is not None:
                        found[pid][target] = value
                    continue
                found[pid][field] = value
            stats = sa.select(f.c.project_id, sa.func.max(f.c.recorded)).where(
                f.c.project_id.in_(chunk), *fact_conds
            )
            for pid, recorded in conn.execute(stats.group_by(f.c.project_id)):
                last[pid] = max(last.get(pid, recorded), recorded)
            months = sa.select(f.c.project_id, sa.func.max(f.c.day)).where(
                f.c.project_id.in_(chunk), f.c.kind == int(FactKind.INVESTMENT), *fact_conds
            )
            month.update((pid, v) for pid, v in conn.execute(months.group_by(f.c.project_id)))
    out = {}
    for pid, fields in found.items():
        mu = fields.get("area_mu")
        out[pid] = ProjectDetails(
            enterprise_code=fields.get("enterprise_code"),
            area_mu=Decimal(mu) if mu else None,
            counterparty=fields.get("counterparty"),
            batch=fields.get("batch"),
            team=fields.get("team"),
            team_lead=fields.get("team_lead"),
            cancel_reason=fields.get("cancel_reason"),
            milestones_planned=_dated(fields, "planned:", Milestone),
            milestones_met=_dated(fields, "met:", Milestone),
            flags_since=_dated(fields, "flag:", str),
            last_recorded=_EPOCH + timedelta(microseconds=last[pid]) if pid in last else None,
            last_investment_month=date.fromordinal(month[pid]) if pid in month else None,
        )
    return out


def _dated(fields: dict[str, str | None], prefix: str, key: Callable[[str], K]) -> dict[K, date]:
    return {
        key(name[len(prefix) :]): date.fromisoformat(value)
        for name, value in sorted(fields.items())
        if name.startswith(prefix) and value
    }
