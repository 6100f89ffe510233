"""Areas: city → county (县市区) → town, street or park (镇街/园区)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

import attrs

__all__ = ["Area", "AreaLevel", "AreaTree"]


class AreaLevel(StrEnum):
    """The levels of a city's area tree: the city (or a county as top jurisdiction), its
    counties (县市区, zones at that level), and towns, streets and parks (镇街、园区) below."""

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
        if (self.level is AreaLevel.CITY) != (self.parent_code is None):
            raise ValueError(f"area {self.code}: a city has no parent and every other area has one")


def _area_tuple(areas: Iterable[Area]) -> tuple[Area, ...]:
    return tuple(areas)


@attrs.frozen
class AreaTree:
    """A city's areas, with look-ups by code and by hierarchy."""

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
    def city(self) -> Area:
        cities = [a for a in self.areas if a.level is AreaLevel.CITY]
        if len(cities) != 1:
            raise ValueError(f"an area tree has exactly one city, found {len(cities)}")
        return cities[0]

    def children(self, code: str) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if a.parent_code == code)

    def at_level(self, level: AreaLevel) -> tuple[Area, ...]:
        return tuple(a for a in self.areas if a.level is level)

    @property
    def counties(self) -> tuple[Area, ...]:
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
