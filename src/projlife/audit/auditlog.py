"""The readable audit log: who, what, when and why of every stored event.

Rows are read straight from the stored state JSON (eventsourcing's JSON transcoder
with projlife's transcodings), so every aggregate that follows the event conventions
(``occurred_on``, ``actor``, ``reason``, ``evidence``; the recorded time is
``timestamp``) is logged without importing its classes: projects, tickets and
whatever a plugin adds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import attrs

__all__ = ["AuditEntry", "entry_from_state", "plain"]

_BASE_FIELDS = frozenset(
    {"timestamp", "originator_topic", "occurred_on", "actor", "reason", "evidence", "originator_id"}
)
_SUBJECT_FIELDS = ("code", "name", "area_code", "planned_investment", "category", "initial_stage")
_MAX_VALUE = 120


@attrs.frozen
class AuditEntry:
    """One line of the audit log."""

    position: int
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    event_type: str
    summary: str
    actor_id: str | None
    actor_role: str | None
    actor_area: str | None
    occurred_on: date | None
    recorded_at: datetime | None
    reason: str | None
    evidence: tuple[str, ...]
    subject_code: str | None = None
    subject_area: str | None = None
    event_hash: bytes = attrs.field(default=b"", repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping."""
        return {
            "position": self.position,
            "aggregate_type": self.aggregate_type,
            "aggregate_id": self.aggregate_id,
            "aggregate_version": self.aggregate_version,
            "subject_code": self.subject_code,
            "subject_area": self.subject_area,
            "event_type": self.event_type,
            "summary": self.summary,
            "actor": {"id": self.actor_id, "role": self.actor_role, "area_code": self.actor_area},
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "recorded_at": self.recorded_at.isoformat() if self.recorded_at else None,
            "reason": self.reason,
            "evidence": list(self.evidence),
            "event_hash": self.event_hash.hex(),
        }


def plain(value: Any) -> Any:
    """Turn transcoded JSON (``{"_type_": …, "_data_": …}``) into plain JSON values."""
    if isinstance(value, dict):
        if set(value) == {"_type_", "_data_"}:
            kind, data = value["_type_"], value["_data_"]
            if kind == "cny":
                return f"{data} 元"
            return plain(data)
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _plain_object(value: dict[str, Any]) -> Any:
    """:func:`plain` for one JSON object whose members are plain already (``json`` object hook)."""
    if len(value) == 2 and "_type_" in value and "_data_" in value:
        data = value["_data_"]
        return f"{data} 元" if value["_type_"] == "cny" else data
    return value


def _plain_fields(state: bytes) -> dict[str, Any] | None:
    """The event state's fields as plain JSON values (``None`` if it is not a JSON object).

    One decode with :func:`_plain_object` as the object hook gives what :func:`plain` over
    ``json.loads`` gives (a cny amount's data is a string, so its plain form is itself); the top
    level alone is decoded the long way when the hook would not leave it an object.
    """
    try:
        fields = _PLAIN_DECODER.decode(state.decode("utf-8") if isinstance(state, bytes) else state)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(fields, dict):
        return fields
    raw = json.loads(state)
    return {k: plain(v) for k, v in raw.items()} if isinstance(raw, dict) else None


_PLAIN_DECODER = json.JSONDecoder(object_hook=_plain_object)


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _split_topic(topic: str) -> tuple[str, str]:
    """``projlife:Project.Signed`` → (``Project``, ``Project.Signed``)."""
    name = topic.split(":", 1)[-1]
    return name.split(".", 1)[0], name


def entry_from_state(
    position: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    state: bytes,
    *,
    subjects: Mapping[str, tuple[str | None, str | None]] | None = None,
    hashed: bytes = b"",
) -> AuditEntry:
    """Build the audit entry of one stored event; never raises on unexpected content.

    ``subjects`` maps an aggregate id to its (code, area) learned from its creation
    event, so later events name the project and area they concern.
    """
    aggregate_type, event_type = _split_topic(topic)
    fields = _plain_fields(state)
    if fields is None:
        return AuditEntry(
            position=position,
            aggregate_type=aggregate_type,
            aggregate_id=originator_id,
            aggregate_version=originator_version,
            event_type=event_type,
            summary=f"{event_type.split('.', 1)[-1]} (state is not a JSON object)",
            actor_id=None,
            actor_role=None,
            actor_area=None,
            occurred_on=None,
            recorded_at=None,
            reason=None,
            evidence=(),
            event_hash=hashed,
        )
    actor = fields.get("actor") if isinstance(fields.get("actor"), dict) else {}
    assert isinstance(actor, dict)
    details = [(k, v) for k, v in fields.items() if k not in _BASE_FIELDS]
    if originator_version == 1:
        code = fields.get("code") if isinstance(fields.get("code"), str) else None
        area = fields.get("area_code") if isinstance(fields.get("area_code"), str) else None
        details = [(k, v) for k, v in details if k in _SUBJECT_FIELDS] or details
    else:
        code, area = (subjects or {}).get(originator_id, (None, None))
    summary = event_type.split(".", 1)[-1]
    if details:
        summary += ": " + ", ".join(f"{k}={_short(v)}" for k, v in details if v not in (None, [], ""))
    evidence = fields.get("evidence")
    return AuditEntry(
        position=position,
        aggregate_type=aggregate_type,
        aggregate_id=originator_id,
        aggregate_version=originator_version,
        event_type=event_type,
        summary=summary.rstrip(": "),
        actor_id=_str_or_none(actor.get("id")),
        actor_role=_str_or_none(actor.get("role")),
        actor_area=_str_or_none(actor.get("area_code")),
        occurred_on=_date_or_none(fields.get("occurred_on")),
        recorded_at=_datetime_or_none(fields.get("timestamp")),
        reason=_str_or_none(fields.get("reason")),
        evidence=tuple(str(e) for e in evidence) if isinstance(evidence, list) else (),
        subject_code=code,
        subject_area=area,
        event_hash=hashed,
    )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _datetime_or_none(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
