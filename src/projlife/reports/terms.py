"""Every word a person reads, in Chinese (the terms officials use) and in English: ONE table.

The bulletins (Markdown, HTML, charts), the demo and CLI console, the Excel 台账 and the web
pages take their labels from here: stage, category, investor, flag, quota status, rate and
period names, units (亿元, 日均), how a city calls itself (本市/本区/本县) and its units
(县市区, 镇街(园区)), and English names for quota, deadline and ranking rules built from the
rule's own definition. No internal key (an enum value or a snake_case id) is meant to reach a
person; ``tests/test_terms.py`` checks every output in both languages.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Milestone, Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period, PeriodKind

if TYPE_CHECKING:
    from projlife.engine.evaluate import QuotaStatus
    from projlife.plugins.labels import Labels
    from projlife.plugins.rules import DeadlineSpec, EventRef, Metric, ScoringRule
    from projlife.plugins.types import CityProfile

__all__ = [
    "LANGS",
    "amount_term",
    "category_term",
    "city_name",
    "deadline_title",
    "event_term",
    "flag_code",
    "flag_term",
    "investor_term",
    "metric_name_en",
    "milestone_term",
    "own_area",
    "period_term",
    "punctuate",
    "quota_status_term",
    "quota_title",
    "ranking_title",
    "rate_term",
    "role_term",
    "stage_term",
    "term",
    "ticket_status_term",
    "unit_word",
    "web_words",
]

LANGS = ("zh", "en")

_TERMS: dict[str, tuple[str, str]] = {
    "weekly": ("周通报", "Weekly bulletin"),
    "monthly": ("月调度通报", "Monthly progress report"),
    "quarterly": ("季度通报", "Quarterly report"),
    "half-year": ("半年通报", "Half-year report"),
    "title": ("{city}重大项目{kind}", "{city} major projects — {kind}"),
    "period": ("统计区间", "Period"),
    "as_of": ("数据截至", "Figures as of"),
    "projects": ("在库项目", "Projects in the ledger"),
    "overview": ("一、总体情况", "1. Overview"),
    "by_county": ("二、各县区推进情况", "2. Progress by county"),
    "quotas": ("三、目标任务完成情况", "3. Quotas"),
    "funnel": ("四、项目转化情况", "4. Conversion"),
    "overdue_flags": ("五、逾期与挂牌", "5. Overdue and flagged"),
    "tickets": ("六、企业诉求闭环", "6. Enterprise problem loop"),
    "ranking": ("七、县区排名", "7. County ranking"),
    "audit": ("八、数据来源与核验", "8. Data source and audit"),
    "county": ("县市区", "County"),
    "department": ("责任单位", "Department"),
    "whole": ("全市", "city-wide"),
    "in_period": ("本期", "this period"),
    "cumulative": ("累计", "to date"),
    "target": ("目标", "target"),
    "actual": ("完成", "actual"),
    "met": ("已完成", "met"),
    "not_met": ("未完成，差{gap}个", "not met, {gap} short"),
    "surplus": ("超额{n}个", "{n} over"),
    "rate": ("转化率", "rate"),
    "stage": ("阶段", "Stage"),
    "overdue": ("计划节点逾期", "Overdue planned dates"),
    "flagged": ("挂牌督办", "Flagged"),
    "removed": ("出库剔除", "Removed from pool"),
    "cancelled": ("取消", "Cancelled"),
    "total": ("合计", "Total"),
    "na": ("暂无数据", "n/a"),
    "na_quota": ("本市规则未设本期目标任务。", "The city's rules set no quota for this period."),
    "na_audit": ("暂无审计检查点", "n/a (no audit checkpoint)"),
    "raised": ("累计受理诉求", "raised to date"),
    "ticket_code": ("诉求编号", "Ticket"),
    "yi": ("亿元", " 亿 yuan"),
    "closed": ("办结", "closed"),
    "tickets_overdue": ("超期未办结", "overdue"),
    "reopened": ("重新打开", "reopened"),
    "satisfaction": ("满意率", "satisfaction"),
    "rank": ("名次", "Rank"),
    "score": ("得分", "Score"),
    "rule_set": ("规则集哈希", "Rule-set hash"),
    "checkpoint": ("审计检查点", "Audit checkpoint"),
    "tree_size": ("事件数", "events"),
    "root_hash": ("根哈希", "root hash"),
    "key_id": ("签名密钥", "signing key"),
    "signed_at": ("签署时间", "signed at"),
    "quota_source": ("目标依据", "Quota source"),
    "funnel_chart": ("项目转化漏斗", "Conversion funnel"),
    "pace_chart": ("本期{stage}进度与目标", "{stage} this period against the quota"),
    "ranking_chart": ("县区{stage}数（本期）", "{stage} this period by county"),
    "pace_actual": ("累计{stage}", "{stage} to date"),
    "pace_quota": ("目标进度", "quota pace"),
    "denominator_note": (
        "转化率 = 本阶段项目数 ÷ 上一阶段项目数（括号内为分母）",
        "Rate = projects at this stage ÷ projects at the previous stage (denominator in brackets)",
    ),
    "not_met_yet": ("尚未完成，差{gap}", "not yet met, {gap} short"),
    "not_met_gap": ("未完成，差{gap}", "not met, {gap} short"),
    "over_by": ("超额{n}", "{n} over"),
    "short_over": ("超{n}", "+{n}"),
    "short_gap": ("差{n}", "{n} short"),
    "short_gap_yet": ("尚差{n}", "{n} to go"),
    "pp": ("个百分点", " pp"),
    "units": ("个", ""),
    "city_wide_quotas": ("{whole}目标", "Quotas {whole}"),
    "plan_completion": (
        "投资完成率（对照《重点项目建设目标责任书》，元）",
        "Investment completion against the target-responsibility documents (yuan)",
    ),
    "area_quotas": ("分县区目标", "Quotas by county"),
    "quota_summary": (
        "共{n}项考核：已完成{met}项，未完成{not_met}项，无法计算{na}项。",
        "{n} quota figures: {met} met, {not_met} not met, {na} undefined.",
    ),
    "quota": ("考核指标", "Quota"),
    "status": ("完成情况", "Status"),
    "deadlines_overdue": ("规则时限逾期", "Overdue deadlines"),
    "tickets_overdue_county": ("诉求超期", "Overdue tickets"),
    "deadline_summary": (
        "按城市规则，截至{as_of}共触发时限{n}项，逾期{overdue}项。",
        "Under the city's rules, {n} deadlines triggered by {as_of}, {overdue} overdue.",
    ),
    "deadline_rule": ("时限规则", "Deadline"),
    "project_code": ("项目编号", "Project"),
    "due_on": ("应完成日期", "Due"),
    "days_over": ("逾期工作日", "Working days over"),
    "planned_overdue_note": (
        "计划节点逾期：计划开工或竣工日期已过而未达到该阶段的项目数。",
        "Overdue planned dates: projects past a scheduled start or completion date without reaching it.",
    ),
    "open": ("办理中", "open"),
    "answered": ("已答复待回访", "answered"),
    "revisits": ("回访", "revisits"),
    "most_overdue_tickets": ("超期最久的诉求", "Most overdue tickets"),
    "assignee": ("承办单位", "Assignee"),
    "top": ("前{n}名", "top {n}"),
    "tied": ("并列", "tied"),
    "bottom": ("后{n}名", "bottom {n}"),
    "mark": ("通报", "Mark"),
    "ranking_rule": ("{title}（{period}）", "{title} ({period})"),
    "no_ranking_rule": ("本市规则未设县区排名。", "The city's rules define no ranking."),
    "ledger_summary": ("台账概况", "Ledger summary"),
    "ledger_line": (
        "在库项目{projects}个，计划总投资{planned}，签约金额{signed}，累计完成投资{reported}；"
        "出库剔除{removed}个，取消{cancelled}个，挂牌{flagged}个。",
        "{projects} projects, planned investment {planned}, signed {signed}, reported investment "
        "{reported}; {removed} removed from a pool, {cancelled} cancelled, {flagged} flagged.",
    ),
    "stock_funnel": ("累计转化（存量）", "Stock conversion"),
    "cohort_funnel": (
        "本期签约项目的后续转化（共{n}个）",
        "Projects signed in the period ({n}) and how far they got",
    ),
    "rates": ("各项转化率", "Rates"),
    "rate_value": ("比率", "rate"),
    "numerator": ("分子", "numerator"),
    "denominator": ("分母", "denominator"),
    "known_at": ("按记录时间", "As recorded by"),
    "calendar_warning": (
        "⚠ 注意：{years}年尚无国务院节假日安排数据，工作日暂按周一至周五计算，期限可能不准；"
        "请用 projlife calendar load 加载当年通知。",
        "⚠ Warning: no official holiday data for {years}; working days there are counted "
        "Monday–Friday and deadlines may be wrong. Load the State Council notice with "
        "projlife calendar load.",
    ),
    "revised": (
        "修订：{area}{stage}（{start}至{end}）公布{published}个，现为{revised}个（补录事件 {events}）。",
        "Revised: {area}{stage} ({start} to {end}) published {published}, now {revised} (events {events}).",
    ),
    "not_as_known": (
        "本通报按{known_at}的记录生成；城市规则评估与诉求闭环仅支持按业务日期计算，故本期从略。",
        "This report is as recorded by {known_at}; city rules and the ticket loop answer by business date "
        "only and are left out.",
    ),
    "covered": (
        "本通报全部数据取自上述检查点覆盖的事件记录（截至第{head}号事件），可离线验证。",
        "Every figure in this report comes from events covered by this checkpoint (up to event {head}), "
        "verifiable offline.",
    ),
    "not_covered": (
        "注意：检查点只覆盖到第{last}号事件，本通报读取到第{head}号事件，请重新签署检查点。",
        "Note: the checkpoint covers events up to {last}, this report read up to {head}; sign a new checkpoint.",
    ),
    "footer": (
        "本通报由 projlife 根据项目事件记录自动生成。",
        "Generated by projlife from the project event history.",
    ),
    "half_title": ("{city}重大项目{half}通报", "{city} major projects — {half} report"),
    "per_day": ("个/日", " per day"),
    "daily": ("日均", "daily "),
    "no_quota_own": ("{own}规则未设本期目标任务。", "{own_en} rules set no quota for this period."),
    "no_ranking_own": ("{own}规则未设{units}排名。", "{own_en} rules define no ranking."),
    "units_ranking": ("七、{units}排名", "7. {units_en} ranking"),
    # the demo and CLI console
    "quota_status_met": ("已完成", "met"),
    "quota_status_not_met": ("未完成", "not met"),
    "quota_status_not_met_yet": ("尚未完成", "not yet met"),
    "quota_status_not_applicable": ("无法计算", "undefined"),
    "top_mark": ("▲ 前列", "▲ top"),
    "bottom_mark": ("▼ 后列", "▼ bottom"),
}

_WEB: dict[str, tuple[str, str]] = {
    "app": ("重大项目台账", "Major-project ledger"),
    "ledger": ("项目台账", "Ledger"),
    "bulletins": ("通报", "Bulletins"),
    "tickets": ("企业诉求", "Tickets"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "token": ("访问令牌", "API token"),
    "area": ("区域", "Area"),
    "stage": ("阶段", "Stage"),
    "size_class": ("规模", "Size class"),
    "as_of": ("截至日期", "As of"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "All"),
    "code": ("项目编号", "Code"),
    "name": ("项目名称", "Name"),
    "verified_stage": ("核实阶段", "Verified stage"),
    "planned": ("计划投资（元）", "Planned (yuan)"),
    "signed": ("签约金额（元）", "Signed (yuan)"),
    "reported": ("累计完成投资（元）", "Invested (yuan)"),
    "projects": ("项目数", "Projects"),
    "total": ("合计", "Total"),
    "page": ("页", "Page"),
    "next": ("下一页", "Next"),
    "prev": ("上一页", "Previous"),
    "timeline": ("事件时间线", "Event timeline"),
    "position": ("日志位置", "Position"),
    "occurred_on": ("业务日期", "Date"),
    "recorded_at": ("记录时间", "Recorded"),
    "event": ("事件", "Event"),
    "actor": ("操作人", "Actor"),
    "reason": ("理由", "Reason"),
    "proof": ("存证", "Proof"),
    "proof_title": ("审计存证：包含性证明", "Audit proof of inclusion"),
    "checkpoint": ("签名检查点", "Signed checkpoint"),
    "tree_size": ("日志规模", "Tree size"),
    "root_hash": ("根哈希", "Root hash"),
    "leaf_hash": ("叶哈希", "Leaf hash"),
    "path": ("证明路径", "Proof path"),
    "verdict": ("核验结果", "Verdict"),
    "key_id": ("公钥编号", "Key id"),
    "back": ("返回", "Back"),
    "kind": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "category": ("类别", "Category"),
    "assignee": ("承办单位", "Assignee"),
    "due_on": ("办结时限", "Due"),
    "overdue_days": ("逾期工作日", "Overdue working days"),
    "raised_on": ("提出日期", "Raised"),
    "none": ("暂无", "None"),
    "facts": ("项目信息", "Facts"),
    "city": ("城市", "City"),
    "county": ("县市区", "County"),
    "print": ("打印", "Print"),
    "lang": ("English", "中文"),
    "error": ("无法完成", "Refused"),
}
"""The web 台账's words (``projlife serve``)."""

_CATEGORY_EN = {
    ProjectCategory.INDUSTRIAL: "Industrial",
    ProjectCategory.COMMERCE_LOGISTICS: "Commerce and logistics",
    ProjectCategory.SCIENCE_TECHNOLOGY: "Science and technology",
    ProjectCategory.CULTURE_TOURISM: "Culture and tourism",
    ProjectCategory.AGRICULTURE: "Agriculture",
    ProjectCategory.MODERN_SERVICES: "Modern services",
    ProjectCategory.INFRASTRUCTURE: "Infrastructure",
    ProjectCategory.LIVELIHOOD: "Public services",
    ProjectCategory.URBAN_CONSTRUCTION: "Urban construction",
}
_INVESTOR_EN = {
    InvestorClass.FORTUNE_500: "Fortune Global 500",
    InvestorClass.CHINA_500: "China Top 500",
    InvestorClass.CENTRAL_SOE: "Central SOE",
    InvestorClass.LOCAL_SOE: "Local SOE",
    InvestorClass.UNICORN: "Unicorn",
    InvestorClass.GAZELLE: "Gazelle",
    InvestorClass.FINTECH_LEADER: "Fintech leader",
    InvestorClass.FOREIGN: "Foreign-funded",
    InvestorClass.TAIWANESE: "Taiwan-funded",
    InvestorClass.PRIVATE: "Private",
    InvestorClass.GOVERNMENT: "Government",
}
_MILESTONE_EN = {
    Milestone.SITE_SELECTION: "Site selection",
    Milestone.PROJECT_APPROVAL: "Project approval",
    Milestone.LAND_APPROVAL: "Land approval",
    Milestone.LAND_ACQUISITION: "Land acquisition",
    Milestone.ENVIRONMENTAL_APPROVAL: "Environmental approval",
    Milestone.CONSTRUCTION_DESIGN: "Construction design",
    Milestone.TENDERING: "Tendering",
}
_FLAGS: dict[str, tuple[str, str]] = {
    "lagging": ("进度滞后", "lagging"),
    "not-in-statistics": ("开工未纳统", "started, not in statistics"),
    "start-warning": ("开工预警", "start warning"),
    "supervision.10yi": ("10亿元以上未开工督办", "10 亿+ not started: supervised"),
}
"""Flags the built-in cities raise; any other flag is shown as the plugin wrote it."""

_RATES: dict[str, tuple[str, str]] = {
    "reserve_to_signed": ("储备转签约率", "Reserve to signed"),
    "signed_to_landed": ("落地率", "Landing rate"),
    "signed_to_started": ("开工率", "Start rate"),
    "started_to_statistics": ("纳统率", "Statistics entry rate"),
    "completed_to_producing": ("投产率", "Production rate"),
    "on_time_start": ("按期开工率", "On-time start rate"),
    "investment_completion": ("投资完成率", "Investment completion"),
}
_PERIOD_KIND_EN = {
    PeriodKind.DAY: "day",
    PeriodKind.WEEK: "week",
    PeriodKind.MONTH: "month",
    PeriodKind.BIMONTH: "two months",
    PeriodKind.QUARTER: "quarter",
    PeriodKind.HALF_YEAR: "half-year",
    PeriodKind.YEAR: "year",
}
_PERIOD_KIND_ZH = {
    PeriodKind.DAY: "日",
    PeriodKind.WEEK: "周",
    PeriodKind.MONTH: "月",
    PeriodKind.BIMONTH: "双月",
    PeriodKind.QUARTER: "季度",
    PeriodKind.HALF_YEAR: "半年",
    PeriodKind.YEAR: "年度",
}

_STAGE_EN = {
    Stage.CONCEIVED: "Conceived",
    Stage.RESERVED: "Reserved",
    Stage.SIGNED: "Signed",
    Stage.LANDED: "Landed",
    Stage.STARTED: "Started",
    Stage.IN_STATISTICS: "In statistics",
    Stage.COMPLETED: "Completed",
    Stage.PRODUCING: "Producing",
    Stage.ABOVE_SCALE: "Above scale",
    Stage.AT_CAPACITY: "At capacity",
}


def term(key: str, lang: str = "zh", *, labels: Labels | None = None, **values: object) -> str:
    """The term ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``values``.

    ``labels`` are the city's words (``projlife_labels``): a key they set replaces the
    library's term (a label without ``{n}`` ignores the count, e.g. 流动红旗); ``{whole}`` in a
    term is the city's word for the whole jurisdiction (全市, 全县).
    """
    if key != "whole" and "whole" not in values:
        values = {**values, "whole": term("whole", lang, labels=labels)}
    own = labels.term(key, lang) if labels is not None else None
    if own is not None:
        return own.format(**values) if "{" in own else own
    zh, en = _TERMS[key]
    return (en if lang == "en" else zh).format(**values)


def web_words(lang: str) -> dict[str, str]:
    """The web 台账's words in ``lang``, by key (for its templates)."""
    return {k: v[lang == "en"] for k, v in _WEB.items()}


_TICKET_STATUS_EN = {
    "raised": "collected",
    "assigned": "being handled",
    "answered": "answered",
    "closed": "closed",
    "withdrawn": "withdrawn",
}
_ROLE: dict[str, tuple[str, str]] = {
    "clerk": ("填报员", "clerk"),
    "verifier": ("核查员", "verifier"),
    "scorer": ("评分员", "scorer"),
    "revisitor": ("回访员", "revisitor"),
    "handler": ("承办人", "handler"),
    "admin": ("管理员", "administrator"),
    "system": ("系统", "system"),
    "importer": ("导入", "importer"),
}


_EVENT: dict[str, tuple[str, str]] = {
    "Project.Conceived": ("谋划", "conceived"),
    "Project.Reserved": ("储备入库", "reserved"),
    "Project.Signed": ("签约", "signed"),
    "Project.Landed": ("落地", "landed"),
    "Project.ConstructionStarted": ("开工", "construction started"),
    "Project.EnteredStatistics": ("纳统", "entered statistics"),
    "Project.Completed": ("竣工", "completed"),
    "Project.ProductionBegan": ("投产", "production began"),
    "Project.BecameAboveScale": ("进规", "became above scale"),
    "Project.ReachedCapacity": ("达产达效", "reached capacity"),
    "Project.StageVerified": ("核查确认", "stage verified"),
    "Project.StageClaimRejected": ("核查不实", "stage claim rejected"),
    "Project.MilestonePlanned": ("节点计划", "milestone planned"),
    "Project.MilestoneMet": ("节点完成", "milestone met"),
    "Project.StageScheduled": ("阶段计划", "stage scheduled"),
    "Project.InvestmentReported": ("投资填报", "investment reported"),
    "Project.SponsorAssigned": ("包保", "sponsor assigned"),
    "Project.TeamFormed": ("组建专班", "team formed"),
    "Project.Flagged": ("挂牌", "flagged"),
    "Project.FlagCleared": ("摘牌", "flag cleared"),
    "Project.RemovedFromPool": ("剔除", "removed from pool"),
    "Project.LandReclaimed": ("收回土地", "land reclaimed"),
    "Project.Cancelled": ("取消", "cancelled"),
    "Project.Corrected": ("更正", "corrected"),
    "Project.ListEntered": ("列入清单", "list entered"),
    "Project.ListLeft": ("移出清单", "list left"),
    "Project.SponsorWorkRecorded": ("包保工作", "sponsor work recorded"),
    "Project.FundingApplied": ("申报资金", "funding applied"),
    "Project.FundingStatusChanged": ("资金进度", "funding status changed"),
    "Project.ProductionStopped": ("停产", "production stopped"),
    "Project.ProductionResumed": ("复产", "production resumed"),
    "Project.CertificateIssued": ("取得证照", "certificate issued"),
    "Project.PartAccepted": ("分期验收", "part accepted"),
    "Project.PartProductionBegan": ("分期投产", "part production began"),
    "Project.PerMuFiguresReported": ("亩均填报", "per-mu figures reported"),
    "Ticket.Raised": ("收集", "raised"),
    "Ticket.Assigned": ("交办", "assigned"),
    "Ticket.Escalated": ("升级督办", "escalated"),
    "Ticket.Answered": ("办理反馈", "answered"),
    "Ticket.RevisitSampled": ("抽中回访", "sampled for revisit"),
    "Ticket.RevisitNotSampled": ("未抽中回访", "not sampled for revisit"),
    "Ticket.Revisited": ("回访", "revisited"),
    "Ticket.Reopened": ("重新办理", "reopened"),
    "Ticket.Closed": ("销号", "closed"),
    "Ticket.Withdrawn": ("撤回", "withdrawn"),
    "Ticket.ClockPaused": ("暂停计时", "clock paused"),
    "Ticket.ClockResumed": ("恢复计时", "clock resumed"),
}


def event_term(event_type: str, lang: str = "zh") -> str:
    """An event's name as a person reads it (``Project.Signed`` → 签约 / signed); unknown ones as given."""
    pair = _EVENT.get(event_type)
    return event_type.split(".", 1)[-1] if pair is None else pair[lang == "en"]


def ticket_status_term(status: str, lang: str = "zh") -> str:
    """A ticket's status as a person reads it (``assigned`` → 办理中 / being handled)."""
    from projlife.domain.ticket import TicketStatus

    try:
        s = TicketStatus(status)
    except ValueError:
        return status
    return _TICKET_STATUS_EN.get(s.value, s.value.replace("_", " ")) if lang == "en" else s.label_zh


def role_term(role: object, lang: str = "zh") -> str:
    """An actor's role (``clerk`` → 填报员)."""
    key = str(getattr(role, "value", role))
    pair = _ROLE.get(key)
    return key.replace("_", " ") if pair is None else pair[lang == "en"]


def stage_term(stage: Stage, lang: str = "zh") -> str:
    return _STAGE_EN[stage] if lang == "en" else stage.label_zh


def category_term(category: ProjectCategory | str, lang: str = "zh") -> str:
    c = ProjectCategory(category)
    return _CATEGORY_EN[c] if lang == "en" else c.label_zh


def investor_term(investor: InvestorClass | str, lang: str = "zh") -> str:
    c = InvestorClass(investor)
    return _INVESTOR_EN[c] if lang == "en" else c.label_zh


def milestone_term(milestone: Milestone | str, lang: str = "zh") -> str:
    m = Milestone(milestone)
    return _MILESTONE_EN[m] if lang == "en" else m.label_zh


def flag_term(flag: str, lang: str = "zh") -> str:
    """A project flag as a person reads it (a plugin's own flag code is shown as written)."""
    pair = _FLAGS.get(flag)
    return flag if pair is None else pair[lang == "en"]


def flag_code(text: str) -> str:
    """The flag code a person's label names (``进度滞后`` → ``lagging``); other text is taken as a code."""
    for code, pair in _FLAGS.items():
        if text in pair:
            return code
    return text


def rate_term(name: str, lang: str = "zh", label_zh: str | None = None) -> str:
    """A conversion rate's name (``signed_to_started`` → 开工率 / Start rate)."""
    pair = _RATES.get(name)
    if pair is None:
        return label_zh or name
    return pair[lang == "en"]


def quota_status_term(status: QuotaStatus, lang: str = "zh", *, final: bool = True) -> str:
    """已完成 / 未完成 / 尚未完成 / 无法计算, or met / not met / not yet met / undefined."""
    key = {"met": "met", "not_met": "not_met", "n/a": "not_applicable"}.get(status.value, "not_applicable")
    if key == "not_met" and not final:
        key = "not_met_yet"
    return term(f"quota_status_{key}", lang)


def period_term(period: Period, lang: str = "zh") -> str:
    """``2024年第4季度`` / ``2024 Q4``; a week reads ``2024-12-23至2024-12-29`` / ``week 2024-12-23 – 12-29``."""
    if lang != "en":
        return period.label_zh
    if period.kind is PeriodKind.WEEK:
        return f"week {period.start.isoformat()} – {period.end.isoformat()}"
    if period.kind is PeriodKind.HALF_YEAR:
        return f"{'first' if period.start.month == 1 else 'second'} half of {period.start.year}"
    return str(period).replace("-Q", " Q")


_YI = Decimal(100_000_000)


def amount_term(amount: Decimal | Money, lang: str = "zh", *, unit: bool = True) -> str:
    """Money as officials write it: ``1,693.20亿元``; in English ``169.32 billion yuan``."""
    yuan = amount.yuan if isinstance(amount, Money) else amount
    if lang != "en":
        shown = f"{(yuan / _YI).quantize(Decimal('0.01')):,}"
        return shown + ("亿元" if unit else "")
    if abs(yuan) >= Decimal(1_000_000_000) or yuan == 0:
        shown = f"{(yuan / Decimal(1_000_000_000)).quantize(Decimal('0.01')):,}"
        return shown + (" billion yuan" if unit else " bn")
    shown = f"{(yuan / Decimal(1_000_000)).quantize(Decimal('0.01')):,}"
    return shown + (" million yuan" if unit else " m")


def city_name(city: CityProfile, lang: str = "zh") -> str:
    return city.name_en if lang == "en" else city.name_zh


def own_area(name_zh: str, lang: str = "zh") -> str:
    """How a bulletin calls its own area: 本市, 本区 (a district such as 姜堰区) or 本县."""
    if lang == "en":
        return {"区": "The district's", "县": "The county's"}.get(name_zh[-1:], "The city's")
    return {"区": "本区", "县": "本县"}.get(name_zh[-1:], "本市")


def unit_word(level_is_town: bool, lang: str = "zh") -> str:
    """What the competing units are called: 县区 (counties) or 镇街(园区) (towns, streets and parks)."""
    if lang == "en":
        return "town" if level_is_town else "county"
    return "镇街(园区)" if level_is_town else "县区"


_STAGE_ENTERED_EN = {
    Stage.CONCEIVED: "conceived",
    Stage.RESERVED: "entered in the reserve",
    Stage.SIGNED: "signed",
    Stage.LANDED: "landed",
    Stage.STARTED: "started",
    Stage.IN_STATISTICS: "entered in the statistics",
    Stage.COMPLETED: "completed",
    Stage.PRODUCING: "put into production",
    Stage.ABOVE_SCALE: "grown above scale",
    Stage.AT_CAPACITY: "at full capacity",
}
"""What a project entering each stage did, for English metric names."""


def _filter_words(metric: Metric) -> tuple[str, str]:
    """(before, after) the word "projects" for a metric's filter, in English."""
    f = metric.filter
    before: list[str] = []
    if metric.verified:
        before.append("recognised")
    if f.industry_only:
        before.append("industry")
    if f.categories:
        before.append("/".join(sorted(_CATEGORY_EN[c].lower() for c in f.categories)))
    if f.investor_classes:
        before.append("/".join(sorted(_INVESTOR_EN[c] for c in f.investor_classes)))
    after: list[str] = []
    if f.min_investment is not None and f.max_investment is not None:
        after.append(f"of {amount_term(f.min_investment, 'en')} to {amount_term(f.max_investment, 'en')}")
    elif f.min_investment is not None:
        after.append(f"of {amount_term(f.min_investment, 'en')} or more")
    elif f.max_investment is not None:
        after.append(f"under {amount_term(f.max_investment, 'en')}")
    return " ".join(before), " ".join(after)


def metric_name_en(metric: Metric) -> str:
    """An English name for a metric, from its definition (the city's own title is Chinese)."""
    before, after = _filter_words(metric)
    projects = " ".join(p for p in (before, "projects", after) if p)
    stage = _STAGE_ENTERED_EN[metric.stage] if metric.stage is not None else ""
    m = metric.measure.value
    if m == "stage_entries":
        return f"{projects} {stage}".capitalize()
    if m == "pace":
        per = (
            "working day"
            if metric.pace_unit is not None and metric.pace_unit.value == "working_day"
            else "day"
        )
        return f"{projects} {stage} per {per}".capitalize()
    if m == "stock":
        at = _STAGE_EN[metric.stage].lower() if metric.stage is not None else ""
        return f"{projects} at the {at} stage".capitalize()
    if m == "amount":
        what = {"planned_investment": "planned investment", "signed_amount": "signed amount"}.get(
            metric.amount_of.value if metric.amount_of is not None else "", "investment reported"
        )
        return f"{what} of {projects} {stage}".strip().capitalize() if stage else what.capitalize()
    base = _STAGE_ENTERED_EN[metric.base_stage] if metric.base_stage is not None else ""
    back = " (earlier period)" if metric.cohort_offset else ""
    if m == "rate":
        return f"Share of {projects} {base}{back} that {stage}"
    return f"Share of {projects} {stage} that were {base}{back}"


def quota_title(title_zh: str, metric: Metric | None, lang: str = "zh") -> str:
    """A quota's name: the city's own title in Chinese, a name built from its metric in English."""
    if lang != "en" or metric is None:
        return title_zh
    return metric_name_en(metric)


def deadline_title(spec: DeadlineSpec | None, title_zh: str, lang: str = "zh") -> str:
    """A deadline rule's name: ``签约后90个工作日内开工`` / ``Started within 90 working days of signed``."""
    if lang != "en" or spec is None:
        return title_zh

    def ref(r: EventRef) -> str:
        if r.kind.value == "stage":
            return _STAGE_ENTERED_EN[Stage(r.name)]
        if r.kind.value == "milestone":
            return _MILESTONE_EN[Milestone(r.name)].lower()
        return r.name.rsplit(".", 1)[-1]

    return f"{ref(spec.target).capitalize()} within {spec.rule} of being {ref(spec.trigger)}"


def ranking_title(rule: ScoringRule | None, title_zh: str, lang: str = "zh") -> str:
    """A ranking rule's name: the city's title in Chinese; in English its period and what it scores."""
    if lang != "en" or rule is None:
        return title_zh
    scored = ", ".join(metric_name_en(i.metric).lower() for i in rule.indicators)
    return f"{_PERIOD_KIND_EN[rule.period_kind].capitalize()} ranking ({scored})"


_EN_PUNCTUATION = str.maketrans({"：": ": ", "（": " (", "）": ")", "；": "; ", "。": ".", "，": ", "})


def punctuate(text: str, lang: str) -> str:
    """Chinese full-width punctuation turned into English punctuation for ``en``."""
    return text.translate(_EN_PUNCTUATION) if lang == "en" else text


# --- office section (week2) ---------------------------------------------------------------
# The bulletin's 重点项目办 section (reports/office_report.py): section titles, table headers,
# and the names of lists, funding programmes and statuses, the 004 rates and the 亩均 indices.
_TERMS.update(
    {
        "office_lists": ("重点项目名单与“三个一批”", "Key-project lists and the “three batches”"),
        "office_rates": (
            "招引与建设质效（{period}，截至{as_of}）",
            "Quality of attraction and construction ({period}, as of {as_of})",
        ),
        "office_visits": ("{month}分包领导未调研项目", "Projects without a sponsor visit in {month}"),
        "office_funding": ("争取国家资金（已批复 {n} 项）", "State funding applications ({n} approved)"),
        "office_per_mu": ("亩均效益（{year}年度）", "Per-mu returns ({year})"),
        "office_list": ("名单", "List"),
        "office_list_period": ("期间", "Period"),
        "office_projects": ("项目数", "Projects"),
        "office_batch": ("三个一批", "Batch"),
        "office_quarter": ("季度", "Quarter"),
        "office_on_time": ("按期/名单", "On time / listed"),
        "office_late": ("未按期项目", "Late projects"),
        "office_indicator": ("指标", "Indicator"),
        "office_rate_parts": ("分子/分母 = 比率", "numerator/denominator = rate"),
        "office_enterprises": (
            "{period}新进规上工业企业 {n} 家（按统一社会信用代码计）",
            "{period}: {n} new above-scale industrial enterprise(s) (counted by unified social credit code)",
        ),
        "office_without_code": (
            "；无信用代码项目 {n} 个：{codes}",
            "; {n} project(s) without a credit code: {codes}",
        ),
        "office_project": ("项目", "Project"),
        "office_area": ("地区", "Area"),
        "office_last_visit": ("上次调研", "Last visit"),
        "office_no_missing": ("{month}分包领导调研无缺项。", "No sponsor visit missing in {month}."),
        "office_program": ("资金类别", "Programme"),
        "office_applied": ("申报（万元）", "Applied (10k yuan)"),
        "office_status": ("状态", "Status"),
        "office_approved": ("批复（万元）", "Approved (10k yuan)"),
        "office_arrived": ("到位（万元）", "Arrived (10k yuan)"),
        "office_no_funding": ("无资金申报。", "No funding application."),
        "office_land_mu": ("用地（亩）", "Land (mu)"),
        "office_investment_per_mu": ("亩均投资强度（万元/亩）", "Investment per mu (10k yuan)"),
        "office_output_per_mu": ("亩均产值（万元/亩）", "Output per mu (10k yuan)"),
        "office_revenue_per_mu": ("亩均营收（万元/亩）", "Revenue per mu (10k yuan)"),
        "office_tax_per_mu": ("亩均税收（万元/亩）", "Tax per mu (10k yuan)"),
        "rate_investment_per_mu_pass": ("亩均投资强度达标率", "Investment per mu at benchmark"),
        "rate_output_per_mu_pass": ("亩均产值达标率", "Output per mu at benchmark"),
        "rate_tax_per_mu_pass": ("亩均税收达标率", "Tax per mu at benchmark"),
        "office_no_benchmark": (
            "本市未设亩均标准，不计达标率。",
            "The city sets no per-mu benchmark: no pass rates.",
        ),
        "office_land_yield": ("用地收益率（万元/亩）", "Land yield (10k yuan per mu)"),
        "office_fiscal": ("财税贡献率", "Fiscal contribution"),
        "office_per_mu_rank": ("{index}排名", "Ranked by {index}"),
        "office_rank": ("排名", "Rank"),
        "office_rank_area": ("地区", "Area"),
        "office_meets_benchmark": ("达标", "At benchmark"),
        "office_yes": ("是", "yes"),
        "office_no": ("否", "no"),
        "per_mu_investment_per_mu": ("亩均投资强度", "investment per mu"),
        "per_mu_output_per_mu": ("亩均产值", "output per mu"),
        "per_mu_revenue_per_mu": ("亩均营收", "revenue per mu"),
        "per_mu_tax_per_mu": ("亩均税收", "tax per mu"),
        # the 004 rates, by Rate.name
        "rate_precision": ("精准率", "Precision"),
        "rate_fulfilment": ("履约率", "Fulfilment"),
        "rate_survival": ("成活率", "Survival"),
        "rate_maturity": ("成熟转化率", "Maturity conversion"),
        "rate_signed_landed_same_year": ("当年签约当年落地", "Signed and landed in the same year"),
        # lists (ListName values)
        "list_provincial_key": ("省重点项目", "Provincial key projects"),
        "list_city_key": ("市重点项目", "City key projects"),
        "list_county_key": ("县重点项目", "County key projects"),
        "list_provincial_major_plan": ("列入省重大项目建设计划", "Provincial major-project plan"),
        "list_central_budget": ("中央预算内项目", "Central-budget projects"),
        "list_special_bond": ("专项债项目", "Special-bond projects"),
        "list_attracted_investment": ("招商引资项目", "Attracted-investment projects"),
        "list_city_focus": ("市委市政府重点关注项目", "Projects of the city leadership's focus"),
        "list_new_start": ("新开工", "New starts"),
        "list_continuing": ("续建", "Continuing"),
        "list_preparatory": ("预备", "Preparatory"),
        "list_sign_batch": ("签约一批", "Signing batch"),
        "list_start_batch": ("开工一批", "Start batch"),
        "list_production_batch": ("投产一批", "Production batch"),
        "list_provincial_reserve": ("省重点项目储备库", "Provincial key-project reserve"),
        # funding programmes and statuses
        "funding_special_bond": ("专项债", "Special bond"),
        "funding_central_budget": ("中央预算内", "Central budget"),
        "funding_applied": ("已申报", "applied"),
        "funding_approved": ("已批复", "approved"),
        "funding_funds_arrived": ("资金到位", "funds arrived"),
        "funding_rejected": ("未通过", "rejected"),
        "funding_withdrawn": ("已撤回", "withdrawn"),
    }
)
