"""Zhumadian's seed (001) and the exact phrases its rules cite, and the settings its rules read."""

from __future__ import annotations

from decimal import Decimal

import attrs

from projlife.calendar import DeadlineRule
from projlife.domain.money import Money
from projlife.domain.periods import PeriodKind
from projlife.plugins.cities._support import Citation

__all__ = ["SEED", "ZhumadianSettings", "cite"]


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
