"""Areas: city → county (县市区) → town, street or park (镇街/园区), or a county as the top.

The top of a tree is the jurisdiction a plugin governs: a city (市), or a county or district
(县、区) that is its own top level (a county plugin). The **units** are the areas one level
below the top: the counties and zones of a city (县市区、市直园区), or the towns, streets and
parks of a county (镇街、园区). Ledgers (``county_code``), bulletins, rankings and scopes roll
up to the units; see ``docs/plugins.md`` ("Area nesting").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

import attrs

__all__ = ["Area", "AreaLevel", "AreaTree"]


class AreaLevel(StrEnum):
    """The levels of an area tree: the city, its counties (县市区, zones at that level), and
    towns, streets and parks (镇街、园区) below. A tree's top is a city, or a county with no
    parent (a county as the top jurisdiction, towns directly below it)."""

    CITY = "city"
    COUNTY = "county"
    TOWN = "town"

    @property
    def depth(self) -> int:
        return {"city": 0, "county": 1, "town": 2}[self.value]


def _code(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value or len(value) > 32 or not value.replace("-", "").isalnum():
        raise ValueError(f"area code must be 1–32 letters, digits or '-', got {value!r}")


@attrs.frozen
class Area:
    """One administrative unit, known by its code and its Chinese name.

    ``is_zone`` marks development zones and parks (开发区、示范区、园区), which some
    cities hold to different quotas than counties.
    """

    code: str = attrs.field(validator=_code)
    name: str
    level: AreaLevel = attrs.field(converter=AreaLevel)
    parent_code: str | None = None
    is_zone: bool = False

    def __attrs_post_init__(self) -> None:
        if self.level is AreaLevel.CITY and self.parent_code is not None:
            raise ValueError(f"area {self.code}: a city has no parent")
        if self.level is AreaLevel.TOWN and self.parent_code is None:
            raise ValueError(
                f"area {self.code}: a town, street or park sits under a county (or a city's county)"
            )


def _area_tuple(areas: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(areas)


@attrs.frozen
class AreaTree:
    """A jurisdiction's areas, with look-ups by code and by hierarchy.

    Exactly one area has no parent: the :attr:`top` (a city, or a county that is its own top
    level, 县级 plugins). :attr:`units` are the areas directly under it.
    """

    areas: tuple[Area, ...] = attrs.field(converter=_area_tuple)
    _by_code: dict[str, Area] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_code: dict[str, Area] = {}
        for area in self.areas:
            if area.code in by_code:
                raise ValueError(f"area code {area.code} appears twice")
            by_code[area.code] = area
        for area in self.areas:
            if area.parent_code is not None:
                parent = by_code.get(area.parent_code)
                if parent is None:
                    raise ValueError(f"area {area.code} names unknown parent {area.parent_code}")
                if parent.level.depth != area.level.depth - 1:
                    raise ValueError(f"area {area.code} ({area.level}) cannot sit under {parent.level}")
        roots = [a.code for a in self.areas if a.parent_code is None]
        if len(roots) != 1:
            raise ValueError(
                f"an area tree has exactly one top (a city, or a county as top jurisdiction), "
                f"found {len(roots)}: {', '.join(roots) or 'none'}"
            )
        object.__setattr__(self, "_by_code", by_code)

    def __iter__(self) -> Iterator[Area]:
        return iter(self.areas)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def get(self, code: str) -> Area | None:
        return self._by_code.get(code)

    def __getitem__(self, code: str) -> Area:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown area code {code!r}") from None

    @property
    def top(self) -> Area:
        """The top jurisdiction: the city, or the county when a county is its own top level."""
        return next(a for a in self.areas if a.parent_code is None)

    @property
    def city(self) -> Area:
        """The top of the tree (the city; the county for a county plugin). Same as :attr:`top`."""
        return self.top

    @property
    def top_is_county(self) -> bool:
        """Whether a county is the top level (its units are towns, streets and parks)."""
        return self.top.level is AreaLevel.COUNTY

    @property
    def unit_level(self) -> AreaLevel:
        """The level of the units: counties under a city, towns under a county."""
        return AreaLevel.TOWN if self.top_is_county else AreaLevel.COUNTY

    @property
    def units(self) -> tuple[Area, ...]:
        """The areas directly under the top, in tree order: a city's counties and zones
        (县市区), or a county's towns, streets and parks (镇街、园区)."""
        top = self.top.code
        return tuple(a for a in self.areas if a.parent_code == top)

    def unit_of(self, code: str) -> Area | None:
        """The unit an area belongs to (itself if it is one; None for the top)."""
        area = self[code]
        top = self.top.code
        if area.parent_code is None:
            return None
        while area.parent_code != top:
            assert area.parent_code is not None
            area = self[area.parent_code]
        return area

    def children(self, code: str) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if a.parent_code == code)

    def at_level(self, level: AreaLevel) -> tuple[Area, ...]:
        """The areas at ``level`` (the top included when it is at that level)."""
        return tuple(a for a in self.areas if a.level is level)

    @property
    def counties(self) -> tuple[Area, ...]:
        """The areas at county level (for a county plugin: the top itself). Roll-ups use :attr:`units`."""
        return self.at_level(AreaLevel.COUNTY)

    def ancestors(self, code: str) -> tuple[Area, ...]:
        """The area's parents, nearest first."""
        out = []
        area = self[code]
        while area.parent_code is not None:
            area = self[area.parent_code]
            out.append(area)
        return tuple(out)

    def county_of(self, code: str) -> Area | None:
        """The county an area belongs to (itself if it is a county; None for the city)."""
        area = self[code]
        if area.level is AreaLevel.COUNTY:
            return area
        for parent in self.ancestors(code):
            if parent.level is AreaLevel.COUNTY:
                return parent
        return None

    def merged(self, others: Iterable[Area]) -> AreaTree:
        return AreaTree(self.areas + tuple(others))
