"""Jiangyan's rules as values: size classes, the half-year review, the quarterly red flag, the
pre-review gate (seed 003)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from projlife.domain.areas import AreaLevel
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import PeriodKind
from projlife.plugins.cities._support import Citation, Indicator, RuleDoc
from projlife.plugins.rules import (
    AmountOf,
    AreaScope,
    Measure,
    Metric,
    ProjectFilter,
    ScoringIndicator,
    ScoringRule,
    SizeClass,
)

__all__ = ["SEED", "JiangyanSettings", "rule_docs", "scoring", "size_class_indicators", "size_classes"]

SEED = "003_db00143c0d6e3613.txt"


def cite(phrase: str) -> Citation:
    return Citation(SEED, phrase)


HALF_YEAR = cite("我区召开上半年项目建设述职大会")
IN_TURN = cite("围绕洽谈签约项目、开工在建项目、竣工投产项目建设等情况依次述职")
RED_FLAG = cite("流动红旗")
COMPETITION = cite("持续推进“三比一提升”“五比五突破”竞赛")
SMALL_CLASS = cite("认定1亿—5亿元新开工项目29个、新竣工项目12个")
LARGE_CLASS = cite("新开工项目9个、新竣工项目6个")
PRE_REVIEW = cite("严格执行项目预评审制度")
STANDARD_LAND = cite("标准地+承诺制")
EVALUATION = cite("围绕投入产出、开票销售、入库税收等方面全方位评估项目建设成效")
LAND_YIELD = cite("不断提高项目用地收益率和财税贡献率")
MATCHED = cite("投入和产出相对称、税收贡献与政策扶持相对称")


@attrs.frozen
class JiangyanSettings:
    """Every number Jiangyan's rules use."""

    small_min: Money = Money.yi(1)  # noqa: RUF009 - immutable value
    large_min: Money = Money.yi(5)  # noqa: RUF009 - immutable value
    """Where the 三比一提升 class begins: the seed counts 1–5 亿 apart, so the larger class starts at
    5 亿. The seed does not state the larger class's floor nor whether the two sets overlap: this
    is the city's input, not a figure from the seed."""
    small_class_verified: bool = True
    """003: 认定1亿—5亿元新开工项目 — the 1–5 亿 class counts recognised (verified, 认定) starts and
    completions, not claims; the 三比一提升 class's sentence has no 认定 and counts claims."""
    pre_review_prefixes: tuple[str, ...] = ("pre-review:", "预评审:")
    """Evidence a reserve command must carry: a reference to the project's pre-review."""
    min_output_to_investment: Decimal = Decimal(1)
    """投入和产出相对称: output at least equal to the investment."""
    min_tax_to_subsidy: Decimal = Decimal(1)
    """税收贡献与政策扶持相对称: tax paid at least equal to the subsidies received."""
    review_weights: tuple[Decimal, Decimal, Decimal, Decimal] = (
        Decimal(20),
        Decimal(30),
        Decimal(30),
        Decimal(20),
    )
    """Signed, started, completed, investment reported (the three things units report on, plus investment)."""


def size_classes(s: JiangyanSettings) -> list[SizeClass]:
    return [
        SizeClass("1-5yi", "1亿—5亿元", s.small_min, s.large_min),
        SizeClass("large", "三比一提升(5亿元以上)", s.large_min),
    ]


def size_class_indicators(s: JiangyanSettings, scope: AreaScope | None = None) -> list[Indicator]:
    out: list[Indicator] = []
    for sc in size_classes(s):
        flt = ProjectFilter(min_investment=sc.min_yuan, max_investment=sc.max_yuan)
        small = sc.id == "1-5yi"
        citation = SMALL_CLASS if small else LARGE_CLASS
        verified = small and s.small_class_verified
        for stage, zh in ((Stage.STARTED, "新开工"), (Stage.COMPLETED, "新竣工")):
            out.append(
                Indicator(
                    f"{sc.id}.{stage.value}",
                    f"{'认定' if verified else ''}{sc.label_zh}{zh}",
                    Metric(Measure.STAGE_ENTRIES, stage, filter=flt, verified=verified),
                    scope or AreaScope.city(),
                    str(citation),
                )
            )
    return out


def _indicators(s: JiangyanSettings) -> list[ScoringIndicator]:
    w_sig, w_start, w_done, w_inv = s.review_weights
    return [
        ScoringIndicator("signed", "洽谈签约", Metric(Measure.STAGE_ENTRIES, "signed"), w_sig),
        ScoringIndicator("started", "开工在建", Metric(Measure.STAGE_ENTRIES, "started"), w_start),
        ScoringIndicator("completed", "竣工投产", Metric(Measure.STAGE_ENTRIES, "completed"), w_done),
        ScoringIndicator(
            "investment", "完成投资", Metric(Measure.AMOUNT, amount_of=AmountOf.REPORTED_INVESTMENT), w_inv
        ),
    ]


def scoring(s: JiangyanSettings) -> list[ScoringRule]:
    towns = AreaScope(level=AreaLevel.TOWN)
    return [
        ScoringRule(
            "half-year.review",
            "上半年项目建设述职 (五比五突破考核)",
            PeriodKind.HALF_YEAR,
            _indicators(s),
            scope=towns,
            source=f"{HALF_YEAR}; {COMPETITION}",
        ),
        ScoringRule(
            "quarter.red-flag",
            "季度“流动红旗”",
            PeriodKind.QUARTER,
            _indicators(s),
            scope=towns,
            top_n=1,
            source=str(RED_FLAG),
        ),
    ]


def rule_docs(s: JiangyanSettings) -> list[RuleDoc]:
    """Jiangyan's rules table: rule, citation, how computed, setting."""
    return [
        RuleDoc(
            "half-year review of towns, streets and parks",
            HALF_YEAR,
            "every half year the 19 towns, streets and parks are ranked: 20 × signed + 30 × started + 30 × "
            "completed + 20 × investment reported, each ÷ the best unit's",
            "`review_weights`",
            ("half-year.review",),
        ),
        RuleDoc(
            "units report in turn on signing, starts and completions",
            IN_TURN,
            "the review's indicators are the three things each unit reports on, plus investment",
            "`review_weights`",
            ("half-year.review",),
        ),
        RuleDoc(
            "the 五比五突破 competition",
            COMPETITION,
            "the half-year ranking is the competition's assessment",
            "`review_weights`",
            ("half-year.review",),
        ),
        RuleDoc(
            "quarterly mobile red flag to the top unit",
            RED_FLAG,
            "every quarter the same score; the first unit receives the red flag",
            "`review_weights`",
            ("quarter.red-flag", "red_flag"),
        ),
        RuleDoc(
            "1–5 亿 new starts and completions counted apart",
            SMALL_CLASS,
            "recognised (认定: verified on check) starts / completions in the period of projects of "
            "1 亿 ≤ amount < 5 亿 (the signed amount once signed, else planned investment), counted on their own",
            "`small_min`, `large_min`, `small_class_verified`",
            ("1-5yi", "size_class_counts"),
        ),
        RuleDoc(
            "the larger class (三比一提升)",
            LARGE_CLASS,
            "projects of at least 5 亿 that started / completed in the period",
            "`large_min`",
            ("large", "size_class_counts"),
        ),
        RuleDoc(
            "pre-review gate at intake",
            PRE_REVIEW,
            "a project enters the reserve only with evidence naming its pre-review (`pre-review:…` or "
            "`预评审:…`); otherwise the command is rejected and nothing is written",
            "`pre_review_prefixes`",
            ("projlife_validate_command",),
        ),
        RuleDoc(
            "standard land with commitment",
            STANDARD_LAND,
            "the same gate accepts a 标准地 commitment reference as pre-review evidence when its prefix is "
            "added to the setting",
            "`pre_review_prefixes`",
            ("projlife_validate_command",),
        ),
        RuleDoc(
            "evaluation of investment against output, invoiced sales and tax",
            EVALUATION,
            "per project: output ÷ investment reported, invoiced sales, tax",
            "none",
            ("evaluate_projects",),
        ),
        RuleDoc(
            "land yield and fiscal contribution",
            LAND_YIELD,
            "per project: invoiced sales per mu (land yield) and tax per mu; tax ÷ investment (fiscal "
            "contribution)",
            "none",
            ("evaluate_projects",),
        ),
        RuleDoc(
            "input matches output, tax matches subsidy",
            MATCHED,
            "matched when output ÷ investment ≥ 1 and tax ÷ subsidy ≥ 1 (no subsidy: matched)",
            "`min_output_to_investment`, `min_tax_to_subsidy`",
            ("evaluate_projects",),
        ),
    ]
