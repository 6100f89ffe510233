"""Errors raised by the audit cryptography.

Both follow the project convention: the message says what was attempted, why it
failed and what is accepted instead; both are :class:`ProjlifeError` subclasses.
"""

from __future__ import annotations

from projlife.domain.errors import ProjlifeError

__all__ = ["AuditError", "AuditKeyError", "ProofError"]


class AuditError(ProjlifeError):
    """Root of the audit errors: ``attempted``, ``reason`` and ``allowed``."""


class AuditKeyError(AuditError):
    """A signing or verifying key is missing, unreadable or of the wrong kind."""


class ProofError(AuditError):
    """A proof, checkpoint or bundle cannot be built or parsed from the given input."""
