"""Xiaogan 孝感 — the "211" mechanism (seed 000_88163f5170051631.txt)."""

from __future__ import annotations

from projlife.plugins.cities._areas import area_tree
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.types import CityProfile

SOURCE = "000_88163f5170051631.txt"

CITY = CityProfile(
    slug="xiaogan",
    code="420900",
    name_zh="孝感市",
    name_en="Xiaogan",
    source=SOURCE,
    # 000: "明确7个县(市、区)、市直三区和市直各部门目标任务"
    areas=area_tree(
        ("420900", "孝感市"),
        [
            ("420902", "孝南区"),
            ("420921", "孝昌县"),
            ("420922", "大悟县"),
            ("420923", "云梦县"),
            ("420981", "应城市"),
            ("420982", "安陆市"),
            ("420984", "汉川市"),
        ],
        zones=[
            ("420900-GX", "孝感高新区"),
            ("420900-LK", "临空经济区"),
            ("420900-SFS", "双峰山旅游度假区"),
        ],
    ),
)


@hookimpl
def projlife_city() -> CityProfile:
    return CITY
