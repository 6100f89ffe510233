"""Jiangyan 姜堰 — half-year review and the 五比五突破 competition (seed 003_db00143c0d6e3613.txt).

Jiangyan is a district of Taizhou (泰州); its competing units are towns, streets and parks
(镇街、园区), so they sit one level below the district in the area tree. Town codes are local
codes (the district code plus a three-digit suffix). Rules: the half-year review, the quarterly
mobile red flag (流动红旗), 1–5 亿 projects counted apart from larger ones, the pre-review gate at
intake, and the evaluation of investment against output, invoiced sales, tax and land.
``docs/cities/jiangyan.md`` lists every rule.
"""

from __future__ import annotations

from projlife.app.commands import Command, ConceiveProject, ReserveProject
from projlife.domain.errors import Problem
from projlife.domain.periods import Period
from projlife.domain.project import Project
from projlife.plugins.cities._areas import area_tree
from projlife.plugins.cities.jiangyan import rules
from projlife.plugins.cities.jiangyan.checks import (
    ProjectEvaluation,
    evaluate_projects,
    red_flag,
    size_class_counts,
)
from projlife.plugins.cities.jiangyan.rules import SEED, JiangyanSettings
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.labels import Labels
from projlife.plugins.rules import ScoringRule, SizeClass
from projlife.plugins.types import CityProfile

__all__ = [
    "CITY",
    "SOURCE",
    "JiangyanPlugin",
    "JiangyanSettings",
    "ProjectEvaluation",
    "evaluate_projects",
    "red_flag",
    "size_class_counts",
]

SOURCE = SEED

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


class JiangyanPlugin:
    """Jiangyan's hooks over a :class:`JiangyanSettings`."""

    def __init__(self, settings: JiangyanSettings | None = None) -> None:
        self.settings = settings or JiangyanSettings()

    @staticmethod
    def _ours(city: CityProfile) -> bool:
        return city.slug == CITY.slug

    @hookimpl
    def projlife_city(self) -> CityProfile:
        return CITY

    @hookimpl
    def projlife_size_classes(self, city: CityProfile) -> list[SizeClass] | None:
        """003: 认定1亿—5亿元新开工项目 … counted apart from the 三比一提升 class."""
        return rules.size_classes(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_scoring(self, city: CityProfile, period: Period) -> list[ScoringRule] | None:
        """003: 上半年项目建设述职大会; 季度"流动红旗"."""
        return rules.scoring(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_validate_command(
        self, city: CityProfile, command: Command, project: Project | None
    ) -> list[Problem] | None:
        """003: 严格执行项目预评审制度 — the reserve takes only pre-reviewed projects."""
        if not self._ours(city):
            return None
        entering = (isinstance(command, ConceiveProject) and command.reserved) or isinstance(
            command, ReserveProject
        )
        if not entering:
            return None
        prefixes = self.settings.pre_review_prefixes
        if any(ref.startswith(prefixes) for ref in command.evidence):
            return None
        return [
            Problem(
                "evidence",
                "a project enters Jiangyan's reserve only after its pre-review (003: 严格执行项目预评审制度); "
                f"cite it as evidence starting with {' or '.join(repr(p) for p in prefixes)}",
                list(command.evidence),
            )
        ]


_DEFAULT = JiangyanPlugin()
projlife_city = _DEFAULT.projlife_city
projlife_size_classes = _DEFAULT.projlife_size_classes
projlife_scoring = _DEFAULT.projlife_scoring
projlife_validate_command = _DEFAULT.projlife_validate_command


# -- labels (the same hook a third-party city uses) --------------------------------------------

LABELS = Labels(
    {
        "whole": ("全区", "district-wide"),
        # 003: 张甸镇、梁徐街道、开发区(三水街道)等镇街(园区)…
        "county": ("镇街(园区)", "Town or park"),
        "by_county": ("二、各镇街(园区)推进情况", "2. Progress by town and park"),
        "ranking": ("七、镇街(园区)排名", "7. Town and park ranking"),
        # 003: 颁发季度"流动红旗"
        "top": ("流动红旗", "red banner"),
    }
)


@hookimpl
def projlife_labels(city: CityProfile) -> Labels | None:
    """003: 镇街(园区) compete for the quarterly 流动红旗."""
    return LABELS if city.slug == CITY.slug else None
