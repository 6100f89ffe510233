"""Verify the stored log against its hash chain and its signed checkpoints.

One streaming pass in log order, in one read snapshot:

1. every stored event's hash is recomputed from its row and compared with the
   ``audit_chain`` entry at the same position, and the chain hash is recomputed;
2. the Merkle root is recomputed at every stored checkpoint's size and compared with
   the signed root; every checkpoint's signature is checked;
3. the ``audit_head`` row must match where the chain ends.

The first problem stops the pass and is reported with its position and its kind:

* ``altered`` — the row at a sealed position is the same event but its bytes changed;
* ``reordered`` — a sealed position now holds a different sealed event (rows swapped
  or moved);
* ``deleted`` — a sealed event's row is gone;
* ``inserted`` — a row sits at a position the chain never saw (a forged event);
* ``chain-altered`` — the rows are intact but the chain table was edited;
* ``checkpoint-mismatch`` — rows and chain agree with each other but not with a signed
  checkpoint: both were rewritten together; the change lies between the previous
  checkpoint and this one;
* ``bad-signature`` — a stored checkpoint does not verify with the public key;
* ``head-mismatch`` — the ``audit_head`` row does not match the chain.

Events written after the last seal are counted as ``unsealed``: not yet covered, not
an error (see the lag window in ``docs/audit.md``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from .checkpoint import Checkpoint, verify_checkpoint_signature
from .errors import AuditError
from .fastwalk import fast_pass
from .keys import VerifyingKey
from .logcheck import check_audit_log
from .merkle import MerkleAccumulator
from .problems import Problem, TamperKind, VerifyReport
from .rawdb import RawDB, StoredRow
from .records import GENESIS
from .sealing import canonical_id, leaf_of_row, read_head

__all__ = ["Problem", "TamperKind", "VerifyReport", "verify_log"]

_sha256 = hashlib.sha256
_ChainRow = tuple[int, int, str, int, Any, Any]


def _load_checkpoints(
    db: RawDB, cur: Any, public_key: VerifyingKey | None
) -> tuple[list[Checkpoint], Problem | None]:
    cur.execute("SELECT tree_size, checkpoint_json, public_key_pem FROM audit_checkpoints ORDER BY tree_size")
    checkpoints: list[Checkpoint] = []
    for tree_size, text, pem in cur.fetchall():
        try:
            cp = Checkpoint.from_json(text)
            key = public_key or VerifyingKey.from_pem(pem, source="the audit_checkpoints table")
        except AuditError as exc:
            return checkpoints, Problem(
                TamperKind.BAD_SIGNATURE, None, f"checkpoint of size {tree_size}: {exc}"
            )
        if cp.tree_size != int(tree_size):
            return checkpoints, Problem(
                TamperKind.BAD_SIGNATURE,
                None,
                f"checkpoint row {tree_size} holds a checkpoint of size {cp.tree_size}",
            )
        if not verify_checkpoint_signature(cp, key):
            return checkpoints, Problem(
                TamperKind.BAD_SIGNATURE,
                cp.last_position or None,
                f"the checkpoint of size {cp.tree_size} does not verify with key {key.key_id}",
            )
        checkpoints.append(cp)
    return checkpoints, None


class _Stream:
    """Keyset-paginated rows of one table, with one row of look-ahead."""

    def __init__(self, fetch: Any, batch: int, start: int) -> None:
        self._fetch = fetch
        self._batch = batch
        self._rows: list[Any] = []
        self._i = 0
        self._after = start
        self._done = False

    def peek(self) -> Any:
        if self._i >= len(self._rows):
            if self._done:
                return None
            self._rows = list(self._fetch(self._after, self._batch))
            self._i = 0
            if len(self._rows) < self._batch:
                self._done = True
            if not self._rows:
                return None
        return self._rows[self._i]

    def take(self) -> Any:
        row = self.peek()
        self._i += 1
        self._after = row[0]
        return row


def _same_event(stored: StoredRow, chained: _ChainRow) -> bool:
    try:
        return (canonical_id(stored[1]), stored[2]) == (chained[2], chained[3])
    except (ValueError, TypeError, AttributeError):
        return False


def _classify(db: RawDB, cur: Any, stored: StoredRow, chained: _ChainRow) -> Problem:
    position = int(chained[1])
    same_event = _same_event(stored, chained)
    if same_event:
        return Problem(
            TamperKind.ALTERED,
            position,
            f"the stored event {chained[2]} v{chained[3]} no longer hashes to the value it was sealed with",
        )
    cur.execute(
        db.q("SELECT position FROM audit_chain WHERE originator_id = ? AND originator_version = ?"),
        (canonical_id(stored[1]), stored[2]),
    )
    elsewhere = cur.fetchone()
    if elsewhere is not None:
        return Problem(
            TamperKind.REORDERED,
            position,
            f"holds event {stored[1]} v{stored[2]}, which was sealed at position {elsewhere[0]}; "
            f"the event sealed here was {chained[2]} v{chained[3]}",
        )
    moved_to = db.position_of(cur, chained[2], int(chained[3]))
    if moved_to is not None and moved_to > position:
        return Problem(
            TamperKind.INSERTED,
            position,
            f"event {stored[1]} v{stored[2]} ({stored[3]}) was never sealed; it was put here and the event "
            f"sealed here ({chained[2]} v{chained[3]}) pushed to position {moved_to}",
        )
    return Problem(
        TamperKind.ALTERED,
        position,
        f"holds event {stored[1]} v{stored[2]}, never sealed, in place of the event sealed here "
        f"({chained[2]} v{chained[3]})",
    )


def verify_log(
    db: RawDB, *, public_key: VerifyingKey | None = None, batch_size: int = 20_000, with_log: bool = True
) -> VerifyReport:
    """Re-hash the whole log and check it against the chain and the signed checkpoints, and
    (``with_log``) every ``audit_log`` row against the event it describes.

    ``public_key`` is the key the verifier trusts; without it the public key stored
    beside each checkpoint is used, which only proves the checkpoint was not edited
    without re-signing (anyone with database access could replace both).

    One pass (:func:`fastwalk.fast_pass`) checks everything; if anything does not verify, the
    reference walk, table by table, finds the first problem and says what it is.
    """
    import time

    started = time.perf_counter()
    with db.transaction() as cur:  # one snapshot for the rows, the chain, the log and the checkpoints
        checkpoints, problem = _load_checkpoints(db, cur, public_key)
        n_checkpoints = len(checkpoints)
        if problem is not None:
            return VerifyReport(0, 0, n_checkpoints, problem, time.perf_counter() - started)
        intact = fast_pass(db, cur, checkpoints, batch_size, check_log=with_log)
        if intact is not None:
            return VerifyReport(intact[0], intact[1], n_checkpoints, None, time.perf_counter() - started)
        checked, unsealed, problem = _walk(db, cur, checkpoints, batch_size)
        if problem is None and with_log:
            problem = check_audit_log(db, cur, batch_size=batch_size)
        return VerifyReport(checked, unsealed, n_checkpoints, problem, time.perf_counter() - started)


def _walk(
    db: RawDB, cur: Any, checkpoints: list[Checkpoint], batch_size: int
) -> tuple[int, int, Problem | None]:
    stored = _Stream(lambda after, n: db.stored_rows(cur, after, n), batch_size, 0)

    def fetch_chain(after: int, n: int) -> list[_ChainRow]:
        cur.execute(
            db.q(
                "SELECT seq, position, originator_id, originator_version, event_hash, chain_hash "
                "FROM audit_chain WHERE seq > ? ORDER BY seq LIMIT ?"
            ),
            (after, n),
        )
        return list(cur.fetchall())

    chained = _Stream(fetch_chain, batch_size, -1)
    frontier: list[bytes] = []
    chain = GENESIS
    seq = 0
    last_position = 0
    cps = iter(checkpoints)
    next_cp = next(cps, None)
    while next_cp is not None and next_cp.tree_size == 0:
        next_cp = next(cps, None)
    next_cp_size = next_cp.tree_size if next_cp is not None else -1
    prev_cp_position = 0
    as_bytes = db.as_bytes
    sha = _sha256
    node_prefix = b"\x01"

    def fail(problem: Problem) -> tuple[int, int, Problem]:
        return seq, 0, problem

    while True:
        c = chained.peek()
        s = stored.peek()
        if c is None:
            break
        # -- fast path: aligned rows in the current buffers, checked without look-ups ---------
        s_rows, si, c_rows, ci = stored._rows, stored._i, chained._rows, chained._i
        n = min(len(s_rows) - si, len(c_rows) - ci)
        done = 0
        for k in range(n):
            s = s_rows[si + k]
            c = c_rows[ci + k]
            if c[0] != seq or s[0] != c[1]:
                break
            try:
                leaf = leaf_of_row(s)
            except (TypeError, ValueError, UnicodeError, OverflowError, AttributeError):
                break
            if leaf != c[4] and leaf != as_bytes(c[4]):
                break
            new_chain = sha(chain + leaf).digest()
            if new_chain != c[5] and new_chain != as_bytes(c[5]):
                break
            chain = new_chain
            h, size = leaf, seq
            while size & 1:
                h = sha(node_prefix + frontier.pop() + h).digest()
                size >>= 1
            frontier.append(h)
            seq += 1
            done += 1
            last_position = int(s[0])
            if seq == next_cp_size:
                assert next_cp is not None
                if MerkleAccumulator.from_frontier(seq, frontier).root() != next_cp.root_hash or (
                    next_cp.last_position != last_position
                ):
                    return fail(_checkpoint_mismatch(next_cp, prev_cp_position))
                prev_cp_position = next_cp.last_position
                next_cp = next(cps, None)
                next_cp_size = next_cp.tree_size if next_cp is not None else -1
        if done:
            stored._i += done
            stored._after = s_rows[si + done - 1][0]
            chained._i += done
            chained._after = c_rows[ci + done - 1][0]
            continue
        # -- slow path: the next pair is not a plain match; say exactly what is wrong -------
        c = chained.peek()
        s = stored.peek()
        if int(c[0]) != seq:
            return fail(
                Problem(
                    TamperKind.CHAIN_ALTERED,
                    int(c[1]),
                    f"chain entry {seq} is missing (the next one is {c[0]})",
                )
            )
        c_pos = int(c[1])
        if s is None or int(s[0]) > c_pos:
            if s is not None and _same_event(s, c):
                return fail(
                    Problem(
                        TamperKind.REORDERED,
                        c_pos,
                        f"event {c[2]} v{c[3]} sealed here was moved to position {s[0]}",
                    )
                )
            return fail(
                Problem(TamperKind.DELETED, c_pos, f"the sealed event {c[2]} v{c[3]} is no longer stored")
            )
        if int(s[0]) < c_pos:
            return fail(
                Problem(
                    TamperKind.INSERTED,
                    int(s[0]),
                    f"event {s[1]} v{s[2]} ({s[3]}) is stored at a position the chain never sealed",
                )
            )
        try:
            leaf = leaf_of_row(s)
        except (TypeError, ValueError, UnicodeError, OverflowError, AttributeError) as exc:
            return fail(Problem(TamperKind.ALTERED, c_pos, f"the stored row is unreadable: {exc}"))
        if leaf != as_bytes(c[4]):
            return fail(_classify(db, cur, s, c))
        return fail(
            Problem(
                TamperKind.CHAIN_ALTERED,
                c_pos,
                "the chain hash stored here does not follow from the events before",
            )
        )
    if next_cp is not None:
        return fail(
            Problem(
                TamperKind.DELETED,
                last_position or None,
                f"a checkpoint covers {next_cp.tree_size} events (up to position {next_cp.last_position}) "
                f"but only {seq} are sealed: the tail of the log was removed",
            )
        )
    head = read_head(db, cur)
    if (head is None and seq) or (
        head is not None
        and (head.size, head.last_position, head.chain_hash, head.frontier)
        != (seq, last_position, chain, tuple(frontier))
    ):
        return fail(
            Problem(
                TamperKind.HEAD_MISMATCH,
                last_position or None,
                "the audit_head row does not match the end of the chain",
            )
        )
    unsealed = 0
    while stored.peek() is not None:
        unsealed += len(stored._rows) - stored._i
        stored._i = len(stored._rows)
        stored._after = stored._rows[-1][0]
    return seq, unsealed, None


def _checkpoint_mismatch(cp: Checkpoint, prev_cp_position: int) -> Problem:
    return Problem(
        TamperKind.CHECKPOINT_MISMATCH,
        cp.last_position,
        f"the log's first {cp.tree_size} events no longer have the root signed at "
        f"{cp.created_at:%Y-%m-%d %H:%M} (key {cp.key_id}); an event at a position in "
        f"({prev_cp_position}, {cp.last_position}] was changed and the chain table rewritten to match",
    )
