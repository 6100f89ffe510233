"""Cryptographic core of the audit trail: pure, database-free, offline-verifiable.

* :mod:`.merkle` — RFC 6962/9162 Merkle tree hash, inclusion and consistency proofs;
* :mod:`.keys` — Ed25519 signing/verifying keys and where they come from;
* :mod:`.checkpoint` — signed checkpoints over a Merkle root;
* :mod:`.bundles` — exported proof bundles (JSON);
* :mod:`.verify` — offline verification returning a :class:`VerificationResult`;
* :mod:`.offline` — ``python -m projlife.audit.offline`` CLI (not imported here, so
  running it with ``-m`` does not import it twice).

See ``docs/audit-crypto.md`` for formats and the threat model.
"""

from .bundles import (
    CONSISTENCY_FORMAT,
    INCLUSION_FORMAT,
    ConsistencyBundle,
    InclusionBundle,
    make_consistency_bundle,
    make_inclusion_bundle,
)
from .checkpoint import (
    CHECKPOINT_FORMAT,
    Checkpoint,
    checkpoint_message,
    format_timestamp,
    sign_checkpoint,
    verify_checkpoint_signature,
)
from .errors import AuditError, AuditKeyError, ProofError
from .keys import (
    DEFAULT_KEY_ENV_VAR,
    DEMO_KEY_PREFIX,
    DEMO_LOG_ID_PREFIX,
    SigningKey,
    VerifyingKey,
    key_id_for,
)
from .merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MerkleAccumulator,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)
from .verify import Verdict, VerificationResult, verify_consistency_bundle, verify_inclusion_bundle

__all__ = [
    "CHECKPOINT_FORMAT",
    "CONSISTENCY_FORMAT",
    "DEFAULT_KEY_ENV_VAR",
    "DEMO_KEY_PREFIX",
    "DEMO_LOG_ID_PREFIX",
    "EMPTY_ROOT",
    "HASH_SIZE",
    "INCLUSION_FORMAT",
    "AuditError",
    "AuditKeyError",
    "Checkpoint",
    "ConsistencyBundle",
    "InclusionBundle",
    "MerkleAccumulator",
    "ProofError",
    "SigningKey",
    "Verdict",
    "VerificationResult",
    "VerifyingKey",
    "checkpoint_message",
    "consistency_proof",
    "format_timestamp",
    "inclusion_proof",
    "key_id_for",
    "leaf_hash",
    "make_consistency_bundle",
    "make_inclusion_bundle",
    "node_hash",
    "root",
    "sign_checkpoint",
    "verify_checkpoint_signature",
    "verify_consistency",
    "verify_consistency_bundle",
    "verify_inclusion",
    "verify_inclusion_bundle",
]
