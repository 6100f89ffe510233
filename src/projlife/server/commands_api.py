"""Command endpoints: ``POST /api/projects/{command}``, ``/api/tickets/{command}``, ``/api/meetings/{command}``,
``/api/site_visits/{command}`` (观摩/拉练: ``draw_site_visit``, ``fill_score_sheet``).

The body is the library's pydantic command model without ``actor``: the actor is the token's.
Validation, roles and separation of duties are the library's (``app.projects.execute``,
``app.tickets.execute``), so the API answers exactly what the Python API raises.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from projlife.app.commands import PROJECT_COMMANDS, Command, ConceiveProject, ProjectCommand
from projlife.app.meetings import MEETING_COMMANDS, ConveneMeeting, MeetingCommand
from projlife.app.results import validate
from projlife.app.site_visits import SITE_VISIT_COMMANDS, DrawSiteVisit, FillScoreSheet
from projlife.domain.errors import CommandRejected, Problem, ProjlifeError
from projlife.server.errors import OutOfArea, error_body, error_status
from projlife.server.idempotency import Answer, request_hash, run_once
from projlife.server.jsonable import jsonable
from projlife.server.state import Caller, ServerState, caller, server_state
from projlife.tickets.commands import TICKET_COMMANDS, DrawRevisitSample, RaiseTicket, TicketCommand

__all__ = ["body_schema", "command_models", "command_paths", "router"]

router = APIRouter(tags=["commands"])


def body_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema without ``actor`` (set from the token), refs pointing at components."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    schema.pop("$defs", None)
    schema["properties"].pop("actor", None)
    schema["required"] = [r for r in schema.get("required", []) if r != "actor"]
    return schema


def _parse(raw: bytes, attempted: str) -> dict[str, Any]:
    try:
        data = json.loads(raw or b"{}")
    except ValueError as exc:
        raise CommandRejected(attempted, [Problem("(body)", f"not JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise CommandRejected(
            attempted, [Problem("(body)", "a command is a JSON object", type(data).__name__)]
        )
    if "actor" in data:
        raise CommandRejected(
            attempted,
            [Problem("actor", "the actor is the API token's; leave it out of the body", data["actor"])],
        )
    return data


def _check_area(state: ServerState, who: Caller, command: BaseModel, attempted: str) -> None:
    """An area-scoped token may only command projects, tickets and meetings of its area.

    Checked on the validated command, so the ids and codes checked are exactly those the library
    then runs with. A command kind this does not know is refused to a scoped token (fail closed).
    """
    if who.scope.unrestricted:
        return
    app = state.app
    scope = who.scope
    if isinstance(command, (ConceiveProject, RaiseTicket, ConveneMeeting)):
        scope.require(command.city_code, command.area_code, attempted=attempted)
        linked = command.project_id if isinstance(command, RaiseTicket) else None
        if linked is not None:
            project = app.projects.get(linked, attempted=attempted)
            scope.require(project.city_code, project.area_code, attempted=attempted)
    elif isinstance(command, DrawRevisitSample):
        # a draw samples the whole city's closed tickets: a city token only
        scope.require(command.city_code, command.city_code, attempted=attempted)
    elif isinstance(command, ProjectCommand):
        project = app.projects.get(command.project_id, attempted=attempted)
        scope.require(project.city_code, project.area_code, attempted=attempted)
    elif isinstance(command, TicketCommand):
        ticket = app.tickets.get(command.ticket_id, attempted=attempted)
        scope.require(ticket.city_code, ticket.area_code, attempted=attempted)
    elif isinstance(command, MeetingCommand):
        meeting = app.meetings.get(command.meeting_id)
        scope.require(meeting.city_code, meeting.area_code, attempted=attempted)
    elif isinstance(command, DrawSiteVisit):
        # a visit draws projects in every ranked area and scores them against each other: city only
        scope.require(command.city_code, command.city_code, attempted=attempted)
    elif isinstance(command, FillScoreSheet):
        visit = app.site_visits.get(command.visit_id)
        scope.require(visit.city_code, visit.city_code, attempted=attempted)
    else:  # pragma: no cover - every command model is one of the kinds above
        raise OutOfArea(
            attempted,
            f"{type(command).__name__} has no area this server knows how to check",
            "a token without an area",
        )


_KINDS: dict[str, dict[str, type[Command]]] = {
    "projects": dict(PROJECT_COMMANDS),
    "tickets": dict(TICKET_COMMANDS),
    "meetings": dict(MEETING_COMMANDS),
    "site_visits": dict(SITE_VISIT_COMMANDS),
}


def _run(state: ServerState, who: Caller, kind: str, name: str, data: dict[str, Any]) -> Answer:
    app = state.app
    commands = _KINDS[kind]
    model = commands.get(name)
    attempted = f"run {kind[:-1]} command {name!r}"
    if model is None:
        raise CommandRejected(
            attempted, [Problem("command", f"unknown command; known: {', '.join(sorted(commands))}", name)]
        )
    payload = {**data, "actor": who.token.actor.as_dict()}
    try:
        command: Command | None = validate(model, payload, attempted)
    except CommandRejected:
        command = None  # the library's own rejection (with every problem) is raised below
    if command is not None:
        _check_area(state, who, command, attempted)
    given: Any = command if command is not None else payload
    if model is DrawRevisitSample:
        drawn = app.tickets.draw(given)
        return 201, {"command": name, **jsonable(drawn)}
    if kind == "projects":
        result = app.projects.execute(given, kind=name)
    elif kind == "tickets":
        result = app.tickets.execute(given, kind=name)
    elif kind == "site_visits":
        result = app.site_visits.execute(given if command is not None else {**payload, "command": name})
    else:
        result = app.meetings.execute(given, kind=name)
    return 201, {
        "command": name,
        "aggregate_id": str(result.aggregate_id),
        "version": result.version,
        "position": result.position,
        "actor": who.token.actor.as_dict(),
    }


def _answer(state: ServerState, who: Caller, kind: str, name: str, raw: bytes) -> Answer:
    try:
        return _run(state, who, kind, name, _parse(raw, f"run {kind[:-1]} command {name!r}"))
    except ProjlifeError as exc:
        return error_status(exc), error_body(exc)


async def _command(kind: str, name: str, request: Request, state: ServerState, who: Caller) -> JSONResponse:
    from starlette.concurrency import run_in_threadpool

    raw = await request.body()
    key = request.headers.get("idempotency-key")
    if key is None:
        status, body = await run_in_threadpool(_answer, state, who, kind, name, raw)
        return JSONResponse(body, status_code=status)
    digest = request_hash("POST", request.url.path, raw)
    try:
        (status, body), replayed = await run_in_threadpool(
            run_once,
            state.app.engine,
            who.token.token_id,
            key,
            digest,
            lambda: _answer(state, who, kind, name, raw),
            keep=lambda answer: answer[1].get("code") != "concurrent_update",
        )
    except ProjlifeError as exc:
        return JSONResponse(error_body(exc), status_code=error_status(exc))
    return JSONResponse(
        body, status_code=status, headers={"Idempotent-Replayed": "true" if replayed else "false"}
    )


StateDep = Annotated[ServerState, Depends(server_state)]
CallerDep = Annotated[Caller, Depends(caller)]

_RESPONSES: dict[int | str, dict[str, Any]] = {
    201: {"description": "Written: the aggregate, its new version and the log position"},
    401: {"description": "No, unknown or revoked token (code ``invalid_token``)"},
    403: {
        "description": "Role, separation of duties or area (``permission_denied``, ``separation_of_duties``, ``out_of_area``)"
    },
    404: {"description": "No such project or ticket (``not_found``)"},
    409: {
        "description": "Not allowed in the current state (``illegal_transition``), ``concurrent_update``, ``idempotency_conflict``"
    },
    422: {"description": "Invalid command, every problem listed (``command_rejected``); nothing was written"},
}


def _register(kind: str, name: str, model: type[BaseModel]) -> None:
    async def endpoint(request: Request, state: StateDep, who: CallerDep) -> JSONResponse:
        return await _command(kind, name, request, state, who)

    endpoint.__name__ = f"{kind}_{name}"
    router.add_api_route(
        f"/api/{kind}/{name}",
        endpoint,
        methods=["POST"],
        summary=(model.__doc__ or name).strip().splitlines()[0],
        operation_id=f"{kind}_{name}",
        responses=_RESPONSES,
        openapi_extra={
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "Retrying with the same key writes once and replays the first answer",
                }
            ],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_schema(model)}},
            },
        },
    )


for _name, _model in PROJECT_COMMANDS.items():
    _register("projects", _name, _model)
for _name, _model in TICKET_COMMANDS.items():
    _register("tickets", _name, _model)
for _name, _model in MEETING_COMMANDS.items():
    _register("meetings", _name, _model)
for _name, _model in SITE_VISIT_COMMANDS.items():
    _register("site_visits", _name, _model)


@router.post("/api/{kind}/{name}", include_in_schema=False)
async def unknown_command(
    kind: str, name: str, request: Request, state: StateDep, who: CallerDep
) -> JSONResponse:
    """Any other command name: the library's own "unknown command" rejection (422)."""
    if kind not in _KINDS:
        return JSONResponse({"detail": "Not Found"}, status_code=404)
    return await _command(kind, name, request, state, who)


def command_models() -> list[type[BaseModel]]:
    """Every command model, for the OpenAPI components."""
    return [
        *PROJECT_COMMANDS.values(),
        *TICKET_COMMANDS.values(),
        *MEETING_COMMANDS.values(),
        *SITE_VISIT_COMMANDS.values(),
    ]


def command_paths() -> dict[str, type[BaseModel]]:
    """Each command endpoint's path and the library model its body is."""
    return {
        f"/api/{kind}/{name}": model for kind, commands in _KINDS.items() for name, model in commands.items()
    }
