"""Sealing: append every new stored event to the hash chain, the Merkle frontier and the log.

``seal()`` reads the events after the chain's head in log order and, in one write-locked
transaction per batch, writes their ``audit_chain`` rows (event hash, chain hash), their
``audit_log`` rows (who, what, when, why) and the new ``audit_head`` (size, last
position, chain hash, Merkle frontier). Exactly once: the batch re-reads the head under
the lock (``BEGIN IMMEDIATE`` on SQLite, an advisory transaction lock on PostgreSQL, a
named lock on MariaDB/MySQL),
so two sealers never chain the same event twice; a failed batch leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import struct
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import attrs

from .auditlog import LogFields, log_fields
from .merkle import HASH_SIZE, MerkleAccumulator
from .rawdb import RawDB, StoredRow
from .records import GENESIS, RECORD_MAGIC

__all__ = [
    "MAX_CATCH_UP",
    "ChainHead",
    "ChainOnWrite",
    "SealReport",
    "canonical_id",
    "chain_in_transaction",
    "leaf_of_row",
    "read_head",
    "seal",
]

_log = logging.getLogger(__name__)

_sha256 = hashlib.sha256
_HEAD = struct.Struct(">8sQI")
_U64 = struct.Struct(">Q")
_U32 = struct.Struct(">I")


@attrs.frozen
class ChainHead:
    """Where the chain stands: ``size`` sealed events, the last at ``last_position``."""

    size: int
    last_position: int
    chain_hash: bytes
    frontier: tuple[bytes, ...]

    def accumulator(self) -> MerkleAccumulator:
        return MerkleAccumulator.from_frontier(self.size, self.frontier)


GENESIS_HEAD = ChainHead(0, 0, GENESIS, ())


@attrs.frozen
class SealReport:
    """What one ``seal()`` did."""

    sealed: int
    size: int
    last_position: int


_LEAF_HEAD = struct.Struct(">1s8sQI36sQ")
_topic_cache: dict[str, bytes] = {}


def _topic_field(topic: str) -> bytes:
    field = _topic_cache.get(topic)
    if field is None:
        encoded = topic.encode("utf-8")
        field = _U32.pack(len(encoded)) + encoded
        if len(_topic_cache) < 10_000:
            _topic_cache[topic] = field
    return field


def leaf_of_row(row: StoredRow) -> bytes:
    """The event hash (Merkle leaf) of a stored row, exactly as :func:`records.event_hash`.

    Inlined for speed; raises ``TypeError``/``ValueError``/``struct.error`` on a row
    whose columns do not have the types the event table defines.
    """
    position, oid, version, topic, state = row
    return _leaf(position, canonical_id(oid), version, topic, _state_bytes(state))


def _leaf(position: int, canonical: str, version: int, topic: str, state: bytes) -> bytes:
    """:func:`leaf_of_row` of a row whose id is canonical text and whose state is bytes."""
    return _sha256(
        _LEAF_HEAD.pack(b"\x00", RECORD_MAGIC, position, 36, canonical.encode("ascii"), version)
        + _topic_field(topic)
        + _U32.pack(len(state))
        + state
    ).digest()


def _state_bytes(state: Any) -> bytes:
    """A state column's bytes: a hand-edited SQLite row may hold TEXT (its UTF-8 bytes are
    hashed), psycopg may give a memoryview."""
    if type(state) is bytes:
        return state
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


_HEX32 = re.compile(r"[0-9a-f]{32}").fullmatch


def canonical_id(oid: Any) -> str:
    """The canonical UUID text of an originator id as the driver returns it.

    PostgreSQL returns ``UUID`` objects; eventsourcing's SQLite recorder stores the
    32-digit lowercase hex form, and any other text there (another case, hyphens,
    a flipped digit that is no longer hex) was not written by it: ``ValueError``.
    """
    if type(oid) is str and _HEX32(oid):
        return f"{oid[:8]}-{oid[8:12]}-{oid[12:16]}-{oid[16:20]}-{oid[20:]}"
    if isinstance(oid, UUID):
        return str(oid)
    raise ValueError(
        f"originator id {oid!r} is not in the form the event store writes (32 lowercase hex digits)"
    )


def read_head(db: RawDB, cur: Any) -> ChainHead | None:
    """The ``audit_head`` row, or ``None`` before the first seal."""
    cur.execute("SELECT size, last_position, chain_hash, frontier FROM audit_head WHERE id = 1")
    row = cur.fetchone()
    if row is None:
        return None
    size, last_position, chain, frontier_blob = row
    blob = db.as_bytes(frontier_blob)
    frontier = tuple(blob[i : i + HASH_SIZE] for i in range(0, len(blob), HASH_SIZE))
    return ChainHead(int(size), int(last_position), db.as_bytes(chain), frontier)


def _write_head(db: RawDB, cur: Any, head: ChainHead, existed: bool) -> None:
    now = db.dialect.raw_datetime(datetime.now(UTC))
    values = (head.size, head.last_position, head.chain_hash, b"".join(head.frontier), now)
    if existed:
        cur.execute(
            db.q(
                "UPDATE audit_head SET size=?, last_position=?, chain_hash=?, frontier=?, updated_at=? WHERE id=1"
            ),
            values,
        )
    else:
        cur.execute(
            db.q(
                "INSERT INTO audit_head (id, size, last_position, chain_hash, frontier, updated_at) "
                "VALUES (1, ?, ?, ?, ?, ?)"
            ),
            values,
        )


def _subjects_for(
    db: RawDB, cur: Any, rows: Sequence[StoredRow], known: dict[str, tuple[str | None, str | None]]
) -> None:
    """Add to ``known`` the (code, area) of the aggregates ``rows`` continue, from their logged
    creation events. Aggregates ``known`` already has, and those whose creation event is among
    ``rows`` (it comes first in log order and names them as it is logged), are not looked up."""
    later = {r[1] for r in rows if r[2] != 1}
    if not later:
        return
    created = {r[1] for r in rows if r[2] == 1}
    missing = sorted({canonical_id(oid) for oid in later - created} - known.keys())
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


_EVIDENCE_ENCODER = json.JSONEncoder(ensure_ascii=False)
"""What ``json.dumps(evidence, ensure_ascii=False)`` uses, built once."""


def _log_values(db: RawDB, f: LogFields) -> tuple[Any, ...]:
    """The ``audit_log`` insert's parameters for one row (:data:`~.auditlog.LogFields`)."""
    evidence = f[14]
    return (
        *f[:11],
        db.dialect.raw_date(f[11]),
        db.dialect.raw_datetime(f[12]),
        f[13],
        _EVIDENCE_ENCODER.encode(list(evidence)) if evidence else "[]",
        f[15],
    )


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
    rows: Sequence[StoredRow],
    subjects: dict[str, tuple[str | None, str | None]],
    *,
    with_log: bool = True,
) -> ChainHead:
    """Chain (and log) ``rows``, which follow ``stored_head`` in log order; write and return the new head."""
    head = stored_head or GENESIS_HEAD
    acc = head.accumulator()
    add_leaf = acc.append
    chain = head.chain_hash
    seq = head.size
    chain_rows = []
    entries = []
    if with_log:
        _subjects_for(db, cur, rows, subjects)
    for position, oid, version, topic, stored_state in rows:
        canonical = canonical_id(oid)
        state = _state_bytes(stored_state)
        leaf = _leaf(position, canonical, version, topic, state)
        chain = _sha256(chain + leaf).digest()
        add_leaf(leaf)
        chain_rows.append((seq, position, canonical, version, leaf, chain))
        seq += 1
        if with_log:
            fields = log_fields(position, canonical, version, topic, state, subjects=subjects, hashed=leaf)
            if version == 1:
                subjects[canonical] = (fields[4], fields[5])
            entries.append(_log_values(db, fields))
    cur.executemany(db.q(_INSERT_CHAIN), chain_rows)
    if with_log:
        cur.executemany(db.q(_INSERT_LOG), entries)
    new_head = ChainHead(seq, int(rows[-1][0]), chain, acc.frontier)
    _write_head(db, cur, new_head, existed=stored_head is not None)
    return new_head


def seal(db: RawDB, *, batch_size: int = 5000, with_log: bool = True) -> SealReport:
    """Chain (and log) every stored event not sealed yet; returns what was done.

    ``with_log=False`` writes only the chain (used to measure the chain's own cost).
    """
    sealed = 0
    subjects: dict[str, tuple[str | None, str | None]] = {}
    while True:
        with db.transaction(write=True) as cur:
            stored_head = read_head(db, cur)
            head = stored_head or GENESIS_HEAD
            rows = db.stored_rows(cur, head.last_position, batch_size)
            if not rows:
                return SealReport(sealed, head.size, head.last_position)
            new_head = _append(db, cur, stored_head, rows, subjects, with_log=with_log)
            sealed += len(rows)
        if len(rows) < batch_size:
            return SealReport(sealed, new_head.size, new_head.last_position)


MAX_CATCH_UP = 5000
"""At most this many older unsealed events are chained by one write (more are left to ``seal()``)."""


def chain_in_transaction(db: RawDB, cur: Any, rows: Sequence[StoredRow]) -> int:
    """Chain and log ``rows`` (events just inserted) in the transaction that inserted them.

    Called by the event recorders' ``on_insert`` hook (see ``projlife.store.hooks``), so an
    event and its chain row commit together: there is no moment when a stored event is not
    sealed, and no hand edit can slip in between. On PostgreSQL it takes the sealers' advisory
    lock (the insert already holds the event table's lock; sealers never wait for that one, so
    the two cannot deadlock); on SQLite the insert already holds the database's write lock.
    Older events that are not sealed yet (written before this was installed, or by another
    writer) are chained first, up to :data:`MAX_CATCH_UP`; beyond that the write leaves
    chaining to ``seal()``, which catches up in batches. Returns how many events were chained.
    The application installs a :class:`ChainOnWrite`, which does this and remembers subjects.
    """
    return ChainOnWrite(db)(cur, rows)


class ChainOnWrite:
    """The recorders' ``on_insert`` hook: :func:`chain_in_transaction`, remembering which
    project (code and area) each aggregate's log rows name.

    A log row names the subject its aggregate's creation row names; without a memory every
    write looks up the creation rows of the aggregates it continues (an import continues
    hundreds per batch). Only committed subjects are remembered: those read from the log,
    and those this hook's last write created once the next write finds the chain's head
    exactly where that write left it (it committed; otherwise they are forgotten). At most
    :attr:`MAX_SUBJECTS` are kept (then it starts again from none).
    """

    MAX_SUBJECTS = 100_000

    def __init__(self, db: RawDB) -> None:
        self.db = db
        self._known: dict[str, tuple[str | None, str | None]] = {}
        self._created: dict[str, tuple[str | None, str | None]] = {}
        self._left: bytes | None = None  # the chain hash this hook's last write left

    def __call__(self, cur: Any, rows: Sequence[StoredRow]) -> int:
        if not rows:
            return 0
        db = self.db
        db.dialect.chain_lock(cur, lock_key=db.lock_key)
        stored_head = read_head(db, cur)
        self._settle(stored_head)
        after = stored_head.last_position if stored_head else 0
        first = int(rows[0][0])
        if first <= after:
            return 0  # a position at or below the chain's head: verify reports it, sealing skips it
        earlier = db.stored_rows_between(cur, after, first, MAX_CATCH_UP + 1)
        if len(earlier) > MAX_CATCH_UP:
            return 0
        todo = [*earlier, *rows]
        known = self._known
        if len(known) > self.MAX_SUBJECTS:
            known.clear()
        try:
            new_head = _append(db, cur, stored_head, todo, known)
        finally:  # what these rows create is not committed yet: set it aside until it is
            created = self._created
            for row in todo:
                if row[2] == 1:
                    oid = canonical_id(row[1])
                    subject = known.pop(oid, None)
                    if subject is not None:
                        created[oid] = subject
        self._left = new_head.chain_hash
        _log.debug("sealed %d event(s) in the transaction that wrote them", len(todo))
        return len(todo)

    def _settle(self, stored_head: ChainHead | None) -> None:
        """Remember the last write's subjects if it committed (the head is where it left it)."""
        if self._created and stored_head is not None and stored_head.chain_hash == self._left:
            self._known.update(self._created)
        self._created.clear()
        self._left = None
