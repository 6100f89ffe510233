"""Offline verifier for provinces: ``python -m projlife.audit.offline``.

Usage::

    python -m projlife.audit.offline verify-inclusion \\
        --checkpoint c.json --public-key k.pem --proof p.json
    python -m projlife.audit.offline verify-consistency \\
        --checkpoint kept.json --public-key k.pem --proof c.json

For ``verify-consistency`` ``--checkpoint`` is the checkpoint the province kept
from earlier.  Exit status: 0 valid, 1 invalid, 2 bad input (unreadable file,
malformed JSON or key, bad arguments).  The verification logic lives in
:mod:`projlife.audit.verify` and the formats in :mod:`projlife.audit.bundles`;
they are re-exported here.  (The package ``__init__`` does not import this
module, so ``python -m`` runs it without a double-import warning.)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .bundles import ConsistencyBundle, InclusionBundle
from .verify import Verdict, VerificationResult, verify_consistency_bundle, verify_inclusion_bundle

__all__ = [
    "ConsistencyBundle",
    "InclusionBundle",
    "Verdict",
    "VerificationResult",
    "main",
    "verify_consistency_bundle",
    "verify_inclusion_bundle",
]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m projlife.audit.offline",
        description="Verify projlife audit checkpoints and proofs offline. Exit 0 valid, 1 invalid, 2 bad input.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text, checkpoint_help in (
        ("verify-inclusion", "check that a leaf is in a signed checkpoint", "signed checkpoint JSON"),
        (
            "verify-consistency",
            "check that a new checkpoint extends one you kept",
            "the checkpoint JSON you kept from earlier",
        ),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--checkpoint", required=True, type=Path, help=checkpoint_help)
        sub.add_argument("--public-key", required=True, type=Path, help="the county's Ed25519 public key PEM")
        sub.add_argument("--proof", required=True, type=Path, help="proof bundle JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the verifier CLI; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse reports bad arguments with status 2
        return exc.code if isinstance(exc.code, int) else 2
    inputs: list[bytes] = []
    for path in (args.checkpoint, args.public_key, args.proof):
        try:
            inputs.append(path.read_bytes())
        except OSError as exc:
            print(f"MALFORMED: cannot read {str(path)!r}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    verify = verify_inclusion_bundle if args.command == "verify-inclusion" else verify_consistency_bundle
    result = verify(inputs[0], inputs[1], inputs[2])
    print(result, file=sys.stderr if result.verdict is Verdict.MALFORMED else sys.stdout)
    return result.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
