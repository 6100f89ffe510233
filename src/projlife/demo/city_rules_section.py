"""The demo section of the city rules: the chosen city's quotas, overdue deadlines and ranking,
each from the engine and stamped with the rule-set hash."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

from rich.table import Table

from projlife.domain.periods import Period
from projlife.engine.evaluate import QuotaStatus, evaluate_deadlines, evaluate_quotas, rank
from projlife.plugins.manager import rule_set
from projlife.plugins.rules import canonical_decimal
from projlife.reports.terms import deadline_title, period_term, quota_status_term, term

if TYPE_CHECKING:
    from projlife.demo.context import DemoContext

__all__ = ["city_rules"]

_Q = Decimal("0.01")
_COLOUR = {QuotaStatus.MET: "green", QuotaStatus.NOT_MET: "red", QuotaStatus.NOT_APPLICABLE: "dim"}


def city_rules(ctx: DemoContext) -> None:
    """Quotas of each period kind (the period containing the as-of date), overdue deadlines, ranking."""
    app, city, console, as_of = ctx.app, ctx.city, ctx.console, ctx.as_of
    year = Period.containing("year", as_of)
    rules = rule_set(app.plugins, city, year)
    console.print(
        f"\n[bold]{city.name_zh} rules[/] — rule set {rules.short_hash} ({len(rules.quotas)} quotas, "
        f"{len(rules.deadlines)} deadlines, {len(rules.scoring)} scoring rules)"
    )
    kinds = sorted({q.period_kind for q in rules.quotas}, key=lambda k: (k.months, k.value))
    table = Table(title=f"{city.name_zh} 目标任务 (as of {as_of})")
    for col, right in (("quota", False), ("period", False), ("county", False), ("actual", True)):
        table.add_column(term(col), justify="right" if right else "left")
    table.add_column(term("target"), justify="right")
    table.add_column(term("status"))
    for kind in kinds:
        period = Period.containing(kind, as_of)
        period_rules = rule_set(app.plugins, city, period)
        titles = {q.id: q.title_zh for q in period_rules.quotas}
        report = evaluate_quotas(app, city, period, as_of, rules=period_rules)
        for r in report.results:
            value = "—" if r.value.value is None else canonical_decimal(r.value.value.quantize(_Q))
            if r.value.denominator is not None and r.value.value is not None:
                value += f" ({canonical_decimal(r.value.numerator or Decimal(0))}/{canonical_decimal(r.value.denominator)})"
            status = quota_status_term(r.status, final=r.final)
            table.add_row(
                titles[r.rule_id],
                period_term(period),
                r.area_name,
                value,
                canonical_decimal(r.target),
                f"[{_COLOUR[r.status]}]{status}[/]",
            )
    console.print(table)

    deadlines = evaluate_deadlines(app, city, as_of, rules=rules)
    overdue = deadlines.overdue()
    specs = {d.id: d for d in rules.deadlines}
    names = {d.id: deadline_title(d, d.title_zh) for d in rules.deadlines}
    per_rule = Counter(names[r.rule_id] for r in overdue)
    console.print(
        f"deadlines ({deadlines.rule_set_sha256[:12]}): {len(deadlines.results)} triggered, {len(overdue)} overdue "
        + ("; ".join(f"{k}: {v}" for k, v in sorted(per_rule.items())) or "")
    )
    for d in sorted(overdue, key=lambda d: (-d.overdue_working_days, d.project_code))[:5]:
        english = deadline_title(specs.get(d.rule_id), names[d.rule_id], "en")
        console.print(
            f"  {d.project_code} {names[d.rule_id]} ({english}) due {d.due_on}, "
            f"{d.overdue_working_days} working days over"
        )

    if not rules.scoring:
        console.print(f"{city.name_zh} publishes no ranking rule.")
        return
    for scoring in sorted(rules.scoring, key=lambda s: s.id):
        period = Period.containing(scoring.period_kind, as_of)
        ranking = rank(
            app, city, period, as_of, rule_id=scoring.id, rules=rule_set(app.plugins, city, period)
        )
        rt = Table(
            title=f"{scoring.title_zh} {period_term(period)} (rule set {ranking.rule_set_sha256[:12]})"
        )
        rt.add_column(term("rank"), justify="right")
        rt.add_column(term("county"))
        rt.add_column(term("score"), justify="right")
        top = {a.area_code for a in ranking.top}
        bottom = {a.area_code for a in ranking.bottom}
        for row in ranking.rows:
            mark = (
                f" [green]{term('top_mark')}[/]"
                if row.area_code in top
                else f" [red]{term('bottom_mark')}[/]"
                if row.area_code in bottom
                else ""
            )
            rt.add_row(str(row.rank), row.area_name + mark, canonical_decimal(row.score.quantize(_Q)))
        console.print(rt)
