"""A bulletin as one self-contained HTML page: inline CSS, inline SVG charts, an embedded font subset.

The charts are SVG with their labels kept as text; the page embeds the CJK font subset
to exactly the characters it uses (a few hundred KB at most), so Chinese renders on a
machine with no Chinese fonts, and nothing is fetched from the network.
"""

from __future__ import annotations

import html

from projlife.reports.bulletin import FUNNEL_STAGES, Bulletin
from projlife.reports.charts import (
    CjkFont,
    FunnelChart,
    PaceChart,
    RankingChart,
    embedded_font_css,
    find_cjk_font,
    render_svg,
)
from projlife.reports.render_md import funnel_cell, quota_cell
from projlife.reports.terms import punctuate, stage_term, term

__all__ = ["bulletin_charts", "bulletin_html"]

FONT_FAMILY = "ProjlifeCJK"

_CSS = """
body { font-family: 'ProjlifeCJK', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif;
       margin: 0; background: #f4f6f9; color: #1d1d1f; }
main { max-width: 980px; margin: 0 auto; background: #fff; padding: 28px 40px 40px; }
h1 { text-align: center; color: #c00000; font-size: 26px; margin: 8px 0 4px; letter-spacing: 2px; }
.meta { text-align: center; color: #555; font-size: 14px; border-bottom: 2px solid #c00000; padding-bottom: 10px; }
h2 { font-size: 18px; color: #1f4e79; border-left: 4px solid #1f4e79; padding-left: 8px; margin-top: 26px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #c9d3df; padding: 5px 7px; text-align: center; }
th { background: #ddebf7; }
td:first-child { text-align: left; white-space: nowrap; }
tr.total td { font-weight: bold; background: #f2f2f2; }
.bad { color: #c00000; font-weight: bold; } .good { color: #2e7d32; }
.na { color: #888; font-style: italic; }
.charts svg { width: 100%; height: auto; }
.note { color: #666; font-size: 12px; }
code { font-size: 11px; word-break: break-all; }
footer { margin-top: 30px; color: #888; font-size: 12px; text-align: center; }
"""


def bulletin_charts(b: Bulletin, lang: str = "zh") -> tuple[FunnelChart, PaceChart | None, RankingChart]:
    """The three charts of a bulletin, as plain chart data."""
    funnel = FunnelChart(
        f"{b.city_name} {term('funnel_chart', lang)}",
        [stage_term(s, lang) for s in FUNNEL_STAGES],
        [f.count for f in b.funnel],
    )
    stage = stage_term(b.pace_stage, lang)
    pace = None
    if b.pace:
        pace = PaceChart(
            term("pace_chart", lang, stage=stage),
            [p.day for p in b.pace],
            [p.actual for p in b.pace],
            [p.quota for p in b.pace],
            term("pace_actual", lang, stage=stage),
            term("pace_quota", lang),
        )
    ordered = sorted(b.counties, key=lambda c: (-c.in_period[b.pace_stage], c.area_code))
    ranking = RankingChart(
        term("ranking_chart", lang, stage=stage),
        [c.name for c in ordered],
        [float(c.in_period[b.pace_stage]) for c in ordered],
    )
    return funnel, pace, ranking


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(header: list[str], rows: list[list[str]], total_last: bool = True) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for i, r in enumerate(rows):
        cls = ' class="total"' if total_last and i == len(rows) - 1 else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def bulletin_html(b: Bulletin, lang: str = "zh", *, font: CjkFont | None = None) -> str:
    """The bulletin as a self-contained HTML page."""

    def t(key: str, **kw: object) -> str:
        return term(key, lang, **kw)

    kind = t(b.kind) if b.kind in ("weekly", "monthly", "quarterly", "half_year") else b.kind
    title = t("title", city=b.city_name, kind=kind)
    tot = b.totals
    rows_all = (*b.counties, tot)
    parts: list[str] = [f"<h1>{_e(title)}</h1>"]
    period = b.period.label_zh if lang == "zh" else str(b.period)
    parts.append(
        f'<div class="meta">{_e(t("period"))}：{_e(period)}（{b.period.start} — {b.period.end}）'
        f"　{_e(t('as_of'))}：{b.as_of}　{_e(t('projects'))}：{b.projects}</div>"
    )
    parts.append(f"<h2>{_e(t('overview'))}</h2>")
    summary = "；".join(
        f"{_e(stage_term(s, lang))} <b>{tot.in_period[s]}</b>（{_e(t('cumulative'))} {tot.cumulative[s]}）"
        for s in FUNNEL_STAGES
    )
    parts.append(f"<p>{_e(t('in_period'))}：{summary}。</p>")
    funnel_chart, pace_chart, ranking_chart = bulletin_charts(b, lang)
    svgs = [render_svg(funnel_chart, font=font)]
    if pace_chart is not None:
        svgs.append(render_svg(pace_chart, font=font))
    parts.append(f'<div class="charts">{"".join(svgs)}</div>')
    parts.append(f"<h2>{_e(t('by_county'))}</h2>")
    header = [t("county")] + [
        f"{stage_term(s, lang)}（{t('in_period')}/{t('cumulative')}）" for s in FUNNEL_STAGES
    ]
    header += [t("overdue"), t("flagged")]
    rows = [
        [
            _e(c.name),
            *(f"{c.in_period[s]}/{c.cumulative[s]}" for s in FUNNEL_STAGES),
            f'<span class="bad">{c.overdue}</span>' if c.overdue else "0",
            str(c.flagged),
        ]
        for c in rows_all
    ]
    parts.append(_table(header, rows))
    parts.append(f"<h2>{_e(t('quotas'))}</h2>")
    if tot.quotas is None:
        parts.append(f'<p class="na">{_e(t("na_quota"))}</p>')
    else:
        if b.quota_source:
            parts.append(f'<p class="note">{_e(t("quota_source"))}：{_e(b.quota_source)}</p>')
        qrows = []
        for c in rows_all:
            cells = []
            for q, text in zip(c.quotas or (), quota_cell(c, lang), strict=True):
                cells.append(f'<span class="{"good" if q.met else "bad"}">{_e(text)}</span>')
            qrows.append([_e(c.name), "；".join(cells) or f'<span class="na">{_e(t("na"))}</span>'])
        parts.append(_table([t("county"), t("target") + " / " + t("actual")], qrows))
    parts.append(f'<h2>{_e(t("funnel"))}</h2><p class="note">{_e(t("denominator_note"))}</p>')
    parts.append(
        _table(
            [t("county"), *(stage_term(s, lang) for s in FUNNEL_STAGES)],
            [[_e(c.name), *(_e(funnel_cell(f)) for f in c.funnel)] for c in rows_all],
        )
    )
    parts.append(f"<h2>{_e(t('overdue_flags'))}</h2>")
    parts.append(
        f"<p>{_e(t('overdue'))} <b>{tot.overdue}</b>；{_e(t('flagged'))} <b>{tot.flagged}</b>；"
        f"{_e(t('removed'))} {tot.removed}；{_e(t('cancelled'))} {tot.cancelled}。</p>"
    )
    parts.append(f"<h2>{_e(t('tickets'))}</h2>")
    if b.tickets is None:
        parts.append(f'<p class="na">{_e(t("na_tickets"))}</p>')
    else:
        k = b.tickets
        sat = t("na") if k.satisfaction is None else f"{k.satisfaction * 100:.1f}%"
        parts.append(
            _table(
                [t("raised"), t("closed"), t("tickets_overdue"), t("reopened"), t("satisfaction")],
                [[str(k.raised), str(k.closed), str(k.overdue), str(k.reopened), _e(sat)]],
                total_last=False,
            )
        )
    parts.append(f"<h2>{_e(t('ranking'))}</h2>")
    if b.ranking is None:
        parts.append(f'<p class="na">{_e(t("na_ranking"))}</p>')
    else:
        parts.append(
            _table(
                [t("rank"), t("county"), t("score")],
                [[str(e.rank), _e(e.name), f"{e.score:g}"] for e in b.ranking.entries],
                total_last=False,
            )
        )
        parts.append(f'<p class="note">{_e(t("rule_set"))}：<code>{_e(b.ranking.rule_set_hash)}</code></p>')
    parts.append(render_svg(ranking_chart, font=font).join(['<div class="charts">', "</div>"]))
    parts.append(f"<h2>{_e(t('audit'))}</h2>")
    if b.checkpoint is None:
        parts.append(f'<p class="na">{_e(t("na_audit"))}</p>')
    else:
        cp = b.checkpoint.to_dict()
        parts.append(
            f"<p>{_e(t('checkpoint'))}：<code>{_e(cp['log_id'])}</code>；{_e(t('tree_size'))} {cp['tree_size']}；"
            f"{_e(t('signed_at'))} {_e(cp['created_at'])}<br>{_e(t('root_hash'))}：<code>{_e(cp['root_hash'])}</code>"
            f"<br>{_e(t('key_id'))}：<code>{_e(cp['key_id'])}</code></p>"
        )
    parts.append(f"<footer>{_e(t('footer'))}</footer>")
    body = punctuate("\n".join(parts), lang)
    font = font or find_cjk_font()
    font_css = embedded_font_css(font, html.unescape(body) + "0123456789", family=FONT_FAMILY)
    # the SVGs name the matplotlib family; point it at the embedded subset too
    font_css += "\n" + font_css.replace(f"'{FONT_FAMILY}'", f"'{font.family}'", 1)
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>\n{font_css}\n{_CSS}</style>\n</head>\n<body><main>\n{body}\n</main></body>\n</html>\n"
    )
