"""Periodic reports (weekly, monthly, quarterly, half-year): ledger summary, funnels and rates.

``build_report(app, "quarterly", as_of=…, known_at=…, city=…)`` returns a JSON-ready
dict; ``render_markdown`` turns it into the markdown ``projlife report`` prints.
The report covers the period of its kind that contains ``as_of`` (default: today).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind

if TYPE_CHECKING:
    from projlife.application import Projlife

__all__ = ["REPORT_KINDS", "build_report", "render_markdown"]

REPORT_KINDS: dict[str, PeriodKind] = {
    "weekly": PeriodKind.WEEK,
    "monthly": PeriodKind.MONTH,
    "quarterly": PeriodKind.QUARTER,
    "half-year": PeriodKind.HALF_YEAR,
}
_ENTRY_STAGES = (
    Stage.RESERVED,
    Stage.SIGNED,
    Stage.STARTED,
    Stage.IN_STATISTICS,
    Stage.COMPLETED,
    Stage.PRODUCING,
)


def build_report(
    app: Projlife,
    kind: str,
    *,
    city: str | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> dict[str, Any]:
    if kind not in REPORT_KINDS:
        raise ProjlifeError(f"build a {kind!r} report", "unknown report kind", ", ".join(REPORT_KINDS))
    day = as_of or date.today()
    period = Period.containing(REPORT_KINDS[kind], day)
    summary = app.ledger.summary(city=city, as_of=as_of, known_at=known_at)
    m = app.metrics
    entries = {
        str(s): m.count_entries(s, period=period, city=city, as_of=as_of, known_at=known_at)
        for s in _ENTRY_STAGES
    }
    funnel = m.funnel(period, city=city, as_of=as_of, known_at=known_at)
    rates = m.rates(period=period, city=city, as_of=as_of, known_at=known_at)
    return {
        "kind": kind,
        "period": str(period),
        "period_zh": period.label_zh,
        "city": city,
        "as_of": None if as_of is None else as_of.isoformat(),
        "known_at": None if known_at is None else known_at.isoformat(),
        "ledger": {
            "projects": summary.projects,
            "by_stage": {str(s): n for s, n in summary.by_stage.items()},
            "by_verified_stage": {str(s): n for s, n in summary.by_verified_stage.items()},
            "planned_investment_yuan": str(summary.planned_investment),
            "signed_amount_yuan": str(summary.signed_amount),
            "investment_reported_yuan": str(summary.investment_reported),
            "removed": summary.removed,
            "cancelled": summary.cancelled,
            "flagged": summary.flagged,
        },
        "entries": {
            s: {"count": e.count, "removed": len(e.excluded), "rejected": len(e.rejected)}
            for s, e in entries.items()
        },
        "funnel": funnel.as_dict(),
        "rates": {name: r.as_dict() for name, r in rates.items()},
    }


def render_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# {report['period_zh']} 项目报告 ({report['kind']}, {report['period']})",
        "",
        f"- city: {report['city'] or 'all'}; as of: {report['as_of'] or 'now'}; known at: {report['known_at'] or 'now'}",
        "",
        "## 台账 ledger",
        "",
        "| stage | claimed | verified |",
        "|---|---:|---:|",
    ]
    led = report["ledger"]
    for s in Stage:
        lines.append(f"| {s.label_zh} {s} | {led['by_stage'][str(s)]} | {led['by_verified_stage'][str(s)]} |")
    lines += [
        "",
        f"projects {led['projects']}; planned {led['planned_investment_yuan']} yuan; signed {led['signed_amount_yuan']} yuan; "
        f"reported investment {led['investment_reported_yuan']} yuan; removed {led['removed']}; "
        f"cancelled {led['cancelled']}; flagged {led['flagged']}",
        "",
        "## Stage entries in the period",
        "",
        "| stage | entered | removed since (not counted) | claims rejected |",
        "|---|---:|---:|---:|",
    ]
    for s, e in report["entries"].items():
        lines.append(f"| {Stage(s).label_zh} {s} | {e['count']} | {e['removed']} | {e['rejected']} |")
    f = report["funnel"]
    lines += ["", f"## Funnel: projects signed in {f['period']} (cohort {f['cohort']})", ""]
    lines += ["| reached | of cohort |", "|---|---:|"]
    lines += [f"| {Stage(s['stage']).label_zh} {s['stage']} | {s['display']} |" for s in f["steps"]]
    lines += [
        "",
        "## Rates",
        "",
        "| rate | numerator/denominator = value | removed (excluded) |",
        "|---|---:|---:|",
    ]
    for r in report["rates"].values():
        lines.append(f"| {r['label_zh']} {r['name']} | {r['display']} | {len(r['excluded'])} |")
    return "\n".join(lines) + "\n"
