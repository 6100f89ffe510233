"""Revised figures of a closed period: the published count, the count now, and the events behind the change.

A closed period's figure changes only when a fact about that period (business date in it, or
before its end) is recorded later — a back-dated claim, correction, rejection or removal. Given
the time the figure was published (T₀), :func:`revisions` compares the period's entries as of the
period's end *as known at T₀* with the same entries *as known now*, and names the events recorded
after T₀, dated by the period's end, of every project that joined or left the count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

import attrs

from projlife.domain.lifecycle import Stage
from projlife.projections.counting.record import ProjectFacts
from projlife.projections.counting.select import entries

__all__ = ["Revision", "revisions"]


@attrs.frozen
class Revision:
    """One figure of a closed period as published and as revised (``added``/``dropped`` projects,
    ``event_ids``: the log positions, recorded after publication, that caused the change)."""

    area_code: str | None
    stage: Stage
    start: date
    end: date
    published: int
    revised: int
    added: tuple[str, ...]
    dropped: tuple[str, ...]
    event_ids: tuple[int, ...]


def revisions(
    published: Sequence[ProjectFacts],
    current: Sequence[ProjectFacts],
    stages: Iterable[Stage],
    start: date,
    end: date,
    events_after: Callable[[Sequence[str]], Mapping[str, tuple[int, ...]]],
    *,
    area_code: str | None = None,
) -> list[Revision]:
    """The figures (entries of each stage within [start, end], in the drive's scope) whose count
    as known now differs from the count as published; ``events_after(project_ids)`` gives each
    project's events recorded after publication (dated by ``end``)."""
    out: list[Revision] = []
    for stage in stages:
        before = entries([f for f in published if f.in_scope(stage)], stage, start, end)
        after = entries([f for f in current if f.in_scope(stage)], stage, start, end)
        added = tuple(sorted(set(after.project_ids) - set(before.project_ids)))
        dropped = tuple(sorted(set(before.project_ids) - set(after.project_ids)))
        if not added and not dropped:
            continue
        causes = events_after([*added, *dropped])
        ids = tuple(sorted({e for pid in (*added, *dropped) for e in causes.get(pid, ())}))
        out.append(Revision(area_code, stage, start, end, before.count, after.count, added, dropped, ids))
    return out
