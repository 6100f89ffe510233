"""The write path as commit 6982852 had it, frozen: the oracle the faster one is compared with.

Stored event bytes, ``audit_chain`` rows and ``audit_log`` rows must stay byte-identical, so that
databases written before stay verifiable. This module keeps, unchanged, what wrote them:
eventsourcing's own JSON transcoder with projlife's transcodings, the audit-log entry built by
decoding the stored state, and the in-transaction chain hook. Only tests import it.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from projlife.audit.rawdb import RawDB
from projlife.audit.records import RECORD_MAGIC
from projlife.audit.sealing import (
    GENESIS_HEAD,
    MAX_CATCH_UP,
    ChainHead,
    _write_head,
    canonical_id,
    read_head,
)
from projlife.store.transcodings import register_transcodings

# -- the transcoder: eventsourcing's, with the registrations the application made ------------


def stock_transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(transcoding)
    register_transcodings(transcoder)
    return transcoder


# -- the audit-log entry (projlife.audit.auditlog at 6982852) ---------------------------------

_BASE_FIELDS = frozenset(
    {"timestamp", "originator_topic", "occurred_on", "actor", "reason", "evidence", "originator_id"}
)
_SUBJECT_FIELDS = ("code", "name", "area_code", "planned_investment", "category", "initial_stage")
_MAX_VALUE = 120


def plain(value: Any) -> Any:
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
    if len(value) == 2 and "_type_" in value and "_data_" in value:
        data = value["_data_"]
        return f"{data} 元" if value["_type_"] == "cny" else data
    return value


_PLAIN_DECODER = json.JSONDecoder(object_hook=_plain_object)


def plain_fields(state: bytes) -> dict[str, Any] | None:
    try:
        fields = _PLAIN_DECODER.decode(state.decode("utf-8") if isinstance(state, bytes) else state)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(fields, dict):
        return fields
    raw = json.loads(state)
    return {k: plain(v) for k, v in raw.items()} if isinstance(raw, dict) else None


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def _split_topic(topic: str) -> tuple[str, str]:
    name = topic.split(":", 1)[-1]
    return name.split(".", 1)[0], name


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


def entry(
    position: int,
    originator_id: str,
    originator_version: int,
    topic: str,
    state: bytes,
    *,
    subjects: Mapping[str, tuple[str | None, str | None]] | None = None,
    hashed: bytes = b"",
) -> dict[str, Any]:
    """``entry_from_state`` of 6982852, as a mapping of ``AuditEntry``'s fields."""
    aggregate_type, event_type = _split_topic(topic)
    fields = plain_fields(state)
    if fields is None:
        return {
            "position": position,
            "aggregate_type": aggregate_type,
            "aggregate_id": originator_id,
            "aggregate_version": originator_version,
            "event_type": event_type,
            "summary": f"{event_type.split('.', 1)[-1]} (state is not a JSON object)",
            "actor_id": None,
            "actor_role": None,
            "actor_area": None,
            "occurred_on": None,
            "recorded_at": None,
            "reason": None,
            "evidence": (),
            "subject_code": None,
            "subject_area": None,
            "event_hash": hashed,
        }
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
    return {
        "position": position,
        "aggregate_type": aggregate_type,
        "aggregate_id": originator_id,
        "aggregate_version": originator_version,
        "event_type": event_type,
        "summary": summary.rstrip(": "),
        "actor_id": _str_or_none(actor.get("id")),
        "actor_role": _str_or_none(actor.get("role")),
        "actor_area": _str_or_none(actor.get("area_code")),
        "occurred_on": _date_or_none(fields.get("occurred_on")),
        "recorded_at": _datetime_or_none(fields.get("timestamp")),
        "reason": _str_or_none(fields.get("reason")),
        "evidence": tuple(str(e) for e in evidence) if isinstance(evidence, list) else (),
        "subject_code": code,
        "subject_area": area,
        "event_hash": hashed,
    }


# -- the chain hook (projlife.audit.sealing at 6982852) ----------------------------------------

_sha256 = hashlib.sha256
_U32 = struct.Struct(">I")
_LEAF_HEAD = struct.Struct(">1s8sQI36sQ")


def leaf_of_row(row: Sequence[Any]) -> bytes:
    position, oid, version, topic, state = row
    if type(state) is not bytes:
        state = state.encode("utf-8") if isinstance(state, str) else bytes(state)
    encoded = topic.encode("utf-8")
    return _sha256(
        _LEAF_HEAD.pack(b"\x00", RECORD_MAGIC, position, 36, canonical_id(oid).encode("ascii"), version)
        + _U32.pack(len(encoded))
        + encoded
        + _U32.pack(len(state))
        + state
    ).digest()


def _subjects_for(
    db: RawDB, cur: Any, rows: Sequence[Any], known: dict[str, tuple[str | None, str | None]]
) -> None:
    missing = sorted({canonical_id(r[1]) for r in rows if r[2] != 1} - known.keys())
    for i in range(0, len(missing), 500):
        chunk = missing[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        cur.execute(
            db.q(
                "SELECT aggregate_id, subject_code, subject_area FROM audit_log "
                f"WHERE aggregate_version = 1 AND aggregate_id IN ({marks})"
            ),
            chunk,
        )
        for aggregate_id, code, area in cur.fetchall():
            known[aggregate_id] = (code, area)


def log_values(db: RawDB, e: Mapping[str, Any]) -> tuple[Any, ...]:
    occurred: Any = db.dialect.raw_date(e["occurred_on"])
    recorded: Any = db.dialect.raw_datetime(e["recorded_at"])
    return (
        e["position"], e["aggregate_type"], e["aggregate_id"], e["aggregate_version"], e["subject_code"],
        e["subject_area"], e["event_type"], e["summary"], e["actor_id"], e["actor_role"], e["actor_area"],
        occurred, recorded, e["reason"], json.dumps(list(e["evidence"]), ensure_ascii=False), e["event_hash"],
    )  # fmt: skip


def _state_bytes(state: Any) -> bytes:
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


_INSERT_CHAIN = (
    "INSERT INTO audit_chain (seq, position, originator_id, originator_version, event_hash, chain_hash) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_INSERT_LOG = (
    "INSERT INTO audit_log (position, aggregate_type, aggregate_id, aggregate_version, subject_code, "
    "subject_area, event_type, summary, actor_id, actor_role, actor_area, occurred_on, recorded_at, "
    "reason, evidence, event_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _append(
    db: RawDB,
    cur: Any,
    stored_head: ChainHead | None,
    rows: Sequence[Any],
    subjects: dict[str, tuple[str | None, str | None]],
) -> ChainHead:
    head = stored_head or GENESIS_HEAD
    acc = head.accumulator()
    chain = head.chain_hash
    seq = head.size
    chain_rows = []
    for row in rows:
        leaf = leaf_of_row(row)
        chain = _sha256(chain + leaf).digest()
        acc.append(leaf)
        chain_rows.append((seq, row[0], canonical_id(row[1]), row[2], leaf, chain))
        seq += 1
    cur.executemany(db.q(_INSERT_CHAIN), chain_rows)
    _subjects_for(db, cur, rows, subjects)
    entries = []
    for row, crow in zip(rows, chain_rows, strict=True):
        e = entry(row[0], crow[2], row[2], row[3], _state_bytes(row[4]), subjects=subjects, hashed=crow[4])
        if e["aggregate_version"] == 1:
            subjects[e["aggregate_id"]] = (e["subject_code"], e["subject_area"])
        entries.append(log_values(db, e))
    cur.executemany(db.q(_INSERT_LOG), entries)
    new_head = ChainHead(seq, int(rows[-1][0]), chain, acc.frontier)
    _write_head(db, cur, new_head, existed=stored_head is not None)
    return new_head


def chain_in_transaction(db: RawDB, cur: Any, rows: Sequence[Any]) -> int:
    if not rows:
        return 0
    db.dialect.chain_lock(cur, lock_key=db.lock_key)
    stored_head = read_head(db, cur)
    after = stored_head.last_position if stored_head else 0
    first = int(rows[0][0])
    if first <= after:
        return 0
    earlier = db.stored_rows_between(cur, after, first, MAX_CATCH_UP + 1)
    if len(earlier) > MAX_CATCH_UP:
        return 0
    todo = [*earlier, *rows]
    _append(db, cur, stored_head, todo, {})
    return len(todo)
