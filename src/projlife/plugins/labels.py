"""Labels as data: the words a city's bulletins use for its areas, awards and sections.

A county that is its own top jurisdiction says 全县 and 镇街(园区) where a city says 全市 and
县市区; it praises with a 流动红旗 and asks the last town for a 表态发言 where Xiaogan names the
前两名 and 后两名. A plugin answers ``projlife_labels`` with a :class:`Labels`; the built-in
cities supply theirs through the same hook. Every key overrides one bulletin term
(:mod:`projlife.reports.terms`) or names an award.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

__all__ = ["AWARD_KEYS", "LABEL_KEYS", "BulletinSection", "Labels"]

LABEL_KEYS: dict[str, str] = {
    "whole": "the jurisdiction as a whole (全市, 全县)",
    "county": "one competing area in tables (县市区, 镇街(园区))",
    "by_county": "the section of progress per area (二、各县区推进情况)",
    "ranking": "the ranking section (七、县区排名)",
    "ranking_chart": "the per-area chart title (县区{stage}数（本期）)",
    "city_wide_quotas": "the jurisdiction's quotas (全市目标)",
    "area_quotas": "the per-area quotas (分县区目标)",
    "top": "the praised areas' mark (前{n}名, 流动红旗)",
    "bottom": "the areas that must explain themselves (后{n}名, 表态发言)",
    "no_ranking_rule": "the line when no ranking is defined",
}
"""The label keys a plugin may set, and what each names."""

AWARD_KEYS = ("top", "bottom")


def _labels(value: Mapping[str, Any]) -> Mapping[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for key, words in dict(value).items():
        if key not in LABEL_KEYS:
            from difflib import get_close_matches

            near = get_close_matches(key, LABEL_KEYS, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(f"unknown label key {key!r}{hint}; known: {', '.join(LABEL_KEYS)}")
        if isinstance(words, str):
            words = (words, words)
        zh, en = words
        if not str(zh).strip() or not str(en).strip():
            raise ValueError(f"label {key!r}: both zh and en words are required")
        out[key] = (str(zh), str(en))
    return MappingProxyType(dict(sorted(out.items())))


@attrs.frozen
class Labels:
    """A city's words: ``{key: (zh, en)}`` for keys in :data:`LABEL_KEYS` (a plain string sets both).

    >>> Labels({"top": ("流动红旗", "red banner"), "whole": ("全县", "county-wide")}).term("top", "zh")
    '流动红旗'
    """

    words: Mapping[str, tuple[str, str]] = attrs.field(factory=dict, converter=_labels)

    def term(self, key: str, lang: str = "zh") -> str | None:
        """The city's word for ``key`` in ``lang``, or ``None`` to keep the library's."""
        found = self.words.get(key)
        if found is None:
            return None
        return found[1] if lang == "en" else found[0]

    def merged(self, other: Labels) -> Labels:
        """These labels with ``other``'s on top."""
        return Labels({**self.words, **other.words})

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(v) for k, v in self.words.items()}


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _rows(value: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(c) for c in r) for r in value)


@attrs.frozen
class BulletinSection:
    """An extra section a plugin adds to a bulletin: a title and its paragraphs (and tables).

    ``rows`` is an optional table: its first tuple is the header.
    """

    title_zh: str
    paragraphs: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    rows: tuple[tuple[str, ...], ...] = attrs.field(default=(), converter=_rows)
    title_en: str = ""

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    def as_dict(self) -> dict[str, Any]:
        return {
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "paragraphs": list(self.paragraphs),
            "rows": [list(r) for r in self.rows],
        }
