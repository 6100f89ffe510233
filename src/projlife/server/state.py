"""What every request shares: the projlife app, the token store, settings and the caller."""

from __future__ import annotations

import threading
from typing import Annotated

import attrs
from fastapi import Depends, Request

from projlife.app.application import Projlife
from projlife.audit.keys import SigningKey
from projlife.server.scope import AreaScope, scope_of
from projlife.server.tokens import InvalidToken, TokenInfo, TokenStore

__all__ = ["COOKIE", "Caller", "ServerState", "caller", "server_state"]

COOKIE = "projlife_token"


class ServerState:
    """One projlife app per server process, and the lock that keeps projection catch-up single-file."""

    def __init__(self, app: Projlife, *, signing_key: SigningKey | None = None) -> None:
        self.app = app
        self.tokens = TokenStore(app.engine)
        self.signing_key = signing_key
        self._catch_up = threading.Lock()

    def fresh(self) -> Projlife:
        """The app with its projections caught up to the log head (one catch-up at a time)."""
        with self._catch_up:
            self.app.projections.run()
        return self.app


@attrs.frozen
class Caller:
    """The authenticated token behind a request, and the areas it reaches."""

    token: TokenInfo
    scope: AreaScope


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.projlife
    return state


def _presented(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header:
        kind, _, value = header.partition(" ")
        if kind.lower() != "bearer" or not value.strip():
            raise InvalidToken(
                "authenticate the request",
                "the Authorization header is not a bearer token",
                "Authorization: Bearer pl_…",
            )
        return value.strip()
    if request.method in ("GET", "HEAD"):
        # the web 台账's cookie signs in reads only: a command always needs the Authorization
        # header, so no other site can make a signed-in browser send one (no CSRF on commands)
        return request.cookies.get(COOKIE)
    return None


def caller(request: Request, state: Annotated[ServerState, Depends(server_state)]) -> Caller:
    """The request's token (``Authorization: Bearer``, or the web 台账's cookie on reads), checked."""
    info = state.tokens.authenticate(_presented(request))
    return Caller(info, scope_of(state.app, info.actor))
