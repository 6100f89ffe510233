"""Canonical bytes of one stored event, its hash, and the hash chain over the log.

Pure and database-free, so the offline verifier can decode a leaf a county hands over.

Record encoding, format v1 (all integers unsigned big-endian)::

    offset  size  field
    0       8     magic  b"PLEVT\\x00\\x00\\x01"  (format v1; separates these bytes from
                          anything else that is ever hashed)
    8       8     position            the log position (notification id), u64
    16      4     len(originator_id)  u32, always 36
    20      36    originator_id       canonical UUID text: lowercase, hyphenated, ASCII
                                      (the same on SQLite, which stores 32 hex digits,
                                      and PostgreSQL, which stores a uuid)
    56      8     originator_version  u64
    64      4     len(topic)          u32
    68      t     topic               UTF-8
    68+t    4     len(state)          u32
    72+t    s     state               the stored state bytes, exactly as recorded

Every variable field is length-prefixed, so two different records never encode to the
same bytes.  The **event hash** is the RFC 6962 leaf hash of those bytes,
``SHA-256(0x00 || record)``, and is the Merkle leaf of the event as is.  The **chain**
is ``chain_0 = SHA-256(GENESIS || event_hash_0)`` with ``GENESIS`` 32 zero bytes, and
``chain_i = SHA-256(chain_{i-1} || event_hash_i)``: each entry commits to every entry
before it in log order.
"""

from __future__ import annotations

import hashlib
import struct
from uuid import UUID

import attrs

from .errors import ProofError

__all__ = [
    "GENESIS",
    "RECORD_MAGIC",
    "StoredRecord",
    "chain_hash",
    "decode_record",
    "encode_record",
    "event_hash",
    "id_text",
]

RECORD_MAGIC = b"PLEVT\x00\x00\x01"
GENESIS = bytes(32)
"""The chain value before the first event."""

_U64 = struct.Struct(">Q")
_U32 = struct.Struct(">I")
_HEAD = struct.Struct(">8sQI")
_sha256 = hashlib.sha256
_MAX_U64 = (1 << 64) - 1
_MAX_U32 = (1 << 32) - 1


@attrs.frozen
class StoredRecord:
    """One row of the event table, as the audit trail sees it."""

    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes = attrs.field(repr=False)


def id_text(originator_id: UUID | str) -> str:
    """The canonical UUID text an originator id is hashed as."""
    return str(originator_id if isinstance(originator_id, UUID) else UUID(originator_id))


def encode_record(
    position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """The canonical v1 bytes of a stored event (see the module docstring)."""
    if not (0 <= position <= _MAX_U64 and 0 <= originator_version <= _MAX_U64):
        raise ProofError(
            f"encode the stored event at position {position}",
            "position or version is out of range",
            "integers between 0 and 2**64-1",
        )
    id_bytes = id_text(originator_id).encode("utf-8")
    topic_bytes = topic.encode("utf-8")
    state_bytes = bytes(state)
    if max(len(state_bytes), len(topic_bytes), len(id_bytes)) > _MAX_U32:
        raise ProofError(f"encode the stored event at position {position}", "a field is too long", "< 4 GiB")
    return b"".join(
        (
            _HEAD.pack(RECORD_MAGIC, position, len(id_bytes)),
            id_bytes,
            _U64.pack(originator_version),
            _U32.pack(len(topic_bytes)),
            topic_bytes,
            _U32.pack(len(state_bytes)),
            state_bytes,
        )
    )


def event_hash(
    position: int, originator_id: UUID | str, originator_version: int, topic: str, state: bytes
) -> bytes:
    """``SHA-256(0x00 || record)``: the event's hash and its Merkle leaf hash."""
    return _sha256(
        b"\x00" + encode_record(position, originator_id, originator_version, topic, state)
    ).digest()


def chain_hash(previous: bytes, this_event_hash: bytes) -> bytes:
    """``SHA-256(previous || event_hash)``; ``previous`` is :data:`GENESIS` for the first event."""
    return _sha256(previous + this_event_hash).digest()


def decode_record(data: bytes) -> StoredRecord:
    """Parse v1 record bytes back into a :class:`StoredRecord`; raises :class:`ProofError`."""
    what = "decode a stored-event record"
    try:
        magic, position, id_len = _HEAD.unpack_from(data, 0)
        if magic != RECORD_MAGIC:
            raise ProofError(
                what, "the bytes do not start with the v1 record magic", "projlife-event v1 bytes"
            )
        offset = _HEAD.size
        originator_id = data[offset : offset + id_len].decode("utf-8")
        offset += id_len
        (version,) = _U64.unpack_from(data, offset)
        offset += 8
        (topic_len,) = _U32.unpack_from(data, offset)
        offset += 4
        topic = data[offset : offset + topic_len].decode("utf-8")
        offset += topic_len
        (state_len,) = _U32.unpack_from(data, offset)
        offset += 4
        state = bytes(data[offset : offset + state_len])
        offset += state_len
    except (struct.error, UnicodeDecodeError, ValueError) as exc:
        raise ProofError(what, f"the bytes are malformed ({exc})", "projlife-event v1 bytes") from exc
    if (
        len(originator_id.encode("utf-8")) != id_len
        or len(topic.encode("utf-8")) != topic_len
        or len(state) != state_len
        or offset != len(data)
    ):
        raise ProofError(what, "the lengths do not add up to the data given", "one complete v1 record")
    return StoredRecord(position, originator_id, version, topic, state)
