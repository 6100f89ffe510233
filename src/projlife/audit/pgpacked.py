"""PostgreSQL: a batch of joined audit rows as one packed ``bytea`` value.

psycopg's pure-Python build costs about 2 µs per value it loads, so sixteen columns a row
would cap verification near 30k events/s. The server packs each joined row (event, chain row,
log row) into length-prefixed bytes with its own built-in send functions and ``string_agg``
glues a batch together; the client receives one value per batch and slices it apart here.
The bytes hashed are still the stored ``state`` bytes, exactly as stored; nothing is hashed
on the server.

Layout of one row (big-endian): position ``int8``; originator id as its 36-character
canonical text; version ``int8``; chain ``seq`` ``int8`` (-1 when there is no chain row);
log position ``int8`` (-1 when there is no log row); then the byte lengths (``int4``, -1 for
``NULL``) of topic, state, event hash, chain hash and the seven checked log columns, then
those values' bytes in that order (text as UTF-8).
"""

from __future__ import annotations

import struct
from typing import Any

__all__ = ["packed_sql", "unpack_rows"]

_LOG_COLUMNS = ("event_type", "summary", "actor_id", "actor_role", "actor_area", "reason", "evidence")
_HEAD = struct.Struct(">q36sqqq11i")


def _length(value: str) -> str:
    return f"pg_catalog.int4send(coalesce(pg_catalog.octet_length({value}), -1))"


def packed_sql(events_table: str, position: str, mark: str) -> str:
    """One row: the packed rows after position ``mark`` (up to ``mark`` of them), their count and
    the last position. The rows are packed in log order; the reader checks that they are."""
    texts = ", ".join(
        f"pg_catalog.convert_to({c}, 'UTF8') AS {c.replace('.', '_')}"
        for c in ("e.topic", *(f"l.{c}" for c in _LOG_COLUMNS))
    )
    values = ["u.e_topic", "e.state", "c.event_hash", "c.chain_hash", *(f"u.l_{c}" for c in _LOG_COLUMNS)]
    packed = " || ".join(
        [
            f"pg_catalog.int8send(e.{position})",
            "pg_catalog.convert_to(e.originator_id::text, 'UTF8')",
            "pg_catalog.int8send(e.originator_version)",
            "pg_catalog.int8send(coalesce(c.seq, -1))",
            "pg_catalog.int8send(coalesce(l.position, -1))",
            *(_length(v) for v in values),
            *(f"coalesce({v}, ''::bytea)" for v in values),
        ]
    )
    return (
        "SELECT pg_catalog.string_agg(r, ''::bytea), count(*), max(p) FROM ("
        f"SELECT e.{position} AS p, {packed} AS r FROM {events_table} e "
        f"LEFT JOIN audit_chain c ON c.position = e.{position} "
        f"LEFT JOIN audit_log l ON l.position = e.{position} "
        f"CROSS JOIN LATERAL (SELECT {texts}) AS u "
        f"WHERE e.{position} > {mark} ORDER BY e.{position} LIMIT {mark}) AS batch"
    )


def unpack_rows(blob: bytes | None) -> list[tuple[Any, ...]]:
    """The rows of one packed batch, as :meth:`RawDB.joined_rows` gives them (the id as ASCII bytes)."""
    rows: list[tuple[Any, ...]] = []
    if not blob:
        return rows
    unpack = _HEAD.unpack_from
    head = _HEAD.size
    end = len(blob)
    off = 0
    while off < end:
        (position, oid, version, seq, log_position, nt, ns, ne, nc, *nl) = unpack(blob, off)
        off += head
        topic = blob[off : off + nt].decode("utf-8") if nt >= 0 else None
        off += max(nt, 0)
        state = blob[off : off + ns] if ns >= 0 else None
        off += max(ns, 0)
        event = blob[off : off + ne] if ne >= 0 else None
        off += max(ne, 0)
        chain = blob[off : off + nc] if nc >= 0 else None
        off += max(nc, 0)
        if log_position < 0:
            off += sum(n for n in nl if n > 0)
            rows.append((position, oid, version, topic, state, None if seq < 0 else seq, event, chain, None))
            continue
        logged: list[str | None] = []
        for n in nl:
            if n < 0:
                logged.append(None)
            else:
                logged.append(blob[off : off + n].decode("utf-8"))
                off += n
        rows.append(
            (
                position,
                oid,
                version,
                topic,
                state,
                None if seq < 0 else seq,
                event,
                chain,
                log_position,
                *logged,
            )
        )
    if off != end:
        raise ValueError("the packed batch does not add up")
    return rows
