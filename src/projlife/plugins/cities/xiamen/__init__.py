"""Xiamen 厦门 — the 2020 "year of assault" 攻坚年 (seed 002_957ce6c630810f9f.txt)."""

from __future__ import annotations

from projlife.plugins.cities._areas import area_tree
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.types import CityProfile

SOURCE = "002_957ce6c630810f9f.txt"

CITY = CityProfile(
    slug="xiamen",
    code="350200",
    name_zh="厦门市",
    name_en="Xiamen",
    source=SOURCE,
    areas=area_tree(
        ("350200", "厦门市"),
        [
            ("350203", "思明区"),
            ("350205", "海沧区"),
            ("350206", "湖里区"),
            ("350211", "集美区"),
            ("350212", "同安区"),
            ("350213", "翔安区"),
        ],
    ),
)


@hookimpl
def projlife_city() -> CityProfile:
    return CITY
