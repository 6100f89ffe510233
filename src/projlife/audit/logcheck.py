"""Check the readable ``audit_log`` rows against the stored events they describe.

The chain covers the events; the log is derived from them. A row whose actor, role, area,
reason, evidence, type or summary differs from what its event says (:mod:`.logfields`) was
edited after sealing.
"""

from __future__ import annotations

from typing import Any

from .logfields import LOG_FIELDS, LogFields, reference_fields
from .problems import Problem, TamperKind
from .rawdb import RawDB

__all__ = ["check_audit_log", "field_problem"]


def field_problem(position: int, have: tuple[Any, ...], want: LogFields) -> Problem:
    """The problem of an ``audit_log`` row whose checked values ``have`` differ from ``want``."""
    for name, a, b in zip(LOG_FIELDS, have, want, strict=True):
        if a != b:
            return Problem(
                TamperKind.ALTERED,
                position,
                f"audit_log.{name} says {a!r} but the event it describes says {b!r}",
            )
    raise AssertionError("the values are equal")  # pragma: no cover


def check_audit_log(db: RawDB, cur: Any, *, batch_size: int = 20_000) -> Problem | None:
    """The first ``audit_log`` row that does not match its event, or ``None`` (the reference walk)."""
    after = 0
    while True:
        rows = db.stored_rows(cur, after, batch_size)
        if not rows:
            return None
        first, last = int(rows[0][0]), int(rows[-1][0])
        cur.execute(
            db.q(
                f"SELECT position, {', '.join(LOG_FIELDS)} FROM audit_log "
                "WHERE position >= ? AND position <= ? ORDER BY position"
            ),
            (first, last),
        )
        logged = {int(r[0]): r[1:] for r in cur.fetchall()}
        for row in rows:
            position = int(row[0])
            have = logged.get(position)
            if have is None:
                continue  # an event without a log row: not checked here
            want = reference_fields(row[3], row[2], row[4])
            if tuple(have) != want:
                return field_problem(position, tuple(have), want)
        after = last
