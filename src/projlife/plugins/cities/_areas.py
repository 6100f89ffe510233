"""A compact way for city modules to declare their area trees."""

from __future__ import annotations

from projlife.domain.areas import Area, AreaLevel, AreaTree

__all__ = ["area_tree"]


def area_tree(
    city: tuple[str, str],
    counties: list[tuple[str, str]],
    zones: list[tuple[str, str]] = [],  # noqa: B006 - read-only
    towns: dict[str, list[tuple[str, str, bool]]] | None = None,
) -> AreaTree:
    """Build a tree from (code, name) pairs; zones are county-level areas marked as zones."""
    city_code, city_name = city
    areas = [Area(city_code, city_name, AreaLevel.CITY)]
    areas += [Area(code, name, AreaLevel.COUNTY, city_code) for code, name in counties]
    areas += [Area(code, name, AreaLevel.COUNTY, city_code, is_zone=True) for code, name in zones]
    for county_code, units in (towns or {}).items():
        areas += [Area(code, name, AreaLevel.TOWN, county_code, is_zone=zone) for code, name, zone in units]
    return AreaTree(tuple(areas))
