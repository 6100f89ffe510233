"""Zhumadian 驻马店 — "three batches" 三个一批 (seed 001_c089a8e262494e44.txt)."""

from __future__ import annotations

from projlife.plugins.cities._areas import area_tree
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.types import CityProfile

SOURCE = "001_c089a8e262494e44.txt"

CITY = CityProfile(
    slug="zhumadian",
    code="411700",
    name_zh="驻马店市",
    name_en="Zhumadian",
    source=SOURCE,
    # 001: "各县区每季度开工的产业项目个数不少于5个 … 示范区、开发区不少于3个产业项目"
    areas=area_tree(
        ("411700", "驻马店市"),
        [
            ("411702", "驿城区"),
            ("411721", "西平县"),
            ("411722", "上蔡县"),
            ("411723", "平舆县"),
            ("411724", "正阳县"),
            ("411725", "确山县"),
            ("411726", "泌阳县"),
            ("411727", "汝南县"),
            ("411728", "遂平县"),
            ("411729", "新蔡县"),
        ],
        zones=[
            ("411700-KFQ", "驻马店经济开发区"),
            ("411700-SFQ", "城乡一体化示范区"),
        ],
    ),
)


@hookimpl
def projlife_city() -> CityProfile:
    return CITY
