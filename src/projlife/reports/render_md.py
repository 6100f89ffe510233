"""A bulletin as Markdown (for chat groups, wikis and e-mail) and as JSON.

:func:`bulletin_sections` gives each section as a title with paragraphs and tables of plain
text; the Markdown and HTML renderers only lay them out, so both say exactly the same.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.engine.evaluate import QuotaStatus
from projlife.projections.counting import round_rate
from projlife.reports.bulletin import FUNNEL_STAGES, Bulletin, FunnelStep
from projlife.reports.city_rules import QuotaLine
from projlife.reports.terms import (
    amount_term,
    own_area,
    period_term,
    punctuate,
    rate_term,
    stage_term,
    term,
    unit_word,
)

if TYPE_CHECKING:
    from projlife.engine.indicator_ranking import IndicatorRankingResult

__all__ = [
    "Section",
    "Table",
    "bulletin_json",
    "bulletin_markdown",
    "bulletin_sections",
    "bulletin_title",
    "funnel_cell",
    "quota_cell",
    "quota_short",
]


@attrs.frozen
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total_last: bool = False
    classes: tuple[tuple[str | None, ...], ...] = ()
    """Per row and cell: ``good``, ``bad`` or None (the HTML colours those cells)."""


@attrs.frozen
class Section:
    key: str
    title: str
    blocks: tuple[str | Table, ...]
    """Paragraphs (plain text) and tables, in order."""


def funnel_cell(step: FunnelStep) -> str:
    if step.denominator is None:
        return str(step.count)
    if step.rate is None:
        return f"{step.count} (—)"
    return f"{step.count} ({step.rate * 100:.1f}%，{step.count}/{step.denominator})"


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else f"{value:.2f}"


def _pct(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"


def quota_cell(q: QuotaLine, lang: str) -> tuple[str, str]:
    """(actual/target, status) for one quota line."""
    if q.is_rate:
        actual = "—" if q.value is None else _pct(q.value)
        if q.numerator is not None and q.denominator is not None:
            actual += f"（{_num(q.numerator)}/{_num(q.denominator)}）"
        shown = f"{actual} / {_pct(q.target)}"
    else:
        shown = f"{'—' if q.value is None else _num(q.value)} / {_num(q.target)}"
        if q.per_day:
            shown = f"{term('daily', lang)}{shown}"
    margin = q.margin
    if q.status is QuotaStatus.NOT_APPLICABLE or margin is None:
        return shown, term("na", lang)
    unit = _unit(q, lang)
    size = str((abs(margin) * 100).quantize(Decimal("0.1"))) if q.is_rate else _num(abs(margin))
    if q.status is QuotaStatus.MET:
        over = margin > 0 if q.at_least else margin < 0
        text = term("met", lang)
        if over:
            text += "，" + term("over_by", lang, n=size + unit)
        return shown, text
    key = "not_met_gap" if q.final else "not_met_yet"
    return shown, term(key, lang, gap=size + unit)


def quota_short(q: QuotaLine, lang: str) -> str:
    """A compact cell for the county × quota matrix: ``4/15 差11个``, ``50.0%（2/4）差10.0个百分点``."""
    if q.is_rate:
        shown = "—" if q.value is None else _pct(q.value)
        if q.numerator is not None and q.denominator is not None:
            shown += f"（{_num(q.numerator)}/{_num(q.denominator)}）"
    else:
        shown = f"{'—' if q.value is None else _num(q.value)}/{_num(q.target)}"
        if q.per_day:
            shown = f"{term('daily', lang)}{shown}"
    margin = q.margin
    if q.status is QuotaStatus.NOT_APPLICABLE or margin is None:
        return f"{shown} {term('na', lang)}"
    unit = _unit(q, lang)
    size = str((abs(margin) * 100).quantize(Decimal("0.1"))) if q.is_rate else _num(abs(margin))
    if q.status is QuotaStatus.MET:
        over = margin > 0 if q.at_least else margin < 0
        return f"{shown} " + (term("short_over", lang, n=size + unit) if over else term("met", lang))
    return f"{shown} " + term("short_gap" if q.final else "short_gap_yet", lang, n=size + unit)


def _unit(q: QuotaLine, lang: str) -> str:
    """The unit of a quota's margin: 个百分点 for a rate, 个/日 for a daily average (日均), else 个."""
    if q.is_rate:
        return term("pp", lang)
    return term("per_day" if q.per_day else "units", lang)


def bulletin_title(b: Bulletin, lang: str = "zh") -> str:
    """``孝感市重大项目季度通报``; a half-year bulletin names its half: ``泰州市姜堰区重大项目上半年通报``."""
    city = b.city_name_en if lang == "en" and b.city_name_en else b.city_name
    if b.kind == "half-year":
        return term("half_title", lang, city=city, half=period_term(b.period, lang))
    return term("title", lang, city=city, kind=term(b.kind, lang))


def _status_class(q: QuotaLine) -> str | None:
    return {QuotaStatus.MET: "good", QuotaStatus.NOT_MET: "bad"}.get(q.status)


def _county_table(b: Bulletin, lang: str) -> Table:
    def t(key: str) -> str:
        return term(key, lang, labels=b.labels)

    header = [t("county")]
    header += [f"{stage_term(s, lang)}（{t('in_period')}/{t('cumulative')}）" for s in FUNNEL_STAGES]
    header += [t("overdue")]
    if b.rules is not None:
        header.append(t("deadlines_overdue"))
    if b.tickets is not None:
        header.append(t("tickets_overdue_county"))
    header.append(t("flagged"))
    rows = []
    for c in (*b.counties, b.totals):
        name = t("total") if c is b.totals else c.name
        row = [name, *(f"{c.in_period[s]}/{c.cumulative[s]}" for s in FUNNEL_STAGES), str(c.overdue)]
        if b.rules is not None:
            row.append(str(c.deadlines_overdue))
        if b.tickets is not None:
            row.append(str(c.tickets_overdue))
        row.append(str(c.flagged))
        rows.append(tuple(row))
    return Table(tuple(header), tuple(rows), total_last=True)


def _indicator_ranking_blocks(b: Bulletin, r: IndicatorRankingResult, lang: str) -> list[str | Table]:
    """One indicator ranking: title, a row per area with each indicator's figure, and the awards."""
    from projlife.engine.indicator_ranking import award_words

    def t(key: str, **kw: object) -> str:
        return term(key, lang, labels=b.labels, **kw)

    label = r.period.label_zh if lang == "zh" else str(r.period)
    top_ids = {x.area_code for x in r.top}
    bottom_ids = {x.area_code for x in r.bottom}
    marks = {
        "top": award_words(b.labels, r.award_keys[0], lang, r.top_n),
        "bottom": award_words(b.labels, r.award_keys[1], lang, r.bottom_n),
    }
    names = [(zh if lang == "zh" else en) for _, zh, en in r.labels]
    header = (
        t("rank"),
        t("department" if r.subjects == "departments" else "county"),
        *names,
        t("score"),
        t("mark"),
    )
    rows = []
    classes = []
    for row in r.rows:
        tied = sum(1 for o in r.rows if o.rank == row.rank) > 1
        mark = "top" if row.area_code in top_ids else "bottom" if row.area_code in bottom_ids else None
        cells = []
        for v in row.values:
            if v.value is None:
                cells.append(t("na"))
            elif v.denominator is not None:
                cells.append(
                    f"{round_rate(v.numerator or 0, v.denominator)}%（{_amount(v.numerator)}/{_amount(v.denominator)}）"
                )
            else:
                cells.append(_amount(v.value))
        rows.append(
            (
                f"{row.rank}（{t('tied')}）" if tied else str(row.rank),
                row.area_name,
                *cells,
                f"{row.score:.2f}",
                marks[mark] if mark else "",
            )
        )
        classes.append(tuple([None] * (len(header) - 1) + [{"top": "good", "bottom": "bad"}.get(mark or "")]))
    blocks: list[str | Table] = [t("ranking_rule", title=r.title, period=label)]
    blocks.append(Table(header, tuple(rows), classes=tuple(classes)))
    if r.measured_against:
        blocks.append(f"{t('quota_source')}：" + "；".join(r.measured_against))
    blocks.append(f"{t('rule_set')}：{r.rule_set_sha256}")
    return blocks


def _amount(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _yi(yuan: Decimal, lang: str = "zh") -> str:
    return amount_term(yuan, lang)


def bulletin_sections(b: Bulletin, lang: str = "zh") -> list[Section]:
    """The bulletin's sections, in order, as plain text and tables."""

    def t(key: str, **kw: object) -> str:
        return term(key, lang, labels=b.labels, **kw)

    sections: list[Section] = []
    tot = b.totals
    led = b.ledger
    overview = [
        f"{t('in_period')}："
        + "；".join(
            f"{stage_term(s, lang)} {tot.in_period[s]}（{t('cumulative')} {tot.cumulative[s]}）"
            for s in FUNNEL_STAGES
        )
        + "。",
        t(
            "ledger_line",
            projects=led.projects,
            planned=_yi(led.planned_investment, lang),
            signed=_yi(led.signed_amount, lang),
            reported=_yi(led.investment_reported, lang),
            removed=led.removed,
            cancelled=led.cancelled,
            flagged=led.flagged,
        ),
    ]
    if b.not_as_known:
        overview.append(t("not_as_known", known_at=b.known_at.isoformat() if b.known_at else ""))
    names = {c.area_code: c.name for c in b.counties}
    for rev in b.revisions:
        area = "" if rev.area_code is None else f"{names.get(rev.area_code, rev.area_code)} "
        overview.append(
            t(
                "revised",
                area=area,
                stage=rev.stage.label_zh if lang == "zh" else rev.stage.value,
                start=rev.start.isoformat(),
                end=rev.end.isoformat(),
                published=rev.published,
                revised=rev.revised,
                events=", ".join(str(e) for e in rev.event_ids),
            )
        )
    if b.rules is not None and b.rules.deadlines.years_without_data:
        years = "、".join(str(y) for y in b.rules.deadlines.years_without_data)
        overview.insert(0, t("calendar_warning", years=years if lang == "zh" else years.replace("、", ", ")))
    sections.append(Section("overview", t("overview"), tuple(overview)))
    sections.append(Section("by_county", t("by_county"), (_county_table(b, lang), t("planned_overdue_note"))))

    quota_blocks: list[str | Table] = []
    if b.rules is None:
        quota_blocks.append(t("na"))
    elif not b.rules.quotas.lines:
        if not b.plan_completion:
            quota_blocks.append(
                t("no_quota_own", own=own_area(b.city_name), own_en=own_area(b.city_name, "en"))
            )
    else:
        lines = b.rules.quotas.lines
        counts = b.rules.quotas.counts()
        quota_blocks.append(
            t(
                "quota_summary",
                n=len(lines),
                met=counts[QuotaStatus.MET],
                not_met=counts[QuotaStatus.NOT_MET],
                na=counts[QuotaStatus.NOT_APPLICABLE],
            )
        )
        city_wide = [q for q in lines if q.city_wide]
        if city_wide:
            quota_blocks.append(t("city_wide_quotas"))
            cells = [quota_cell(q, lang) for q in city_wide]
            quota_blocks.append(
                Table(
                    (t("quota"), t("period"), f"{t('actual')} / {t('target')}", t("status")),
                    tuple(
                        (q.title(lang), _period(q, lang), c[0], c[1])
                        for q, c in zip(city_wide, cells, strict=True)
                    ),
                    classes=tuple((None, None, None, _status_class(q)) for q in city_wide),
                )
            )
        per_area = [q for q in lines if not q.city_wide]
        for period in dict.fromkeys(q.period for q in per_area):
            in_period = [q for q in per_area if q.period == period]
            rule_ids = list(dict.fromkeys(q.rule_id for q in in_period))
            titles = {q.rule_id: q.title(lang) for q in in_period}
            areas = list(dict.fromkeys((q.area_code, q.area_name) for q in in_period))
            found = {(q.rule_id, q.area_code): q for q in in_period}
            rows: list[tuple[str, ...]] = []
            classes: list[tuple[str | None, ...]] = []
            for code, name in sorted(areas, key=lambda a: _county_order(b, a[0])):
                row: list[str] = [name]
                cls: list[str | None] = [None]
                for rule_id in rule_ids:
                    q = found.get((rule_id, code))
                    if q is None:
                        row.append("—")
                        cls.append(None)
                    else:
                        row.append(quota_short(q, lang))
                        cls.append(_status_class(q))
                rows.append(tuple(row))
                classes.append(tuple(cls))
            period_label = period_term(period, lang)
            quota_blocks.append(f"{t('area_quotas')}（{period_label}）")
            quota_blocks.append(
                Table((t("county"), *(titles[r] for r in rule_ids)), tuple(rows), classes=tuple(classes))
            )
        for period, sha in b.rules.quotas.hashes.items():
            label = period_term(period, lang)
            quota_blocks.append(f"{t('rule_set')}（{label}）：{sha}")
    if b.plan_completion:
        quota_blocks.append(t("plan_completion"))
        quota_blocks.append(
            Table(
                (t("county"), t("actual"), t("target"), t("rate_value")),
                tuple(
                    (
                        name,
                        _amount(v.numerator),
                        _amount(v.denominator),
                        f"{round_rate(v.numerator or 0, v.denominator)}%" if v.denominator else t("na"),
                    )
                    for name, v in b.plan_completion
                ),
            )
        )
    sections.append(Section("quotas", t("quotas"), tuple(quota_blocks)))

    funnel_blocks: list[str | Table] = [
        t("stock_funnel"),
        t("denominator_note"),
        Table(
            (t("county"), *(stage_term(s, lang) for s in FUNNEL_STAGES)),
            tuple(
                (t("total") if c is tot else c.name, *(funnel_cell(f) for f in c.funnel))
                for c in (*b.counties, tot)
            ),
            total_last=True,
        ),
        t("cohort_funnel", n=b.cohort_funnel.cohort),
        Table(
            (t("stage"), t("numerator"), t("denominator"), t("rate_value")),
            tuple(
                (
                    stage_term(s.stage, lang),
                    str(s.rate.numerator),
                    str(s.rate.denominator),
                    _rate(s.rate.value),
                )
                for s in b.cohort_funnel.steps
            ),
        ),
        t("rates"),
        Table(
            (t("rates"), t("numerator"), t("denominator"), t("rate_value")),
            tuple(
                (
                    rate_term(r.name, lang, r.label_zh),
                    str(r.numerator) if r.bounded else _yi(Decimal(r.numerator), lang),
                    str(r.denominator) if r.bounded else _yi(Decimal(r.denominator), lang),
                    _rate(r.value),
                )
                for r in b.rates
            ),
        ),
    ]
    sections.append(Section("funnel", t("funnel"), tuple(funnel_blocks)))

    overdue_blocks: list[str | Table] = [
        f"{t('overdue')} {tot.overdue}；{t('flagged')} {tot.flagged}；{t('removed')} {tot.removed}；"
        f"{t('cancelled')} {tot.cancelled}。"
    ]
    if b.rules is not None:
        d = b.rules.deadlines
        overdue_blocks.append(
            t("deadline_summary", as_of=b.as_of.isoformat(), n=d.triggered, overdue=len(d.overdue))
        )
        if d.overdue:
            overdue_blocks.append(
                Table(
                    (t("project_code"), t("county"), t("deadline_rule"), t("due_on"), t("days_over")),
                    tuple(
                        (
                            o.project_code,
                            o.area_name,
                            o.title(lang),
                            o.due_on.isoformat(),
                            str(o.overdue_working_days),
                        )
                        for o in d.overdue[:10]
                    ),
                )
            )
        overdue_blocks.append(f"{t('rule_set')}：{d.rule_set_sha256}")
    sections.append(Section("overdue_flags", t("overdue_flags"), tuple(overdue_blocks)))

    ticket_blocks: list[str | Table] = []
    if b.tickets is None:
        ticket_blocks.append(t("na"))
    else:
        k = b.tickets
        sat = t("na") if k.satisfied_share is None else _pct(k.satisfied_share)
        ticket_blocks.append(
            Table(
                (
                    t("raised"),
                    t("open"),
                    t("answered"),
                    t("closed"),
                    t("tickets_overdue"),
                    t("reopened"),
                    t("revisits"),
                    t("satisfaction"),
                ),
                (
                    (
                        str(k.raised),
                        str(k.open),
                        str(k.answered),
                        str(k.closed),
                        str(k.overdue),
                        str(k.reopened),
                        str(k.revisits),
                        sat,
                    ),
                ),
            )
        )
        if k.most_overdue:
            ticket_blocks.append(t("most_overdue_tickets"))
            ticket_blocks.append(
                Table(
                    (t("ticket_code"), t("county"), t("assignee"), t("due_on"), t("days_over")),
                    tuple(
                        (
                            o.code,
                            o.area_name,
                            o.assignee,
                            o.due_on.isoformat(),
                            str(o.overdue_working_days),
                        )
                        for o in k.most_overdue
                    ),
                )
            )
    sections.append(Section("tickets", t("tickets"), tuple(ticket_blocks)))

    ranking_blocks: list[str | Table] = []
    if b.rules is None:
        ranking_blocks.append(t("na"))
    elif not b.rules.rankings and not b.indicator_rankings:
        ranking_blocks.append(
            t(
                "no_ranking_own",
                own=own_area(b.city_name),
                own_en=own_area(b.city_name, "en"),
                units=unit_word(b.units_are_towns),
            )
        )
    for r in b.rules.rankings if b.rules is not None else ():
        label = period_term(r.period, lang)
        ranking_blocks.append(t("ranking_rule", title=r.title(lang), period=label))
        marks = {"top": t("top", n=r.top_n), "bottom": t("bottom", n=r.bottom_n)}
        marked = bool(r.top_n or r.bottom_n)
        header = (t("rank"), t("county"), t("score"), *((t("mark"),) if marked else ()))
        ranking_blocks.append(
            Table(
                header,
                tuple(
                    (
                        f"{e.rank}（{t('tied')}）" if e.tied else str(e.rank),
                        e.name,
                        f"{e.score:.2f}",
                        *((marks[e.mark] if e.mark else "",) if marked else ()),
                    )
                    for e in r.entries
                ),
                classes=tuple(
                    (None, None, None, {"top": "good", "bottom": "bad"}.get(e.mark or "")) if marked else ()
                    for e in r.entries
                ),
            )
        )
        ranking_blocks.append(f"{t('rule_set')}：{r.rule_set_sha256}")
    for ir in b.indicator_rankings:
        ranking_blocks += _indicator_ranking_blocks(b, ir, lang)
    ranking_title = (
        t("ranking")
        if b.labels.term("ranking", lang) is not None
        else t(
            "units_ranking", units=unit_word(b.units_are_towns), units_en=unit_word(b.units_are_towns, "en")
        )
    )
    sections.append(Section("ranking", ranking_title, tuple(ranking_blocks)))
    for extra in b.extra_sections:
        extra_blocks: list[str | Table] = list(extra.paragraphs)
        if extra.rows:
            extra_blocks.append(Table(tuple(extra.rows[0]), tuple(extra.rows[1:])))
        sections.append(Section("extra", extra.title(lang), tuple(extra_blocks)))

    audit_blocks: list[str | Table] = []
    if b.checkpoint is None:
        audit_blocks.append(t("na_audit"))
    else:
        cp = b.checkpoint
        audit_blocks.append(
            f"{t('checkpoint')}：{cp.log_id}；{t('tree_size')} {cp.tree_size}；"
            f"{t('root_hash')} {cp.root_hash.hex()[:16]}…；{t('key_id')} {cp.key_id}；"
            f"{t('signed_at')} {cp.to_dict()['created_at']}"
        )
        audit_blocks.append(
            t("covered", head=b.log_head)
            if b.checkpoint_covers
            else t("not_covered", last=cp.last_position, head=b.log_head)
        )
    if b.office is not None:
        from projlife.reports.office_report import office_sections  # it imports this module's Table

        sections.extend(office_sections(b.office, lang))
    sections.append(Section("audit", t("audit"), tuple(audit_blocks)))
    return sections


def _period(q: QuotaLine, lang: str) -> str:
    return period_term(q.period, lang)


def _county_order(b: Bulletin, code: str) -> tuple[int, str]:
    for i, c in enumerate(b.counties):
        if c.area_code == code:
            return i, code
    return len(b.counties), code


def _rate(value: Decimal | None) -> str:
    return "—" if value is None else _pct(value)


def _md_table(table: Table) -> list[str]:
    out = ["| " + " | ".join(table.header) + " |", "|" + "|".join(["---"] * len(table.header)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in table.rows]
    return out


def bulletin_markdown(b: Bulletin, lang: str = "zh") -> str:
    """The bulletin as Markdown."""

    def t(key: str, **kw: object) -> str:
        return term(key, lang, labels=b.labels, **kw)

    lines = [f"# {bulletin_title(b, lang)}", ""]
    lines.append(f"{t('period')}：{period_term(b.period, lang)}（{b.period.start} — {b.period.end}）  ")
    lines.append(f"{t('as_of')}：{b.as_of.isoformat()}  ")
    if b.known_at is not None:
        lines.append(f"{t('known_at')}：{b.known_at.isoformat()}  ")
    lines.append(f"{t('projects')}：{b.projects}")
    for section in bulletin_sections(b, lang):
        lines += ["", f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                lines += [*_md_table(block), ""]
            else:
                lines += [block, ""]
    lines += [f"_{t('footer')}_", ""]
    return punctuate("\n".join(lines), lang)


def bulletin_json(b: Bulletin) -> str:
    return json.dumps(b.to_dict(), ensure_ascii=False, indent=2) + "\n"
