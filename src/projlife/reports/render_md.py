"""A bulletin as Markdown (for chat groups, wikis and e-mail) and as JSON."""

from __future__ import annotations

import json

from projlife.reports.bulletin import FUNNEL_STAGES, Bulletin, CountyFigures, FunnelStep
from projlife.reports.terms import punctuate, stage_term, term

__all__ = ["bulletin_json", "bulletin_markdown", "funnel_cell", "quota_cell"]


def funnel_cell(step: FunnelStep) -> str:
    if step.denominator is None:
        return str(step.count)
    if step.rate is None:
        return f"{step.count} (—)"
    return f"{step.count} ({step.rate * 100:.1f}%，{step.count}/{step.denominator})"


def quota_cell(c: CountyFigures, lang: str) -> list[str]:
    cells = []
    for q in c.quotas or ():
        status = term("met", lang) if q.met else term("not_met", lang, gap=q.gap)
        if q.met and q.surplus:
            status += (
                "，" + term("surplus", lang, n=q.surplus)
                if lang == "zh"
                else f", {term('surplus', lang, n=q.surplus)}"
            )
        cells.append(f"{stage_term(q.stage, lang)} {q.actual}/{q.target} {status}")
    return cells


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def bulletin_markdown(b: Bulletin, lang: str = "zh") -> str:
    """The bulletin as Markdown."""

    def t(key: str, **kw: object) -> str:
        return term(key, lang, **kw)

    kind = t(b.kind) if b.kind in ("weekly", "monthly", "quarterly", "half_year") else b.kind
    lines = [f"# {t('title', city=b.city_name, kind=kind)}", ""]
    lines.append(
        f"{t('period')}：{b.period.label_zh if lang == 'zh' else str(b.period)}（{b.period.start} — {b.period.end}）  "
    )
    lines.append(f"{t('as_of')}：{b.as_of.isoformat()}  ")
    lines.append(f"{t('projects')}：{b.projects}")
    lines += ["", f"## {t('overview')}", ""]
    tot = b.totals
    parts = [
        f"{stage_term(s, lang)} {tot.in_period[s]}（{t('cumulative')} {tot.cumulative[s]}）"
        for s in FUNNEL_STAGES
    ]
    lines.append(f"{t('in_period')}：" + "；".join(parts) + "。")
    lines += ["", f"## {t('by_county')}", ""]
    header = [t("county")]
    header += [f"{stage_term(s, lang)}（{t('in_period')}/{t('cumulative')}）" for s in FUNNEL_STAGES]
    header += [t("overdue"), t("flagged")]
    rows = [
        [
            c.name,
            *(f"{c.in_period[s]}/{c.cumulative[s]}" for s in FUNNEL_STAGES),
            str(c.overdue),
            str(c.flagged),
        ]
        for c in (*b.counties, tot)
    ]
    lines += _table(header, rows)
    lines += ["", f"## {t('quotas')}", ""]
    if b.totals.quotas is None:
        lines.append(t("na_quota"))
    else:
        if b.quota_source:
            lines.append(f"{t('quota_source')}：{b.quota_source}")
            lines.append("")
        lines += _table(
            [t("county"), t("quotas").split("、")[-1]],
            [[c.name, "；".join(quota_cell(c, lang)) or t("na")] for c in (*b.counties, tot)],
        )
    lines += ["", f"## {t('funnel')}", "", t("denominator_note"), ""]
    lines += _table(
        [t("county"), *(stage_term(s, lang) for s in FUNNEL_STAGES)],
        [[c.name, *(funnel_cell(f) for f in c.funnel)] for c in (*b.counties, tot)],
    )
    lines += ["", f"## {t('overdue_flags')}", ""]
    lines.append(
        f"{t('overdue')} {tot.overdue}；{t('flagged')} {tot.flagged}；{t('removed')} {tot.removed}；{t('cancelled')} {tot.cancelled}。"
    )
    lines += ["", f"## {t('tickets')}", ""]
    if b.tickets is None:
        lines.append(t("na_tickets"))
    else:
        k = b.tickets
        sat = t("na") if k.satisfaction is None else f"{k.satisfaction * 100:.1f}%"
        lines.append(
            f"{t('raised')} {k.raised}；{t('closed')} {k.closed}；{t('tickets_overdue')} {k.overdue}；"
            f"{t('reopened')} {k.reopened}；{t('satisfaction')} {sat}。"
        )
    lines += ["", f"## {t('ranking')}", ""]
    if b.ranking is None:
        lines.append(t("na_ranking"))
    else:
        lines += _table(
            [t("rank"), t("county"), t("score")],
            [[str(e.rank), e.name, f"{e.score:g}"] for e in b.ranking.entries],
        )
        lines += ["", f"{t('rule_set')}：`{b.ranking.rule_set_hash}`"]
    lines += ["", f"## {t('audit')}", ""]
    if b.checkpoint is None:
        lines.append(t("na_audit"))
    else:
        cp = b.checkpoint.to_dict()
        lines.append(
            f"{t('checkpoint')}：`{cp['log_id']}`，{t('tree_size')} {cp['tree_size']}，"
            f"{t('root_hash')} `{cp['root_hash']}`，{t('key_id')} `{cp['key_id']}`，{t('signed_at')} {cp['created_at']}"
        )
    lines += ["", f"_{t('footer')}_", ""]
    return punctuate("\n".join(lines), lang)


def bulletin_json(b: Bulletin) -> str:
    return json.dumps(b.to_dict(), ensure_ascii=False, indent=2) + "\n"
