"""Ed25519 keys for signing and verifying checkpoints; where a key comes from is explicit.

A county's signing key is loaded from exactly one of:

* :meth:`SigningKey.from_file` — an unencrypted PEM ``PKCS#8`` Ed25519 private key
  (``openssl genpkey -algorithm ed25519 -out audit.key``);
* :meth:`SigningKey.from_env` — the environment variable (``PROJLIFE_AUDIT_KEY`` by
  default) holds the **path** to such a file, never the PEM text itself: key
  material in the environment leaks through ``/proc/<pid>/environ``, crash
  reports and child processes, whereas a file can be mode 0600;
* :meth:`SigningKey.generate` — a fresh key, saved with :meth:`SigningKey.write_private_key`.

Anything else raises :class:`~projlife.audit.errors.AuditKeyError` saying what was
attempted, why it failed and what is accepted.  The key id is the first 16 hex
digits of SHA-256 over the 32 raw public-key bytes.

A key loaded from a file remembers why it may not be secret (:attr:`SigningKey.exposure`):
the demo's key (a file named ``DEMO-ONLY-…``), or a file that group or others may read or
write (any of the mode bits ``0o077``; POSIX only). Such a key signs only the demo's logs
(log ids starting ``projlife-demo-``); for any other database ``AuditService.checkpoint``
refuses it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import AuditKeyError

__all__ = [
    "DEFAULT_KEY_ENV_VAR",
    "DEMO_KEY_PREFIX",
    "DEMO_LOG_ID_PREFIX",
    "SigningKey",
    "VerifyingKey",
    "key_id_for",
]

DEFAULT_KEY_ENV_VAR = "PROJLIFE_AUDIT_KEY"

DEMO_KEY_PREFIX = "DEMO-ONLY-"
"""A key file whose name starts with this is the demo's key (``projlife demo`` writes one)."""

DEMO_LOG_ID_PREFIX = "projlife-demo-"
"""The log ids of the demo's databases: the only logs a demo or exposed key may sign."""

_PRIVATE_ACCEPTED = "an unencrypted PEM PKCS#8 Ed25519 private key ('-----BEGIN PRIVATE KEY-----')"
_PUBLIC_ACCEPTED = "a PEM SubjectPublicKeyInfo Ed25519 public key ('-----BEGIN PUBLIC KEY-----')"


def key_id_for(raw_public_key: bytes) -> str:
    """First 16 hex digits of SHA-256 over the 32 raw Ed25519 public-key bytes."""
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def _read_file(path: Path, attempted: str, accepted: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        reason = f"no file at {str(path)!r}"
    except IsADirectoryError:
        reason = f"{str(path)!r} is a directory"
    except PermissionError:
        reason = f"no permission to read {str(path)!r}"
    except OSError as exc:
        reason = f"cannot read {str(path)!r}: {exc.strerror or exc}"
    raise AuditKeyError(attempted, reason, accepted)


def _exposure(path: Path) -> str | None:
    """Why the key in ``path`` may not be secret, or ``None``."""
    if path.name.startswith(DEMO_KEY_PREFIX):
        return f"{str(path)!r} is the demo's key (its name starts {DEMO_KEY_PREFIX!r})"
    if os.name == "posix":
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            return None
        if mode & 0o077:
            return (
                f"{str(path)!r} may be read or written by its group or others (mode {mode:04o}), "
                "so the key may be known to someone else"
            )
    return None


class VerifyingKey:
    """An Ed25519 public key: all a province needs to check a county's checkpoints."""

    __slots__ = ("_key", "_raw")

    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self._key = public_key
        self._raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @classmethod
    def from_pem(cls, data: bytes | str, *, source: str = "PEM data") -> VerifyingKey:
        """Load a PEM SubjectPublicKeyInfo Ed25519 public key."""
        attempted = f"loading the audit public key from {source}"
        raw = data.encode("utf-8") if isinstance(data, str) else data
        try:
            key = serialization.load_pem_public_key(raw)
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise AuditKeyError(
                attempted, f"not a readable PEM public key ({exc})", _PUBLIC_ACCEPTED
            ) from exc
        if not isinstance(key, Ed25519PublicKey):
            raise AuditKeyError(attempted, f"the key is {type(key).__name__}, not Ed25519", _PUBLIC_ACCEPTED)
        return cls(key)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> VerifyingKey:
        """Load a PEM Ed25519 public key from ``path``."""
        p = Path(path)
        data = _read_file(p, f"loading the audit public key from {str(p)!r}", _PUBLIC_ACCEPTED)
        return cls.from_pem(data, source=repr(str(p)))

    @property
    def raw(self) -> bytes:
        """The 32 raw public-key bytes."""
        return self._raw

    @property
    def key_id(self) -> str:
        """First 16 hex digits of SHA-256 over the raw public key."""
        return key_id_for(self._raw)

    def public_key_pem(self) -> bytes:
        """PEM SubjectPublicKeyInfo encoding, for handing to a province."""
        return self._key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def verify(self, signature: bytes, message: bytes) -> bool:
        """``True`` iff ``signature`` is a valid Ed25519 signature of ``message``."""
        try:
            self._key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VerifyingKey) and other._raw == self._raw

    def __hash__(self) -> int:
        return hash(self._raw)

    def __repr__(self) -> str:
        return f"VerifyingKey(key_id={self.key_id!r})"


class SigningKey:
    """An Ed25519 private key that signs checkpoints; its repr never shows the secret."""

    __slots__ = ("_exposure", "_private", "_public")

    def __init__(self, private_key: Ed25519PrivateKey, *, exposure: str | None = None) -> None:
        self._private = private_key
        self._public = VerifyingKey(private_key.public_key())
        self._exposure = exposure

    @property
    def exposure(self) -> str | None:
        """Why this key may not be secret (the demo's key, a file others may read), or ``None``."""
        return self._exposure

    @classmethod
    def generate(cls) -> SigningKey:
        """A fresh random key (save it with :meth:`write_private_key`)."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, data: bytes, *, source: str = "PEM data", exposure: str | None = None) -> SigningKey:
        """Load an unencrypted PEM PKCS#8 Ed25519 private key."""
        attempted = f"loading the audit signing key from {source}"
        try:
            key = serialization.load_pem_private_key(data, password=None)
        except TypeError as exc:  # encrypted key, no password given
            raise AuditKeyError(
                attempted, "the private key is password-protected", _PRIVATE_ACCEPTED
            ) from exc
        except (ValueError, UnsupportedAlgorithm) as exc:
            raise AuditKeyError(
                attempted, f"not a readable PEM private key ({exc})", _PRIVATE_ACCEPTED
            ) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise AuditKeyError(attempted, f"the key is {type(key).__name__}, not Ed25519", _PRIVATE_ACCEPTED)
        return cls(key, exposure=exposure)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SigningKey:
        """Load the signing key from a PEM PKCS#8 Ed25519 private-key file."""
        p = Path(path)
        data = _read_file(p, f"loading the audit signing key from {str(p)!r}", _PRIVATE_ACCEPTED)
        return cls.from_pem(data, source=repr(str(p)), exposure=_exposure(p))

    @classmethod
    def from_env(cls, var: str = DEFAULT_KEY_ENV_VAR, environ: Mapping[str, str] | None = None) -> SigningKey:
        """Load the signing key from the file whose **path** is in environment variable ``var``."""
        env = os.environ if environ is None else environ
        attempted = f"loading the audit signing key from environment variable {var}"
        accepted = f"{var}=/path/to/key.pem, a file holding {_PRIVATE_ACCEPTED}"
        value = env.get(var)
        if value is None or not value.strip():
            raise AuditKeyError(
                attempted, f"{var} is not set" if value is None else f"{var} is empty", accepted
            )
        if "-----BEGIN" in value:
            raise AuditKeyError(
                attempted,
                f"{var} holds PEM text; it must hold a path to the key file (key material in "
                "the environment leaks to child processes and crash reports)",
                accepted,
            )
        path = Path(value.strip())
        data = _read_file(path, f"{attempted} (path {str(path)!r})", accepted)
        return cls.from_pem(data, source=f"{str(path)!r} (named by {var})", exposure=_exposure(path))

    @property
    def public_key(self) -> VerifyingKey:
        """The matching public key."""
        return self._public

    @property
    def key_id(self) -> str:
        """First 16 hex digits of SHA-256 over the raw public key."""
        return self._public.key_id

    def public_key_pem(self) -> bytes:
        """PEM SubjectPublicKeyInfo encoding of the public key."""
        return self._public.public_key_pem()

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature (64 bytes) over ``message``."""
        return self._private.sign(message)

    def private_key_pem(self) -> bytes:
        """Unencrypted PEM PKCS#8 encoding of the private key (handle with care)."""
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def write_private_key(self, path: str | os.PathLike[str]) -> None:
        """Write the private key as PEM PKCS#8 to a new file with mode 0600.

        Refuses to overwrite an existing file: replacing a signing key silently
        would orphan every checkpoint signed with the old one.
        """
        p = Path(path)
        attempted = f"writing the audit signing key to {str(p)!r}"
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise AuditKeyError(
                attempted, "the file already exists", "a path that does not exist yet"
            ) from exc
        except OSError as exc:
            raise AuditKeyError(
                attempted, f"cannot create it: {exc.strerror or exc}", "a writable new path"
            ) from exc
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(self.private_key_pem())
        except BaseException:
            p.unlink(missing_ok=True)
            raise

    def __repr__(self) -> str:
        return f"SigningKey(key_id={self.key_id!r})"
