"""The values of an ``audit_log`` row that follow from its event, derived for checking.

:func:`reference_fields` derives them through :func:`auditlog.entry_from_state`, the function
that wrote them. :func:`log_fields` gives the same values faster, for the verification pass over
the whole log: one plain ``json`` decode without an object hook, the ``{"_type_": …, "_data_": …}``
wrappers unwrapped only in the fields the log shows, and anything it does not handle exactly as
the writer does (a value nested deeper than one wrapper, a state that is not valid UTF-8 or not
a JSON object, …) handed to :func:`reference_fields`.
"""

from __future__ import annotations

import json
import json.scanner
from collections.abc import Callable
from typing import Any

from .auditlog import _BASE_FIELDS, _MAX_VALUE, _SUBJECT_FIELDS, _short, _split_topic, entry_from_state

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


class _Unusual(Exception):
    """A value :func:`log_fields` leaves to :func:`reference_fields`."""


_SCALARS = frozenset({str, int, float, bool, type(None)})
# the C scanner of a plain decoder (typeshed types its argument narrower than what it reads)
_scan: Callable[[str, int], tuple[Any, int]] = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_topics: dict[str, tuple[str, str, str]] = {}


def _is_wrapper(value: dict[str, Any]) -> bool:
    return len(value) == 2 and "_type_" in value and "_data_" in value


def _flat(value: Any) -> bool:
    """A JSON value the writer's object hook leaves as it is: a scalar, or a list or object of scalars."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list:
        return _SCALARS.issuperset(map(type, value))
    if kind is dict and not _is_wrapper(value):
        return _SCALARS.issuperset(map(type, value.values()))
    return False


def _plain(value: Any) -> Any:
    """What the writer's object hook makes of a decoded value that is flat or wraps a flat one."""
    if type(value) is dict and _is_wrapper(value):
        data = value["_data_"]
        if not _flat(data):
            raise _Unusual
        return f"{data} 元" if value["_type_"] == "cny" else data
    if not _flat(value):
        raise _Unusual
    return value


def _text(value: Any) -> str | None:
    """The hooked value as text, or ``None`` when it is not text (a dict might become text)."""
    if isinstance(value, str):
        return value
    if type(value) is dict:
        plain = _plain(value)
        return plain if type(plain) is str else None
    return None


def _actor(actor: Any) -> tuple[str | None, str | None, str | None]:
    """(id, role, area code) of the decoded ``actor`` value, as the writer reads them."""
    if type(actor) is not dict:
        return None, None, None
    if len(actor) == 2 and "_type_" in actor and "_data_" in actor:
        data = actor["_data_"]
        if type(data) is not dict or actor["_type_"] == "cny":
            return None, None, None  # the writer's hook makes it text or leaves it a non-object
        if len(data) == 2 and "_type_" in data and "_data_" in data:
            raise _Unusual
        actor = data
    # the hook leaves the other members' values alone as far as these three are concerned
    return _text(actor.get("id")), _text(actor.get("role")), _text(actor.get("area_code"))


def log_fields(topic: str, version: int, state: Any) -> LogFields:
    """:func:`reference_fields`, faster; equal to it for every input (see the property tests)."""
    try:
        if type(state) is not bytes:
            raise _Unusual
        text = state.decode("utf-8")
        try:
            fields, end = _scan(text, 0)
        except StopIteration:
            raise _Unusual from None
        if (
            end != len(text)
            or type(fields) is not dict
            or (len(fields) == 2 and "_type_" in fields and "_data_" in fields)
        ):
            raise _Unusual  # surrounding blanks, trailing data, not an object: the long way
        names = _topics.get(topic)
        if names is None:
            event_type = _split_topic(topic)[1]
            short_type = event_type.split(".", 1)[-1]
            names = (event_type, short_type, short_type.rstrip(": "))
            if len(_topics) < 10_000:
                _topics[topic] = names
        event_type, summary, bare = names
        actor_id, role, area = _actor(fields.get("actor"))
        evidence = fields.get("evidence")
        if type(evidence) is list:
            if evidence:
                if not _SCALARS.issuperset(map(type, evidence)):
                    raise _Unusual
                evidence_json = json.dumps([str(e) for e in evidence], ensure_ascii=False)
            else:
                evidence_json = "[]"
        elif type(evidence) is dict:
            evidence = _plain(evidence)
            evidence_json = (
                json.dumps([str(e) for e in evidence], ensure_ascii=False) if type(evidence) is list else "[]"
            )
        else:
            evidence_json = "[]"
        base = _BASE_FIELDS
        details = [(k, v) for k, v in fields.items() if k not in base]
        if details:
            if version == 1:
                subject = _SUBJECT_FIELDS
                details = [(k, v) for k, v in details if k in subject] or details
            parts = []
            for k, v in details:
                if type(v) is str:
                    if v:
                        parts.append(f"{k}={v}" if len(v) <= _MAX_VALUE else f"{k}={_short(v)}")
                    continue
                v = _plain(v)
                if v not in (None, [], ""):
                    parts.append(f"{k}={_short(v)}")
            summary = f"{summary}: {', '.join(parts)}".rstrip(": ")
        else:
            summary = bare
        reason = fields.get("reason")
        return (
            event_type,
            summary,
            actor_id,
            role,
            area,
            reason if type(reason) is str else _text(reason),
            evidence_json,
        )
    except (_Unusual, ValueError, UnicodeError, RecursionError):
        return reference_fields(topic, version, state)
