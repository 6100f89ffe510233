"""The words of a bulletin, in Chinese (the terms officials use) and in English."""

from __future__ import annotations

from projlife.domain.lifecycle import Stage

__all__ = ["LANGS", "punctuate", "stage_term", "term"]

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
    "city_wide_quotas": ("全市目标", "City-wide quotas"),
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
        "在库项目{projects}个，计划总投资{planned}亿元，签约金额{signed}亿元，累计完成投资{reported}亿元；"
        "出库剔除{removed}个，取消{cancelled}个，挂牌{flagged}个。",
        "{projects} projects, planned investment {planned} 亿 yuan, signed {signed} 亿, reported investment "
        "{reported} 亿; {removed} removed from a pool, {cancelled} cancelled, {flagged} flagged.",
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
}

_STAGE_EN = {
    Stage.SIGNED: "Signed",
    Stage.STARTED: "Started",
    Stage.IN_STATISTICS: "In statistics",
    Stage.PRODUCING: "Producing",
}


def term(key: str, lang: str = "zh", **values: object) -> str:
    """The term ``key`` in ``lang`` (``zh`` or ``en``), formatted with ``values``."""
    zh, en = _TERMS[key]
    return (en if lang == "en" else zh).format(**values)


def stage_term(stage: Stage, lang: str = "zh") -> str:
    return _STAGE_EN.get(stage, stage.value) if lang == "en" else stage.label_zh


_EN_PUNCTUATION = str.maketrans({"：": ": ", "（": " (", "）": ")", "；": "; ", "。": ".", "，": ", "})


def punctuate(text: str, lang: str) -> str:
    """Chinese full-width punctuation turned into English punctuation for ``en``."""
    return text.translate(_EN_PUNCTUATION) if lang == "en" else text
