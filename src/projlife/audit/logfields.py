"""The values of an ``audit_log`` row that follow from its event, derived for checking.

:func:`reference_fields` derives them through :func:`auditlog.entry_from_state`, the function
that wrote them; :func:`log_fields`, for the verification pass over the whole log, takes them
from :func:`auditlog.log_fields`, which ``entry_from_state`` wraps, without building the entry.
Both are the writer's one derivation.
"""

from __future__ import annotations

import json
from typing import Any

from .auditlog import entry_from_state
from .auditlog import log_fields as _writer_fields

__all__ = ["LOG_FIELDS", "LogFields", "log_fields", "reference_fields"]


LOG_FIELDS = ("event_type", "summary", "actor_id", "actor_role", "actor_area", "reason", "evidence")
"""The ``audit_log`` columns checked against the event, in the order of :func:`log_fields`."""

LogFields = tuple[str, str, str | None, str | None, str | None, str | None, str]


def _state_bytes(state: Any) -> bytes:
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


def reference_fields(topic: str, version: int, state: Any) -> LogFields:
    """The seven checked values of the log row of an event, as the writer derives them."""
    entry = entry_from_state(0, "", version, topic, _state_bytes(state))
    return (
        entry.event_type,
        entry.summary,
        entry.actor_id,
        entry.actor_role,
        entry.actor_area,
        entry.reason,
        json.dumps(list(entry.evidence), ensure_ascii=False),
    )


def log_fields(topic: str, version: int, state: Any) -> LogFields:
    """The seven checked values, for the verification pass: the writer's own
    :func:`auditlog.log_fields` (one decode of the state), without building an entry."""
    f = _writer_fields(0, "", version, topic, _state_bytes(state))
    evidence = f[14]
    return (
        f[6],
        f[7],
        f[8],
        f[9],
        f[10],
        f[13],
        json.dumps(list(evidence), ensure_ascii=False) if evidence else "[]",
    )
