"""A signed checkpoint over the event log, for the bulletin to cite the figures' source.

Each stored event, in log order, is one Merkle leaf (RFC 6962, :mod:`projlife.audit.merkle`)
over the bytes ``"projlife-event-v0\\n{position}\\n{originator_id}\\n{version}\\n{topic}\\n"``
followed by the SHA-256 of the event's stored state. The checkpoint is signed with
:func:`projlife.audit.checkpoint.sign_checkpoint`. When the audit trail's own log
checkpoints are available, pass those to the bulletin instead; this function exists so a
bulletin can name the exact log state its figures were computed from.
"""

from __future__ import annotations

import hashlib

from projlife.application import Projlife
from projlife.audit.checkpoint import Checkpoint, sign_checkpoint
from projlife.audit.keys import SigningKey
from projlife.audit.merkle import MerkleAccumulator

__all__ = ["event_leaf", "event_log_checkpoint"]


def event_leaf(position: int, originator_id: object, version: int, topic: str, state: bytes) -> bytes:
    head = f"projlife-event-v0\n{position}\n{originator_id}\n{version}\n{topic}\n".encode()
    return head + hashlib.sha256(state).digest()


def event_log_checkpoint(
    app: Projlife, key: SigningKey, *, log_id: str = "projlife-events", page: int = 2000
) -> Checkpoint:
    """Sign a checkpoint over every event recorded so far."""
    acc = MerkleAccumulator()
    start: int | None = None
    last = 0
    while True:
        notes = app.store.recorder.select_notifications(start, page, inclusive_of_start=start is None)
        for n in notes:
            acc.append_data(event_leaf(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state)))
            last = n.id
        if len(notes) < page:
            break
        start = notes[-1].id
    return sign_checkpoint(key, log_id=log_id, tree_size=acc.size, root_hash=acc.root(), last_position=last)
