"""The office's working-week read model: lists, sponsorship work, funding, production, meetings.

``pl_office_facts`` holds one row per event of :mod:`projlife.domain.project_office` and of the
:class:`~projlife.domain.meeting.WeeklyMeeting` aggregate, with its business date, recorded time,
actor, reason and evidence. Queries fold the rows with business date ≤ D recorded by T, the
same "as of D, as known at T" rule as the ledger. The project's city, area and code come from
``pl_projects`` (the ledger projection); a meeting's from its own ``Convened`` row.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa
from eventsourcing.persistence import Notification

from projlife.domain.meeting import FollowUp, WeeklyMeeting
from projlife.domain.project import Project
from projlife.domain.project_office import (
    FundingProgram,
    FundingStatus,
    ListName,
    SponsorWork,
)
from projlife.projections.contract import DomainEvent, Item
from projlife.projections.fact_tables import projects_table, recorded_micros
from projlife.projections.registry import register_projection
from projlife.store.dialect import sql_dialect
from projlife.store.sql import SCHEMA_MODULES, metadata

if TYPE_CHECKING:
    from projlife.ports import SqlDatabase

__all__ = [
    "DISPATCH_LISTS",
    "OFFICE_PROJECTION",
    "Decision",
    "FundingApplication",
    "ListMembership",
    "OfficeProjection",
    "OfficeReads",
    "PerMuRow",
    "SponsorWorkRow",
    "office_table",
]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

OFFICE_PROJECTION = "projlife.office"

office_table = sa.Table(
    "pl_office_facts",
    metadata,
    sa.Column("pos", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("topic", sa.String(80), nullable=False),
    sa.Column("aggregate_id", sa.String(36), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("city_code", sa.String(32), nullable=True),
    sa.Column("area_code", sa.String(32), nullable=True),
    # list name, sponsor work kind, application ref, certificate, part, decision subject:
    sa.Column("item", sa.String(200), nullable=True),
    sa.Column("period", sa.String(20), nullable=True),
    sa.Column("status", sa.String(40), nullable=True),
    sa.Column("who", sa.String(200), nullable=True),
    sa.Column("text", sa.Text, nullable=True),
    sa.Column("amount", sa.String(40), nullable=True),  # decimal yuan as text (exact everywhere)
    sa.Column("number", sa.Integer, nullable=True),
    sa.Column("due", sa.Integer, nullable=True),
    sa.Column("refs", sa.Text, nullable=True),
    sa.Column("actor_id", sa.String(200), nullable=False),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("business", sa.Integer, nullable=False),
    sa.Column("recorded", sa.BigInteger, nullable=False),
    sa.Index("ix_pl_office_facts_aggregate", "aggregate_id", "pos"),
    sa.Index("ix_pl_office_facts_topic", "topic", "business"),
)
"""One row per office event (a project's lists, visits, funding …; a meeting and its decisions)."""

_P = Project
_M = WeeklyMeeting
TOPICS: tuple[str, ...] = (
    _P.ListEntered.TOPIC,
    _P.ListLeft.TOPIC,
    _P.SponsorWorkRecorded.TOPIC,
    _P.FundingApplied.TOPIC,
    _P.FundingStatusChanged.TOPIC,
    _P.ProductionStopped.TOPIC,
    _P.ProductionResumed.TOPIC,
    _P.CertificateIssued.TOPIC,
    _P.PartAccepted.TOPIC,
    _P.PartProductionBegan.TOPIC,
    _P.PerMuFiguresReported.TOPIC,
    _M.Convened.TOPIC,
    _M.DecisionRecorded.TOPIC,
    _M.DecisionFollowedUp.TOPIC,
)


def _short(topic: str) -> str:
    return topic.rsplit(".", 1)[1]


def office_row(event: Any, n: Notification) -> dict[str, Any]:
    """The row one office event adds."""
    topic = n.topic
    row: dict[str, Any] = {c.name: None for c in office_table.columns}
    row.update(
        pos=n.id,
        topic=_short(topic),
        aggregate_id=str(n.originator_id),
        version=n.originator_version,
        actor_id=event.actor.id,
        reason=event.reason,
        evidence="\n".join(event.evidence),
        business=event.occurred_on.toordinal(),
        recorded=recorded_micros(event.timestamp),
    )
    if topic in (_P.ListEntered.TOPIC, _P.ListLeft.TOPIC):
        row.update(item=str(ListName(event.list_name).value), period=event.period)
        if topic == _P.ListEntered.TOPIC:
            row["text"] = event.catalogue_ref
    elif topic == _P.SponsorWorkRecorded.TOPIC:
        row.update(
            item=SponsorWork(event.work).value,
            who=event.by,
            text=event.findings,
            refs="\n".join(event.ticket_codes),
        )
    elif topic == _P.FundingApplied.TOPIC:
        row.update(
            item=event.application_ref,
            period=FundingProgram(event.program).value,
            status=FundingStatus.APPLIED.value,
            amount=str(event.amount.yuan),
        )
    elif topic == _P.FundingStatusChanged.TOPIC:
        row.update(
            item=event.application_ref,
            status=FundingStatus(event.status).value,
            amount=None if event.amount is None else str(event.amount.yuan),
        )
    elif topic == _P.CertificateIssued.TOPIC:
        row["item"] = event.certificate
    elif topic in (_P.PartAccepted.TOPIC, _P.PartProductionBegan.TOPIC):
        row["item"] = event.part
    elif topic == _P.PerMuFiguresReported.TOPIC:
        row.update(
            item=str(event.year),
            text=json.dumps(
                {
                    "land_mu": str(event.land_mu),
                    "output": str(event.output.yuan),
                    "revenue": str(event.revenue.yuan),
                    "tax": str(event.tax.yuan),
                }
            ),
        )
    elif topic == _M.Convened.TOPIC:
        row.update(
            city_code=event.city_code,
            area_code=event.area_code,
            who=event.chair,
            refs="\n".join(event.agenda),
        )
    elif topic == _M.DecisionRecorded.TOPIC:
        row.update(
            item=event.subject,
            number=event.number,
            who=event.owner,
            text=event.decision,
            due=event.due_on.toordinal(),
        )
    elif topic == _M.DecisionFollowedUp.TOPIC:
        row.update(
            number=event.number,
            status=FollowUp(event.outcome).value,
            text=event.note,
            due=None if event.new_due_on is None else event.new_due_on.toordinal(),
        )
    return row


class OfficeProjection:
    """Fills ``pl_office_facts`` (bulk insert per batch; idempotent on replay)."""

    name: str = OFFICE_PROJECTION
    topics: tuple[str, ...] = TOPICS
    tables: tuple[sa.Table, ...] = (office_table,)

    def __init__(self, database: SqlDatabase) -> None:
        self._dialect = sql_dialect(database.url.dialect)

    def process(self, conn: sa.Connection, event: DomainEvent, notification: Notification) -> None:
        self.process_batch(conn, [(event, notification)])

    def process_batch(self, conn: sa.Connection, items: Sequence[Item]) -> None:
        rows = [office_row(e, n) for e, n in items]
        if not rows:
            return
        cols = [c.name for c in office_table.columns]
        conn.exec_driver_sql(
            self._dialect.insert_ignore_sql(office_table.name, cols, ["pos"]),
            [tuple(r[c] for c in cols) for r in rows],
        )


register_projection(OfficeProjection)


# -- what the queries return -------------------------------------------------------------------


@attrs.frozen
class ListMembership:
    """One stay of a project on a list: entered on ``entered_on``, left on ``left_on`` (or still on it)."""

    project_id: str
    code: str
    area_code: str
    list_name: ListName
    period: str | None
    entered_on: date
    left_on: date | None
    catalogue_ref: str | None
    entered_by: str
    reason: str | None
    evidence: tuple[str, ...]

    def on_list(self, day: date) -> bool:
        return self.entered_on <= day and (self.left_on is None or self.left_on > day)


@attrs.frozen
class SponsorWorkRow:
    project_id: str
    code: str
    area_code: str
    work: SponsorWork
    on: date
    by: str
    findings: str
    ticket_codes: tuple[str, ...]
    recorded_by: str
    evidence: tuple[str, ...]


@attrs.frozen
class FundingApplication:
    project_id: str
    code: str
    area_code: str
    application_ref: str
    program: FundingProgram
    applied_on: date
    amount_applied: Decimal
    status: FundingStatus
    status_on: date
    amount_approved: Decimal | None
    amount_arrived: Decimal | None


@attrs.frozen
class PerMuRow:
    """One project's 亩均 data of a year (the latest report of that year as of the date asked)."""

    project_id: str
    code: str
    area_code: str
    year: int
    land_mu: Decimal
    output: Decimal
    revenue: Decimal
    tax: Decimal
    reported_on: date


@attrs.frozen
class Decision:
    """A weekly meeting's decision, with its latest follow-up as of the date asked."""

    meeting_id: str
    city_code: str
    area_code: str
    held_on: date
    number: int
    subject: str
    decision: str
    owner: str
    due_on: date
    outcome: FollowUp | None
    last_note: str | None
    followed_up_on: date | None

    @property
    def is_open(self) -> bool:
        return self.outcome is None or self.outcome is FollowUp.CARRIED_OVER


DISPATCH_LISTS = frozenset(
    {
        ListName.PROVINCIAL_KEY,
        ListName.CENTRAL_BUDGET,
        ListName.SPECIAL_BOND,
        ListName.ATTRACTED_INVESTMENT,
        ListName.CITY_FOCUS,
    }
)
"""The lists of the 项目调度库 (001), dispatched weekly."""


def _evidence(text: str) -> tuple[str, ...]:
    return tuple(e for e in text.split("\n") if e)


class OfficeReads:
    """Queries on ``pl_office_facts``, as of a business date and as known at a time."""

    def __init__(self, database: SqlDatabase) -> None:
        self._engine = database.engine

    def _rows(
        self, topics: Sequence[str], *, as_of: date | None, known_at: datetime | None, city_code: str | None
    ) -> list[Any]:
        t, p = office_table, projects_table
        conds: list[Any] = [t.c.topic.in_([_short(x) for x in topics])]
        if as_of is not None:
            conds.append(t.c.business <= as_of.toordinal())
        if known_at is not None:
            conds.append(t.c.recorded <= recorded_micros(known_at))
        query = sa.select(
            t, p.c.code, p.c.area_code.label("project_area"), p.c.city_code.label("project_city")
        )
        query = query.select_from(t.outerjoin(p, p.c.project_id == t.c.aggregate_id)).where(*conds)
        if city_code is not None:
            query = query.where(sa.or_(p.c.city_code == city_code, t.c.city_code == city_code))
        with self._engine.connect() as conn:
            return list(conn.execute(query.order_by(t.c.pos)))

    def list_memberships(
        self,
        city_code: str,
        *,
        as_of: date | None = None,
        known_at: datetime | None = None,
        list_name: ListName | str | None = None,
        period: str | None = None,
    ) -> list[ListMembership]:
        """Every stay on a list (current and past) known as of ``as_of``, in entry order."""
        rows = self._rows(
            (_P.ListEntered.TOPIC, _P.ListLeft.TOPIC), as_of=as_of, known_at=known_at, city_code=city_code
        )
        open_: dict[tuple[str, str, str | None], ListMembership] = {}
        out: list[ListMembership] = []
        for r in rows:
            key = (r.aggregate_id, r.item, r.period)
            day = date.fromordinal(r.business)
            if r.topic == "ListEntered":
                m = ListMembership(
                    r.aggregate_id,
                    r.code or "",
                    r.project_area or "",
                    ListName(r.item),
                    r.period,
                    day,
                    None,
                    r.text,
                    r.actor_id,
                    r.reason,
                    _evidence(r.evidence),
                )
                open_[key] = m
                out.append(m)
            elif key in open_:
                m = open_.pop(key)
                out[out.index(m)] = attrs.evolve(m, left_on=day)
        wanted = None if list_name is None else ListName(list_name)
        return [
            m
            for m in out
            if (wanted is None or m.list_name is wanted) and (period is None or m.period == period)
        ]

    def members(
        self, city_code: str, list_name: ListName | str, *, day: date, period: str | None = None
    ) -> list[ListMembership]:
        """The projects on a list on ``day`` (as of that day)."""
        return [
            m
            for m in self.list_memberships(city_code, as_of=day, list_name=list_name, period=period)
            if m.on_list(day)
        ]

    def dispatch(self, city_code: str, *, day: date) -> dict[str, tuple[ListName, ...]]:
        """The 周调度 list on ``day``: each project (by code) on one of the 调度库 lists, with those lists.

        001: "建立项目调度库。对省重点项目、中央预算内项目、专项债项目、招商引资项目和市委市政府重点关注项目进行周调度".
        """
        out: dict[str, list[ListName]] = {}
        for m in self.list_memberships(city_code, as_of=day):
            if m.list_name in DISPATCH_LISTS and m.on_list(day) and m.list_name not in out.get(m.code, []):
                out.setdefault(m.code, []).append(m.list_name)
        order = list(ListName)
        return {code: tuple(sorted(names, key=order.index)) for code, names in sorted(out.items())}

    def sponsor_work(
        self,
        city_code: str,
        *,
        start: date | None = None,
        end: date | None = None,
        known_at: datetime | None = None,
    ) -> list[SponsorWorkRow]:
        rows = self._rows((_P.SponsorWorkRecorded.TOPIC,), as_of=end, known_at=known_at, city_code=city_code)
        return [
            SponsorWorkRow(
                r.aggregate_id,
                r.code or "",
                r.project_area or "",
                SponsorWork(r.item),
                date.fromordinal(r.business),
                r.who,
                r.text,
                _evidence(r.refs or ""),
                r.actor_id,
                _evidence(r.evidence),
            )
            for r in rows
            if start is None or r.business >= start.toordinal()
        ]

    def funding(
        self, city_code: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> list[FundingApplication]:
        rows = self._rows(
            (_P.FundingApplied.TOPIC, _P.FundingStatusChanged.TOPIC),
            as_of=as_of,
            known_at=known_at,
            city_code=city_code,
        )
        apps: dict[tuple[str, str], FundingApplication] = {}
        for r in rows:
            key = (r.aggregate_id, r.item)
            day = date.fromordinal(r.business)
            if r.topic == "FundingApplied":
                apps[key] = FundingApplication(
                    r.aggregate_id,
                    r.code or "",
                    r.project_area or "",
                    r.item,
                    FundingProgram(r.period),
                    day,
                    Decimal(r.amount),
                    FundingStatus.APPLIED,
                    day,
                    None,
                    None,
                )
            elif key in apps:
                status = FundingStatus(r.status)
                a = apps[key]
                apps[key] = attrs.evolve(
                    a,
                    status=status,
                    status_on=day,
                    amount_approved=Decimal(r.amount)
                    if status is FundingStatus.APPROVED
                    else a.amount_approved,
                    amount_arrived=Decimal(r.amount)
                    if status is FundingStatus.FUNDS_ARRIVED
                    else a.amount_arrived,
                )
        return list(apps.values())

    def project_dates(
        self, city_code: str, topic: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> list[tuple[str, str, str | None, date]]:
        """(project id, code, item, business date) of every ``topic`` event (e.g. ``CertificateIssued``)."""
        rows = self._rows((f"projlife:Project.{topic}",), as_of=as_of, known_at=known_at, city_code=city_code)
        return [(r.aggregate_id, r.code or "", r.item, date.fromordinal(r.business)) for r in rows]

    def per_mu(
        self, city_code: str, year: int, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> list[PerMuRow]:
        """Each project's 亩均 data of ``year`` (a later report of the year supersedes), in code order."""
        rows = self._rows(
            (_P.PerMuFiguresReported.TOPIC,), as_of=as_of, known_at=known_at, city_code=city_code
        )
        out: dict[str, PerMuRow] = {}
        for r in rows:
            if r.item != str(year):
                continue
            v = json.loads(r.text)
            out[r.aggregate_id] = PerMuRow(
                r.aggregate_id,
                r.code or "",
                r.project_area or "",
                year,
                Decimal(v["land_mu"]),
                Decimal(v["output"]),
                Decimal(v["revenue"]),
                Decimal(v["tax"]),
                date.fromordinal(r.business),
            )
        return sorted(out.values(), key=lambda m: m.code)

    def production_stops(
        self, city_code: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> dict[str, date | None]:
        """Each project that ever stopped producing: the date of its current stop (``None``: resumed)."""
        rows = self._rows(
            (_P.ProductionStopped.TOPIC, _P.ProductionResumed.TOPIC),
            as_of=as_of,
            known_at=known_at,
            city_code=city_code,
        )
        out: dict[str, date | None] = {}
        for r in rows:
            out[r.aggregate_id] = date.fromordinal(r.business) if r.topic == "ProductionStopped" else None
        return out

    def decisions(
        self,
        city_code: str,
        *,
        area_code: str | None = None,
        as_of: date | None = None,
        known_at: datetime | None = None,
    ) -> list[Decision]:
        """Every decision of the city's (or area's) weekly meetings, with its follow-up as of ``as_of``."""
        rows = self._rows(
            (_M.Convened.TOPIC, _M.DecisionRecorded.TOPIC, _M.DecisionFollowedUp.TOPIC),
            as_of=as_of,
            known_at=known_at,
            city_code=None,
        )
        meetings: dict[str, tuple[str, str, date]] = {}
        out: dict[tuple[str, int], Decision] = {}
        for r in rows:
            if r.topic == "Convened":
                meetings[r.aggregate_id] = (r.city_code, r.area_code, date.fromordinal(r.business))
                continue
            meeting = meetings.get(r.aggregate_id)
            if (
                meeting is None
                or meeting[0] != city_code
                or (area_code is not None and meeting[1] != area_code)
            ):
                continue
            key = (r.aggregate_id, r.number)
            if r.topic == "DecisionRecorded":
                out[key] = Decision(
                    r.aggregate_id,
                    meeting[0],
                    meeting[1],
                    meeting[2],
                    r.number,
                    r.item,
                    r.text,
                    r.who,
                    date.fromordinal(r.due),
                    None,
                    None,
                    None,
                )
            elif key in out:
                d = out[key]
                out[key] = attrs.evolve(
                    d,
                    outcome=FollowUp(r.status),
                    last_note=r.text,
                    followed_up_on=date.fromordinal(r.business),
                    due_on=date.fromordinal(r.due) if r.due is not None else d.due_on,
                )
        return sorted(out.values(), key=lambda d: (d.held_on, d.number))
