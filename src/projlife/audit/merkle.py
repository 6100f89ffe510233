"""RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256.

* leaf hash  ``MTH({d}) = SHA-256(0x00 || d)``
* node hash  ``SHA-256(0x01 || left || right)``
* empty tree ``MTH({}) = SHA-256("")``
* for ``n > 1`` leaves, ``MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n]))`` where ``k``
  is the largest power of two strictly smaller than ``n``.

Everything here works on *leaf hashes* (32 bytes each), so callers hash their
leaf data once with :func:`leaf_hash` and keep the hashes.  Proofs are lists of
32-byte hashes, ordered bottom-up exactly as RFC 9162 §2.1.3 and §2.1.4 define
them, and the ``verify_*`` functions implement the verification algorithms of
those sections verbatim.  They never raise on a bad proof: they return ``False``.

:func:`root` builds the tree level by level (pair neighbours, carry an odd last
node up unchanged), which yields the same hash as the recursive definition and
runs in linear time.  :class:`MerkleAccumulator` keeps only the O(log n)
"frontier" of perfect subtree roots so a log can be checkpointed while streaming.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from .errors import ProofError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleAccumulator",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"
_sha256 = hashlib.sha256

EMPTY_ROOT: bytes = _sha256(b"").digest()
"""Root of the tree with no leaves: SHA-256 of the empty string."""


def leaf_hash(data: bytes) -> bytes:
    """Return ``SHA-256(0x00 || data)``, the RFC 6962 hash of one leaf."""
    return _sha256(_LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return ``SHA-256(0x01 || left || right)``, the RFC 6962 interior node hash."""
    return _sha256(_NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hashes(leaf_hashes: Sequence[bytes], what: str) -> None:
    for i, h in enumerate(leaf_hashes):
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ProofError(
                f"{what} over {len(leaf_hashes)} leaf hashes",
                f"leaf hash #{i} is not {HASH_SIZE} bytes",
                "32-byte SHA-256 leaf hashes, as returned by leaf_hash()",
            )


def _mth(hashes: Sequence[bytes]) -> bytes:
    """Merkle tree hash of already-validated leaf hashes, level by level."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return hashes[0]
    sha, prefix = _sha256, _NODE_PREFIX
    level = hashes
    while len(level) > 1:
        nxt = [sha(prefix + a + b).digest() for a, b in zip(level[0::2], level[1::2], strict=False)]
        if len(level) & 1:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the RFC 6962 Merkle tree hash of ``leaf_hashes`` (``EMPTY_ROOT`` if empty)."""
    _check_hashes(leaf_hashes, "computing a Merkle root")
    return _mth(leaf_hashes)


def _check_size(leaf_hashes: Sequence[bytes], tree_size: int, what: str) -> None:
    if tree_size < 0 or tree_size > len(leaf_hashes):
        raise ProofError(
            what,
            f"tree size {tree_size} is outside the {len(leaf_hashes)} leaf hashes given",
            f"0 <= tree_size <= {len(leaf_hashes)}",
        )


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, tree_size: int) -> list[bytes]:
    """Return the RFC 9162 §2.1.3.1 audit path ``PATH(index, D[tree_size])``.

    Uses the first ``tree_size`` of ``leaf_hashes``; the path is ordered from the
    leaf's sibling up to the child of the root.
    """
    what = f"building an inclusion proof for leaf {index} in a tree of size {tree_size}"
    _check_size(leaf_hashes, tree_size, what)
    if not 0 <= index < tree_size:
        raise ProofError(what, "the leaf index is not inside the tree", f"0 <= index < {tree_size}")
    _check_hashes(leaf_hashes[:tree_size], what)
    path: list[bytes] = []
    lo, hi = 0, tree_size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index - lo < k:
            path.append(_mth(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            path.append(_mth(leaf_hashes[lo : lo + k]))
            lo += k
    path.reverse()
    return path


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    """Return the RFC 9162 §2.1.4.1 consistency proof ``PROOF(old_size, D[new_size])``.

    The proof is empty when ``old_size`` is 0 or equal to ``new_size``: the empty
    tree is a prefix of every tree and a tree is consistent with itself.
    """
    what = f"building a consistency proof from size {old_size} to size {new_size}"
    _check_size(leaf_hashes, new_size, what)
    if not 0 <= old_size <= new_size:
        raise ProofError(what, "the old size is not within the new tree", f"0 <= old_size <= {new_size}")
    _check_hashes(leaf_hashes[:new_size], what)
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    m, lo, hi, whole_old_tree = old_size, 0, new_size, True
    while True:
        n = hi - lo
        if m == n:
            if not whole_old_tree:
                proof.append(_mth(leaf_hashes[lo:hi]))
            break
        k = _split(n)
        if m <= k:
            proof.append(_mth(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            proof.append(_mth(leaf_hashes[lo : lo + k]))
            lo += k
            m -= k
            whole_old_tree = False
    proof.reverse()
    return proof


def _all_hashes(values: Iterable[object]) -> bool:
    return all(isinstance(v, bytes) and len(v) == HASH_SIZE for v in values)


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does ``proof`` show leaf ``index`` with ``leaf_hash`` in ``root``?"""
    if not _all_hashes([leaf_hash, root, *proof]):
        return False
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree ``old_root`` of ``old_size`` a prefix of ``new_root``?

    Edge cases outside the RFC's ``0 < old_size < new_size``: equal sizes need an
    empty proof and equal roots; ``old_size == 0`` needs an empty proof and
    ``old_root == EMPTY_ROOT`` (the empty tree is a prefix of every tree).
    """
    if not _all_hashes([old_root, new_root, *proof]):
        return False
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


class MerkleAccumulator:
    """Append-only Merkle tree keeping only its frontier (O(log n) hashes).

    The frontier holds the roots of the perfect subtrees that make up the
    binary decomposition of ``size``, largest (leftmost) first.  ``root()`` folds
    them right to left, which is exactly the RFC 6962 tree hash.
    """

    __slots__ = ("_frontier", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._frontier: list[bytes] = []

    @classmethod
    def from_frontier(cls, size: int, frontier: Sequence[bytes]) -> MerkleAccumulator:
        """Resume from a saved ``(size, frontier)``; the frontier has one hash per set bit of size."""
        if size < 0 or len(frontier) != size.bit_count() or not _all_hashes(frontier):
            raise ProofError(
                f"resuming a Merkle accumulator at size {size}",
                f"a frontier of {len(frontier)} hashes does not fit that size",
                f"exactly {max(size, 0).bit_count()} 32-byte hashes, largest subtree first",
            )
        acc = cls()
        acc._size = size
        acc._frontier = list(frontier)
        return acc

    @property
    def size(self) -> int:
        """Number of leaves appended so far."""
        return self._size

    @property
    def frontier(self) -> tuple[bytes, ...]:
        """The perfect-subtree roots, largest first; save it with ``size`` to resume."""
        return tuple(self._frontier)

    def append(self, leaf_hash: bytes) -> None:
        """Append one 32-byte leaf hash."""
        if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
            raise ProofError(
                f"appending leaf {self._size} to a Merkle accumulator",
                f"the leaf hash is not {HASH_SIZE} bytes",
                "a 32-byte hash from leaf_hash()",
            )
        h = leaf_hash
        size = self._size
        frontier = self._frontier
        while size & 1:
            h = _sha256(_NODE_PREFIX + frontier.pop() + h).digest()
            size >>= 1
        frontier.append(h)
        self._size += 1

    def append_data(self, data: bytes) -> None:
        """Hash ``data`` as a leaf and append it."""
        self.append(leaf_hash(data))

    def root(self) -> bytes:
        """RFC 6962 root of the leaves appended so far (``EMPTY_ROOT`` when none)."""
        if not self._frontier:
            return EMPTY_ROOT
        it = reversed(self._frontier)
        r = next(it)
        for left in it:
            r = _sha256(_NODE_PREFIX + left + r).digest()
        return r
