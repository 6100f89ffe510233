"""Zhumadian's rules as values: three batches, the 40 % and 60 % shares, the county quotas, the
90-working-day start, the post-signing deadlines, the escalation ladder (seed 001)."""

from __future__ import annotations

from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import PeriodKind
from projlife.plugins.cities._support import Citation
from projlife.plugins.cities.zhumadian.rule_docs import rule_docs
from projlife.plugins.cities.zhumadian.seed import (
    ASSESSMENT,
    BATCHES,
    NEXT_QUARTER_60,
    RESERVE_15,
    RESERVE_40,
    RESERVE_LARGE,
    SEED,
    SIGN_50YI,
    SIGNED_60,
    START_5_4_3,
    START_90D,
    START_90WD,
    TEAM,
    ZhumadianSettings,
)
from projlife.plugins.rules import (
    AreaScope,
    DeadlineSpec,
    EscalationStep,
    EventRef,
    Measure,
    Metric,
    ProjectFilter,
    QuotaRule,
    ScoringIndicator,
    ScoringRule,
    TicketCategory,
)

__all__ = [
    "SEED",
    "ZhumadianSettings",
    "deadlines",
    "escalation_ladder",
    "quotas",
    "rule_docs",
    "scoring",
    "ticket_categories",
]


def _count(
    rule_id: str,
    title: str,
    stage: Stage,
    target: int,
    kind: PeriodKind,
    citation: Citation,
    *,
    flt: ProjectFilter | None = None,
    scope: AreaScope | None = None,
) -> QuotaRule:
    return QuotaRule(
        rule_id,
        title,
        Metric(Measure.STAGE_ENTRIES, stage, filter=flt or ProjectFilter()),
        target,
        kind,
        scope=scope or AreaScope(),
        source=str(citation),
    )


COUNTIES = AreaScope(zones=False)
"""各县区: the county quotas are for 县区; the 示范区、开发区 have their own (不少于3个产业项目)."""


def quotas(s: ZhumadianSettings) -> list[QuotaRule]:
    industry = ProjectFilter(industry_only=True)
    industrial = ProjectFilter(categories=[ProjectCategory.INDUSTRIAL])
    q = PeriodKind.QUARTER
    y = PeriodKind.YEAR
    band_20 = ProjectFilter(
        min_investment=Money.yi(20),
        max_investment=Money.yi(50) if s.twenty_yi_band_excludes_fifty else None,
        industry_only=True,
    )
    return [
        _count("batch.signed", "季度集中签约一批", Stage.SIGNED, 1, q, BATCHES, scope=AreaScope.city()),
        _count("batch.started", "季度集中开工一批", Stage.STARTED, 1, q, BATCHES, scope=AreaScope.city()),
        _count("batch.producing", "季度集中投产一批", Stage.PRODUCING, 1, q, BATCHES, scope=AreaScope.city()),
        QuotaRule(
            "signing.reserve-share",
            "储备项目签约率不低于40%",
            Metric(Measure.RATE, Stage.SIGNED, base_stage=Stage.RESERVED),
            s.reserve_signed_share,
            s.reserve_share_period,
            source=str(RESERVE_40),
        ),
        QuotaRule(
            # "X 在 Y 中占比" = X ÷ Y: Y is this quarter's started batch, X the projects in it
            # that came from last quarter's signed batch.
            "starting.next-quarter-share",
            "“签约一批”项目在下季度“开工一批”项目中占比不低于60%",
            Metric(Measure.SHARE, Stage.STARTED, base_stage=Stage.SIGNED, cohort_offset=1),
            s.next_quarter_started_share,
            q,
            source=str(NEXT_QUARTER_60),
        ),
        QuotaRule(
            "starting.signed-share",
            "签约项目的60%实现开工",
            Metric(Measure.RATE, Stage.STARTED, base_stage=Stage.SIGNED),
            s.signed_started_share,
            q,
            source=str(SIGNED_60),
        ),
        _count(
            "reserve.per-quarter",
            "每季度谋划储备项目不少于15个",
            Stage.RESERVED,
            s.reserve_per_quarter,
            q,
            RESERVE_15,
            scope=COUNTIES,
        ),
        _count(
            "reserve.50yi",
            "每年谋划储备50亿元以上产业项目1-2个",
            Stage.RESERVED,
            s.reserve_50yi_min,
            y,
            RESERVE_LARGE,
            flt=ProjectFilter(min_investment=Money.yi(50), industry_only=True),
            scope=COUNTIES,
        ),
        _count(
            "reserve.20yi",
            "每年谋划储备20亿元以上产业项目3-6个",
            Stage.RESERVED,
            s.reserve_20yi_min,
            y,
            RESERVE_LARGE,
            flt=band_20,
            scope=COUNTIES,
        ),
        _count(
            "signing.50yi",
            "每年至少引进1个50亿元以上产业项目",
            Stage.SIGNED,
            s.sign_50yi_min,
            y,
            SIGN_50YI,
            flt=ProjectFilter(min_investment=Money.yi(50), industry_only=True),
            scope=COUNTIES,
        ),
        _count(
            "starting.industry",
            "县区每季度开工产业项目不少于5个",
            Stage.STARTED,
            s.industry_starts_per_quarter,
            q,
            START_5_4_3,
            flt=industry,
            scope=AreaScope(zones=False),
        ),
        _count(
            "starting.industrial",
            "其中工业项目不少于4个",
            Stage.STARTED,
            s.industrial_starts_per_quarter,
            q,
            START_5_4_3,
            flt=industrial,
            scope=AreaScope(zones=False),
        ),
        _count(
            "starting.zone-industry",
            "示范区、开发区每季度开工产业项目不少于3个",
            Stage.STARTED,
            s.zone_industry_starts_per_quarter,
            q,
            START_5_4_3,
            flt=industry,
            scope=AreaScope(zones=True),
        ),
    ]


def deadlines(s: ZhumadianSettings) -> list[DeadlineSpec]:
    return [
        DeadlineSpec(
            "signed.start",
            "签约后90个工作日内开工",
            EventRef.stage(Stage.SIGNED),
            EventRef.stage(Stage.STARTED),
            s.start_within,
            flag=s.lagging_flag,
            source=str(START_90WD),
        ),
        DeadlineSpec(
            "signed.start-warning",
            "原则上签约90天内开工（预警）",
            EventRef.stage(Stage.SIGNED),
            EventRef.stage(Stage.STARTED),
            s.start_warning_within,
            flag=s.warning_flag,
            source=str(START_90D),
        ),
        DeadlineSpec(
            "signed.team",
            "签约7日内成立项目落地推进小组",
            EventRef.stage(Stage.SIGNED),
            EventRef.event("projlife:Project.TeamFormed"),
            s.team_within,
            flag=s.lagging_flag,
            source=str(TEAM),
        ),
    ]


def scoring(s: ZhumadianSettings) -> list[ScoringRule]:
    """The quarterly assessment of each county's three batches (督导考核及通报)."""
    w = s.assessment_weights
    return [
        ScoringRule(
            "quarter.three-batches",
            "“三个一批”季度督导考核",
            PeriodKind.QUARTER,
            [
                ScoringIndicator("signed", "签约一批", Metric(Measure.STAGE_ENTRIES, "signed"), w[0]),
                ScoringIndicator("started", "开工一批", Metric(Measure.STAGE_ENTRIES, "started"), w[1]),
                ScoringIndicator("producing", "投产一批", Metric(Measure.STAGE_ENTRIES, "producing"), w[2]),
            ],
            source=str(ASSESSMENT),
        )
    ]


def escalation_ladder() -> list[EscalationStep]:
    return [
        EscalationStep("county", "县区政府(管委会)/市直有关部门"),
        EscalationStep("vice_mayor", "分管副市长", meets_on=0),  # 每周一
        EscalationStep("key_project_office", "市重点项目办"),
        EscalationStep("weekly_meeting", "重点项目推进周例会", meets_on=1),  # 每周二
    ]


def ticket_categories() -> list[TicketCategory]:
    return [
        TicketCategory("finance", "融资"),
        TicketCategory("land", "用地"),
        TicketCategory("labour", "用工"),
        TicketCategory("planning_change", "规划调整"),
        TicketCategory("land_acquisition", "征地拆迁"),
        TicketCategory("policy_payment", "政策兑现"),
    ]
