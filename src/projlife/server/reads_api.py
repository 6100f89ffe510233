"""Read endpoints: the ledger, one project with its events and proofs, metrics, rules, bulletins, tickets.

Every figure comes from the library (``app.ledger``, ``app.metrics``, ``app.audit``,
``app.tickets``, ``projlife.reports``); this module only narrows to the token's area and pages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from projlife.domain.errors import CommandRejected, Problem, ProjlifeError
from projlife.domain.periods import Period
from projlife.reports.bulletin import BULLETIN_KINDS
from projlife.reports.render_html import bulletin_html
from projlife.reports.render_md import bulletin_json, bulletin_markdown
from projlife.reports.terms import LANGS
from projlife.server.jsonable import jsonable
from projlife.server.state import Caller, ServerState, caller, server_state
from projlife.server.views import bulletin_for, ledger_page, project_view, proof_view, ticket_queue

__all__ = ["router"]


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise CommandRejected("read figures for a period", [Problem("period", str(exc), text)]) from None


router = APIRouter(prefix="/api", tags=["reads"])
StateDep = Annotated[ServerState, Depends(server_state)]
CallerDep = Annotated[Caller, Depends(caller)]
AsOf = Annotated[date | None, Query(description="Business date: the ledger as of this day")]
KnownAt = Annotated[
    datetime | None, Query(description="Only facts recorded by this time (ISO 8601 with a zone)")
]


WithPlan = Annotated[
    bool,
    Query(
        description="Add each row's annual plan (年度计划投资, 投资完成率, 时序进度, 形象进度, 滞后) "
        "and the summary's plan line, as of the date (today without one)"
    ),
]


class LedgerQuery:
    """The query of a ledger or metrics read: where (city, county, area) and when (as of, as known at)."""

    def __init__(
        self,
        city: str | None = None,
        county: str | None = None,
        area: str | None = None,
        as_of: AsOf = None,
        known_at: KnownAt = None,
    ) -> None:
        self.city, self.county, self.area = city, county, area
        self.as_of, self.known_at = as_of, known_at

    def filters(self, who: Caller, attempted: str) -> tuple[str | None, str | None, str | None]:
        """City, county and area narrowed to the caller's scope."""
        return who.scope.ledger_filters(self.city, self.county, self.area, attempted=attempted)


class TicketQuery:
    """The query of a ticket read: where (city, area) and the business date."""

    def __init__(self, city: str | None = None, area: str | None = None, as_of: AsOf = None) -> None:
        self.city, self.area, self.as_of = city, area, as_of


LedgerQueryDep = Annotated[LedgerQuery, Depends()]
TicketQueryDep = Annotated[TicketQuery, Depends()]


@router.get("/ledger", summary="The 台账: rows as of a date and as known at a time, filtered and paged")
def ledger(
    state: StateDep,
    who: CallerDep,
    q: LedgerQueryDep,
    stage: str | None = None,
    category: str | None = None,
    size_class: str | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    with_plan: WithPlan = False,
) -> dict[str, Any]:
    page = ledger_page(
        state,
        who,
        city=q.city,
        county=q.county,
        area=q.area,
        stage=stage,
        category=category,
        size_class=size_class,
        as_of=q.as_of,
        known_at=q.known_at,
        offset=offset,
        limit=limit,
        with_plan=with_plan,
    )
    return {
        "total": page.total,
        "offset": offset,
        "limit": limit,
        "next_offset": page.next_offset,
        "as_of": jsonable(q.as_of),
        "known_at": jsonable(q.known_at),
        "summary": jsonable(page.summary),
        "rows": [r.as_dict() for r in page.rows],
    }


@router.get(
    "/projects/{project_id}", summary="One project: its ledger row and its events (id, actor, reason)"
)
def project(
    project_id: UUID,
    state: StateDep,
    who: CallerDep,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    with_plan: WithPlan = False,
) -> dict[str, Any]:
    view = project_view(state, who, project_id, as_of=as_of, known_at=known_at, with_plan=with_plan)
    return {
        "project": view.row.as_dict(),
        "events": [{**e.to_dict(), "proof": f"/api/proofs/{e.position}"} for e in view.events],
    }


@router.get("/proofs/{position}", summary="The audit inclusion proof of the event at a log position")
def proof(position: int, state: StateDep, who: CallerDep) -> dict[str, Any]:
    view = proof_view(state, who, position)
    return {
        "event": view.entry.to_dict(),
        "checkpoint": view.checkpoint.to_dict(),
        "inclusion": view.bundle.to_dict(),
        "verified": view.verified,
    }


@router.get("/metrics/rates", summary="Every rate of a period, each with its numerator and denominator")
def rates(
    state: StateDep,
    who: CallerDep,
    period: Annotated[str, Query(description="e.g. 2024-Q1, 2024-03, 2024-H1, 2024")],
    q: LedgerQueryDep,
    verified: bool = False,
) -> dict[str, Any]:
    app = state.fresh()
    c, k, a = q.filters(who, "read rates")
    found = app.metrics.rates(
        period=_period(period),
        city=c,
        county=k,
        area=a,
        as_of=q.as_of,
        known_at=q.known_at,
        verified=verified,
    )
    return {"period": period, "rates": {name: r.as_dict() for name, r in found.items()}}


@router.get("/metrics/funnel", summary="A cohort funnel with each step's numerator and denominator")
def funnel(
    state: StateDep,
    who: CallerDep,
    period: str,
    q: LedgerQueryDep,
    cohort_stage: str = "signed",
    steps: Annotated[list[str] | None, Query()] = None,
    within_days: int | None = None,
    verified: bool = False,
) -> dict[str, Any]:
    app = state.fresh()
    c, k, a = q.filters(who, "read a funnel")
    kwargs: dict[str, Any] = {"steps": steps} if steps else {}
    f = app.metrics.funnel(
        _period(period),
        cohort_stage=cohort_stage,
        within_days=within_days,
        city=c,
        county=k,
        area=a,
        as_of=q.as_of,
        known_at=q.known_at,
        verified=verified,
        **kwargs,
    )
    return f.as_dict()


_RULE_KEYS = ("rule_set_sha256", "quota_rule_sets", "quotas", "deadlines", "rankings", "pace")


@router.get("/rules", summary="Quotas, deadlines and rankings of a city's period, with the rule-set hash")
def rules(
    state: StateDep,
    who: CallerDep,
    kind: str = "quarterly",
    city: str | None = None,
    as_of: AsOf = None,
) -> dict[str, Any]:
    b = bulletin_for(state, who, kind, city=city, as_of=as_of, known_at=None)
    data = b.to_dict()
    return {"city": data["city"], "kind": data["kind"], "period": data["period"], "as_of": data["as_of"]} | {
        k: data.get(k) for k in _RULE_KEYS
    }


@router.get(
    "/bulletins/{kind}",
    summary="A bulletin (周通报/月调度/季度/半年) as md, json or html",
    response_class=Response,
)
def bulletin(
    kind: str,
    state: StateDep,
    who: CallerDep,
    format: str = "json",
    lang: str = "zh",
    city: str | None = None,
    as_of: AsOf = None,
    known_at: KnownAt = None,
) -> Response:
    if kind.replace("_", "-") not in BULLETIN_KINDS:
        raise ProjlifeError(f"read a {kind!r} bulletin", "unknown bulletin kind", ", ".join(BULLETIN_KINDS))
    if format not in ("md", "json", "html"):
        raise ProjlifeError(f"read a bulletin as {format!r}", "unknown format", "md, json, html")
    if lang not in LANGS:
        raise ProjlifeError(f"read a bulletin in {lang!r}", "unknown language", ", ".join(LANGS))
    b = bulletin_for(state, who, kind, city=city, as_of=as_of, known_at=known_at)
    if format == "json":
        return Response(bulletin_json(b), media_type="application/json")
    if format == "html":
        return HTMLResponse(bulletin_html(b, lang))
    return PlainTextResponse(bulletin_markdown(b, lang), media_type="text/markdown; charset=utf-8")


@router.get("/tickets", summary="The ticket queue as of a date (optionally by status)")
def tickets(
    state: StateDep,
    who: CallerDep,
    q: TicketQueryDep,
    status: str | None = None,
) -> dict[str, Any]:
    queue = ticket_queue(state, who, city=q.city, area=q.area, status=status, as_of=q.as_of)
    return {
        "as_of": queue.as_of.isoformat(),
        "summary": jsonable(queue.summary),
        "tickets": queue.tickets,
    }


@router.get("/tickets/overdue", summary="Tickets past their working-day deadline, most overdue first")
def overdue(
    state: StateDep,
    who: CallerDep,
    q: TicketQueryDep,
    department: str | None = None,
    category: str | None = None,
) -> dict[str, Any]:
    queue = ticket_queue(state, who, city=q.city, area=q.area, status=None, as_of=q.as_of)
    found = state.app.tickets.overdue(
        as_of=queue.as_of, city_code=queue.city_code, area=q.area, department=department, category=category
    )
    found = [o for o in found if who.scope.covers(o.city_code, o.area_code)]
    return {"as_of": queue.as_of.isoformat(), "overdue": jsonable(found)}


@router.get("/tickets/{ticket_id}", summary="One ticket as its events left it")
def ticket(ticket_id: UUID, state: StateDep, who: CallerDep) -> JSONResponse:
    t = state.app.tickets.get(ticket_id, attempted=f"read ticket {ticket_id}")
    who.scope.require(t.city_code, t.area_code, attempted=f"read ticket {ticket_id}")
    entries = state.app.audit.log(ticket=str(ticket_id))
    return JSONResponse(
        {
            "ticket_id": str(ticket_id),
            "code": t.code,
            "city_code": t.city_code,
            "area_code": t.area_code,
            "category": t.category,
            "status": t.status.value,
            "assignee": t.assignee,
            "due_on": jsonable(t.due_on),
            "version": t.version,
            "events": [{**e.to_dict(), "proof": f"/api/proofs/{e.position}"} for e in entries],
        }
    )


@router.get("/whoami", summary="The token's actor and area")
def whoami(who: CallerDep) -> dict[str, Any]:
    return {"token_id": who.token.token_id, "actor": who.token.actor.as_dict()}
