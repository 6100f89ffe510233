"""Check the readable ``audit_log`` rows against the stored events they describe.

The chain covers the events; the log is derived from them. A row whose actor, role, area,
reason, evidence, type or summary differs from what its event says was edited after sealing.
"""

from __future__ import annotations

import json
from typing import Any

from .auditlog import entry_from_state
from .integrity import Problem, TamperKind
from .rawdb import RawDB
from .sealing import canonical_id

__all__ = ["check_audit_log"]

_FIELDS = ("event_type", "summary", "actor_id", "actor_role", "actor_area", "reason", "evidence")


def _state_bytes(state: Any) -> bytes:
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


def check_audit_log(db: RawDB, cur: Any, *, batch_size: int = 20_000) -> Problem | None:
    """The first ``audit_log`` row that does not match its event, or ``None``."""
    after = 0
    while True:
        rows = db.stored_rows(cur, after, batch_size)
        if not rows:
            return None
        first, last = int(rows[0][0]), int(rows[-1][0])
        cur.execute(
            db.q(
                f"SELECT position, {', '.join(_FIELDS)} FROM audit_log "
                "WHERE position >= ? AND position <= ? ORDER BY position"
            ),
            (first, last),
        )
        logged = {int(r[0]): r[1:] for r in cur.fetchall()}
        if not logged:
            return None  # nothing sealed from here on
        for row in rows:
            position = int(row[0])
            have = logged.get(position)
            if have is None:
                continue  # checked by the chain walk: sealed events have a row there
            entry = entry_from_state(position, canonical_id(row[1]), row[2], row[3], _state_bytes(row[4]))
            want = (
                entry.event_type,
                entry.summary,
                entry.actor_id,
                entry.actor_role,
                entry.actor_area,
                entry.reason,
                json.dumps(list(entry.evidence), ensure_ascii=False),
            )
            for name, a, b in zip(_FIELDS, have, want, strict=True):
                if a != b:
                    return Problem(
                        TamperKind.ALTERED,
                        position,
                        f"audit_log.{name} says {a!r} but the event it describes says {b!r}",
                    )
        after = last
