"""The one error hierarchy of projlife.

Every error says what was attempted, why it was refused and what is allowed. The
root, :class:`ProjlifeError`, lives in the domain so that the pure model can raise
it; the application layer re-exports it.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "CommandRejected",
    "ConcurrentUpdateError",
    "IllegalTransition",
    "NotFound",
    "PermissionDenied",
    "Problem",
    "ProjlifeError",
    "SeparationOfDutiesViolation",
]


class ProjlifeError(Exception):
    """Root of every error projlife raises on purpose.

    ``attempted`` names the operation, ``reason`` why it was refused, ``allowed``
    what would have been accepted instead.
    """

    def __init__(self, attempted: str, reason: str, allowed: str = "") -> None:
        self.attempted = attempted
        self.reason = reason
        self.allowed = allowed
        message = f"{attempted}: {reason}"
        if allowed:
            message += f" (allowed: {allowed})"
        super().__init__(message)

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form for APIs and the CLI: the error type, attempted, reason, allowed."""
        return {
            "error": type(self).__name__,
            "attempted": self.attempted,
            "reason": self.reason,
            "allowed": self.allowed,
        }


class IllegalTransition(ProjlifeError):
    """A command is not allowed in the aggregate's current state."""

    def __init__(self, attempted: str, current: str, allowed: Sequence[str] | str) -> None:
        if isinstance(allowed, str):
            allowed_text = allowed
        else:
            allowed_text = ", ".join(allowed) if allowed else "nothing"
        self.current = current
        super().__init__(attempted, f"not allowed while {current}", allowed_text)


class PermissionDenied(ProjlifeError):
    """The actor's role does not permit the command."""


class SeparationOfDutiesViolation(PermissionDenied):
    """The same person may not both do a thing and check it."""


class NotFound(ProjlifeError):
    """The command names an aggregate that does not exist."""


class ConcurrentUpdateError(ProjlifeError):
    """Another writer changed the aggregate and the retries ran out."""


@attrs.frozen
class Problem:
    """One thing wrong with a command's input: where, what, and the value given."""

    field: str
    message: str
    value: object = None

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class CommandRejected(ProjlifeError):
    """A command failed validation; ``problems`` lists every problem found.

    Nothing was written.
    """

    def __init__(self, attempted: str, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        listing = "; ".join(str(p) for p in self.problems)
        super().__init__(
            attempted,
            f"{len(self.problems)} problem(s): {listing}",
            "correct the listed fields and send the command again; nothing was written",
        )

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form for APIs and the CLI."""
        return {
            **super().as_dict(),
            "problems": [
                {"field": p.field, "message": p.message, "value": _jsonable(p.value)} for p in self.problems
            ],
        }


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
