"""The verification pass over the whole log, in one read of each table.

:func:`fast_pass` reads every stored event once, with its ``audit_chain`` row and its
``audit_log`` row beside it (:meth:`RawDB.joined_rows`), and in that one pass re-hashes the
stored bytes, follows the chain, rebuilds the Merkle frontier, checks each signed checkpoint's
root and the ``audit_head`` row, and re-derives each log row from its event
(:func:`logfields.log_fields`). It only answers "intact" or "not intact": at the first thing
that does not verify it stops and returns ``None``, and the reference walk
(:func:`integrity._walk` and :func:`logcheck.check_audit_log`) then says what is wrong and
where. It accepts only what the reference walk accepts (see the property tests).
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any

from .checkpoint import Checkpoint
from .logfields import log_fields
from .merkle import MerkleAccumulator
from .rawdb import RawDB
from .records import GENESIS, RECORD_MAGIC
from .sealing import _topic_field, canonical_id, read_head

__all__ = ["fast_pass"]

_sha256 = hashlib.sha256
_LEAF_HEAD = struct.Struct(">1s8sQI36sQ")
_U32 = struct.Struct(">I")
_NOT_HASHABLE = (TypeError, ValueError, UnicodeError, OverflowError, AttributeError, struct.error)


def _id_bytes(ids: dict[Any, bytes], canonical: Any, oid: Any) -> bytes:
    """The canonical id of ``oid`` as ASCII bytes, remembered in ``ids`` (at most 100k of them)."""
    text: bytes = canonical(oid).encode("ascii")
    if len(ids) >= 100_000:
        ids.clear()
    ids[oid] = text
    return text


def fast_pass(
    db: RawDB, cur: Any, checkpoints: list[Checkpoint], batch_size: int, *, check_log: bool = True
) -> tuple[int, int] | None:
    """``(sealed events checked, unsealed events)`` if the whole log verifies, else ``None``."""
    try:
        return _pass(db, cur, checkpoints, batch_size, check_log)
    except _NOT_HASHABLE:
        return None  # a row whose columns do not have the event table's types


def _pass(
    db: RawDB, cur: Any, checkpoints: list[Checkpoint], batch_size: int, check_log: bool
) -> tuple[int, int] | None:
    canonical = None if db.ids_are_canonical else canonical_id
    as_bytes = db.as_bytes
    sha = _sha256
    head_pack = _LEAF_HEAD.pack
    u32 = _U32.pack
    topic_field = _topic_field
    magic = RECORD_MAGIC
    fields_of = log_fields
    node = b"\x01"
    pending = [cp for cp in checkpoints if cp.tree_size != 0]
    pending.reverse()
    next_cp = pending.pop() if pending else None
    next_size = next_cp.tree_size if next_cp is not None else -1
    ids: dict[Any, bytes] = {}  # an aggregate's id recurs for each of its events
    frontier: list[bytes] = []
    chain = GENESIS
    seq = unsealed = 0
    last_position = previous = 0
    while True:
        rows = db.joined_rows(cur, previous, batch_size)
        for row in rows:
            position, oid, version, topic, state, c_seq, c_event, c_chain, l_position = row[:9]
            if position <= previous:
                return None
            previous = position
            if c_seq is not None:
                if unsealed or c_seq != seq:
                    return None
                if type(state) is not bytes:
                    state = state.encode("utf-8") if isinstance(state, str) else bytes(state)
                leaf = sha(
                    head_pack(
                        b"\x00",
                        magic,
                        position,
                        36,
                        oid if canonical is None else (ids.get(oid) or _id_bytes(ids, canonical, oid)),
                        version,
                    )
                    + topic_field(topic)
                    + u32(len(state))
                    + state
                ).digest()
                if leaf != c_event and leaf != as_bytes(c_event):
                    return None
                chain = sha(chain + leaf).digest()
                if chain != c_chain and chain != as_bytes(c_chain):
                    return None
                h, size = leaf, seq
                while size & 1:
                    h = sha(node + frontier.pop() + h).digest()
                    size >>= 1
                frontier.append(h)
                seq += 1
                last_position = position
                if seq == next_size:
                    assert next_cp is not None
                    if next_cp.last_position != position or (
                        MerkleAccumulator.from_frontier(seq, frontier).root() != next_cp.root_hash
                    ):
                        return None
                    next_cp = pending.pop() if pending else None
                    next_size = next_cp.tree_size if next_cp is not None else -1
            else:
                unsealed += 1
            if check_log and l_position is not None and row[9:] != fields_of(topic, version, state):
                return None
        if len(rows) < batch_size:
            break
    if next_cp is not None:
        return None  # a checkpoint covers more events than are sealed
    cur.execute("SELECT count(*), max(seq) FROM audit_chain WHERE seq >= 0")
    n_chain, max_seq = cur.fetchone()
    if int(n_chain) != seq or (seq and int(max_seq) != seq - 1):
        return None  # a chain row whose event is gone
    head = read_head(db, cur)
    if (head is None and seq) or (
        head is not None
        and (head.size, head.last_position, head.chain_hash, head.frontier)
        != (seq, last_position, chain, tuple(frontier))
    ):
        return None
    return seq, unsealed
