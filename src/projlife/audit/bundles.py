"""Proof bundles: what a county hands a province next to its signed checkpoints.

``projlife-inclusion/v1`` — one leaf is in the tree a checkpoint commits to::

    {"format": "projlife-inclusion/v1", "index": 5, "tree_size": 8,
     "leaf_hash": "<base64>", "leaf_data": "<base64, optional>",
     "proof": ["<base64>", ...]}

``projlife-consistency/v1`` — the tree of an older checkpoint is a prefix of the
tree of a newer one::

    {"format": "projlife-consistency/v1", "old": {<checkpoint>}, "new": {<checkpoint>},
     "proof": ["<base64>", ...]}

Proof hashes are listed bottom-up exactly as RFC 9162 defines them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from . import _codec
from .checkpoint import Checkpoint
from .errors import ProofError
from .merkle import HASH_SIZE, consistency_proof, inclusion_proof, leaf_hash

__all__ = [
    "CONSISTENCY_FORMAT",
    "INCLUSION_FORMAT",
    "ConsistencyBundle",
    "InclusionBundle",
    "make_consistency_bundle",
    "make_inclusion_bundle",
]

INCLUSION_FORMAT = "projlife-inclusion/v1"
CONSISTENCY_FORMAT = "projlife-consistency/v1"


def _hash_tuple(value: Sequence[bytes]) -> tuple[bytes, ...]:
    return tuple(value)


def _check_proof(_: object, attribute: attrs.Attribute[tuple[bytes, ...]], value: tuple[bytes, ...]) -> None:
    for i, h in enumerate(value):
        if not isinstance(h, bytes) or len(h) != HASH_SIZE:
            raise ProofError(
                "making a proof bundle", f"proof hash #{i} is not {HASH_SIZE} bytes", "32-byte hashes"
            )


def _check_leaf_hash(_: object, attribute: attrs.Attribute[bytes], value: bytes) -> None:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ProofError(
            "making a proof bundle", f"leaf_hash is not {HASH_SIZE} bytes", "a 32-byte leaf hash"
        )


def _check_index(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError("making a proof bundle", f"{attribute.name} is {value!r}", "a non-negative integer")


def _read_proof(obj: dict[str, Any], what: str) -> tuple[bytes, ...]:
    proof = obj["proof"]
    if not isinstance(proof, list):
        raise ProofError(f"reading {what}", "proof is not a list", "a list of base64 hashes")
    return tuple(_codec.get_b64(p, f"proof[{i}]", what) for i, p in enumerate(proof))


@attrs.frozen
class InclusionBundle:
    """Leaf ``index`` (hash ``leaf_hash``, optionally its data) of a tree of ``tree_size``."""

    leaf_hash: bytes = attrs.field(validator=_check_leaf_hash)
    index: int = attrs.field(validator=_check_index)
    tree_size: int = attrs.field(validator=_check_index)
    proof: tuple[bytes, ...] = attrs.field(converter=_hash_tuple, validator=_check_proof)
    leaf_data: bytes | None = attrs.field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "format": INCLUSION_FORMAT,
            "index": self.index,
            "tree_size": self.tree_size,
            "leaf_hash": _codec.b64(self.leaf_hash),
            "proof": [_codec.b64(p) for p in self.proof],
        }
        if self.leaf_data is not None:
            obj["leaf_data"] = _codec.b64(self.leaf_data)
        return obj

    def to_json(self) -> str:
        return _codec.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str | bytes) -> InclusionBundle:
        """Parse; ``leaf_hash`` may be omitted when ``leaf_data`` is given."""
        what = "an inclusion proof bundle"
        obj = _codec.loads_object(text, what)
        _codec.check_keys(
            obj, {"format", "index", "tree_size", "proof"}, {"leaf_hash", "leaf_data"}, what, INCLUSION_FORMAT
        )
        data = _codec.get_b64(obj["leaf_data"], "leaf_data", what) if "leaf_data" in obj else None
        if "leaf_hash" in obj:
            hashed = _codec.get_b64(obj["leaf_hash"], "leaf_hash", what)
        elif data is not None:
            hashed = leaf_hash(data)
        else:
            raise ProofError(f"reading {what}", "neither leaf_hash nor leaf_data is given", "either or both")
        return cls(
            leaf_hash=hashed,
            index=_codec.get_int(obj, "index", what),
            tree_size=_codec.get_int(obj, "tree_size", what),
            proof=_read_proof(obj, what),
            leaf_data=data,
        )


@attrs.frozen
class ConsistencyBundle:
    """Proof that the tree of checkpoint ``old`` is a prefix of the tree of ``new``."""

    old: Checkpoint
    new: Checkpoint
    proof: tuple[bytes, ...] = attrs.field(converter=_hash_tuple, validator=_check_proof)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": CONSISTENCY_FORMAT,
            "old": self.old.to_dict(),
            "new": self.new.to_dict(),
            "proof": [_codec.b64(p) for p in self.proof],
        }

    def to_json(self) -> str:
        return _codec.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str | bytes) -> ConsistencyBundle:
        what = "a consistency proof bundle"
        obj = _codec.loads_object(text, what)
        _codec.check_keys(obj, {"format", "old", "new", "proof"}, set(), what, CONSISTENCY_FORMAT)
        for side in ("old", "new"):
            if not isinstance(obj[side], dict):
                raise ProofError(f"reading {what}", f"{side} is not an object", "a checkpoint object")
        return cls(
            old=Checkpoint.from_dict(obj["old"], f"the old checkpoint in {what}"),
            new=Checkpoint.from_dict(obj["new"], f"the new checkpoint in {what}"),
            proof=_read_proof(obj, what),
        )


def make_inclusion_bundle(
    leaf_hashes: Sequence[bytes], index: int, tree_size: int, leaf_data: bytes | None = None
) -> InclusionBundle:
    """Bundle the inclusion proof of leaf ``index`` in the first ``tree_size`` leaves."""
    proof = inclusion_proof(leaf_hashes, index, tree_size)  # validates index and tree_size
    return InclusionBundle(
        leaf_hash=leaf_hashes[index], index=index, tree_size=tree_size, proof=proof, leaf_data=leaf_data
    )


def make_consistency_bundle(
    leaf_hashes: Sequence[bytes], old: Checkpoint, new: Checkpoint
) -> ConsistencyBundle:
    """Bundle the consistency proof between two checkpoints of the same log."""
    return ConsistencyBundle(
        old=old, new=new, proof=consistency_proof(leaf_hashes, old.tree_size, new.tree_size)
    )
