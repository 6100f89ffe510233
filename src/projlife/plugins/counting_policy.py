"""A city's counting policy: its drive's scope and what removed, cancelled and rejected facts count for.

Part of every :class:`~projlife.plugins.rules.RuleSet` (so part of its hash): a county that
changes how it counts changes its rule-set hash. Pure: standard library, attrs and domain types.
The defaults and the reason for each are in ``docs/projections.md`` ("Counting policy").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.plugins.rule_fields import canonical_decimal
from projlife.plugins.site_scoring import SiteScoring

__all__ = ["AREA_KINDS", "CountingPolicy", "DriveScope"]


def _opt_money(value: Any) -> Money | None:
    if value is None:
        return None
    return value if isinstance(value, Money) else Money(value)


def _categories(values: Iterable[Any]) -> frozenset[ProjectCategory]:
    if isinstance(values, str):
        raise ValueError(f"expected a collection of categories, not the string {values!r}")
    return frozenset(ProjectCategory(v) for v in values)


def stage_amount(stage: Stage, planned: Money, signed: Money | None) -> Money:
    """The amount that fits ``stage``: the signed amount from signing on, planned investment before.

    000: "签约亿元以上项目746个、签约金额4934亿元" — a signing counts by its signed amount; planned
    investment counts only for the pools before signing (or when no amount was signed).
    """
    if stage >= Stage.SIGNED and signed is not None:
        return signed
    return planned


AREA_KINDS: tuple[str, ...] = ("county", "zone", "town", "park")
"""The area kinds a scope can keep (the values of
:class:`projlife.projections.counting.AreaKind`): 县(市、区), city-level zones (开发区、示范区),
towns and streets (镇、街道), and parks below county level (园区)."""


def _area_kinds(values: Iterable[Any]) -> frozenset[str]:
    if isinstance(values, str):
        raise ValueError(f"expected a collection of area kinds, not the string {values!r}")
    kinds = frozenset(str(getattr(v, "value", v)) for v in values)
    unknown = sorted(kinds - set(AREA_KINDS))
    if unknown:
        raise ValueError(f"unknown area kind(s) {', '.join(unknown)}; known: {', '.join(AREA_KINDS)}")
    return kinds


def _opt_codes(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@attrs.frozen
class DriveScope:
    """Which projects a city's drive counts at all (every surface: engine, metrics, bulletin).

    ``min_amount`` is judged by the amount that fits the stage counted (:func:`stage_amount`);
    ``industry_only`` keeps 产业项目; ``categories`` keeps those categories; ``area_kinds``
    keeps projects whose area, or an area above it, is of one of those kinds (see
    :data:`AREA_KINDS`). Empty: every project counts.

    ``areas`` is ``area_kinds`` resolved against a city's area tree (:meth:`resolved`, which the
    plugin manager calls); it is derived, so it is not part of :meth:`as_dict` or the hash.
    """

    min_amount: Money | None = attrs.field(default=None, converter=_opt_money)
    industry_only: bool = False
    categories: frozenset[ProjectCategory] = attrs.field(default=frozenset(), converter=_categories)
    area_kinds: frozenset[str] = attrs.field(default=frozenset(), converter=_area_kinds)
    source: str = ""
    areas: frozenset[str] | None = attrs.field(default=None, converter=_opt_codes, eq=False)

    @property
    def everything(self) -> bool:
        return (
            self.min_amount is None and not self.industry_only and not self.categories and not self.area_kinds
        )

    def resolved(self, tree: AreaTree) -> DriveScope:
        """This scope with ``areas``: the codes of ``tree`` whose area or an ancestor has a kept kind."""
        if not self.area_kinds:
            return self
        keep = set()
        for area in tree:
            chain = [area, *tree.ancestors(area.code)]
            if any(_kind(a) in self.area_kinds for a in chain):
                keep.add(area.code)
        return attrs.evolve(self, areas=frozenset(keep))

    def matches(self, amount: Money, category: ProjectCategory, area_code: str | None = None) -> bool:
        if self.min_amount is not None and amount < self.min_amount:
            return False
        if self.industry_only and not category.is_industry:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.area_kinds:
            if self.areas is None:
                raise ValueError("a scope with area kinds is resolved against the city's areas before use")
            return area_code is not None and area_code in self.areas
        return True

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "min_amount": None if self.min_amount is None else canonical_decimal(self.min_amount.yuan),
            "industry_only": self.industry_only,
            "categories": sorted(c.value for c in self.categories),
            "source": self.source,
        }
        if self.area_kinds:  # only when set, so that scopes without area kinds keep their hash
            out["area_kinds"] = sorted(self.area_kinds)
        return out


def _kind(area: Area) -> str | None:
    if area.parent_code is None:  # the top (a city, or a county as top level) is no kind
        return None
    if area.level is AreaLevel.COUNTY:
        return "zone" if area.is_zone else "county"
    if area.level is AreaLevel.TOWN:
        return "park" if area.is_zone else "town"
    return None


@attrs.frozen
class CountingPolicy:
    """How a city counts: its scope and its policy for removed, cancelled and rejected facts.

    - 剔除 (removal): a project removed from a pool leaves that pool's counts (entries, stock,
      cohorts, stage reached) in every surface from the removal's business date on. The seeds are
      silent on a removed project that later meets the condition (e.g. 纳统 after removal from the
      started pool): ``removal_lifted_when_met=False`` (default) keeps it out — the removal is an
      official act and only an official act undoes it; ``True`` lifts a
      ``not_in_statistics_in_time`` removal from the day the project enters statistics.
    - Cancellation: ``cancelled_entries_count=True`` (default) keeps a cancelled project's past
      stage entries in period counts and rate cohorts (the signing happened; dropping it would
      flatter the start rate); it leaves every stock from the cancellation date on and owes no
      deadline. ``False`` drops every entry of a cancelled project.
    - Rejected claims never count from the rejection's business date on (the claim was found
      untrue); the bulletin lists how many were left out.
    """

    scope: DriveScope = attrs.field(factory=DriveScope)
    removal_lifted_when_met: bool = False
    cancelled_entries_count: bool = True
    site_scoring: SiteScoring | None = None
    """How on-site scoring sheets combine (000: 实地观摩、现场评分), and which scoring rule they rank;
    ``None``: the city scores no site visits."""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scope": self.scope.as_dict(),
            "removal_lifted_when_met": self.removal_lifted_when_met,
            "cancelled_entries_count": self.cancelled_entries_count,
        }
        if self.site_scoring is not None:  # absent otherwise, so existing rule-set hashes stay
            out["site_scoring"] = self.site_scoring.as_dict()
        return out
