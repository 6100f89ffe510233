"""Errors raised by the audit cryptography.

Both follow the project convention: the message says what was attempted, why it
failed and what is accepted instead.  They subclass :class:`Exception` for now;
on merge they should subclass ``projlife.domain.errors.ProjlifeError`` (whose
constructor has the same ``attempted, reason, allowed`` shape), once that root
can be imported without pulling in the event-sourcing domain.
"""

from __future__ import annotations

__all__ = ["AuditError", "AuditKeyError", "ProofError"]


class AuditError(Exception):
    """Root of the audit errors: ``attempted``, ``reason`` and ``allowed``."""

    def __init__(self, attempted: str, reason: str, allowed: str = "") -> None:
        self.attempted = attempted
        self.reason = reason
        self.allowed = allowed
        message = f"{attempted}: {reason}"
        if allowed:
            message += f" (allowed: {allowed})"
        super().__init__(message)


class AuditKeyError(AuditError):
    """A signing or verifying key is missing, unreadable or of the wrong kind."""


class ProofError(AuditError):
    """A proof, checkpoint or bundle cannot be built or parsed from the given input."""
