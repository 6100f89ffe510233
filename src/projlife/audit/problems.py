"""What a verification of the stored log found: the kinds of tampering, the first problem, the report."""

from __future__ import annotations

import enum

import attrs

__all__ = ["Problem", "TamperKind", "VerifyReport"]


class TamperKind(enum.StrEnum):
    ALTERED = "altered"
    REORDERED = "reordered"
    DELETED = "deleted"
    INSERTED = "inserted"
    CHAIN_ALTERED = "chain-altered"
    CHECKPOINT_MISMATCH = "checkpoint-mismatch"
    BAD_SIGNATURE = "bad-signature"
    HEAD_MISMATCH = "head-mismatch"


@attrs.frozen
class Problem:
    """The first thing found wrong: its kind, the log position and an explanation."""

    kind: TamperKind
    position: int | None
    detail: str

    def __str__(self) -> str:
        where = f"position {self.position}" if self.position is not None else "the audit tables"
        return f"{self.kind} at {where}: {self.detail}"


@attrs.frozen
class VerifyReport:
    """Outcome of :func:`verify_log`."""

    checked: int
    """Sealed events whose rows were re-hashed."""
    unsealed: int
    """Stored events after the chain's head (not yet covered by the chain)."""
    checkpoints: int
    """Signed checkpoints whose roots and signatures were checked."""
    problem: Problem | None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def exit_code(self) -> int:
        return 0 if self.problem is None else 1

    def __str__(self) -> str:
        if self.problem is None:
            return (
                f"INTACT: {self.checked} sealed events re-hashed, {self.checkpoints} signed checkpoint(s) "
                f"verified, {self.unsealed} event(s) written after the last seal"
            )
        return f"TAMPERED: {self.problem} ({self.checked} events checked before it)"
