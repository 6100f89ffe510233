"""Jiangyan 姜堰 — half-year review and the 五比五突破 competition (seed 003_db00143c0d6e3613.txt).

Jiangyan is a district of Taizhou (泰州); its competing units are towns, streets and
parks (镇街、园区), so they sit one level below the district in the area tree. Town
codes are local codes (the district code plus a three-digit suffix).
"""

from __future__ import annotations

from projlife.plugins.cities._areas import area_tree
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.types import CityProfile

SOURCE = "003_db00143c0d6e3613.txt"

_UNITS = [
    ("321204-001", "开发区(三水街道)", True),
    ("321204-002", "梁徐街道", False),
    ("321204-003", "罗塘街道", False),
    ("321204-004", "天目山街道", False),
    ("321204-005", "张甸镇", False),
    ("321204-006", "顾高镇", False),
    ("321204-007", "蒋垛镇", False),
    ("321204-008", "大伦镇", False),
    ("321204-009", "溱潼镇", False),
    ("321204-010", "兴泰镇", False),
    ("321204-011", "白米镇", False),
    ("321204-012", "俞垛镇", False),
    ("321204-013", "娄庄镇", False),
    ("321204-014", "沈高镇", False),
    ("321204-015", "淤溪镇", False),
    ("321204-016", "桥头镇", False),
    ("321204-017", "华港镇", False),
    ("321204-018", "高新区", True),
    ("321204-019", "溱湖风景区", True),
]

CITY = CityProfile(
    slug="jiangyan",
    code="321200",
    name_zh="泰州市姜堰区",
    name_en="Jiangyan (Taizhou)",
    source=SOURCE,
    areas=area_tree(("321200", "泰州市"), [("321204", "姜堰区")], towns={"321204": _UNITS}),
)


@hookimpl
def projlife_city() -> CityProfile:
    return CITY
