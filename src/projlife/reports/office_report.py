"""The bulletin's 重点项目办 section: lists, 三个一批, the 004 rates, sponsorship, funding, enterprises.

Built by :func:`office_section` from the working week's figures
(:class:`~projlife.projections.counting.office.OfficeFigures`) and the office read model; the
bulletin carries it (``Bulletin.office``) when the city has any office fact recorded
(a list, a visit, a funding application …), and renders it with :func:`office_sections` in
the same layout as its other sections (Markdown, HTML, JSON).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project_office import FundingStatus, ListName, SponsorWork
from projlife.projections.counting.office import BatchCheck, EnterpriseCount, MissingWork, OfficeFigures
from projlife.projections.metrics import Rate
from projlife.projections.office import FundingApplication, OfficeReads
from projlife.reports.render_md import Section, Table

__all__ = ["OfficeSection", "office_section", "office_sections", "office_to_dict"]

_BATCHES = (ListName.SIGN_BATCH, ListName.START_BATCH, ListName.PRODUCTION_BATCH)


@attrs.frozen
class OfficeSection:
    as_of: date
    list_counts: tuple[tuple[ListName, str | None, int], ...]
    """(list, period, projects on it on ``as_of``)."""
    batches: tuple[BatchCheck, ...]
    rates: tuple[Rate, ...]
    rate_period: Period
    missing_visits: tuple[MissingWork, ...]
    visit_month: Period
    funding: tuple[FundingApplication, ...]
    enterprises: EnterpriseCount


def office_section(
    figures: OfficeFigures, reads: OfficeReads, city_code: str, as_of: date
) -> OfficeSection | None:
    """The section as of ``as_of``, or ``None`` when the city has no office fact recorded by then."""
    stays = reads.list_memberships(city_code, as_of=as_of)
    visits = reads.sponsor_work(city_code, end=as_of)
    funding = reads.funding(city_code, as_of=as_of)
    if not stays and not visits and not funding:
        return None
    quarter = Period.containing(PeriodKind.QUARTER, as_of)
    year = Period.containing(PeriodKind.YEAR, as_of)
    month = Period.containing(PeriodKind.MONTH, as_of)
    on = Counter((m.list_name, m.period) for m in stays if m.on_list(as_of))
    order = list(ListName)
    counts = tuple(
        sorted(((n, p, c) for (n, p), c in on.items()), key=lambda x: (order.index(x[0]), x[1] or ""))
    )
    batches = tuple(
        figures.batch_check(city_code, name, quarter)
        for name in _BATCHES
        if any(m.list_name is name and m.period == str(quarter) for m in stays)
    )
    rates = figures.rates(city_code, year, as_of=as_of)
    missing = figures.missing_sponsor_work(city_code, SponsorWork.MONTHLY_VISIT, month)
    return OfficeSection(
        as_of=as_of,
        list_counts=counts,
        batches=batches,
        rates=tuple(rates.values()),
        rate_period=year,
        missing_visits=tuple(missing),
        visit_month=month,
        funding=tuple(funding),
        enterprises=figures.new_above_scale_enterprises(city_code, year),
    )


def _yuan_wan(value: Decimal | None) -> str:
    return "—" if value is None else f"{(value / 10_000).quantize(Decimal('0.01'))}"


def office_sections(s: OfficeSection) -> list[Section]:
    """The section as bulletin sections: lists and batches, rates, sponsorship, funding."""
    lists = Table(
        ("名单", "期间", "项目数"),
        tuple((n.label_zh, p or "—", str(c)) for n, p, c in s.list_counts),
    )
    blocks: list[str | Table] = [lists]
    if s.batches:
        blocks.append(
            Table(
                ("三个一批", "季度", "按期/名单", "未按期项目"),
                tuple(
                    (b.list_name.label_zh, str(b.quarter), str(b.rate), "、".join(b.late) or "—")
                    for b in s.batches
                ),
            )
        )
    rates = Table(
        ("指标", "分子/分母 = 比率"),
        tuple((r.label_zh, str(r)) for r in s.rates),
    )
    e = s.enterprises
    enterprise_line = f"{e.period.label_zh}新进规上工业企业 {e.count} 家（按统一社会信用代码计）" + (
        f"；无信用代码项目 {len(e.without_code)} 个：{'、'.join(e.without_code)}" if e.without_code else ""
    )
    missing: str | Table = (
        Table(
            ("项目", "地区", "上次调研"),
            tuple(
                (m.code, m.area_code, m.last_done_on.isoformat() if m.last_done_on else "—")
                for m in s.missing_visits
            ),
        )
        if s.missing_visits
        else f"{s.visit_month.label_zh}分包领导调研无缺项。"
    )
    by_status = Counter((a.program, a.status) for a in s.funding)
    funding: str | Table = (
        Table(
            ("项目", "资金类别", "申报（万元）", "状态", "批复（万元）", "到位（万元）"),
            tuple(
                (
                    a.code,
                    a.program.label_zh,
                    _yuan_wan(a.amount_applied),
                    a.status.label_zh,
                    _yuan_wan(a.amount_approved),
                    _yuan_wan(a.amount_arrived),
                )
                for a in sorted(s.funding, key=lambda a: (a.program, a.code, a.application_ref))
            ),
        )
        if s.funding
        else "无资金申报。"
    )
    approved = sum(n for (_, st), n in by_status.items() if st is FundingStatus.APPROVED)
    return [
        Section("office_lists", "重点项目名单与“三个一批”", tuple(blocks)),
        Section(
            "office_rates",
            f"招引与建设质效（{s.rate_period.label_zh}，截至{s.as_of.isoformat()}）",
            (rates, enterprise_line),
        ),
        Section("office_visits", f"{s.visit_month.label_zh}分包领导未调研项目", (missing,)),
        Section("office_funding", f"争取国家资金（已批复 {approved} 项）", (funding,)),
    ]


def office_to_dict(s: OfficeSection) -> dict[str, Any]:
    def rate(r: Rate) -> dict[str, Any]:
        return r.as_dict() | {
            "numerator_ids": list(r.numerator_ids),
            "denominator_ids": list(r.denominator_ids),
        }

    return {
        "as_of": s.as_of.isoformat(),
        "lists": [{"list": n.value, "period": p, "projects": c} for n, p, c in s.list_counts],
        "batches": [
            {"list": b.list_name.value, "quarter": str(b.quarter), "rate": rate(b.rate), "late": list(b.late)}
            for b in s.batches
        ],
        "rates": {"period": str(s.rate_period), "values": [rate(r) for r in s.rates]},
        "missing_visits": {
            "month": str(s.visit_month),
            "projects": [
                {
                    "code": m.code,
                    "area_code": m.area_code,
                    "last_done_on": m.last_done_on and m.last_done_on.isoformat(),
                }
                for m in s.missing_visits
            ],
        },
        "funding": [
            {
                "code": a.code,
                "application_ref": a.application_ref,
                "program": a.program.value,
                "status": a.status.value,
                "amount_applied_yuan": str(a.amount_applied),
                "amount_approved_yuan": None if a.amount_approved is None else str(a.amount_approved),
                "amount_arrived_yuan": None if a.amount_arrived is None else str(a.amount_arrived),
            }
            for a in s.funding
        ],
        "new_above_scale_enterprises": {
            "period": str(s.enterprises.period),
            "count": s.enterprises.count,
            "enterprises": {k: list(v) for k, v in s.enterprises.enterprises.items()},
            "without_code": list(s.enterprises.without_code),
        },
    }
