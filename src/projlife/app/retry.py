"""Optimistic concurrency: load, apply, save, and on a version conflict wait a little and do it again."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import attrs
from eventsourcing.persistence import RecordConflictError

from projlife.domain.errors import ConcurrentUpdateError

__all__ = ["DEFAULT_RETRY", "MAX_RETRIES", "RetryPolicy", "retry_on_conflict", "save_with_retries"]

MAX_RETRIES = 5
"""The fewest times a command is re-run on a freshly loaded aggregate before giving up."""

TAggregate = TypeVar("TAggregate")
TResult = TypeVar("TResult")


@attrs.frozen
class RetryPolicy:
    """Jittered exponential backoff within a time budget.

    After the n-th conflict the command waits a random time in ``[0, min(cap_s, base_s·2ⁿ)]``
    ("full jitter": rivals that collided spread out instead of colliding again) and runs again,
    for as long as ``budget_s`` seconds have not passed since the first attempt, and at least
    ``min_attempts`` times. Eight clerks writing one project at full speed need a few
    milliseconds of waiting; the budget only bounds the pathological case.
    """

    budget_s: float = 10.0
    base_s: float = 0.002
    cap_s: float = 0.1
    min_attempts: int = MAX_RETRIES

    def pause(self, conflicts: int, rng: random.Random | None = None) -> float:
        """The wait after the ``conflicts``-th conflict (1-based), in seconds."""
        ceiling = min(self.cap_s, self.base_s * (2 ** min(conflicts, 30)))
        return (rng or random).uniform(0.0, ceiling)


DEFAULT_RETRY = RetryPolicy()
"""The policy every service uses unless given another."""


def retry_on_conflict(
    attempt: Callable[[], TResult],
    *,
    attempted: str,
    what: str,
    policy: RetryPolicy | None = None,
) -> TResult:
    """Run ``attempt`` (which loads, checks, applies and saves); when its save raises
    ``RecordConflictError`` (another writer saved first), back off (see :class:`RetryPolicy`)
    and run it again. A refusal raised by ``attempt`` propagates at once; running out of the
    time budget raises :class:`ConcurrentUpdateError`, never a silent loss.
    """
    policy = policy or DEFAULT_RETRY
    start = time.monotonic()
    conflicts = 0
    while True:
        try:
            return attempt()
        except RecordConflictError:
            conflicts += 1  # someone else wrote first: wait a little, reload and re-check
            elapsed = time.monotonic() - start
            if conflicts >= policy.min_attempts and elapsed >= policy.budget_s:
                break
            time.sleep(policy.pause(conflicts))
    raise ConcurrentUpdateError(
        attempted,
        f"another writer changed the {what} {conflicts} times in {elapsed:.1f} s while this command was retried",
        "send the command again",
    )


def save_with_retries(
    store: Any,
    load_and_apply: Callable[[], TAggregate],
    *,
    attempted: str,
    what: str,
    policy: RetryPolicy | None = None,
) -> tuple[TAggregate, list[Any]]:
    """Run ``load_and_apply`` (which loads the aggregate, checks and applies the command) and
    save the result, retried by :func:`retry_on_conflict`.
    """

    def attempt() -> tuple[TAggregate, list[Any]]:
        aggregate = load_and_apply()
        return aggregate, list(store.save(aggregate))

    return retry_on_conflict(attempt, attempted=attempted, what=what, policy=policy)
