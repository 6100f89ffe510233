"""Xiamen's rules as values: monthly signing, quarterly start and completion batches, the planned
dates, the target investors and the published scorecard (seed 002, 2020 攻坚年)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from projlife.domain.classification import InvestorClass
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import PeriodKind
from projlife.plugins.cities._support import Citation, Indicator, RuleDoc
from projlife.plugins.rules import (
    AmountOf,
    AreaScope,
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
    "TARGET_INVESTORS",
    "XiamenSettings",
    "quotas",
    "rule_docs",
    "scoring",
    "ticket_categories",
]

SEED = "002_957ce6c630810f9f.txt"


def cite(phrase: str) -> Citation:
    return Citation(SEED, phrase)


BATCHES = cite("争取每月集中签约一批招商项目,每季度集中开工竣工一批项目")
PLANNED_DATES = cite("明确每个项目策划生成、开工(注册)、竣工投产时间节点")
LISTS = cite("围绕重点招商和建设项目编制“问题清单”“责任清单”“落实清单”")
RESPONSIBILITY = cite("落实责任部门、责任人和项目单位责任")
INVESTORS = cite(
    "包括世界500强、中国500强和各大央企、头部企业和“独角兽”“瞪羚”等新锐企业,以及金融科技领军企业和示范项目、重大外资台资项目"
)
SCORECARD = cite("“晾”“晒”成绩单")
DIFFERENTIATED = cite("进一步完善差异化考核机制")
CATEGORIES = cite("审批环节、要素保障、项目融资、征地拆迁等堵点难点")

TARGET_INVESTORS: frozenset[InvestorClass] = frozenset(
    {
        InvestorClass.FORTUNE_500,
        InvestorClass.CHINA_500,
        InvestorClass.CENTRAL_SOE,
        InvestorClass.UNICORN,
        InvestorClass.GAZELLE,
        InvestorClass.FINTECH_LEADER,
        InvestorClass.FOREIGN,
        InvestorClass.TAIWANESE,
    }
)
"""002's high-level investors (头部企业 has no class of its own and is not listed)."""

PLANNED_STAGES: tuple[tuple[str, Stage], ...] = (
    ("策划生成", Stage.RESERVED),
    ("开工(注册)", Stage.STARTED),
    ("竣工投产", Stage.PRODUCING),
)
"""The three planned dates and the stage each is met by: a plan is generated when the project
enters the reserve (入库), a start when construction starts, completion-into-production when the
project goes into production. For a 招商 project the 开工(注册) node is met by its registration
(``Milestone.REGISTERED``, see :data:`REGISTRATION_NODE`), not by a start."""

REGISTRATION_NODE = Stage.STARTED
"""The node 开工(注册): a project that planned its registration (注册, a 招商 project's company
registration) meets it by the ``registered`` milestone; every other project by its start."""


@attrs.frozen
class XiamenSettings:
    signing_batch_per_month: int = 1
    start_batch_per_quarter: int = 1
    completion_batch_per_quarter: int = 1
    scorecard_period: PeriodKind = PeriodKind.QUARTER
    scorecard_weights: tuple[Decimal, Decimal, Decimal, Decimal] = (
        Decimal(25),
        Decimal(25),
        Decimal(25),
        Decimal(25),
    )
    """Signed (target investors), started, completed, investment reported."""


def _batch(rule_id: str, title: str, stage: Stage, target: int, kind: PeriodKind) -> QuotaRule:
    return QuotaRule(
        rule_id,
        title,
        Metric(Measure.STAGE_ENTRIES, stage),
        target,
        kind,
        scope=AreaScope.city(),
        source=str(BATCHES),
    )


def quotas(s: XiamenSettings) -> list[QuotaRule]:
    return [
        _batch("batch.signed", "每月集中签约一批", Stage.SIGNED, s.signing_batch_per_month, PeriodKind.MONTH),
        _batch(
            "batch.started",
            "每季度集中开工一批",
            Stage.STARTED,
            s.start_batch_per_quarter,
            PeriodKind.QUARTER,
        ),
        _batch(
            "batch.completed",
            "每季度集中竣工一批",
            Stage.COMPLETED,
            s.completion_batch_per_quarter,
            PeriodKind.QUARTER,
        ),
    ]


def target_investor_indicator() -> Indicator:
    return Indicator(
        "signed.target-investors",
        "高能级项目签约",
        Metric(Measure.STAGE_ENTRIES, Stage.SIGNED, filter=ProjectFilter(investor_classes=TARGET_INVESTORS)),
        AreaScope(),
        str(INVESTORS),
    )


def scoring(s: XiamenSettings) -> list[ScoringRule]:
    w_sig, w_start, w_done, w_inv = s.scorecard_weights
    return [
        ScoringRule(
            "scorecard",
            "攻坚年成绩单",
            s.scorecard_period,
            [
                ScoringIndicator(
                    "signed-target",
                    "高能级项目签约",
                    Metric(
                        Measure.STAGE_ENTRIES,
                        "signed",
                        filter=ProjectFilter(investor_classes=TARGET_INVESTORS),
                    ),
                    w_sig,
                ),
                ScoringIndicator("started", "开工", Metric(Measure.STAGE_ENTRIES, "started"), w_start),
                ScoringIndicator("completed", "竣工", Metric(Measure.STAGE_ENTRIES, "completed"), w_done),
                ScoringIndicator(
                    "investment",
                    "完成投资",
                    Metric(Measure.AMOUNT, amount_of=AmountOf.REPORTED_INVESTMENT),
                    w_inv,
                ),
            ],
            source=f"{SCORECARD}; {DIFFERENTIATED}",
        )
    ]


def ticket_categories() -> list[TicketCategory]:
    return [
        TicketCategory("approval", "审批环节"),
        TicketCategory("factors", "要素保障"),
        TicketCategory("finance", "项目融资"),
        TicketCategory("land_acquisition", "征地拆迁"),
        TicketCategory("other", "其他"),
    ]


def rule_docs(s: XiamenSettings) -> list[RuleDoc]:
    """Xiamen's rules table: rule, citation, how computed, setting."""
    return [
        RuleDoc(
            "monthly concentrated signing",
            BATCHES,
            "city-wide: projects signed in the month ≥ 1",
            "`signing_batch_per_month`",
            ("batch.signed",),
        ),
        RuleDoc(
            "quarterly start and completion batches",
            BATCHES,
            "city-wide: projects started in the quarter ≥ 1 and projects completed in the quarter ≥ 1",
            "`start_batch_per_quarter`, `completion_batch_per_quarter`",
            ("batch.started", "batch.completed"),
        ),
        RuleDoc(
            "planned dates and lateness",
            PLANNED_DATES,
            "each project's `ScheduleStage` dates for reserved (策划生成), started (开工(注册)) and producing "
            "(竣工投产); for a 招商 project that planned its registration (注册, milestone `registered`) the "
            "开工(注册) node is its registration, not a construction start; lateness = actual date − planned "
            "date, or as-of date − planned date while not met",
            "`PLANNED_STAGES`, `REGISTRATION_NODE`",
            ("schedule_lateness",),
        ),
        RuleDoc(
            "problem, responsibility and implementation lists",
            LISTS,
            "per project: open tickets (问题清单); sponsoring department, leader and team (责任清单); planned "
            "dates with their status (落实清单)",
            "none",
            ("closed_loop_lists",),
        ),
        RuleDoc(
            "responsible department, person and unit",
            RESPONSIBILITY,
            "the responsibility list names the sponsor's department and leader and the project team",
            "none",
            ("closed_loop_lists",),
        ),
        RuleDoc(
            "target investor classes",
            INVESTORS,
            "Fortune 500, China 500, central SOEs, unicorns, gazelles, fintech leaders, foreign and Taiwanese "
            "investors; signings from them counted per district",
            "`TARGET_INVESTORS`",
            ("signed.target-investors",),
        ),
        RuleDoc(
            "the published scorecard",
            SCORECARD,
            "every quarter every district is ranked and published: 25 × each of target-investor signings, "
            "starts, completions and investment reported, each ÷ the best district's",
            "`scorecard_period`, `scorecard_weights`",
            ("scorecard",),
        ),
        RuleDoc(
            "ticket categories",
            CATEGORIES,
            "审批环节, 要素保障, 项目融资, 征地拆迁, and 其他",
            "none",
            ("projlife_ticket_categories",),
        ),
    ]
