"""A bulletin as Markdown (for chat groups, wikis and e-mail) and as JSON.

:func:`bulletin_sections` gives each section as a title with paragraphs and tables of plain
text; the Markdown and HTML renderers only lay them out, so both say exactly the same.
"""

from __future__ import annotations

import json
from decimal import Decimal

import attrs

from projlife.engine.evaluate import QuotaStatus
from projlife.reports.bulletin import FUNNEL_STAGES, Bulletin, FunnelStep
from projlife.reports.city_rules import QuotaLine
from projlife.reports.terms import punctuate, stage_term, term

__all__ = [
    "Section",
    "Table",
    "bulletin_json",
    "bulletin_markdown",
    "bulletin_sections",
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
    margin = q.margin
    if q.status is QuotaStatus.NOT_APPLICABLE or margin is None:
        return shown, term("na", lang)
    unit = term("pp", lang) if q.is_rate else term("units", lang)
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
    margin = q.margin
    if q.status is QuotaStatus.NOT_APPLICABLE or margin is None:
        return f"{shown} {term('na', lang)}"
    unit = term("pp", lang) if q.is_rate else term("units", lang)
    size = str((abs(margin) * 100).quantize(Decimal("0.1"))) if q.is_rate else _num(abs(margin))
    if q.status is QuotaStatus.MET:
        over = margin > 0 if q.at_least else margin < 0
        return f"{shown} " + (term("short_over", lang, n=size + unit) if over else term("met", lang))
    return f"{shown} " + term("short_gap" if q.final else "short_gap_yet", lang, n=size + unit)


def _status_class(q: QuotaLine) -> str | None:
    return {QuotaStatus.MET: "good", QuotaStatus.NOT_MET: "bad"}.get(q.status)


def _county_table(b: Bulletin, lang: str) -> Table:
    def t(key: str) -> str:
        return term(key, lang)

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


def _yi(yuan: Decimal) -> str:
    return f"{(yuan / Decimal(100_000_000)).quantize(Decimal('0.01')):,}"


def bulletin_sections(b: Bulletin, lang: str = "zh") -> list[Section]:
    """The bulletin's sections, in order, as plain text and tables."""

    def t(key: str, **kw: object) -> str:
        return term(key, lang, **kw)

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
            planned=_yi(led.planned_investment),
            signed=_yi(led.signed_amount),
            reported=_yi(led.investment_reported),
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
        quota_blocks.append(t("na_quota"))
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
                        (q.title_zh, _period(q, lang), c[0], c[1])
                        for q, c in zip(city_wide, cells, strict=True)
                    ),
                    classes=tuple((None, None, None, _status_class(q)) for q in city_wide),
                )
            )
        per_area = [q for q in lines if not q.city_wide]
        for period in dict.fromkeys(q.period for q in per_area):
            in_period = [q for q in per_area if q.period == period]
            rule_ids = list(dict.fromkeys(q.rule_id for q in in_period))
            titles = {q.rule_id: q.title_zh for q in in_period}
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
            period_label = period.label_zh if lang == "zh" else str(period)
            quota_blocks.append(f"{t('area_quotas')}（{period_label}）")
            quota_blocks.append(
                Table((t("county"), *(titles[r] for r in rule_ids)), tuple(rows), classes=tuple(classes))
            )
        for period, sha in b.rules.quotas.hashes.items():
            label = period.label_zh if lang == "zh" else str(period)
            quota_blocks.append(f"{t('rule_set')}（{label}）：{sha}")
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
                    r.label_zh if lang == "zh" else r.name,
                    str(r.numerator) if r.bounded else _yi(Decimal(r.numerator)) + t("yi"),
                    str(r.denominator) if r.bounded else _yi(Decimal(r.denominator)) + t("yi"),
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
                            o.title_zh,
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
    elif not b.rules.rankings:
        ranking_blocks.append(t("no_ranking_rule"))
    for r in b.rules.rankings if b.rules is not None else ():
        label = r.period.label_zh if lang == "zh" else str(r.period)
        ranking_blocks.append(t("ranking_rule", title=r.title_zh, period=label))
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
    sections.append(Section("ranking", t("ranking"), tuple(ranking_blocks)))

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

        sections.extend(office_sections(b.office))
    sections.append(Section("audit", t("audit"), tuple(audit_blocks)))
    return sections


def _period(q: QuotaLine, lang: str) -> str:
    return q.period.label_zh if lang == "zh" else str(q.period)


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
        return term(key, lang, **kw)

    lines = [f"# {t('title', city=b.city_name, kind=t(b.kind))}", ""]
    lines.append(
        f"{t('period')}：{b.period.label_zh if lang == 'zh' else str(b.period)}（{b.period.start} — {b.period.end}）  "
    )
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
