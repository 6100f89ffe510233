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

__all__ = ["LOG_COLUMNS", "AuditEntry", "LogFields", "entry_from_state", "log_fields", "plain"]

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
    level alone is decoded the long way when the hook would not leave it an object. A state that
    is one JSON object from its first byte to its last (as the event store writes it) is scanned
    directly, without the decoder's whitespace checks; any other goes through ``decode``.
    """
    try:
        text = state.decode("utf-8") if isinstance(state, bytes) else state
    except UnicodeDecodeError:
        return None
    fields: Any = _UNSCANNED
    if text[:1] == "{":
        try:
            fields, end = _PLAIN_SCAN(text, 0)
        except (ValueError, StopIteration):  # where ``decode`` raises too
            return None
        if end != len(text):
            fields = _UNSCANNED
    if fields is _UNSCANNED:
        try:
            fields = _PLAIN_DECODER.decode(text)
        except ValueError:
            return None
    if isinstance(fields, dict):
        return fields
    raw = json.loads(state)
    return {k: plain(v) for k, v in raw.items()} if isinstance(raw, dict) else None


_PLAIN_DECODER = json.JSONDecoder(object_hook=_plain_object)
_PLAIN_SCAN: Any = getattr(_PLAIN_DECODER, "scan_once")  # noqa: B009 - set in __init__, not typed
_UNSCANNED = object()
_SHORT_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
"""What ``json.dumps(value, ensure_ascii=False, sort_keys=True)`` uses, built once."""


def _short(value: Any) -> str:
    if type(value) is str:
        text = value
    elif type(value) is int:
        text = int.__repr__(value)  # what the JSON encoder writes for an int
    else:
        text = value if isinstance(value, str) else _SHORT_ENCODER.encode(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _split_topic(topic: str) -> tuple[str, str]:
    """``projlife:Project.Signed`` → (``Project``, ``Project.Signed``)."""
    name = topic.split(":", 1)[-1]
    return name.split(".", 1)[0], name


_topic_parts_cache: dict[str, tuple[str, str, str]] = {}


def _topic_parts(topic: str) -> tuple[str, str, str]:
    """(aggregate type, event type, the event's own name) of a topic, cached."""
    parts = _topic_parts_cache.get(topic)
    if parts is None:
        aggregate_type, event_type = _split_topic(topic)
        parts = (aggregate_type, event_type, event_type.split(".", 1)[-1])
        if len(_topic_parts_cache) < 10_000:
            _topic_parts_cache[topic] = parts
    return parts


LogFields = tuple[
    int, str, str, int, "str | None", "str | None", str, str, "str | None", "str | None", "str | None",
    "date | None", "datetime | None", "str | None", tuple[str, ...], bytes,
]  # fmt: skip
"""One audit-log row in ``LOG_COLUMNS`` order (``evidence`` as a tuple of strings)."""

LOG_COLUMNS = (
    "position", "aggregate_type", "aggregate_id", "aggregate_version", "subject_code", "subject_area",
    "event_type", "summary", "actor_id", "actor_role", "actor_area", "occurred_on", "recorded_at",
    "reason", "evidence", "event_hash",
)  # fmt: skip
"""The ``audit_log`` columns, in the order of :data:`LogFields`."""

_NOT_SHOWN: tuple[Any, ...] = (None, [], "")


def log_fields(
    position: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    state: bytes,
    *,
    subjects: Mapping[str, tuple[str | None, str | None]] | None = None,
    hashed: bytes = b"",
) -> LogFields:
    """The audit-log row of one stored event (see :func:`entry_from_state`), as a plain tuple."""
    aggregate_type, event_type, kind = _topic_parts(topic)
    fields = _plain_fields(state)
    if fields is None:
        return (
            position, aggregate_type, originator_id, originator_version, None, None, event_type,
            f"{kind} (state is not a JSON object)", None, None, None, None, None, None, (), hashed,
        )  # fmt: skip
    get = fields.get
    actor = get("actor")
    if not isinstance(actor, dict):
        actor = {}
    details = [(k, v) for k, v in fields.items() if k not in _BASE_FIELDS]
    if originator_version == 1:
        code = get("code")
        if not isinstance(code, str):
            code = None
        area = get("area_code")
        if not isinstance(area, str):
            area = None
        details = [(k, v) for k, v in details if k in _SUBJECT_FIELDS] or details
    else:
        code, area = (subjects or {}).get(originator_id, (None, None))
    summary = kind
    if details:
        summary += ": " + ", ".join([f"{k}={_short(v)}" for k, v in details if v not in _NOT_SHOWN])
    evidence = get("evidence")
    reason = get("reason")
    return (
        position,
        aggregate_type,
        originator_id,
        originator_version,
        code,
        area,
        event_type,
        summary.rstrip(": "),
        _str_or_none(actor.get("id")),
        _str_or_none(actor.get("role")),
        _str_or_none(actor.get("area_code")),
        _date_or_none(get("occurred_on")),
        _datetime_or_none(get("timestamp")),
        reason if isinstance(reason, str) else None,
        tuple([str(e) for e in evidence]) if isinstance(evidence, list) else (),
        hashed,
    )


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
    f = log_fields(
        position, originator_id, originator_version, topic, state, subjects=subjects, hashed=hashed
    )
    return AuditEntry(
        position=f[0],
        aggregate_type=f[1],
        aggregate_id=f[2],
        aggregate_version=f[3],
        subject_code=f[4],
        subject_area=f[5],
        event_type=f[6],
        summary=f[7],
        actor_id=f[8],
        actor_role=f[9],
        actor_area=f[10],
        occurred_on=f[11],
        recorded_at=f[12],
        reason=f[13],
        evidence=f[14],
        event_hash=f[15],
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
