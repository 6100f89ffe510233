"""``Idempotency-Key``: a retried command request is answered from the stored first answer.

The key is claimed (a row with no answer yet) before the command runs, and the answer is stored
once it is known, so two requests with one key never both write. A key is per token. The same key
with a different request body is refused; a key whose first request is still running is answered
with 409 and may be retried. A transient failure (a concurrent update) releases the key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from projlife.server.errors import IdempotencyConflict
from projlife.server.tables import idempotency_table

__all__ = ["Answer", "run_once"]

Answer = tuple[int, dict[str, Any]]
"""An HTTP status and a JSON body."""

_T = idempotency_table


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def run_once(
    engine: sa.Engine,
    token_id: str,
    key: str,
    digest: str,
    produce: Callable[[], Answer],
    *,
    keep: Callable[[Answer], bool],
) -> tuple[Answer, bool]:
    """The answer to the request with ``key``: produced now, or replayed (second value True).

    ``keep(answer)`` says whether an answer is final (stored) or transient (the key is released).
    """
    if not key or len(key) > 200:
        raise IdempotencyConflict(
            "use an Idempotency-Key", "the key is empty or longer than 200 characters", "1–200 characters"
        )
    try:
        with engine.begin() as conn:
            conn.execute(
                _T.insert().values(
                    token_id=token_id,
                    key=key,
                    request_hash=digest,
                    status=None,
                    body=None,
                    created_at=datetime.now(UTC),
                )
            )
    except sa.exc.IntegrityError:
        with engine.connect() as conn:
            row = (
                conn.execute(sa.select(_T).where(_T.c.token_id == token_id, _T.c.key == key))
                .mappings()
                .first()
            )
        if row is None:  # released between our insert and this read: the caller may retry
            raise IdempotencyConflict(
                f"run the request with Idempotency-Key {key!r}",
                "the key's first request just failed",
                "retry",
            ) from None
        if row["request_hash"] != digest:
            raise IdempotencyConflict(
                f"reuse Idempotency-Key {key!r}",
                "the key was used for a different request",
                "a new key for a new request; the same key only to retry the same request",
            ) from None
        if row["status"] is None:
            raise IdempotencyConflict(
                f"retry the request with Idempotency-Key {key!r}",
                "its first request is still running",
                "retry in a moment; it will then be answered with that request's answer",
            ) from None
        return (int(row["status"]), json.loads(row["body"])), True
    where = (_T.c.token_id == token_id, _T.c.key == key)
    try:
        status, body = produce()
    except BaseException:
        with engine.begin() as conn:
            conn.execute(_T.delete().where(*where))
        raise
    with engine.begin() as conn:
        if keep((status, body)):
            conn.execute(
                _T.update().where(*where).values(status=status, body=json.dumps(body, ensure_ascii=False))
            )
        else:
            conn.execute(_T.delete().where(*where))
    return (status, body), False
