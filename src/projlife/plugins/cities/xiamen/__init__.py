"""Xiamen 厦门 — the 2020 "year of assault" 攻坚年 (seed 002_957ce6c630810f9f.txt).

争取每月集中签约一批招商项目,每季度集中开工竣工一批项目: the batches, each project's planned
dates and their lateness, the problem / responsibility / implementation lists, the target
investors and the published scorecard. ``docs/cities/xiamen.md`` lists every rule.
"""

from __future__ import annotations

from projlife.domain.periods import Period
from projlife.plugins.cities._areas import area_tree
from projlife.plugins.cities.xiamen import rules
from projlife.plugins.cities.xiamen.lists import (
    ClosedLoopLists,
    Lateness,
    closed_loop_lists,
    schedule_lateness,
)
from projlife.plugins.cities.xiamen.rules import SEED, TARGET_INVESTORS, XiamenSettings
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.labels import Labels
from projlife.plugins.rules import QuotaRule, ScoringRule, TicketCategory
from projlife.plugins.types import CityProfile

__all__ = [
    "CITY",
    "SOURCE",
    "TARGET_INVESTORS",
    "ClosedLoopLists",
    "Lateness",
    "XiamenPlugin",
    "XiamenSettings",
    "closed_loop_lists",
    "schedule_lateness",
]

SOURCE = SEED

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


class XiamenPlugin:
    """Xiamen's hooks over a :class:`XiamenSettings`."""

    def __init__(self, settings: XiamenSettings | None = None) -> None:
        self.settings = settings or XiamenSettings()

    @staticmethod
    def _ours(city: CityProfile) -> bool:
        return city.slug == CITY.slug

    @hookimpl
    def projlife_city(self) -> CityProfile:
        return CITY

    @hookimpl
    def projlife_quotas(self, city: CityProfile, period: Period) -> list[QuotaRule] | None:
        """002: 争取每月集中签约一批招商项目,每季度集中开工竣工一批项目."""
        return rules.quotas(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_scoring(self, city: CityProfile, period: Period) -> list[ScoringRule] | None:
        """002: "晾""晒"成绩单; 进一步完善差异化考核机制."""
        return rules.scoring(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_ticket_categories(self, city: CityProfile) -> list[TicketCategory] | None:
        """002: 审批环节、要素保障、项目融资、征地拆迁等堵点难点."""
        return rules.ticket_categories() if self._ours(city) else None


_DEFAULT = XiamenPlugin()
projlife_city = _DEFAULT.projlife_city
projlife_quotas = _DEFAULT.projlife_quotas
projlife_scoring = _DEFAULT.projlife_scoring
projlife_ticket_categories = _DEFAULT.projlife_ticket_categories


# -- labels (the same hook a third-party city uses) --------------------------------------------

LABELS = Labels({"whole": ("全市", "city-wide"), "county": ("县市区", "District")})
"""Xiamen's current words, supplied through ``projlife_labels``."""


@hookimpl
def projlife_labels(city: CityProfile) -> Labels | None:
    return LABELS if city.slug == CITY.slug else None
