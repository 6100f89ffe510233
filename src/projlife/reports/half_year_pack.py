"""The 半年述职 pack: per 镇街/园区, the figures, lists and rankings of its half-year report.

003: "我区召开上半年项目建设述职大会 … 张甸镇、梁徐街道、开发区(三水街道)等镇街(园区)围绕洽谈签约项目、开工在建项目、
竣工投产项目建设等情况依次述职". For each town-level area (镇、街道, 园区) of a county, for one half-year:

* **figures** — projects that entered 签约, 开工, 竣工 and 投产 in the half-year (as the counting
  layer counts them: claimed, not rejected, not removed, per the cancellation policy) and the
  amount signed;
* **lists** — 洽谈签约项目 (signed in the half-year), 开工在建项目 (started and not yet completed on
  its last day), 竣工投产项目 (completed or producing in the half-year);
* **review** — the area's score and rank under the city's half-year scoring rule (its
  ``projlife_scoring`` hook; Jiangyan's ``half-year.review``, the 五比五突破 assessment 003 reports
  at the same meeting: "会议通报了 … 上半年招商引资、项目建设“五比五突破”考核情况"), ranked by
  :func:`projlife.engine.ranking.rank` and re-ranked among the county's town-level areas
  (:meth:`~projlife.engine.ranking.Ranking.among`); a city without such a rule has no review;
* **rankings** — each figure's rank among the county's town-level areas; equal figures share a
  rank (1, 1, 3), by the engine's one rule (:func:`~projlife.engine.ranking.shared_ranks`).

:func:`half_year_packs` builds them from counted projects; :func:`pack_markdown`,
:func:`pack_html` and :func:`write_packs_xlsx` render them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

from projlife.domain.areas import Area, AreaTree
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.ranking import Ranking, shared_ranks
from projlife.projections.counting.record import ProjectFacts

__all__ = [
    "FIGURES",
    "AreaPack",
    "PackReview",
    "half_year_packs",
    "pack_html",
    "pack_markdown",
    "shared_ranks",
    "write_packs_xlsx",
]

FIGURES: tuple[tuple[str, str, Stage], ...] = (
    ("signed", "签约项目", Stage.SIGNED),
    ("started", "开工项目", Stage.STARTED),
    ("completed", "竣工项目", Stage.COMPLETED),
    ("producing", "投产项目", Stage.PRODUCING),
)
_LISTS = (("signing", "洽谈签约项目"), ("building", "开工在建项目"), ("finished", "竣工投产项目"))


@attrs.frozen
class PackReview:
    """The area's place under the city's half-year scoring rule, among the pack's areas."""

    rule_id: str
    title_zh: str
    rule_set_sha256: str
    rank: int
    of: int
    score: Decimal
    points: tuple[tuple[str, Decimal], ...]
    """Indicator id → weighted points, as the rule scored them."""
    tied: bool


@attrs.frozen
class AreaPack:
    area_code: str
    area_name: str
    period: Period
    figures: dict[str, int]
    signed_amount: Decimal
    ranks: dict[str, tuple[int, int]]
    """figure → (rank, number of areas ranked)."""
    lists: dict[str, tuple[tuple[str, str], ...]]
    """list → (project code, the date that put it there)."""
    review: PackReview | None = None
    """The city's half-year scoring rule's verdict (``None``: the city has none, or it does not rank
    this area's level)."""


def half_year_packs(
    facts: Iterable[ProjectFacts],
    tree: AreaTree,
    areas: Sequence[Area],
    period: Period,
    *,
    ranking: Ranking | None = None,
    title_zh: str = "",
) -> list[AreaPack]:
    """The pack of each of ``areas`` (a county's town-level areas) for the half-year ``period``.

    ``ranking``: the city's half-year scoring rule's ranking (``engine.rank``; ``title_zh`` its
    title), re-ranked among ``areas``; an area it does not rank has no review."""
    if period.kind is not PeriodKind.HALF_YEAR:
        raise ValueError(f"{period} is not a half-year")
    mine: dict[str, list[ProjectFacts]] = {a.code: [] for a in areas}
    for f in facts:
        if f.area_code not in tree:
            continue
        for code in (f.area_code, *(a.code for a in tree.ancestors(f.area_code))):
            if code in mine:
                mine[code].append(f)
                break
    figures: dict[str, dict[str, int]] = {}
    amounts: dict[str, Decimal] = {}
    lists: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
    for a in areas:
        fs = [f for f in mine[a.code] if f.in_scope()]
        entered = {
            key: [f for f in fs if (d := f.entered(stage)) is not None and period.contains(d)]
            for key, _, stage in FIGURES
        }
        figures[a.code] = {k: len(v) for k, v in entered.items()}
        amounts[a.code] = sum((f.amount_at(Stage.SIGNED).yuan for f in entered["signed"]), Decimal(0))
        building = [
            f
            for f in fs
            if (s := f.reached(Stage.STARTED)) is not None
            and s <= period.end
            and f.reached(Stage.COMPLETED) is None
            and f.cancelled_on is None
        ]
        finished = {str(f.project_id): f for f in entered["completed"] + entered["producing"]}
        lists[a.code] = {
            "signing": tuple(
                (f.code, str(f.entered(Stage.SIGNED)))
                for f in sorted(entered["signed"], key=lambda f: f.code)
            ),
            "building": tuple(
                (f.code, str(f.reached(Stage.STARTED))) for f in sorted(building, key=lambda f: f.code)
            ),
            "finished": tuple(
                (f.code, str(f.entered(Stage.PRODUCING) or f.entered(Stage.COMPLETED)))
                for f in sorted(finished.values(), key=lambda f: f.code)
            ),
        }
    ranks = {key: shared_ranks({a.code: figures[a.code][key] for a in areas}) for key, _, _ in FIGURES}
    reviews: dict[str, PackReview] = {}
    if ranking is not None:
        among = ranking.among(a.code for a in areas)
        for row in among.rows:
            reviews[row.area_code] = PackReview(
                among.rule_id,
                title_zh or among.rule_id,
                among.rule_set_sha256,
                row.rank,
                len(among.rows),
                row.score,
                row.points,
                among.tied(row),
            )
    return [
        AreaPack(
            a.code,
            a.name,
            period,
            figures[a.code],
            amounts[a.code],
            {key: (ranks[key][a.code], len(areas)) for key, _, _ in FIGURES},
            lists[a.code],
            reviews.get(a.code),
        )
        for a in areas
    ]


_PLACES = Decimal("0.01")


def _review_lines(pack: AreaPack) -> list[str]:
    r = pack.review
    if r is None:
        return [
            "",
            "## 考核排名",
            "",
            "本市未设可对本级地区评分的半年考核规则；各项指标按数量排名（见上表）。",
        ]
    lines = [
        "",
        "## 考核排名",
        "",
        f"按“{r.title_zh}”（规则 {r.rule_id}，规则集 {r.rule_set_sha256[:12]}）：得分 "
        f"{r.score.quantize(_PLACES)}，排名 {r.rank}/{r.of}{'（并列）' if r.tied else ''}。",
    ]
    if r.points:
        lines += [
            "",
            "| 指标 | 得分 |",
            "|---|---|",
            *(f"| {k} | {p.quantize(_PLACES)} |" for k, p in r.points),
        ]
    return lines


def _yi(yuan: Decimal) -> str:
    return f"{(yuan / 100_000_000).quantize(Decimal('0.01'))}"


def pack_markdown(pack: AreaPack) -> str:
    lines = [
        f"# {pack.area_name}{pack.period.label_zh}项目建设述职材料",
        "",
        f"期间：{pack.period.start} — {pack.period.end}",
        "",
    ]
    lines += ["## 主要指标", "", "| 指标 | 数量 | 排名 |", "|---|---|---|"]
    for key, label, _ in FIGURES:
        rank, of = pack.ranks[key]
        lines.append(f"| {label} | {pack.figures[key]} | {rank}/{of} |")
    lines += ["", f"签约金额：{_yi(pack.signed_amount)}亿元"]
    lines += _review_lines(pack)
    for key, label in _LISTS:
        lines += ["", f"## {label}", ""]
        rows = pack.lists[key]
        lines += (
            ["| 项目编号 | 日期 |", "|---|---|", *(f"| {c} | {d} |" for c, d in rows)] if rows else ["无。"]
        )
    return "\n".join(lines) + "\n"


def pack_html(pack: AreaPack) -> str:
    e = html.escape
    out = [
        f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{e(pack.area_name)}</title><body>'
    ]
    out.append(f"<h1>{e(pack.area_name)}{e(pack.period.label_zh)}项目建设述职材料</h1>")
    out.append("<table><tr><th>指标</th><th>数量</th><th>排名</th></tr>")
    for key, label, _ in FIGURES:
        rank, of = pack.ranks[key]
        out.append(f"<tr><td>{label}</td><td>{pack.figures[key]}</td><td>{rank}/{of}</td></tr>")
    out.append(f"</table><p>签约金额：{_yi(pack.signed_amount)}亿元</p>")
    r = pack.review
    out.append("<h2>考核排名</h2>")
    if r is None:
        out.append("<p>本市未设可对本级地区评分的半年考核规则；各项指标按数量排名。</p>")
    else:
        out.append(
            f"<p>按“{e(r.title_zh)}”（规则 {e(r.rule_id)}，规则集 {e(r.rule_set_sha256[:12])}）：得分 "
            f"{r.score.quantize(_PLACES)}，排名 {r.rank}/{r.of}{'（并列）' if r.tied else ''}。</p>"
        )
        out.append("<table><tr><th>指标</th><th>得分</th></tr>")
        out += [f"<tr><td>{e(k)}</td><td>{p.quantize(_PLACES)}</td></tr>" for k, p in r.points]
        out.append("</table>")
    for key, label in _LISTS:
        out.append(f"<h2>{label}</h2><table><tr><th>项目编号</th><th>日期</th></tr>")
        out += [f"<tr><td>{e(c)}</td><td>{e(d)}</td></tr>" for c, d in pack.lists[key]]
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def write_packs_xlsx(packs: Sequence[AreaPack], path: str | Path) -> None:
    """One workbook: a 汇总 sheet (every area's figures and ranks) and one sheet of lists per area."""
    try:
        from openpyxl import Workbook
    except ImportError as exc:  # pragma: no cover - only without the [excel] extra
        from projlife.extras import missing_extra

        raise missing_extra("excel", exc) from None
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    ws.append(
        [
            "地区",
            *(x for _, label, _ in FIGURES for x in (label, f"{label}排名")),
            "签约金额（亿元）",
            "考核得分",
            "考核排名",
        ]
    )
    for p in packs:
        ws.append(
            [
                p.area_name,
                *(x for key, _, _ in FIGURES for x in (p.figures[key], p.ranks[key][0])),
                _yi(p.signed_amount),
                None if p.review is None else str(p.review.score.quantize(_PLACES)),
                None if p.review is None else p.review.rank,
            ]
        )
    for p in packs:
        sheet = wb.create_sheet(p.area_name[:31].replace("/", "／"))
        for key, label in _LISTS:
            sheet.append([label])
            sheet.append(["项目编号", "日期"])
            for code, day in p.lists[key]:
                sheet.append([code, day])
            sheet.append([])
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
