"""Strict JSON field readers shared by the exported formats (private)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from .errors import ProofError

__all__ = ["b64", "check_keys", "dumps", "get_b64", "get_int", "get_str", "loads_object"]


def b64(data: bytes) -> str:
    """Standard, padded base64 (RFC 4648 §4) as ASCII text."""
    return base64.b64encode(data).decode("ascii")


def dumps(obj: Mapping[str, Any]) -> str:
    """Stable JSON: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def loads_object(text: str | bytes, what: str) -> dict[str, Any]:
    """Parse ``text`` as a JSON object or raise :class:`ProofError`."""
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProofError(
            f"reading {what}", f"not valid JSON ({exc})", "a JSON object as exported by projlife"
        ) from exc
    if not isinstance(obj, dict):
        raise ProofError(
            f"reading {what}", f"the JSON is a {type(obj).__name__}, not an object", "a JSON object"
        )
    return obj


def check_keys(obj: Mapping[str, Any], required: set[str], optional: set[str], what: str, fmt: str) -> None:
    """Require exactly the known keys and the expected ``format`` marker."""
    missing = required - obj.keys()
    unknown = obj.keys() - required - optional
    allowed = f"keys {', '.join(sorted(required | optional))}"
    if missing:
        raise ProofError(f"reading {what}", f"missing {', '.join(sorted(missing))}", allowed)
    if unknown:
        raise ProofError(f"reading {what}", f"unknown {', '.join(sorted(unknown))}", allowed)
    if obj.get("format") != fmt:
        raise ProofError(f"reading {what}", f"format is {obj.get('format')!r}", f"format {fmt!r}")


def get_int(obj: Mapping[str, Any], key: str, what: str) -> int:
    value = obj[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"reading {what}", f"{key} is {value!r}", f"{key} as a non-negative integer")
    return value


def get_str(obj: Mapping[str, Any], key: str, what: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise ProofError(f"reading {what}", f"{key} is {value!r}", f"{key} as a string")
    return value


def get_b64(value: object, key: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise ProofError(f"reading {what}", f"{key} is {value!r}", f"{key} as a base64 string")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ProofError(f"reading {what}", f"{key} is not valid base64", "standard padded base64") from exc
