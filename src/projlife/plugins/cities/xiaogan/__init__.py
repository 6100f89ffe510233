"""Xiaogan 孝感 — the "211" mechanism (seed 000_88163f5170051631.txt).

平均每天签约2个亿元以上产业项目、开工1个亿元以上产业项目,平均每两天投产1个亿元以上产业项目:
the pace quotas, the weekly bulletin and monthly dispatch (:mod:`.reports`), the quarterly
removal and the standing review (:mod:`.actions`), the one-leader-one-department rule, the six
ticket categories and the half-year ranking. ``docs/cities/xiaogan.md`` lists every rule with its
source phrase and the setting that changes it.

The module is the plugin registered under the ``projlife`` entry point ``xiaogan`` (default
settings). A deployment that reads a rule differently registers
``XiaoganPlugin(XiaoganSettings(...))`` under that name instead.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from projlife.app.commands import AssignSponsor, Command
from projlife.domain.errors import Problem
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import Project
from projlife.domain.ticket import Satisfaction
from projlife.plugins.cities._areas import area_tree
from projlife.plugins.cities.xiaogan import rules
from projlife.plugins.cities.xiaogan.actions import SUPERVISION_FLAG, quarterly_check, supervision_review
from projlife.plugins.cities.xiaogan.reports import (
    EvaluationIndices,
    evaluation_indices,
    monthly_dispatch,
    pace_by_county,
    weekly_bulletin,
)
from projlife.plugins.cities.xiaogan.rules import SEED, XiaoganSettings
from projlife.plugins.counting_policy import CountingPolicy
from projlife.plugins.hookspecs import hookimpl
from projlife.plugins.labels import Labels
from projlife.plugins.rules import DeadlineSpec, QuotaRule, ScoringRule, TicketCategory
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.ports import RuleSource

__all__ = [
    "CITY",
    "SOURCE",
    "SUPERVISION_FLAG",
    "EvaluationIndices",
    "XiaoganPlugin",
    "XiaoganSettings",
    "evaluation_indices",
    "monthly_dispatch",
    "pace_by_county",
    "quarterly_check",
    "supervision_review",
    "weekly_bulletin",
]

SOURCE = SEED

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

_SEPARATORS = ("、", ",", "，", ";", "；", "/")


class XiaoganPlugin:
    """Xiaogan's hooks over a :class:`XiaoganSettings`."""

    def __init__(self, settings: XiaoganSettings | None = None) -> None:
        self.settings = settings or XiaoganSettings()

    @staticmethod
    def _ours(city: CityProfile) -> bool:
        return city.slug == CITY.slug

    @hookimpl
    def projlife_city(self) -> CityProfile:
        return CITY

    @hookimpl
    def projlife_major_threshold(self, city: CityProfile) -> Money | None:
        """000: 亿元以上产业项目."""
        return self.settings.major_threshold if self._ours(city) else None

    @hookimpl
    def projlife_counting_policy(self, city: CityProfile) -> CountingPolicy | None:
        """000: 亿元以上产业项目 — the 211 scope, for every Xiaogan surface (a signing by its 签约金额)."""
        return rules.counting_policy(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_quotas(self, city: CityProfile, period: Period) -> list[QuotaRule] | None:
        """000: the 211 pace (平均每天签约2个…开工1个…平均每两天投产1个亿元以上产业项目)."""
        return rules.quotas(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_deadlines(self, city: CityProfile) -> list[DeadlineSpec] | None:
        """000: 对开工三个月以上仍未纳统的项目在开工项目库内予以剔除."""
        return rules.deadlines(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_scoring(self, city: CityProfile, period: Period) -> list[ScoringRule] | None:
        """000: 每半年组织开展一次 … 排名前两名 … 排名后两名的县(市、区)作表态发言."""
        return rules.scoring(self.settings) if self._ours(city) else None

    @hookimpl
    def projlife_ticket_categories(self, city: CityProfile) -> list[TicketCategory] | None:
        """000: 用能用地、政府履约、融资贷款、市场订单、招工引才、其他."""
        return rules.ticket_categories() if self._ours(city) else None

    @hookimpl
    def projlife_revisit_sample_rate(self, city: CityProfile) -> Decimal | None:
        """000: 随机抽取部分企业进行回访复核 (the share is a setting)."""
        return self.settings.revisit_sample_rate if self._ours(city) else None

    @hookimpl
    def projlife_satisfaction_bar(self, city: CityProfile) -> Satisfaction | None:
        """000: 根据企业评价认定是否销号."""
        return self.settings.satisfaction_bar if self._ours(city) else None

    @hookimpl
    def projlife_validate_command(
        self, city: CityProfile, command: Command, project: Project | None
    ) -> list[Problem] | None:
        """000: 实行一个项目、一名市级领导、一个包保部门、一抓到底."""
        if not self._ours(city) or not isinstance(command, AssignSponsor):
            return None
        problems = [
            Problem(
                field, f"one {what} per project (000: 一名市级领导、一个包保部门); this names several", value
            )
            for field, what, value in (
                ("leader", "city leader", command.leader),
                ("department", "sponsoring department", command.department),
            )
            if any(sep in value for sep in _SEPARATORS)
        ]
        if project is not None and project.sponsor is not None and not command.reason:
            if project.sponsor != (command.leader, command.department):
                problems.append(
                    Problem(
                        "reason",
                        f"the project already has a sponsor {project.sponsor[0]} / {project.sponsor[1]} "
                        "(一抓到底); replacing them needs a reason",
                        None,
                    )
                )
        return problems or None


_DEFAULT = XiaoganPlugin()
projlife_city = _DEFAULT.projlife_city
projlife_major_threshold = _DEFAULT.projlife_major_threshold
projlife_quotas = _DEFAULT.projlife_quotas
projlife_counting_policy = _DEFAULT.projlife_counting_policy
projlife_deadlines = _DEFAULT.projlife_deadlines
projlife_scoring = _DEFAULT.projlife_scoring
projlife_ticket_categories = _DEFAULT.projlife_ticket_categories
projlife_revisit_sample_rate = _DEFAULT.projlife_revisit_sample_rate
projlife_satisfaction_bar = _DEFAULT.projlife_satisfaction_bar
projlife_validate_command = _DEFAULT.projlife_validate_command


# -- labels and actions (the same hooks a third-party city uses) -------------------------------

LABELS = Labels(
    {
        "whole": ("全市", "city-wide"),
        "county": ("县市区", "County"),
        # 000: 排名前两名的县(市、区)给予通报表扬…排名后两名的县(市、区)作表态发言
        "top": ("前{n}名（通报表扬）", "top {n} (praised)"),
        "bottom": ("后{n}名（表态发言）", "bottom {n} (statement)"),
    }
)


@hookimpl
def projlife_labels(city: CityProfile) -> Labels | None:
    """000: 通报表扬 for the first two, 表态发言 for the last two."""
    return LABELS if city.slug == CITY.slug else None


@hookimpl
def projlife_actions(city: CityProfile, app: RuleSource, as_of: date) -> list[Command] | None:
    """000: 对开工三个月以上仍未纳统的项目在开工项目库内予以剔除 (the 季核查, run by ``projlife tick``)."""
    if city.slug != CITY.slug:
        return None
    from projlife.domain.actor import SYSTEM_ACTOR

    return list(
        quarterly_check(cast(Any, app), as_of, SYSTEM_ACTOR, dry_run=True, settings=_DEFAULT.settings)
    )
