"""Xiaogan's rules as values: the 211 pace, the statistics deadline, the half-year ranking, tickets.

Seed ``000_88163f5170051631.txt`` (创新"211"工作机制). Every builder takes a
:class:`XiaoganSettings`; the defaults are the seed's own figures, and each setting is named in
``docs/cities/xiaogan.md`` beside the rule it changes.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from projlife.calendar import DeadlineRule
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import PeriodKind
from projlife.domain.ticket import Satisfaction
from projlife.plugins.cities._support import Citation, Indicator, RuleDoc
from projlife.plugins.counting_policy import CountingPolicy, DriveScope
from projlife.plugins.rules import (
    AreaScope,
    DeadlineSpec,
    EventRef,
    Measure,
    Metric,
    PaceUnit,
    ProjectFilter,
    QuotaRule,
    ScoringIndicator,
    ScoringRule,
    TicketCategory,
)
from projlife.plugins.site_scoring import SiteScoring

__all__ = [
    "SEED",
    "XiaoganSettings",
    "bulletin_indicators",
    "deadlines",
    "dispatch_indicators",
    "pace_indicators",
    "quotas",
    "rule_docs",
    "scoring",
    "ticket_categories",
]

SEED = "000_88163f5170051631.txt"


def cite(phrase: str) -> Citation:
    return Citation(SEED, phrase)


PACE_SIGNED = cite("平均每天签约2个亿元以上产业项目")
PACE_STARTED = cite("开工1个亿元以上产业项目")
PACE_PRODUCING = cite("平均每两天投产1个亿元以上产业项目")
BULLETIN = cite("市委办公室每周分县市区对全市签约、开工、投产情况进行集中通报")
DISPATCH = cite("紧盯招商签约项目开工、开工项目纳统、投产项目进规")
REMOVAL = cite("对开工三个月以上仍未纳统的项目在开工项目库内予以剔除")
SUPERVISION = cite("全面盘点全市近三年招商引进的10亿元未开工项目")
SPONSOR = cite("实行一个项目、一名市级领导、一个包保部门、一抓到底")
CATEGORIES = cite("用能用地、政府履约、融资贷款、市场订单、招工引才、其他")
REVISIT = cite("随机抽取部分企业进行回访复核")
SATISFACTION = cite("根据企业评价认定是否销号")
RANKING = cite("每半年组织开展一次")
RANKING_TOP_BOTTOM = cite("排名后两名的县")
SITE_SCORING = cite("在“211”项目库中抽选已完工项目,通过实地观摩、现场评分")
INDUSTRIAL_VISIT = cite("工业项目集中拉练")
EFFICIENCY = cite("项目按时开工率、竣工率、决算率、概算执行率")
EFFECTIVENESS = cite("亩均投资强度")
TAX_PER_MU = cite("亩均税收达标率")
BENEFIT = cite("投资贡献率、民间投资比重")


@attrs.frozen
class XiaoganSettings:
    """Every number Xiaogan's rules use; the defaults are the seed's."""

    major_threshold: Money = Money.yi(1)  # noqa: RUF009 - immutable value
    """亿元以上: the 211 scope starts at 1 亿."""
    industry_only: bool = True
    """产业项目: only industry projects count (infrastructure and public works do not)."""
    pace_signed: Decimal = Decimal(2)
    pace_started: Decimal = Decimal(1)
    pace_producing: Decimal = Decimal("0.5")
    """每两天投产1个 = 0.5 a day."""
    pace_unit: PaceUnit = PaceUnit.DAY
    """平均每天: calendar days; ``PaceUnit.WORKING_DAY`` divides by working days instead."""
    pace_periods: tuple[PeriodKind, ...] = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.YEAR)
    statistics_within: DeadlineRule = DeadlineRule.parse("3 months")  # noqa: RUF009 - immutable value
    """开工三个月以上仍未纳统: the started pool keeps a project three months."""
    supervision_threshold: Money = Money.yi(10)  # noqa: RUF009 - immutable value
    supervision_years: int = 3
    """近三年: signings from the three years before the review date."""
    ranking_top: int = 2
    ranking_bottom: int = 2
    ranking_includes_zones: bool = False
    """000: 排名前两名的县(市、区) … 后两名的县(市、区) — the 7 县(市、区) are ranked; the three city-level
    zones (市直三区, given targets in 明确7个县(市、区)、市直三区…目标任务) only when this asks for it."""
    removal_lifted_when_met: bool = False
    """The seed is silent on 纳统 after 剔除: by default the removal stands (see docs/projections.md)."""
    site_scoring: SiteScoring | None = attrs.field(
        factory=lambda: SiteScoring(
            rule_id="half-year.lalian",
            categories=frozenset({"industrial"}),
            source=f"{SITE_SCORING}; {INDUSTRIAL_VISIT}",
        )
    )
    """000: 在"211"项目库中抽选已完工项目,通过实地观摩、现场评分 — the half-year ranking is decided by
    the on-site scoring sheets of completed 工业 projects drawn from the 211 pool (``app.site_visits``),
    combined by this rule. ``None`` ranks by ``ranking_weights`` instead (a county's own choice,
    not the seed's)."""
    ranking_weights: tuple[Decimal, Decimal, Decimal] = (Decimal(50), Decimal(25), Decimal(25))
    """Completed, started, producing: only when ``site_scoring`` is None (not the seed's reading)."""
    revisit_sample_rate: Decimal = Decimal("0.3")
    satisfaction_bar: Satisfaction = Satisfaction.SATISFIED
    """满意 (4 on the fixed 1–5 revisit scale)."""

    @property
    def scope_filter(self) -> ProjectFilter:
        return ProjectFilter(min_investment=self.major_threshold, industry_only=self.industry_only)


def counting_policy(s: XiaoganSettings) -> CountingPolicy:
    """The 211 scope: 亿元以上产业项目, judged by the signed amount from signing on (000:
    签约亿元以上项目746个、签约金额4934亿元), by planned investment only in the pools before it."""
    return CountingPolicy(
        scope=DriveScope(
            min_amount=s.major_threshold,
            industry_only=s.industry_only,
            source="000: 亿元以上产业项目; 签约亿元以上项目746个、签约金额4934亿元",
        ),
        removal_lifted_when_met=s.removal_lifted_when_met,
        site_scoring=s.site_scoring,
    )


_PACES = (
    (Stage.SIGNED, "签约", "pace_signed", PACE_SIGNED),
    (Stage.STARTED, "开工", "pace_started", PACE_STARTED),
    (Stage.PRODUCING, "投产", "pace_producing", PACE_PRODUCING),
)


def quotas(s: XiaoganSettings) -> list[QuotaRule]:
    """The 211 pace, city-wide, for each period kind in ``s.pace_periods``."""
    out: list[QuotaRule] = []
    for stage, zh, attr, citation in _PACES:
        for kind in s.pace_periods:
            out.append(
                QuotaRule(
                    f"pace.{stage.value}.{kind.value}",
                    f"211: 亿元以上产业项目日均{zh}",
                    Metric(Measure.PACE, stage, pace_unit=s.pace_unit, filter=s.scope_filter),
                    getattr(s, attr),
                    kind,
                    scope=AreaScope.city(),
                    source=str(citation),
                )
            )
    return out


def deadlines(s: XiaoganSettings) -> list[DeadlineSpec]:
    return [
        DeadlineSpec(
            "started.in-statistics",
            "开工三个月内入库纳统",
            EventRef.stage(Stage.STARTED),
            EventRef.stage(Stage.IN_STATISTICS),
            s.statistics_within,
            filter=s.scope_filter,
            flag="not-in-statistics",
            source=str(REMOVAL),
        )
    ]


def scoring(s: XiaoganSettings) -> list[ScoringRule]:
    """The half-year 拉练: by on-site scores (000: 通过实地观摩、现场评分) unless ``site_scoring`` is None."""
    scope = AreaScope(zones=None if s.ranking_includes_zones else False)
    if s.site_scoring is not None:
        return [
            ScoringRule(
                "half-year.lalian",
                "“看比学促”工业项目集中拉练",
                PeriodKind.HALF_YEAR,
                (),
                scope=scope,
                top_n=s.ranking_top,
                bottom_n=s.ranking_bottom,
                source=f"{RANKING}; {SITE_SCORING}; {RANKING_TOP_BOTTOM}",
                on_site=True,
            )
        ]
    w_done, w_start, w_prod = s.ranking_weights
    f = s.scope_filter
    return [
        ScoringRule(
            "half-year.lalian",
            "“看比学促”工业项目集中拉练",
            PeriodKind.HALF_YEAR,
            [
                ScoringIndicator(
                    "completed", "已完工项目", Metric(Measure.STAGE_ENTRIES, "completed", filter=f), w_done
                ),
                ScoringIndicator(
                    "started", "新开工项目", Metric(Measure.STAGE_ENTRIES, "started", filter=f), w_start
                ),
                ScoringIndicator(
                    "producing", "新投产项目", Metric(Measure.STAGE_ENTRIES, "producing", filter=f), w_prod
                ),
            ],
            scope=scope,
            top_n=s.ranking_top,
            bottom_n=s.ranking_bottom,
            source=f"{RANKING}; {RANKING_TOP_BOTTOM}",
        )
    ]


def ticket_categories() -> list[TicketCategory]:
    return [
        TicketCategory("energy_land", "用能用地"),
        TicketCategory("government_contracts", "政府履约"),
        TicketCategory("finance_loans", "融资贷款"),
        TicketCategory("market_orders", "市场订单"),
        TicketCategory("hiring_talent", "招工引才"),
        TicketCategory("other", "其他"),
    ]


def bulletin_indicators(s: XiaoganSettings) -> list[Indicator]:
    """The weekly bulletin: signed, started, producing per county (周通报)."""
    return [
        Indicator(
            f"bulletin.{stage.value}",
            f"本周{zh}",
            Metric(Measure.STAGE_ENTRIES, stage, filter=s.scope_filter),
            AreaScope(),
            str(BULLETIN),
        )
        for stage, zh, _, _ in _PACES
    ]


def pace_indicators(s: XiaoganSettings) -> list[Indicator]:
    """The 211 pace per county (no per-county target in the seed: measured, not judged)."""
    return [
        Indicator(
            f"pace.{stage.value}",
            f"日均{zh}",
            Metric(Measure.PACE, stage, pace_unit=s.pace_unit, filter=s.scope_filter),
            AreaScope(),
            str(citation),
        )
        for stage, zh, _, citation in _PACES
    ]


def dispatch_indicators(s: XiaoganSettings) -> list[Indicator]:
    """The monthly dispatch (月调度): signed→started, started→in statistics, producing→above scale."""
    pairs = (
        ("signed-started", "签约项目开工率", Stage.SIGNED, Stage.STARTED),
        ("started-statistics", "开工项目纳统率", Stage.STARTED, Stage.IN_STATISTICS),
        ("producing-above-scale", "投产项目进规率", Stage.PRODUCING, Stage.ABOVE_SCALE),
    )
    return [
        Indicator(
            f"dispatch.{i}",
            zh,
            Metric(Measure.RATE, target, base_stage=base, filter=s.scope_filter),
            scope,
            str(DISPATCH),
        )
        for scope in (AreaScope(), AreaScope.city())
        for i, zh, base, target in pairs
    ]


def rule_docs(s: XiaoganSettings) -> list[RuleDoc]:
    """Xiaogan's rules table: rule, citation, how computed, setting."""
    return [
        RuleDoc(
            "211 pace: 2 signed a day",
            PACE_SIGNED,
            "signed entries of industry projects ≥ 1 亿 in the period ÷ days elapsed (to the as-of date) ≥ 2; "
            "city-wide, per week, month and year; per county measured by `pace_by_county`",
            "`pace_signed`, `pace_unit`, `pace_periods`, `major_threshold`, `industry_only`",
            ("pace.signed.week", "pace.signed.month", "pace.signed.year", "pace_by_county"),
        ),
        RuleDoc(
            "211 pace: 1 started a day",
            PACE_STARTED,
            "started entries ÷ days elapsed ≥ 1 (same scope and periods)",
            "`pace_started`",
            ("pace.started.week", "pace.started.month", "pace.started.year"),
        ),
        RuleDoc(
            "211 pace: 1 into production every two days",
            PACE_PRODUCING,
            "producing entries ÷ days elapsed ≥ 0.5",
            "`pace_producing`",
            ("pace.producing.week", "pace.producing.month", "pace.producing.year"),
        ),
        RuleDoc(
            "weekly bulletin per county",
            BULLETIN,
            "signed / started / producing entries per county in the ISO week (Monday–Sunday)",
            "`major_threshold`, `industry_only`",
            ("weekly_bulletin",),
        ),
        RuleDoc(
            "monthly dispatch rates",
            DISPATCH,
            "of the projects that entered the base stage from 1 January to the month's end, the share "
            "that reached the next stage by the month's end: signed→started, started→in statistics, "
            "producing→above scale; per county and city-wide",
            "`major_threshold`, `industry_only`",
            ("monthly_dispatch",),
        ),
        RuleDoc(
            "removal from the started pool at the quarterly check",
            REMOVAL,
            "a project still at `started` whose start is more than `statistics_within` before the check "
            "date gets `RemoveFromPool(pool=started, reason_code=not_in_statistics_in_time)`; the "
            "deadline `started.in-statistics` flags it `not-in-statistics` before the check",
            "`statistics_within`",
            ("quarterly_check", "started.in-statistics"),
        ),
        RuleDoc(
            "supervision of large signed projects not started",
            SUPERVISION,
            "a project signed within `supervision_years` before the review date, of planned investment ≥ "
            "10 亿, still signed or landed, gets `FlagProject(flag=supervision.10yi)`",
            "`supervision_threshold`, `supervision_years`",
            ("supervision_review",),
        ),
        RuleDoc(
            "one city leader and one department per project",
            SPONSOR,
            "`AssignSponsor` naming several leaders or departments (separated by 、 , ， ; ； /) is "
            "rejected; replacing a sponsor needs a reason",
            "none (the seed's rule)",
            ("projlife_validate_command",),
        ),
        RuleDoc(
            "six ticket categories",
            CATEGORIES,
            "the categories a ticket is filed under",
            "none",
            ("projlife_ticket_categories",),
        ),
        RuleDoc(
            "random-sample revisits",
            REVISIT,
            "share of answered tickets drawn for a revisit (the seed names no share: 0.3)",
            "`revisit_sample_rate`",
            ("projlife_revisit_sample_rate",),
        ),
        RuleDoc(
            "satisfaction decides closing",
            SATISFACTION,
            "a revisit rating at or above 满意 (4 on the 1–5 scale) closes the ticket",
            "`satisfaction_bar`",
            ("projlife_satisfaction_bar",),
        ),
        RuleDoc(
            "half-year ranking, top two and bottom two named",
            RANKING_TOP_BOTTOM,
            "every half year the 7 县(市、区) are ranked (the 市直三区 only with `ranking_includes_zones`) by "
            "their on-site score; equal scores share a rank (并列) and the top and bottom two include "
            "everyone tied at the boundary; when every county scores the same, no one is named",
            "`ranking_top`, `ranking_bottom`, `ranking_includes_zones`",
            ("half-year.lalian",),
        ),
        RuleDoc(
            "on-site scoring of completed 211 projects",
            SITE_SCORING,
            "`app.site_visits` draws, with a recorded seed (`sha256-rank-v1`), 3 completed 工业 projects "
            "per county from the 211 pool (产业项目 ≥ 1 亿 by 签约金额, completed in the half year); each "
            "scorer (role `scorer`) fills one sheet (0–100) per drawn project; project score = mean of "
            "its scorers' sheets, county score = mean of its scored projects, rounded half up to 0.01; a "
            "county with no scored project scores 0. No count stands in for the scores",
            "`site_scoring` (`SiteScoring`: `per_area`, `scale_max`, `project_score`, `area_score`, "
            "`places`, `completed_within_period`); `site_scoring=None` ranks by `ranking_weights` counts",
            ("half-year.lalian",),
        ),
        RuleDoc(
            "efficiency indices",
            EFFICIENCY,
            "on-time start rate (started by the planned start, of projects whose planned start fell in "
            "the period); completion rate (completed by the as-of date, of projects planned to complete in "
            "the period); final-accounts rate (final accounts approved, of projects completed); budget "
            "execution rate (investment reported ÷ planned investment of started projects)",
            "none",
            ("evaluation_indices",),
        ),
        RuleDoc(
            "effectiveness indices",
            EFFECTIVENESS,
            "investment per mu (investment reported to the as-of date ÷ mu); output per mu (output in the "
            "period ÷ mu); tax-per-mu compliance rate (share of producing projects whose tax ÷ mu reaches "
            "the benchmark)",
            "`tax_per_mu_benchmark` argument (the seed names no benchmark)",
            ("evaluation_indices",),
        ),
        RuleDoc(
            "benefit indices",
            BENEFIT,
            "investment contribution rate (investment reported in the period ÷ the city's fixed-asset "
            "investment, given); private-investment share (investment of projects with a 民营 investor ÷ all)",
            "`fixed_asset_investment` argument",
            ("evaluation_indices",),
        ),
    ]
