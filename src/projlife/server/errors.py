"""projlife's errors as HTTP answers: the library's ``as_dict()`` body, a stable code and a status."""

from __future__ import annotations

from typing import Any

from projlife.domain.errors import (
    CommandRejected,
    ConcurrentUpdateError,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    ProjlifeError,
    SeparationOfDutiesViolation,
)
from projlife.server.tokens import InvalidToken

__all__ = ["ERROR_CODES", "IdempotencyConflict", "OutOfArea", "error_body", "error_status"]


class OutOfArea(PermissionDenied):
    """An area-scoped token reached for a project, ticket or figure outside its area."""


class IdempotencyConflict(ProjlifeError):
    """An ``Idempotency-Key`` was reused for a different request, or its first request still runs."""


ERROR_CODES: tuple[tuple[type[ProjlifeError], str, int], ...] = (
    (CommandRejected, "command_rejected", 422),
    (IllegalTransition, "illegal_transition", 409),
    (ConcurrentUpdateError, "concurrent_update", 409),
    (IdempotencyConflict, "idempotency_conflict", 409),
    (SeparationOfDutiesViolation, "separation_of_duties", 403),
    (OutOfArea, "out_of_area", 403),
    (PermissionDenied, "permission_denied", 403),
    (InvalidToken, "invalid_token", 401),
    (NotFound, "not_found", 404),
    (ProjlifeError, "refused", 400),
)
"""Error class → (stable ``code``, HTTP status), most specific first. The codes never change."""


def _match(exc: ProjlifeError) -> tuple[str, int]:
    for cls, code, status in ERROR_CODES:
        if isinstance(exc, cls):
            return code, status
    return "refused", 400  # pragma: no cover - ProjlifeError is last in the table


def error_status(exc: ProjlifeError) -> int:
    return _match(exc)[1]


def error_body(exc: ProjlifeError) -> dict[str, Any]:
    """``{"code", "error", "attempted", "reason", "allowed"[, "problems"][, "current"]}``."""
    code, _ = _match(exc)
    body: dict[str, Any] = {"code": code, **exc.as_dict()}
    if isinstance(exc, IllegalTransition):
        body["current"] = exc.current
    return body
