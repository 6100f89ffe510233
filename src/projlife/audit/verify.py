"""Offline verification: a province checks a county's figures from files alone.

Inputs are exactly what the county exports — checkpoint JSON, the county's
public key PEM and a proof bundle JSON — and nothing here touches a database.
Every function returns a :class:`VerificationResult`; none raises on bad input.

For consistency the province passes the checkpoint **it kept** from earlier
(``trusted_checkpoint_json``), never one the county supplies afresh: the county
holds its own key and could sign a new "old" checkpoint matching rewritten
history.  If the bundle's old checkpoint differs from the kept one while both
carry valid signatures for the same size, that pair is itself evidence that the
county signed two different histories.
"""

from __future__ import annotations

import enum

import attrs

from .bundles import ConsistencyBundle, InclusionBundle
from .checkpoint import Checkpoint, format_timestamp, verify_checkpoint_signature
from .errors import AuditError
from .keys import VerifyingKey
from .merkle import leaf_hash, verify_consistency, verify_inclusion

__all__ = ["Verdict", "VerificationResult", "verify_consistency_bundle", "verify_inclusion_bundle"]


class Verdict(enum.StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    MALFORMED = "malformed"


@attrs.frozen
class VerificationResult:
    """Outcome of an offline check: ``ok`` and a human-readable ``reason``."""

    verdict: Verdict
    reason: str

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.VALID

    @property
    def exit_code(self) -> int:
        """0 valid, 1 invalid, 2 malformed input."""
        return {Verdict.VALID: 0, Verdict.INVALID: 1, Verdict.MALFORMED: 2}[self.verdict]

    def __str__(self) -> str:
        return f"{self.verdict.upper()}: {self.reason}"


def _invalid(reason: str) -> VerificationResult:
    return VerificationResult(Verdict.INVALID, reason)


def _describe(c: Checkpoint) -> str:
    return (
        f"log {c.log_id!r} at size {c.tree_size} (last position {c.last_position}, "
        f"signed {format_timestamp(c.created_at)} by key {c.key_id})"
    )


def _signature_problem(c: Checkpoint, key: VerifyingKey, which: str) -> str | None:
    if c.key_id != key.key_id:
        return f"{which} names key {c.key_id} but the public key given is {key.key_id}"
    if not verify_checkpoint_signature(c, key):
        return f"the signature of {which} does not verify: its fields were altered or it was not signed by key {key.key_id}"
    return None


def verify_inclusion_bundle(
    checkpoint_json: str | bytes, public_key_pem: str | bytes, bundle_json: str | bytes
) -> VerificationResult:
    """Is the bundle's leaf in the tree the signed checkpoint commits to?"""
    try:
        key = VerifyingKey.from_pem(public_key_pem, source="the public key given")
        checkpoint = Checkpoint.from_json(checkpoint_json)
        bundle = InclusionBundle.from_json(bundle_json)
    except AuditError as exc:
        return VerificationResult(Verdict.MALFORMED, str(exc))
    problem = _signature_problem(checkpoint, key, "the checkpoint")
    if problem:
        return _invalid(problem)
    if bundle.tree_size != checkpoint.tree_size:
        return _invalid(
            f"the proof is for a tree of size {bundle.tree_size} but the checkpoint covers "
            f"{checkpoint.tree_size}; ask for a proof against this checkpoint"
        )
    if bundle.leaf_data is not None and leaf_hash(bundle.leaf_data) != bundle.leaf_hash:
        return _invalid("the leaf data does not hash to the leaf hash in the bundle")
    if not verify_inclusion(
        bundle.leaf_hash, bundle.index, bundle.tree_size, bundle.proof, checkpoint.root_hash
    ):
        return _invalid(
            f"leaf {bundle.index} with hash {bundle.leaf_hash.hex()} is NOT proven to be in {_describe(checkpoint)}"
        )
    return VerificationResult(
        Verdict.VALID,
        f"leaf {bundle.index} with hash {bundle.leaf_hash.hex()} is in {_describe(checkpoint)}",
    )


def verify_consistency_bundle(
    trusted_checkpoint_json: str | bytes, public_key_pem: str | bytes, bundle_json: str | bytes
) -> VerificationResult:
    """Does the bundle's new checkpoint extend, without rewriting, the checkpoint the province kept?"""
    try:
        key = VerifyingKey.from_pem(public_key_pem, source="the public key given")
        trusted = Checkpoint.from_json(trusted_checkpoint_json)
        bundle = ConsistencyBundle.from_json(bundle_json)
    except AuditError as exc:
        return VerificationResult(Verdict.MALFORMED, str(exc))
    old, new = bundle.old, bundle.new
    for checkpoint, which in (
        (trusted, "the checkpoint you kept"),
        (old, "the bundle's old checkpoint"),
        (new, "the new checkpoint"),
    ):
        problem = _signature_problem(checkpoint, key, which)
        if problem:
            return _invalid(problem)
    if old != trusted:
        if (old.log_id, old.tree_size) == (
            trusted.log_id,
            trusted.tree_size,
        ) and old.root_hash != trusted.root_hash:
            return _invalid(
                f"EQUIVOCATION: key {key.key_id} signed two different roots for {old.log_id!r} at size "
                f"{old.tree_size}; keep both checkpoint files as evidence"
            )
        return _invalid(
            f"the bundle's old checkpoint ({_describe(old)}) is not the checkpoint you kept ({_describe(trusted)})"
        )
    if new.log_id != old.log_id:
        return _invalid(f"the new checkpoint is for log {new.log_id!r}, not {old.log_id!r}")
    if new.tree_size < old.tree_size:
        return _invalid(f"the log shrank from {old.tree_size} to {new.tree_size} entries")
    if new.last_position < old.last_position:
        return _invalid(f"the last position went back from {old.last_position} to {new.last_position}")
    if new.created_at < old.created_at:
        return _invalid("the new checkpoint is dated before the old one")
    if not verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash, bundle.proof):
        return _invalid(
            f"the history was REWRITTEN or the proof is wrong: {_describe(old)} is not a prefix of {_describe(new)}"
        )
    return VerificationResult(
        Verdict.VALID,
        f"{_describe(new)} extends {_describe(old)} without changing its first {old.tree_size} entries",
    )
