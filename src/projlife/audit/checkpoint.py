"""Signed checkpoints: a county's commitment to the first ``tree_size`` events of its log.

Signed message, format v1 — UTF-8 text, seven lines, each ending in a single
``\\n`` (0x0A), no other whitespace::

    projlife-checkpoint/v1
    <log_id>                 printable text, no line breaks, no outer spaces
    <tree_size>              decimal, no sign, no leading zeros
    <root_hash>              standard padded base64 of the 32-byte Merkle root
    <last_position>          decimal notification id of the last covered event
    <created_at>             UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ (always 6 digits)
    <key_id>                 16 lowercase hex digits identifying the public key

The first line separates this message from anything else the key might ever
sign.  The Ed25519 signature (64 bytes) is over exactly those bytes.  A
:class:`Checkpoint` always carries a 64-byte signature and is only built by
:func:`sign_checkpoint` (which verifies its own signature before returning) or
read back by :meth:`Checkpoint.from_json`; check it with
:func:`verify_checkpoint_signature` before trusting it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import attrs

from . import _codec
from .errors import ProofError
from .keys import SigningKey, VerifyingKey
from .merkle import EMPTY_ROOT, HASH_SIZE

__all__ = [
    "CHECKPOINT_FORMAT",
    "Checkpoint",
    "checkpoint_message",
    "format_timestamp",
    "sign_checkpoint",
    "verify_checkpoint_signature",
]

CHECKPOINT_FORMAT = "projlife-checkpoint/v1"
SIGNATURE_SIZE = 64
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_MAX_LOG_ID = 200


def format_timestamp(moment: datetime) -> str:
    """Canonical UTC text of a tz-aware datetime: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _valid_log_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > _MAX_LOG_ID
        or not value.isprintable()
        or value != value.strip()
    ):
        raise ProofError(
            "making a checkpoint",
            f"log_id {value!r} cannot be written on one line of the signed message",
            f"1 to {_MAX_LOG_ID} printable characters without line breaks or outer spaces",
        )


def _non_negative(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError("making a checkpoint", f"{attribute.name} is {value!r}", "a non-negative integer")


def _sized(size: int) -> Callable[[object, attrs.Attribute[bytes], bytes], None]:
    def check(_: object, attribute: attrs.Attribute[bytes], value: bytes) -> None:
        if not isinstance(value, bytes) or len(value) != size:
            raise ProofError(
                "making a checkpoint", f"{attribute.name} is not {size} bytes", f"exactly {size} bytes"
            )

    return check


def _aware(_: object, attribute: attrs.Attribute[datetime], value: datetime) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ProofError(
            "making a checkpoint", f"created_at {value!r} has no time zone", "a tz-aware datetime"
        )


def _valid_key_id(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _KEY_ID.fullmatch(value):
        raise ProofError("making a checkpoint", f"key_id {value!r} is malformed", "16 lowercase hex digits")


def checkpoint_message(
    log_id: str, tree_size: int, root_hash: bytes, last_position: int, created_at: datetime, key_id: str
) -> bytes:
    """The exact bytes a checkpoint's signature covers (see the module docstring)."""
    lines = (
        CHECKPOINT_FORMAT,
        log_id,
        str(tree_size),
        _codec.b64(root_hash),
        str(last_position),
        format_timestamp(created_at),
        key_id,
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")


@attrs.frozen
class Checkpoint:
    """A signed statement: log ``log_id`` had ``tree_size`` leaves with root ``root_hash``."""

    log_id: str = attrs.field(validator=_valid_log_id)
    tree_size: int = attrs.field(validator=_non_negative)
    root_hash: bytes = attrs.field(validator=_sized(HASH_SIZE))
    last_position: int = attrs.field(validator=_non_negative)
    created_at: datetime = attrs.field(validator=_aware)
    key_id: str = attrs.field(validator=_valid_key_id)
    signature: bytes = attrs.field(validator=_sized(SIGNATURE_SIZE), repr=False)

    def __attrs_post_init__(self) -> None:
        if self.tree_size == 0 and self.root_hash != EMPTY_ROOT:
            raise ProofError(
                "making a checkpoint",
                "an empty tree must have the empty root",
                "root_hash == SHA-256('') when tree_size == 0",
            )

    def signed_message(self) -> bytes:
        """The canonical bytes covered by :attr:`signature`."""
        return checkpoint_message(
            self.log_id, self.tree_size, self.root_hash, self.last_position, self.created_at, self.key_id
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping (bytes as standard base64)."""
        return {
            "format": CHECKPOINT_FORMAT,
            "log_id": self.log_id,
            "tree_size": self.tree_size,
            "root_hash": _codec.b64(self.root_hash),
            "last_position": self.last_position,
            "created_at": format_timestamp(self.created_at),
            "key_id": self.key_id,
            "signature": _codec.b64(self.signature),
        }

    def to_json(self) -> str:
        """Stable export: sorted keys, base64 bytes, UTC timestamp, trailing newline."""
        return _codec.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, obj: dict[str, Any], what: str = "a checkpoint") -> Checkpoint:
        """Rebuild from :meth:`to_dict` output; does **not** check the signature."""
        keys = {
            "format",
            "log_id",
            "tree_size",
            "root_hash",
            "last_position",
            "created_at",
            "key_id",
            "signature",
        }
        _codec.check_keys(obj, keys, set(), what, CHECKPOINT_FORMAT)
        created_text = _codec.get_str(obj, "created_at", what)
        try:
            created_at = datetime.fromisoformat(created_text)
        except ValueError as exc:
            raise ProofError(
                f"reading {what}",
                f"created_at {created_text!r} is not ISO 8601",
                "YYYY-MM-DDTHH:MM:SS.ffffffZ",
            ) from exc
        return cls(
            log_id=_codec.get_str(obj, "log_id", what),
            tree_size=_codec.get_int(obj, "tree_size", what),
            root_hash=_codec.get_b64(obj["root_hash"], "root_hash", what),
            last_position=_codec.get_int(obj, "last_position", what),
            created_at=created_at,
            key_id=_codec.get_str(obj, "key_id", what),
            signature=_codec.get_b64(obj["signature"], "signature", what),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Checkpoint:
        """Parse :meth:`to_json` output; does **not** check the signature."""
        return cls.from_dict(_codec.loads_object(text, "a checkpoint"))


def sign_checkpoint(
    key: SigningKey,
    *,
    log_id: str,
    tree_size: int,
    root_hash: bytes,
    last_position: int,
    created_at: datetime | None = None,
) -> Checkpoint:
    """Sign a checkpoint over a Merkle root; ``created_at`` defaults to now (UTC)."""
    moment = datetime.now(UTC) if created_at is None else created_at
    message = checkpoint_message(log_id, tree_size, root_hash, last_position, moment, key.key_id)
    checkpoint = Checkpoint(
        log_id=log_id,
        tree_size=tree_size,
        root_hash=root_hash,
        last_position=last_position,
        created_at=moment,
        key_id=key.key_id,
        signature=key.sign(message),
    )
    if not verify_checkpoint_signature(checkpoint, key.public_key):  # pragma: no cover - defensive
        raise ProofError(
            "signing a checkpoint", "the fresh signature does not verify", "a working Ed25519 key"
        )
    return checkpoint


def verify_checkpoint_signature(checkpoint: Checkpoint, public_key: VerifyingKey) -> bool:
    """``True`` iff ``checkpoint`` names ``public_key`` and its signature verifies."""
    if checkpoint.key_id != public_key.key_id:
        return False
    return public_key.verify(checkpoint.signature, checkpoint.signed_message())
