"""The server's own tables: API tokens (hashed) and idempotency keys, beside projlife's."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["create_server_tables", "idempotency_table", "server_metadata", "tokens_table"]

server_metadata = sa.MetaData()

tokens_table = sa.Table(
    "server_tokens",
    server_metadata,
    sa.Column("token_id", sa.String(32), primary_key=True),
    sa.Column("secret_hash", sa.String(128), nullable=False),
    sa.Column("actor_id", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("area_code", sa.String(32), nullable=True),
    sa.Column("label", sa.String(200), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)
"""One row per API token: the token's actor and a SHA-256 hash of its secret, never the secret."""

idempotency_table = sa.Table(
    "server_idempotency",
    server_metadata,
    sa.Column("token_id", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    # the HTTP status of the stored answer; NULL while the first request is still running
    sa.Column("status", sa.Integer, nullable=True),
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
"""One row per ``Idempotency-Key`` of a token: the request's hash and the answer given to it."""


def create_server_tables(engine: sa.Engine) -> None:
    """Create the server's tables if they are missing (idempotent)."""
    server_metadata.create_all(engine, checkfirst=True)
