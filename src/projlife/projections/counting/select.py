"""Scopes and counts over :class:`~projlife.projections.counting.record.ProjectFacts`.

:class:`Selection` says which projects a question is about (area and everything under it, area
kind, category, size by the stage-appropriate amount); :func:`entries` answers "which of them
entered stage S within [start, end]" together with what was left out and why (removed,
cancelled, rejected). Every "how many / which projects" figure in the library goes through
these two and the methods of ``ProjectFacts``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

import attrs

from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.projections.counting.record import ProjectFacts, pool_of

__all__ = ["AreaKind", "Count", "Excluded", "Selection", "entries", "group_by_area", "kind_of", "round_rate"]


class AreaKind(StrEnum):
    """The kinds of area a count can be restricted to."""

    COUNTY = "county"
    """县(市、区): a county-level area that is not a zone."""
    ZONE = "zone"
    """A city-level zone (示范区、开发区; 孝感 市直三区)."""
    TOWN = "town"
    """镇、街道."""
    PARK = "park"
    """园区 (a zone below county level)."""


def kind_of(area: Area) -> AreaKind | None:
    """The kind of a unit or sub-area; ``None`` for the top of the tree (it is the jurisdiction)."""
    if area.parent_code is None:
        return None
    if area.level is AreaLevel.COUNTY:
        return AreaKind.ZONE if area.is_zone else AreaKind.COUNTY
    if area.level is AreaLevel.TOWN:
        return AreaKind.PARK if area.is_zone else AreaKind.TOWN
    return None


def _opt_money(value: Any) -> Money | None:
    if value is None or isinstance(value, Money):
        return value
    return Money(value)


def _categories(values: Iterable[Any]) -> frozenset[ProjectCategory]:
    return frozenset(ProjectCategory(c) for c in values)


@attrs.frozen
class Selection:
    """Which projects: ``area`` (and its sub-areas), ``area_kind``, ``categories``, and a size class
    ``min_amount <= amount < max_amount`` judged by the amount that fits the stage counted."""

    area: str | None = None
    area_kind: AreaKind | None = attrs.field(default=None, converter=attrs.converters.optional(AreaKind))
    categories: frozenset[ProjectCategory] = attrs.field(default=frozenset(), converter=_categories)
    min_amount: Money | None = attrs.field(default=None, converter=_opt_money)
    max_amount: Money | None = attrs.field(default=None, converter=_opt_money)
    industry_only: bool = False

    def matches(self, f: ProjectFacts, tree: AreaTree | None, stage: Stage | None = None) -> bool:
        if not f.in_scope(stage):
            return False
        if self.area is not None or self.area_kind is not None:
            if tree is None or f.area_code not in tree:
                return False
            chain = [tree[f.area_code], *tree.ancestors(f.area_code)]
            if self.area is not None and all(a.code != self.area for a in chain):
                return False
            if self.area_kind is not None and all(kind_of(a) is not self.area_kind for a in chain):
                return False
        if self.categories and f.category not in self.categories:
            return False
        if self.industry_only and not f.category.is_industry:
            return False
        amount = f.amount_at(stage)
        if self.min_amount is not None and amount < self.min_amount:
            return False
        return self.max_amount is None or amount < self.max_amount


@attrs.frozen
class Excluded:
    """A project left out of a count, and why: ``removed`` (剔除), ``cancelled`` or ``rejected``."""

    project_id: str
    why: str
    detail: str
    on: date
    event_id: int | None


@attrs.frozen
class Count:
    """Projects that entered ``stage`` within [start, end], with the ones left out and why."""

    stage: Stage
    start: date
    end: date
    project_ids: tuple[str, ...]
    event_ids: tuple[int, ...]
    excluded: tuple[Excluded, ...]

    @property
    def count(self) -> int:
        return len(self.project_ids)

    def left_out(self, why: str) -> int:
        return sum(1 for e in self.excluded if e.why == why)


def entries(
    facts: Iterable[ProjectFacts],
    stage: Stage,
    start: date,
    end: date,
    *,
    verified: bool = False,
) -> Count:
    """Which of ``facts`` entered ``stage`` within [start, end] (as counted), and who was left out."""
    members: list[ProjectFacts] = []
    excluded: list[Excluded] = []
    pool = pool_of(stage)
    for f in facts:
        pid = str(f.project_id)
        for r in f.rejections:
            if r.stage is stage and start <= r.on <= end:
                excluded.append(Excluded(pid, "rejected", r.reason, r.on, r.event_id))
        claimed = f.stage_dates.get(stage)
        if claimed is None or not start <= claimed <= end:
            continue
        if verified and stage not in f.verified:
            continue
        on = f.entered(stage, verified=verified)
        if on is not None:
            members.append(f)
            continue
        removal = f.removal_of(stage)
        if removal is not None:
            assert pool is not None
            excluded.append(
                Excluded(pid, "removed", removal[1].value, removal[2], f.removal_events.get(pool))
            )
        elif f.cancelled_on is not None:
            excluded.append(Excluded(pid, "cancelled", f.cancel_reason, f.cancelled_on, None))
    members.sort(key=lambda f: str(f.project_id))
    return Count(
        stage,
        start,
        end,
        tuple(str(f.project_id) for f in members),
        tuple(sorted(e for f in members for e in f.claim_events.get(stage, ()))),
        tuple(sorted(excluded, key=lambda e: (e.why, e.project_id, e.on))),
    )


def group_by_area(
    facts: Iterable[ProjectFacts], tree: AreaTree, areas: Sequence[Area]
) -> dict[str, list[ProjectFacts]]:
    """Projects under each of ``areas`` (an area's own projects and its sub-areas'; nearest wins)."""
    out: dict[str, list[ProjectFacts]] = {a.code: [] for a in areas}
    for f in facts:
        if f.area_code not in tree:
            continue
        for code in (f.area_code, *(a.code for a in tree.ancestors(f.area_code))):
            if code in out:
                out[code].append(f)
                break
    return out


def round_rate(numerator: Decimal | int, denominator: Decimal | int, places: int = 1) -> Decimal | None:
    """A rate in percent, rounded half up (四舍五入) once from the exact fraction: 18/33 → 54.5."""
    if denominator == 0:
        return None
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
