"""Zhumadian's rules as values: three batches, the 40 % and 60 % shares, the county quotas, the
90-working-day start, the post-signing deadlines, the escalation ladder (seed 001)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from projlife.calendar import DeadlineRule
from projlife.domain.classification import ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import PeriodKind
from projlife.plugins.cities._support import Citation, RuleDoc
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

SEED = "001_c089a8e262494e44.txt"


def cite(phrase: str) -> Citation:
    return Citation(SEED, phrase)


BATCHES = cite("驻马店市按季度滚动开展“三个一批”活动,实现集中签约一批、开工一批、投产一批")
RESERVE_40 = cite("确保储备项目的40%实现签约")
NEXT_QUARTER_60 = cite("确保每季度“签约一批”项目实现在下季度“开工一批”项目中占比达到60%")
START_90WD = cite("确保全市重点项目签约后90个工作日内开工建设")
START_90D = cite("原则上签约90天内实现项目开工建设")
SIGNED_60 = cite("确保签约项目的60%实现开工")
HANDOVER = cite("省、市集中签约后3日内,市招商投资促进局将签约项目移交市发展和改革委员会")
LEDGER = cite("接到签约项目报备后1个工作日内将信息发布到专班微信群并建立台账")
CONTACT = cite("各审批职能部门在1个工作日内主动与项目业主单位联系")
TEAM = cite("在项目签约7日内成立专业化项目落地推进小组")
RESERVE_15 = cite("各县区每季度谋划储备项目应不少于15个")
RESERVE_3X = cite("确保储备项目数量持续保持在开工项目的3倍以上")
RESERVE_LARGE = cite("各县区每年要谋划储备1-2个投资50亿元以上产业项目,3-6个投资20亿元以上产业项目")
SIGN_50YI = cite("各县(区)力争每年至少引进1个50亿元以上的产业项目")
START_5_4_3 = cite(
    "各县区每季度开工的产业项目个数不少于5个,其中工业项目个数不少于4个,示范区、开发区不少于3个产业项目"
)
SIGNING_28 = cite("全市每双月28日举行集中签约活动")
LADDER = cite("分管副市长每周一集中对分管项目存在问题进行协调解决")
LADDER_TUESDAY = cite("由市重点项目办及时提交每周二召开的重点项目推进周例会研究解决")
FLAGS = cite("对进度不达标、时间有滞后的项目及时挂牌提醒")
MONTHLY_RATES = cite("每月通报签约项目落地率、项目开工率、投资完成率")
TECH_UPGRADE = cite("确保全市全年实施技术改造项目不低于300个,投资完成不低于200亿元,占比达到工业投资的60%以上")
CATEGORIES = cite("着力破解企业融资、用地、用工难题")
ASSESSMENT = cite("依照责任书规定开展服务协调、督导考核及通报")
CATEGORIES_2 = cite("针对规划调整、征地拆迁、政策兑现等具体问题")


@attrs.frozen
class ZhumadianSettings:
    """Every number Zhumadian's rules use; the defaults are the seed's."""

    start_within: DeadlineRule = DeadlineRule.parse("90 working days")  # noqa: RUF009 - immutable value
    """签约后90个工作日内开工: overdue after 90 working days."""
    start_warning_within: DeadlineRule = DeadlineRule.parse("90 days")  # noqa: RUF009 - immutable value
    """原则上签约90天内实现项目开工建设: the norm, a warning after 90 calendar days."""
    warning_flag: str = "start-warning"
    signed_started_share: Decimal = Decimal("0.6")
    """确保签约项目的60%实现开工: of a quarter's signed projects, the share started (its own quota)."""
    reserve_signed_share: Decimal = Decimal("0.4")
    reserve_share_period: PeriodKind = PeriodKind.YEAR
    """The 40 % is measured on each year's reserve cohort (the seed names no period)."""
    next_quarter_started_share: Decimal = Decimal("0.6")
    reserve_per_quarter: int = 15
    reserve_multiple: int = 3
    reserve_50yi_min: int = 1
    reserve_20yi_min: int = 3
    twenty_yi_band_excludes_fifty: bool = False
    """"3-6个投资20亿元以上": by default a 50 亿 project also counts as "20 亿以上"."""
    sign_50yi_min: int = 1
    industry_starts_per_quarter: int = 5
    industrial_starts_per_quarter: int = 4
    zone_industry_starts_per_quarter: int = 3
    handover_within: DeadlineRule = DeadlineRule.parse("3 days")  # noqa: RUF009 - immutable value
    ledger_within: DeadlineRule = DeadlineRule.parse("1 working day")  # noqa: RUF009 - immutable value
    contact_within: DeadlineRule = DeadlineRule.parse("1 working day")  # noqa: RUF009 - immutable value
    team_within: DeadlineRule = DeadlineRule.parse("7 days")  # noqa: RUF009 - immutable value
    signing_day: int = 28
    lagging_flag: str = "lagging"
    tech_upgrade_projects: int = 300
    tech_upgrade_investment: Money = Money.yi(200)  # noqa: RUF009 - immutable value
    tech_upgrade_share: Decimal = Decimal("0.6")
    assessment_weights: tuple[Decimal, Decimal, Decimal] = (Decimal(30), Decimal(40), Decimal(30))
    """Signed, started, producing in the quarterly assessment (the seed names no weights)."""


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


def rule_docs(s: ZhumadianSettings) -> list[RuleDoc]:
    """Zhumadian's rules table: rule, citation, how computed, setting."""
    return [
        RuleDoc(
            "quarterly three batches",
            BATCHES,
            "city-wide, each quarter: at least one project signed, one started, one into production",
            "none",
            ("batch.signed", "batch.started", "batch.producing"),
        ),
        RuleDoc(
            "at least 40 % of the reserve signed",
            RESERVE_40,
            "per county: of the projects reserved in the year, the share signed by the year's end (or the "
            "as-of date) ≥ 0.4",
            "`reserve_signed_share`, `reserve_share_period`",
            ("signing.reserve-share",),
        ),
        RuleDoc(
            "60 % of the next quarter's started batch comes from this quarter's signed batch",
            NEXT_QUARTER_60,
            'per county: "X 在 Y 中占比" is X ÷ Y — Y is this quarter\'s started batch (projects whose start '
            "is dated in the quarter), X the projects in Y whose signing is dated in the previous quarter; "
            "X ÷ Y ≥ 0.6 (measure `share`)",
            "`next_quarter_started_share`",
            ("starting.next-quarter-share",),
        ),
        RuleDoc(
            "60 % of signed projects start",
            SIGNED_60,
            "per county, a separate quota: of the projects signed in the quarter, the share started by its "
            "end ≥ 0.6 (measure `rate`)",
            "`signed_started_share`",
            ("starting.signed-share",),
        ),
        RuleDoc(
            "start within 90 working days of signing",
            START_90WD,
            "overdue = signing date + 90 working days on the official calendar (holidays and make-up days) "
            "passed without a start; overdue projects are flagged `lagging`",
            "`start_within`",
            ("signed.start",),
        ),
        RuleDoc(
            "the norm: 90 days (warning)",
            START_90D,
            "the deadline report shows both: a warning (`start-warning`) once 90 calendar days have passed "
            "without a start (原则上, the norm), overdue only at 90 working days",
            "`start_warning_within`, `warning_flag`",
            ("signed.start-warning",),
        ),
        RuleDoc(
            "hand-over within 3 days",
            HANDOVER,
            "due = signing + 3 calendar days",
            "`handover_within`",
            ("post_signing_schedule",),
        ),
        RuleDoc(
            "ledger entry within 1 working day",
            LEDGER,
            "due = hand-over due day + 1 working day (the report reaches the office at the latest then)",
            "`ledger_within`",
            ("post_signing_schedule",),
        ),
        RuleDoc(
            "departmental contact within 1 working day",
            CONTACT,
            "due = ledger due day + 1 working day",
            "`contact_within`",
            ("post_signing_schedule",),
        ),
        RuleDoc(
            "project team within 7 days",
            TEAM,
            "due = signing + 7 calendar days, met by `FormTeam`",
            "`team_within`",
            ("signed.team",),
        ),
        RuleDoc(
            "at least 15 reserved per county a quarter",
            RESERVE_15,
            "reserved entries per county in the quarter ≥ 15",
            "`reserve_per_quarter`",
            ("reserve.per-quarter",),
        ),
        RuleDoc(
            "reserve at least three times the number started",
            RESERVE_3X,
            "per county: projects standing in the reserve on the as-of date ≥ 3 × projects started in the "
            "period",
            "`reserve_multiple`",
            ("reserve_ratio_check",),
        ),
        RuleDoc(
            "1–2 reserved of ≥ 50 亿 and 3–6 of ≥ 20 亿 a year",
            RESERVE_LARGE,
            "per county, industry projects reserved in the year: ≥ 1 of at least 50 亿, ≥ 3 of at least 20 亿 "
            "(the range's upper ends are expectations, not limits)",
            "`reserve_50yi_min`, `reserve_20yi_min`, `twenty_yi_band_excludes_fifty`",
            ("reserve.50yi", "reserve.20yi"),
        ),
        RuleDoc(
            "at least one of ≥ 50 亿 signed a year",
            SIGN_50YI,
            "per county: industry projects of at least 50 亿 signed in the year ≥ 1",
            "`sign_50yi_min`",
            ("signing.50yi",),
        ),
        RuleDoc(
            "5 industry starts a quarter, 4 industrial; zones 3",
            START_5_4_3,
            "per county (not zones): industry projects started ≥ 5 and industrial ≥ 4; per zone: industry "
            "projects started ≥ 3",
            "`industry_starts_per_quarter`, `industrial_starts_per_quarter`, `zone_industry_starts_per_quarter`",
            ("starting.industry", "starting.industrial", "starting.zone-industry"),
        ),
        RuleDoc(
            "bi-monthly signing on the 28th",
            SIGNING_28,
            "the 28th of February, April, June, August, October and December",
            "`signing_day`",
            ("concentrated_signing_dates",),
        ),
        RuleDoc(
            "escalation ladder, Monday and Tuesday",
            LADDER_TUESDAY,
            "county → vice-mayor (every Monday) → key-project office → weekly meeting (every Tuesday)",
            "none",
            ("projlife_escalation_ladder",),
        ),
        RuleDoc(
            "lagging projects flagged",
            FLAGS,
            "every project overdue on a deadline gets `FlagProject(flag=lagging)`",
            "`lagging_flag`",
            ("flag_lagging",),
        ),
        RuleDoc(
            "monthly landing, start and investment-completion rates",
            MONTHLY_RATES,
            "year to the month's end, per county: landed ÷ signed, started ÷ signed, investment reported ÷ "
            "the annual investment target (目标责任书)",
            "the `annual_targets` argument",
            ("monthly_rates",),
        ),
        RuleDoc(
            "technical upgrades: 300 projects, 200 亿, 60 % of industrial investment",
            TECH_UPGRADE,
            "upgrade projects started in the year ≥ 300; their investment reported in the year ≥ 200 亿 and "
            "≥ 60 % of all industrial investment reported",
            "`tech_upgrade_projects`, `tech_upgrade_investment`, `tech_upgrade_share`",
            ("tech_upgrade_check",),
        ),
        RuleDoc(
            "quarterly assessment of the three batches",
            ASSESSMENT,
            "every quarter the counties and zones are ranked: 30 × signed + 40 × started + 30 × producing, "
            "each ÷ the best area's; the ranking is published",
            "`assessment_weights`",
            ("quarter.three-batches",),
        ),
        RuleDoc(
            "ticket categories",
            CATEGORIES,
            "融资, 用地, 用工 and (second phrase) 规划调整, 征地拆迁, 政策兑现",
            "none",
            ("projlife_ticket_categories",),
        ),
    ]
