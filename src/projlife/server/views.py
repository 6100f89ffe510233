"""The reads both the JSON API and the web 台账 serve, narrowed to the caller's area.

Each function asks the library for its figures and only scopes, pages and bundles them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import attrs

from projlife.audit.auditlog import AuditEntry
from projlife.audit.bundles import InclusionBundle
from projlife.audit.checkpoint import Checkpoint
from projlife.audit.verify import verify_inclusion_bundle
from projlife.domain.errors import NotFound, ProjlifeError
from projlife.projections.ledger import LedgerRow, LedgerSummary
from projlife.reports.bulletin import Bulletin, build_bulletin
from projlife.reports.report_city import report_city
from projlife.server.state import Caller, ServerState

__all__ = [
    "LedgerPage",
    "ProjectView",
    "ProofView",
    "TicketQueue",
    "bulletin_for",
    "city_for",
    "ledger_page",
    "project_view",
    "proof_view",
    "ticket_queue",
]

TICKET_FIELDS = (
    "code",
    "city_code",
    "area_code",
    "category",
    "status",
    "assignee_kind",
    "assignee",
    "raised_on",
    "assigned_on",
    "due_on",
    "answered_on",
    "closed_on",
    "escalation_level",
    "reopen_count",
    "revisits",
    "last_satisfaction",
)


def _aware(known_at: datetime | None) -> None:
    if known_at is not None and known_at.tzinfo is None:
        raise ProjlifeError(
            "read as known at a time", "the time has no zone", "e.g. 2024-07-05T18:00:00+08:00"
        )


def city_for(state: ServerState, who: Caller, city: str | None) -> str:
    """The city a city-wide read is about: the token's, the one asked for, or the only one with projects."""
    app = state.app
    if who.scope.city is not None:
        own = who.scope.city
        if city is not None and app.city(city).code != own.code:
            who.scope.require(app.city(city).code, app.city(city).code, attempted=f"read city {city}")
        return own.slug
    return report_city(app, city)


@attrs.frozen
class LedgerPage:
    total: int
    rows: list[LedgerRow]
    next_offset: int | None
    summary: LedgerSummary


def ledger_page(
    state: ServerState,
    who: Caller,
    *,
    city: str | None,
    county: str | None,
    area: str | None,
    stage: str | None,
    category: str | None,
    size_class: str | None,
    as_of: date | None,
    known_at: datetime | None,
    offset: int,
    limit: int,
    with_plan: bool = False,
) -> LedgerPage:
    _aware(known_at)
    app = state.fresh()
    c, k, a = who.scope.ledger_filters(city, county, area, attempted="read the ledger")
    rows = app.ledger.rows(
        city=c,
        county=k,
        area=a,
        stage=stage or None,
        category=category or None,
        size_class=size_class or None,
        as_of=as_of,
        known_at=known_at,
        with_plan=with_plan,
    )
    summary = app.ledger.summary(
        city=c, county=k, area=a, as_of=as_of, known_at=known_at, with_plan=with_plan
    )
    end = offset + limit
    return LedgerPage(len(rows), rows[offset:end], end if end < len(rows) else None, summary)


@attrs.frozen
class ProjectView:
    row: LedgerRow
    events: list[AuditEntry]


def project_view(
    state: ServerState,
    who: Caller,
    project_id: UUID,
    *,
    as_of: date | None = None,
    known_at: datetime | None = None,
    with_plan: bool = False,
) -> ProjectView:
    _aware(known_at)
    app = state.fresh()
    attempted = f"read project {project_id}"
    row = app.ledger.row(str(project_id), as_of=as_of, known_at=known_at)
    if row is None:
        raise NotFound(
            attempted, f"no project with id {project_id} in the ledger", "the id of a conceived project"
        )
    who.scope.require(row.city_code, row.area_code, attempted=attempted)
    if with_plan:
        plans = app.plans(row.city_code, as_of=as_of or date.today(), known_at=known_at)
        row = attrs.evolve(row, plan=plans.get(row.project_id))
    events = app.audit.log(project=str(project_id))
    if as_of is not None:
        events = [e for e in events if e.occurred_on is None or e.occurred_on <= as_of]
    if known_at is not None:
        events = [e for e in events if e.recorded_at is None or e.recorded_at <= known_at]
    return ProjectView(row, events)


@attrs.frozen
class ProofView:
    entry: AuditEntry
    checkpoint: Checkpoint
    bundle: InclusionBundle
    verified: str
    """The offline verifier's verdict on the bundle against the signed checkpoint."""


def _entry_at(state: ServerState, position: int) -> AuditEntry:
    app = state.app
    found = app.store.recorder.select_notifications(position, 1, stop=position)
    if not found:
        raise NotFound(
            f"prove position {position}", "no event at that log position", "a position from an event"
        )
    aggregate = str(found[0].originator_id)
    for entries in (app.audit.log(project=aggregate), app.audit.log(ticket=aggregate, seal_first=False)):
        for e in entries:
            if e.position == position:
                return e
    raise NotFound(f"prove position {position}", "the event is not in the audit log", "a sealed position")


def proof_view(state: ServerState, who: Caller, position: int) -> ProofView:
    """The inclusion proof against the latest checkpoint, made first if the server holds a key."""
    app = state.app
    entry = _entry_at(state, position)
    attempted = f"prove position {position}"
    if not who.scope.unrestricted:
        city = who.scope.city.code if who.scope.city else None
        who.scope.require(city, entry.subject_area, attempted=attempted)
    latest = app.audit.latest_checkpoint()
    if state.signing_key is not None and (latest is None or latest.last_position < position):
        latest = app.audit.checkpoint(state.signing_key)
    bundle = app.audit.prove_inclusion(position, latest)
    cp = latest if latest is not None else app.audit.latest_checkpoint()
    assert cp is not None  # prove_inclusion raised otherwise
    verdict = verify_inclusion_bundle(cp.to_json(), app.audit.public_key_pem(cp.tree_size), bundle.to_json())
    return ProofView(entry, cp, bundle, str(verdict))


def bulletin_for(
    state: ServerState,
    who: Caller,
    kind: str,
    *,
    city: str | None,
    as_of: date | None,
    known_at: datetime | None,
) -> Bulletin:
    _aware(known_at)
    app = state.fresh()
    slug = city_for(state, who, city)
    if not who.scope.unrestricted:
        # a bulletin is city-wide: only a token for the city's top area reads it (fail closed)
        profile = app.city(slug)
        who.scope.require(
            profile.code, profile.areas.top.code, attempted=f"read the {kind} bulletin of {slug}"
        )
    return build_bulletin(app, slug, kind=kind, as_of=as_of or date.today(), known_at=known_at)


@attrs.frozen
class TicketQueue:
    as_of: date
    city_code: str | None
    summary: Any
    tickets: list[dict[str, Any]]


def ticket_queue(
    state: ServerState,
    who: Caller,
    *,
    city: str | None,
    area: str | None,
    status: str | None,
    as_of: date | None,
) -> TicketQueue:
    app = state.app
    day = as_of or date.today()
    who.scope.require_city(city, attempted="read tickets")
    city_code = app.city(city).code if city else (who.scope.city.code if who.scope.city else None)
    if area is not None:
        who.scope.require(
            city_code or (who.scope.city.code if who.scope.city else None), area, attempted="read tickets"
        )
    out: list[dict[str, Any]] = []
    for t in app.tickets.states_as_of(day, city_code=city_code):
        if not who.scope.covers(t.city_code, t.area_code):
            continue
        if area is not None and t.area_code != area:
            continue
        if status is not None and t.status.value != status:
            continue
        state_ = t.overdue_on(day, app.tickets.calendar)
        from projlife.server.jsonable import jsonable

        out.append(
            {
                "ticket_id": str(t.ticket_id),
                **{f: jsonable(getattr(t, f)) for f in TICKET_FIELDS},
                "overdue_working_days": state_.overdue_working_days if state_ and state_.is_overdue else 0,
            }
        )
    out.sort(key=lambda d: (-d["overdue_working_days"], d["code"]))
    summary = app.tickets.summary(as_of=day, city_code=city_code) if who.scope.unrestricted else None
    return TicketQueue(day, city_code, summary, out)
