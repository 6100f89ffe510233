"""Zhumadian 驻马店 — "three batches" 三个一批 (seed 001_c089a8e262494e44.txt).

驻马店市按季度滚动开展"三个一批"活动: the quarterly batches, the 40 % and 60 % shares, the
90-working-day start and the post-signing deadlines, the county quotas (15 reserved a quarter,
the reserve three times the starts, the 50 亿 and 20 亿 projects, 5/4/3 starts), the 28th
signing days, the Monday/Tuesday escalation ladder, the lagging flags, the monthly rates and the
technical-upgrade targets. ``docs/cities/zhumadian.md`` lists every rule with its source phrase.

The module is the plugin of the ``projlife`` entry point ``zhumadian`` (default settings); for
another reading register ``ZhumadianPlugin(ZhumadianSettings(...))`` instead.
"""

from __future__ import annotations

from projlife.domain.periods import Period
from projlife.plugins.cities._areas import area_tree
from projlife.plugins.cities.zhumadian import rules
from projlife.plugins.cities.zhumadian.checks import (
    AreaCheck,
    MonthlyRates,
    PostSigningSchedule,
    TechUpgradeCheck,
    concentrated_signing_dates,
    flag_lagging,
    monthly_rates,
    post_signing_schedule,
    reserve_ratio_check,
    tech_upgrade_check,
)
from projlife.plugins.cities.zhumadian.rules import SEED, ZhumadianSettings
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.labels import Labels
from projlife.plugins.rules import DeadlineSpec, EscalationStep, QuotaRule, ScoringRule, TicketCategory
from projlife.plugins.types import CityProfile

__all__ = [
    "CITY",
    "SOURCE",
    "AreaCheck",
    "MonthlyRates",
    "PostSigningSchedule",
    "TechUpgradeCheck",
    "ZhumadianPlugin",
    "ZhumadianSettings",
    "concentrated_signing_dates",
    "flag_lagging",
    "monthly_rates",
    "post_signing_schedule",
    "reserve_ratio_check",
    "tech_upgrade_check",
]

SOURCE = SEED

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


class ZhumadianPlugin:
    """Zhumadian's hooks over a :class:`ZhumadianSettings`."""

    def __init__(self, settings: ZhumadianSettings | None = None) -> None:
        self.settings = settings or ZhumadianSettings()

    @staticmethod
    def _ours(city: CityProfile) -> bool:
        return city.slug == CITY.slug

    @hookimpl
    def projlife_city(self) -> CityProfile:
        return CITY

    @hookimpl
    def projlife_quotas(self, city: CityProfile, period: Period) -> list[QuotaRule] | None:
        """001: 三个一批; 确保储备项目的40%实现签约; 占比达到60%; 不少于15个; 5/4/3 starts; 50亿 and 20亿."""
        return rules.quotas(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_deadlines(self, city: CityProfile) -> list[DeadlineSpec] | None:
        """001: 签约后90个工作日内开工建设; 在项目签约7日内成立专业化项目落地推进小组."""
        return rules.deadlines(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_scoring(self, city: CityProfile, period: Period) -> list[ScoringRule] | None:
        """001: 依照责任书规定开展服务协调、督导考核及通报."""
        return rules.scoring(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_escalation_ladder(self, city: CityProfile) -> list[EscalationStep] | None:
        """001: 分管副市长每周一 … 每周二召开的重点项目推进周例会."""
        return rules.escalation_ladder() if self._ours(city) else None

    @hookimpl
    def projlife_ticket_categories(self, city: CityProfile) -> list[TicketCategory] | None:
        """001: 企业融资、用地、用工难题; 规划调整、征地拆迁、政策兑现."""
        return rules.ticket_categories() if self._ours(city) else None


_DEFAULT = ZhumadianPlugin()
projlife_city = _DEFAULT.projlife_city
projlife_quotas = _DEFAULT.projlife_quotas
projlife_deadlines = _DEFAULT.projlife_deadlines
projlife_scoring = _DEFAULT.projlife_scoring
projlife_escalation_ladder = _DEFAULT.projlife_escalation_ladder
projlife_ticket_categories = _DEFAULT.projlife_ticket_categories


# -- labels (the same hook a third-party city uses) --------------------------------------------

LABELS = Labels(
    {
        "whole": ("全市", "city-wide"),
        "county": ("县市区", "County"),
        "ranking": ("七、县区排名", "7. County ranking"),
    }
)
"""001: 各县区 — Zhumadian's current words, supplied through ``projlife_labels``."""


@hookimpl
def projlife_labels(city: CityProfile) -> Labels | None:
    return LABELS if city.slug == CITY.slug else None
