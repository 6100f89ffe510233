"""Optimistic concurrency: load, apply, save, and on a version conflict do it all again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from eventsourcing.persistence import RecordConflictError

from projlife.domain.errors import ConcurrentUpdateError

__all__ = ["MAX_RETRIES", "save_with_retries"]

MAX_RETRIES = 5
"""How many times a command is re-run on a freshly loaded aggregate before giving up."""

TAggregate = TypeVar("TAggregate")


def save_with_retries(
    store: Any,
    load_and_apply: Callable[[], TAggregate],
    *,
    attempted: str,
    what: str,
) -> tuple[TAggregate, list[Any]]:
    """Run ``load_and_apply`` (which loads the aggregate, checks and applies the command) and
    save the result; when another writer saved first, reload and re-check, up to
    :data:`MAX_RETRIES` times. A refusal raised by ``load_and_apply`` propagates at once;
    running out of retries raises :class:`ConcurrentUpdateError`, never a silent loss.
    """
    for _ in range(MAX_RETRIES):
        aggregate = load_and_apply()
        try:
            recordings = store.save(aggregate)
        except RecordConflictError:
            continue  # someone else wrote first: reload and re-check the command
        return aggregate, list(recordings)
    raise ConcurrentUpdateError(
        attempted,
        f"another writer changed the {what} {MAX_RETRIES} times while this command was retried",
        "send the command again",
    )
