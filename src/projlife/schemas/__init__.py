"""JSON Schemas (draft 2020-12) of every JSON the ``projlife`` command line prints.

An embedder that parses ``projlife report --format json`` (or ``plugins``, ``audit log``,
``projections status``) validates it against these; the tests do the same.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["SCHEMAS", "schema"]

SCHEMAS: dict[str, str] = {
    "bulletin": "projlife report --format json",
    "plugins": "projlife plugins --format json",
    "audit-log": "projlife audit log --format json",
    "projections-status": "projlife projections status --format json",
    "tick": "projlife tick --format json",
    "common": "types shared by the others (counts, decimals, dates)",
}
"""Each schema's name and the output it describes."""


@cache
def _load(name: str) -> str:
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")


def schema(name: str) -> dict[str, Any]:
    """The schema called ``name`` (see :data:`SCHEMAS`), as a fresh dict."""
    if name not in SCHEMAS:
        from projlife.domain.errors import ProjlifeError

        raise ProjlifeError(f"load JSON schema {name!r}", "no such schema", ", ".join(SCHEMAS))
    loaded: dict[str, Any] = json.loads(_load(name))
    return loaded
