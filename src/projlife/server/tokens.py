"""API tokens bound to an actor (id, role, area): created, listed, revoked, and checked per request.

A token reads ``pl_<token id>_<secret>``. Only a SHA-256 hash of the 256-bit random secret is
stored. A key-stretching KDF (scrypt, PBKDF2) protects guessable passwords; a secret drawn from
``secrets.token_urlsafe(32)`` cannot be guessed, so one hash is enough and every request can be
checked without a deliberate delay. The comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import attrs
import sqlalchemy as sa

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import NotFound, ProjlifeError
from projlife.server.tables import create_server_tables, tokens_table

__all__ = ["InvalidToken", "IssuedToken", "TokenInfo", "TokenStore"]

_PREFIX = "pl_"


class InvalidToken(ProjlifeError):
    """The request carries no token, an unknown one, or a revoked one."""


@attrs.frozen
class TokenInfo:
    """A stored token without its secret."""

    token_id: str
    actor: Actor
    label: str | None
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@attrs.frozen
class IssuedToken:
    """A token just created: ``token`` is shown once and never stored."""

    token: str
    info: TokenInfo


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _info(row: sa.RowMapping) -> TokenInfo:
    return TokenInfo(
        token_id=row["token_id"],
        actor=Actor(id=row["actor_id"], role=Role(row["role"]), area_code=row["area_code"]),
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


class TokenStore:
    """The tokens of one database (the ``server_tokens`` table)."""

    def __init__(self, engine: sa.Engine, *, create: bool = True) -> None:
        self._engine = engine
        if create:
            create_server_tables(engine)

    def create(
        self, actor_id: str, role: Role | str, area_code: str | None = None, *, label: str | None = None
    ) -> IssuedToken:
        """A new token for the actor; the returned ``token`` string is the only copy of the secret."""
        actor = Actor(id=actor_id.strip(), role=Role(role), area_code=area_code or None)
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self._engine.begin() as conn:
            conn.execute(
                tokens_table.insert().values(
                    token_id=token_id,
                    secret_hash=_hash(secret),
                    actor_id=actor.id,
                    role=actor.role.value,
                    area_code=actor.area_code,
                    label=label,
                    created_at=now,
                    revoked_at=None,
                )
            )
        return IssuedToken(f"{_PREFIX}{token_id}_{secret}", TokenInfo(token_id, actor, label, now, None))

    def revoke(self, token_id: str) -> TokenInfo:
        """Revoke a token by its id (idempotent); later requests with it are refused."""
        with self._engine.begin() as conn:
            conn.execute(
                tokens_table.update()
                .where(tokens_table.c.token_id == token_id, tokens_table.c.revoked_at.is_(None))
                .values(revoked_at=datetime.now(UTC))
            )
            row = conn.execute(tokens_table.select().where(tokens_table.c.token_id == token_id)).mappings()
            found = row.first()
        if found is None:
            raise NotFound(
                f"revoke token {token_id}", "no token with that id", "an id from `projlife tokens list`"
            )
        return _info(found)

    def list(self) -> list[TokenInfo]:
        with self._engine.connect() as conn:
            rows = conn.execute(tokens_table.select().order_by(tokens_table.c.created_at)).mappings().all()
        return [_info(r) for r in rows]

    def authenticate(self, token: str | None) -> TokenInfo:
        """The active token a presented ``pl_…`` string stands for, or :class:`InvalidToken`."""
        if not token or not token.startswith(_PREFIX) or token.count("_") < 2:
            raise InvalidToken(
                "authenticate the request", "no API token was presented", "Authorization: Bearer pl_…"
            )
        token_id, _, secret = token[len(_PREFIX) :].partition("_")
        with self._engine.connect() as conn:
            row = (
                conn.execute(tokens_table.select().where(tokens_table.c.token_id == token_id))
                .mappings()
                .first()
            )
        if row is None or not hmac.compare_digest(row["secret_hash"], _hash(secret)):
            raise InvalidToken(
                "authenticate the request",
                "the API token is not known",
                "a token from `projlife tokens create`",
            )
        info = _info(row)
        if not info.active:
            raise InvalidToken("authenticate the request", f"token {token_id} was revoked", "an active token")
        return info
