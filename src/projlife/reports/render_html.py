"""A bulletin as one self-contained HTML page: inline CSS, inline SVG charts, an embedded font subset.

The charts are SVG with their labels kept as text; the page embeds the CJK font subset
to exactly the characters it uses (a few hundred KB at most), so Chinese renders on a
machine with no Chinese fonts, and nothing is fetched from the network. The text is the
same as the Markdown's (:func:`projlife.reports.render_md.bulletin_sections`).
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
from projlife.reports.render_md import Table, bulletin_sections, bulletin_title
from projlife.reports.terms import period_term, punctuate, stage_term, term

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
td.bad { color: #c00000; font-weight: bold; } td.good { color: #2e7d32; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; }
.charts svg { width: 49%; height: auto; }
.charts.wide svg { width: 72%; margin: 0 auto; }
p { font-size: 14px; line-height: 1.6; }
footer { margin-top: 30px; color: #888; font-size: 12px; text-align: center; }
"""


def bulletin_charts(b: Bulletin, lang: str = "zh") -> tuple[FunnelChart, PaceChart | None, RankingChart]:
    """The three charts of a bulletin, as plain chart data.

    The pace chart follows the quota the rule engine evaluated (its actual value on each day
    against the pro-rata target); the ranking chart shows the city's ranking scores when it
    has a ranking rule, else the period's starts per county.
    """
    funnel = FunnelChart(
        f"{b.city_name_en if lang == 'en' and b.city_name_en else b.city_name} {term('funnel_chart', lang)}",
        [stage_term(s, lang) for s in FUNNEL_STAGES],
        [f.count for f in b.funnel],
    )
    pace = None
    rules = b.rules
    if rules is not None and rules.pace and rules.pace_rule is not None:
        title = rules.pace_rule.title(lang)
        pace = PaceChart(
            punctuate(f"{title}（{period_term(rules.pace_rule.period, lang)}）", lang),
            [p.day for p in rules.pace],
            [int(p.actual) for p in rules.pace],
            [float(p.target) for p in rules.pace],
            term(
                "pace_actual",
                lang,
                stage=stage_term(rules.pace_rule.stage, lang) if rules.pace_rule.stage else "",
            ),
            term("pace_quota", lang),
        )
    if rules is not None and rules.rankings:
        r = rules.rankings[0]
        ranking = RankingChart(
            punctuate(f"{r.title(lang)}（{period_term(r.period, lang)}）", lang),
            [e.name for e in r.entries],
            [float(round(e.score, 2)) for e in r.entries],
        )
    else:
        stage = stage_term(FUNNEL_STAGES[1], lang)
        ordered = sorted(b.counties, key=lambda c: (-c.in_period[FUNNEL_STAGES[1]], c.area_code))
        ranking = RankingChart(
            term("ranking_chart", lang, labels=b.labels, stage=stage),
            [c.name for c in ordered],
            [float(c.in_period[FUNNEL_STAGES[1]]) for c in ordered],
        )
    return funnel, pace, ranking


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(table: Table) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in table.header)
    body = []
    for i, r in enumerate(table.rows):
        cls = ' class="total"' if table.total_last and i == len(table.rows) - 1 else ""
        classes = table.classes[i] if i < len(table.classes) else ()
        cells = [
            f'<td class="{classes[j]}">{_e(c)}</td>'
            if j < len(classes) and classes[j]
            else f"<td>{_e(c)}</td>"
            for j, c in enumerate(r)
        ]
        body.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def bulletin_html(b: Bulletin, lang: str = "zh", *, font: CjkFont | None = None) -> str:
    """The bulletin as a self-contained HTML page."""

    def t(key: str, **kw: object) -> str:
        return term(key, lang, labels=b.labels, **kw)

    title = bulletin_title(b, lang)
    parts: list[str] = [f"<h1>{_e(title)}</h1>"]
    period = period_term(b.period, lang)
    known = f"　{_e(t('known_at'))}：{_e(b.known_at.isoformat())}" if b.known_at else ""
    parts.append(
        f'<div class="meta">{_e(t("period"))}：{_e(period)}（{b.period.start} — {b.period.end}）'
        f"　{_e(t('as_of'))}：{b.as_of}{known}　{_e(t('projects'))}：{b.projects}</div>"
    )
    funnel_chart, pace_chart, ranking_chart = bulletin_charts(b, lang)
    for section in bulletin_sections(b, lang):
        parts.append(f"<h2>{_e(section.title)}</h2>")
        for block in section.blocks:
            parts.append(_table(block) if isinstance(block, Table) else f"<p>{_e(block)}</p>")
        if section.key == "overview":
            svgs = [render_svg(funnel_chart, font=font)]
            if pace_chart is not None:
                svgs.append(render_svg(pace_chart, font=font))
            parts.append(f'<div class="charts">{"".join(svgs)}</div>')
        if section.key == "ranking":
            parts.append(f'<div class="charts wide">{render_svg(ranking_chart, font=font)}</div>')
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
