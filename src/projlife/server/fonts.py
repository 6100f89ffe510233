"""The web 台账's webfont: a subset of the package's CJK font covering exactly a page's characters.

Each page names a font URL derived from the characters it shows, so the browser never has a
character the font lacks and never falls back to a system font. Subsets are cached.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import threading
from collections import OrderedDict
from functools import cache

from projlife.reports.charts import CjkFont, embedded_font_css, find_cjk_font

__all__ = ["WEB_FONT_FAMILY", "FontCache"]

WEB_FONT_FAMILY = "ProjlifeWeb"
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)
_ALWAYS = "0123456789 abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,:;-–—/()%+·…→←↑↓"


@cache
def _font() -> CjkFont:
    return find_cjk_font()


def page_characters(page: str) -> str:
    """Every character the page shows: its text and its attribute values (placeholders, titles, options)."""
    text = _TAGS.sub(" ", page) + " ".join(
        re.findall(r'(?:value|placeholder|title|aria-label)="([^"]*)"', page)
    )
    return "".join(sorted(set(html.unescape(text) + _ALWAYS) - set("\n\r\t")))


class FontCache:
    """Font subsets by the digest of their characters (most recently used kept)."""

    def __init__(self, size: int = 256) -> None:
        self._chars: OrderedDict[str, str] = OrderedDict()
        self._woff: dict[str, bytes] = {}
        self._size = size
        self._lock = threading.Lock()

    def register(self, chars: str) -> str:
        """The digest naming the subset for ``chars``."""
        digest = hashlib.sha256(chars.encode("utf-8")).hexdigest()[:24]
        with self._lock:
            self._chars[digest] = chars
            self._chars.move_to_end(digest)
            while len(self._chars) > self._size:
                old, _ = self._chars.popitem(last=False)
                self._woff.pop(old, None)
        return digest

    def woff(self, digest: str) -> bytes | None:
        """The WOFF bytes of a registered subset (made on first request), or None if unknown."""
        with self._lock:
            chars = self._chars.get(digest)
            found = self._woff.get(digest)
        if chars is None:
            return None
        if found is None:
            css = embedded_font_css(_font(), chars, family=WEB_FONT_FAMILY)
            found = base64.b64decode(css.split("base64,", 1)[1].split(")", 1)[0])
            with self._lock:
                self._woff[digest] = found
        return found
