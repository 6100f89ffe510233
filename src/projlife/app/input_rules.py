"""The input rules every command and import row passes at the boundary (see docs/security.md).

- No text may hold a C0/C1 control character (NUL included; only line feed and tab are
  allowed), a format character (bidi controls, zero-width characters, BOM), a line or
  paragraph separator, a private-use, surrogate or unassigned code point.
- Identifiers (codes, area codes, 统一社会信用代码, flags, actor ids) are NFKC-normalised,
  so 全角 ``ＸＧ－００１`` is ``XG-001``; free text (names, reasons) is kept as typed (NFC).
- Actor ids are canonical: NFKC, casefolded, and made only of ASCII letters, digits,
  ``. _ - @`` and CJK ideographs, so no look-alike letter from another script gets in.
- Business dates may not be later than today (Asia/Shanghai) plus :data:`FUTURE_TOLERANCE`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = [
    "FUTURE_TOLERANCE",
    "canonical_actor_id",
    "check_text",
    "check_texts",
    "latest_business_date",
    "nfkc",
]

FUTURE_TOLERANCE = timedelta(days=1)
"""How far past today (China's date) a business date may lie: one day, for clock and zone skew."""

_CHINA = timedelta(hours=8)
_ALLOWED_CONTROLS = frozenset("\n\t")
_REFUSED_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible format character (bidi or zero-width)",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Co": "a private-use character",
    "Cs": "a surrogate",
    "Cn": "an unassigned code point",
}
_ACTOR_PUNCTUATION = frozenset("._-@")


def latest_business_date(today: date | None = None) -> date:
    """The latest business date accepted now: today in China plus :data:`FUTURE_TOLERANCE`."""
    day = today or (datetime.now(UTC) + _CHINA).date()
    return day + FUTURE_TOLERANCE


def check_text(value: str, where: str) -> str:
    """Return ``value`` if it holds no refused character, else raise ``ValueError`` naming it."""
    for i, ch in enumerate(value):
        if ch in _ALLOWED_CONTROLS:
            continue
        what = _REFUSED_CATEGORIES.get(unicodedata.category(ch))
        if what is not None:
            raise ValueError(
                f"{where} holds U+{ord(ch):04X} ({unicodedata.name(ch, 'unnamed')}) at position {i}, "
                f"{what}; such characters are refused"
            )
    return value


def check_texts(data: Any, where: str = "input") -> None:
    """Apply :func:`check_text` to every string in ``data`` (mappings, lists and tuples walked)."""
    if isinstance(data, str):
        check_text(data, where)
    elif isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(key, str):
                check_text(key, f"{where} key")
            check_texts(value, f"{key}" if where == "input" else f"{where}.{key}")
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            check_texts(value, f"{where}[{i}]")


def nfkc(value: Any) -> Any:
    """NFKC form of a string identifier (全角 letters and digits become ASCII); others unchanged."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


def canonical_actor_id(value: str) -> str:
    """The canonical form of an actor id, or ``ValueError`` if it has a character ids may not use."""
    check_text(value, "actor id")
    canonical = unicodedata.normalize("NFKC", value).strip().casefold()
    canonical = unicodedata.normalize("NFKC", canonical)
    if not canonical:
        raise ValueError("an actor id must not be empty")
    for ch in canonical:
        if (ch.isascii() and (ch.isalnum() or ch in _ACTOR_PUNCTUATION)) or _is_cjk(ch):
            continue
        raise ValueError(
            f"actor id {value!r} holds {ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}); "
            "actor ids use ASCII letters, digits, . _ - @ and CJK ideographs only, "
            "so that no look-alike of another id is accepted"
        )
    return canonical
