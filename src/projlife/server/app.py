"""The ASGI app: :func:`create_app` serves one projlife database over HTTP (JSON API and web 台账)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse

from projlife import __version__
from projlife.app.application import Projlife, connect
from projlife.audit.keys import SigningKey
from projlife.domain.errors import CommandRejected, Problem, ProjlifeError
from projlife.server import commands_api, feed, reads_api, web
from projlife.server.errors import error_body, error_status
from projlife.server.state import ServerState

__all__ = ["create_app"]


def _openapi(api: FastAPI) -> dict[str, Any]:
    """FastAPI's schema plus every command model's definitions (their ``$ref`` targets)."""
    if api.openapi_schema:
        return api.openapi_schema
    schema = get_openapi(title=api.title, version=api.version, description=api.description, routes=api.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in commands_api.command_models():
        full = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(full.pop("$defs", {}))
        components.setdefault(model.__name__, commands_api.body_schema(model))
    # FastAPI serializes openapi_extra without null values (a field's "default": null would go):
    # each command's body is put back exactly as the library model's own schema, minus ``actor``
    for path, model in commands_api.command_paths().items():
        body = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        body["schema"] = commands_api.body_schema(model)
    schema["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    schema["security"] = [{"bearer": []}]
    api.openapi_schema = schema
    return schema


def create_app(
    db: str | Projlife, *, signing_key: SigningKey | None = None, create_tables: bool = False
) -> FastAPI:
    """An ASGI app on ``db`` (a URL or an open :class:`~projlife.Projlife`).

    ``signing_key`` lets the server sign an audit checkpoint when a proof is asked for an event
    no checkpoint covers yet; without it, proofs are given against the latest existing checkpoint.
    """
    pl = db if isinstance(db, Projlife) else connect(db, create_tables=create_tables)
    api = FastAPI(
        title="projlife",
        version=__version__,
        description=(
            "Commands, the 台账 ledger, metrics, bulletins, tickets, audit proofs and the event feed of one "
            "projlife database. Authenticate with `Authorization: Bearer <token>` (see `projlife tokens`)."
        ),
    )
    api.state.projlife = ServerState(pl, signing_key=signing_key)

    @api.exception_handler(ProjlifeError)
    async def _projlife_error(_: Request, exc: ProjlifeError) -> JSONResponse:
        return JSONResponse(error_body(exc), status_code=error_status(exc))

    @api.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            Problem(
                ".".join(str(p) for p in err["loc"][1:]) or str(err["loc"][0]), err["msg"], err.get("input")
            )
            for err in exc.errors()
        ]
        rejected = CommandRejected(f"{request.method} {request.url.path}", problems)
        return JSONResponse(error_body(rejected), status_code=422)

    api.include_router(commands_api.router)
    api.include_router(reads_api.router)
    api.include_router(feed.router)
    api.include_router(web.router)
    web.mount_static(api)
    api.openapi = lambda: _openapi(api)  # type: ignore[method-assign]
    return api
