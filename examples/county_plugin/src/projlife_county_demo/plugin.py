"""The generic county of seed 004 as a projlife city plugin.

Seed 004 (a county's research report on major projects) sets the county's policy in one line —
"开工项目抓进度, 续建项目抓投产, 签约项目抓落地, 储备项目抓前期" (push progress on started
projects, production on continuing ones, landing on signed ones, preparation on reserve ones) —
and names the rates it is judged by: 精准率, 落地率, 开工率, 竣工率, 成活率, 履约率, 投资率 and
成熟转化率, with the emphasis on projects of over 1 亿 ("投资超亿元的重特大项目").

The seed gives no numeric targets, so the targets, deadlines and weights below are the
*example's* choices: a real county replaces them with its own document's figures. The county
and its towns are fictitious (codes 990100…).
"""

from __future__ import annotations

from decimal import Decimal

from projlife.app.commands import Command, ConceiveProject, ReserveProject
from projlife.calendar import DeadlineRule
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.errors import Problem
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.domain.project import Project
from projlife.domain.ticket import Satisfaction
from projlife.plugins import (
    AmountOf,
    AreaScope,
    CityProfile,
    DeadlineSpec,
    EscalationStep,
    EventRef,
    Measure,
    Metric,
    Normalisation,
    ProjectFilter,
    QuotaRule,
    ScoringIndicator,
    ScoringRule,
    SizeClass,
    TicketCategory,
    hookimpl,
)

SOURCE = "004_aa77c93adfb84ef1.txt"
MAJOR = Money.yi(1)

CITY = CityProfile(
    slug="county_demo",
    code="990100",
    name_zh="XX区(示例)",
    name_en="Demo county (seed 004)",
    source=SOURCE,
    areas=AreaTree(
        [
            Area("990100", "XX区", AreaLevel.COUNTY),  # the county is the top level
            Area("990101", "城关街道", AreaLevel.TOWN, "990100"),
            Area("990102", "东湖镇", AreaLevel.TOWN, "990100"),
            Area("990103", "西山镇", AreaLevel.TOWN, "990100"),
            Area("990104", "南河乡", AreaLevel.TOWN, "990100"),
            Area("990105", "经济开发区", AreaLevel.TOWN, "990100", is_zone=True),
        ]
    ),
)

MAJOR_ONLY = ProjectFilter(min_investment=MAJOR)
TOWNS = AreaScope(level=AreaLevel.TOWN)
"""Per-area rules compete among the towns and parks under the county (the top level)."""


def _ours(city: CityProfile) -> bool:
    return city.slug == CITY.slug


@hookimpl
def projlife_city() -> CityProfile:
    return CITY


@hookimpl
def projlife_major_threshold(city: CityProfile) -> Money | None:
    # 004: "尤其缺少投资超亿元的重特大项目"
    return MAJOR if _ours(city) else None


@hookimpl
def projlife_size_classes(city: CityProfile) -> list[SizeClass] | None:
    if not _ours(city):
        return None
    return [
        SizeClass("below-1yi", "亿元以下", Money.zero(), MAJOR),
        SizeClass("1-10yi", "1—10亿元", MAJOR, Money.yi(10)),
        SizeClass("10yi-plus", "10亿元以上", Money.yi(10)),
    ]


@hookimpl
def projlife_quotas(city: CityProfile, period: Period) -> list[QuotaRule] | None:
    if not _ours(city):
        return None
    return [
        # 储备项目抓前期: reserve projects must mature into signings (成熟转化率)
        QuotaRule(
            "reserve.maturity-rate",
            "储备项目成熟转化率",
            Metric(Measure.RATE, "signed", base_stage="reserved", filter=MAJOR_ONLY),
            Decimal("0.3"),
            "year",
            scope=TOWNS,
            source=SOURCE,
        ),
        # 签约项目抓落地: signed projects must land (落地率)
        QuotaRule(
            "signed.landing-rate",
            "签约项目落地率",
            Metric(Measure.RATE, "landed", base_stage="signed", filter=MAJOR_ONLY),
            Decimal("0.6"),
            "year",
            scope=TOWNS,
            source=SOURCE,
        ),
        # 开工项目抓进度: each town starts at least two projects of 1 亿+ a quarter (开工率)
        QuotaRule(
            "started.per-town",
            "每季度新开工亿元以上项目",
            Metric(Measure.STAGE_ENTRIES, "started", filter=MAJOR_ONLY),
            2,
            "quarter",
            scope=TOWNS,
            source=SOURCE,
        ),
        # 开工项目抓进度: the county's reported investment (投资率), at least 30 亿 a year
        QuotaRule(
            "started.investment",
            "全区年度完成投资",
            Metric(Measure.AMOUNT, amount_of=AmountOf.REPORTED_INVESTMENT),
            Money.yi(30).yuan,
            "year",
            scope=AreaScope.city(),
            source=SOURCE,
        ),
        # 续建项目抓投产: completed projects must go into production (竣工 → 投产)
        QuotaRule(
            "continuing.production-rate",
            "竣工项目投产率",
            Metric(Measure.RATE, "producing", base_stage="completed"),
            Decimal("0.8"),
            "year",
            scope=TOWNS,
            source=SOURCE,
        ),
    ]


@hookimpl
def projlife_deadlines(city: CityProfile) -> list[DeadlineSpec] | None:
    if not _ours(city):
        return None
    return [
        DeadlineSpec(
            "signed.start-90wd",
            "签约后90个工作日内开工",
            EventRef.stage("signed"),
            EventRef.stage("started"),
            DeadlineRule.parse("90 working days"),
            filter=MAJOR_ONLY,
            flag="start-overdue",
            source=SOURCE,
        ),
        DeadlineSpec(
            "started.statistics-3m",
            "开工后3个月内入库纳统",
            EventRef.stage("started"),
            EventRef.stage("in_statistics"),
            DeadlineRule.parse("3 months"),
            flag="statistics-overdue",
            source=SOURCE,
        ),
        DeadlineSpec(
            "signed.team-7d",
            "签约后7天内组建项目专班",
            EventRef.stage("signed"),
            EventRef.event("projlife:Project.TeamFormed"),
            DeadlineRule.parse("7 days"),
            source=SOURCE,
        ),
    ]


@hookimpl
def projlife_scoring(city: CityProfile, period: Period) -> list[ScoringRule] | None:
    if not _ours(city):
        return None
    return [
        ScoringRule(
            "annual",
            "年度项目建设考评",
            "year",
            [
                ScoringIndicator(
                    "starts",
                    "亿元以上新开工",
                    Metric(Measure.STAGE_ENTRIES, "started", filter=MAJOR_ONLY),
                    40,
                ),
                ScoringIndicator(
                    "landing",
                    "签约项目落地率",
                    Metric(Measure.RATE, "landed", base_stage="signed"),
                    30,
                    normalisation=Normalisation.TARGET_RATIO,
                    target=Decimal("0.6"),
                ),
                ScoringIndicator(
                    "investment",
                    "完成投资",
                    Metric(Measure.AMOUNT, amount_of=AmountOf.REPORTED_INVESTMENT),
                    30,
                ),
            ],
            top_n=1,
            bottom_n=1,
            scope=TOWNS,
            source=SOURCE,
        )
    ]


@hookimpl
def projlife_ticket_categories(city: CityProfile) -> list[TicketCategory] | None:
    if not _ours(city):
        return None
    # 004 names approvals, land and factor supply, and intermediary services as the sore points
    return [
        TicketCategory("approval", "审批手续"),
        TicketCategory("land", "用地保障"),
        TicketCategory("factors", "要素保障"),
        TicketCategory("intermediary", "中介服务"),
        TicketCategory("other", "其他"),
    ]


@hookimpl
def projlife_escalation_ladder(city: CityProfile) -> list[EscalationStep] | None:
    if not _ours(city):
        return None
    # the steward takes it first; then the task force; then the district leader's Thursday meeting
    return [
        EscalationStep("steward", "项目管家(镇街)"),
        EscalationStep("task_force", "项目专班"),
        EscalationStep("district_leader", "区政府分管领导协调会", meets_on=3),
    ]


@hookimpl
def projlife_ticket_due_rule(city: CityProfile) -> DeadlineRule | None:
    return DeadlineRule.parse("5 working days") if _ours(city) else None


@hookimpl
def projlife_revisit_sample_rate(city: CityProfile) -> Decimal | None:
    return Decimal("0.2") if _ours(city) else None


@hookimpl
def projlife_satisfaction_bar(city: CityProfile) -> Satisfaction | None:
    return Satisfaction.SATISFIED if _ours(city) else None


@hookimpl
def projlife_close_unsampled_on_answer(city: CityProfile) -> bool | None:
    return False if _ours(city) else None


@hookimpl
def projlife_validate_command(
    city: CityProfile, command: Command, project: Project | None
) -> list[Problem] | None:
    """Only projects of at least 1 亿 enter the county's reserve pool (004: 超亿元)."""
    if not _ours(city):
        return None
    if isinstance(command, ConceiveProject) and command.reserved:
        planned = Money(command.planned_investment_yuan)
    elif isinstance(command, ReserveProject) and project is not None:
        planned = project.planned_investment
    else:
        return None
    if planned < MAJOR:
        return [
            Problem(
                "planned_investment_yuan",
                f"the reserve pool takes projects of at least {MAJOR} (004: 超亿元); this one plans {planned}",
                str(planned.yuan),
            )
        ]
    return None
