"""The in-transaction hook: code that runs in the very transaction that writes events.

Each recorder calls its ``on_insert`` hook, when set, with a raw driver cursor (tuple rows,
the driver's own parameter style) and the rows it has just inserted, before committing. The
application installs the audit chain here (``projlife.audit.sealing.chain_in_transaction``),
so an event and its chain row commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["InsertHook", "InsertedRow"]

InsertedRow = tuple[int, Any, int, str, bytes]
"""(position, originator_id as stored, originator_version, topic, state) of one new event."""

InsertHook = Callable[[Any, Sequence[InsertedRow]], None]
"""``hook(cursor, rows)``: runs inside the insert's transaction; raising rolls it back."""
