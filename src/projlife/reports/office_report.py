"""The bulletin's 重点项目办 section: lists, 三个一批, the 004 rates, sponsorship, funding, enterprises.

Built by :func:`office_section` from the working week's figures
(:class:`~projlife.projections.counting.office.OfficeFigures`) and the office read model; the
bulletin carries it (``Bulletin.office``) when the city has any office fact recorded
(a list, a visit, a funding application …), and renders it with :func:`office_sections` in
the same layout as its other sections (Markdown, HTML, JSON).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import attrs

from projlife.domain.areas import AreaTree
from projlife.domain.money import decimal_text
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project_office import FundingStatus, ListName, SponsorWork
from projlife.engine.per_mu_ranking import PerMuRanking, PerMuRankLevel, PerMuRankSettings, rank_per_mu
from projlife.projections.counting.office import (
    BatchCheck,
    EnterpriseCount,
    MissingWork,
    MuBenchmarks,
    OfficeFigures,
    OfficeRateSettings,
    PerMuIndices,
)
from projlife.projections.metrics import Rate
from projlife.projections.office import FundingApplication, OfficeReads
from projlife.reports.render_md import Section, Table
from projlife.reports.terms import term

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
    per_mu: PerMuIndices | None = None
    """The 亩均 indices of the latest year with figures reported (this year's, else last year's)."""
    per_mu_ranking: PerMuRanking | None = None
    """Those indices ranked per the city's setting (projects by 亩均税收 unless set)."""


def office_section(
    figures: OfficeFigures,
    reads: OfficeReads,
    city_code: str,
    as_of: date,
    *,
    benchmarks: MuBenchmarks | None = None,
    settings: OfficeRateSettings | None = None,
    per_mu_rank: PerMuRankSettings | None = None,
    areas: AreaTree | None = None,
) -> OfficeSection | None:
    """The section as of ``as_of``, or ``None`` when the city has no office fact recorded by then.

        ``benchmarks``: the city's 亩均 benchmarks (none: no 达标率); ``settings``: its rate readings;
        ``per_mu_rank``: how its 亩均 figures are ranked
        (:func:`~projlife.engine.per_mu_ranking.rank_per_mu`); when areas are ranked, a project counts
        in its unit of ``areas``, the city's tree (``AreaTree.unit_of``: a city's county, a county's
    town; without it, in its own area).
    """
    stays = reads.list_memberships(city_code, as_of=as_of)
    visits = reads.sponsor_work(city_code, end=as_of)
    funding = reads.funding(city_code, as_of=as_of)
    per_mu = None
    for mu_year in (as_of.year, as_of.year - 1):
        found = figures.per_mu(city_code, mu_year, benchmarks=benchmarks, as_of=as_of)
        if found.projects:
            per_mu = found
            break
    if not stays and not visits and not funding and per_mu is None:
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
    rates = figures.rates(city_code, year, as_of=as_of, settings=settings)
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
        per_mu=per_mu,
        per_mu_ranking=None
        if per_mu is None
        else rank_per_mu(per_mu, per_mu_rank, benchmarks=benchmarks, unit_of=_county_of(areas)),
    )


def _county_of(tree: AreaTree | None) -> Callable[[str], str | None] | None:
    """An area → the unit it ranks in (``AreaTree.unit_of``: a city's county, a county's town; the
    top itself stays the top); an area not in ``tree`` is left out."""
    if tree is None:
        return None

    def unit(code: str) -> str | None:
        if code not in tree:
            return None
        found = tree.unit_of(code)
        return code if found is None else found.code

    return unit


def _yuan_wan(value: Decimal | None) -> str:
    return "—" if value is None else f"{(value / 10_000).quantize(Decimal('0.01'))}"


def _period_label(p: Period, lang: str) -> str:
    return p.label_zh if lang == "zh" else str(p)


def _list_label(n: ListName, lang: str) -> str:
    return n.label_zh if lang == "zh" else term(f"list_{n.value}", lang)


def _rate_label(r: Rate, lang: str) -> str:
    return r.label_zh if lang == "zh" else term(f"rate_{r.name}", lang)


def office_sections(s: OfficeSection, lang: str = "zh") -> list[Section]:
    """The section as bulletin sections in ``lang`` (``zh``, ``en``): lists and batches, rates,
    sponsorship, funding, and 亩均 when a year's figures are reported."""

    def t(key: str, **values: Any) -> str:
        return term(key, lang, **values)

    lists = Table(
        (t("office_list"), t("office_list_period"), t("office_projects")),
        tuple((_list_label(n, lang), p or "—", str(c)) for n, p, c in s.list_counts),
    )
    blocks: list[str | Table] = [lists]
    if s.batches:
        blocks.append(
            Table(
                (t("office_batch"), t("office_quarter"), t("office_on_time"), t("office_late")),
                tuple(
                    (_list_label(b.list_name, lang), str(b.quarter), str(b.rate), "、".join(b.late) or "—")
                    for b in s.batches
                ),
            )
        )
    rates = Table(
        (t("office_indicator"), t("office_rate_parts")),
        tuple((_rate_label(r, lang), str(r)) for r in s.rates),
    )
    e = s.enterprises
    enterprise_line = t("office_enterprises", period=_period_label(e.period, lang), n=e.count) + (
        t("office_without_code", n=len(e.without_code), codes="、".join(e.without_code))
        if e.without_code
        else ""
    )
    month = _period_label(s.visit_month, lang)
    missing: str | Table = (
        Table(
            (t("office_project"), t("office_area"), t("office_last_visit")),
            tuple(
                (m.code, m.area_code, m.last_done_on.isoformat() if m.last_done_on else "—")
                for m in s.missing_visits
            ),
        )
        if s.missing_visits
        else t("office_no_missing", month=month)
    )
    by_status = Counter((a.program, a.status) for a in s.funding)
    funding: str | Table = (
        Table(
            (
                t("office_project"),
                t("office_program"),
                t("office_applied"),
                t("office_status"),
                t("office_approved"),
                t("office_arrived"),
            ),
            tuple(
                (
                    a.code,
                    a.program.label_zh if lang == "zh" else t(f"funding_{a.program.value}"),
                    _yuan_wan(a.amount_applied),
                    a.status.label_zh if lang == "zh" else t(f"funding_{a.status.value}"),
                    _yuan_wan(a.amount_approved),
                    _yuan_wan(a.amount_arrived),
                )
                for a in sorted(s.funding, key=lambda a: (a.program, a.code, a.application_ref))
            ),
        )
        if s.funding
        else t("office_no_funding")
    )
    approved = sum(n for (_, st), n in by_status.items() if st is FundingStatus.APPROVED)
    sections = [
        Section("office_lists", t("office_lists"), tuple(blocks)),
        Section(
            "office_rates",
            t("office_rates", period=_period_label(s.rate_period, lang), as_of=s.as_of.isoformat()),
            (rates, enterprise_line),
        ),
        Section("office_visits", t("office_visits", month=month), (missing,)),
        Section("office_funding", t("office_funding", n=approved), (funding,)),
    ]
    if s.per_mu is not None and s.per_mu.projects:
        sections.append(_per_mu_section(s.per_mu, t, s.per_mu_ranking))
    return sections


def _ranking_table(r: PerMuRanking, t: Callable[..., str]) -> Table:
    """The places, best first: rank (并列 shared), project or area, the index, whether it meets the bar."""
    who = t("office_project") if r.level is PerMuRankLevel.PROJECT else t("office_rank_area")
    return Table(
        (t("office_rank"), who, t(f"office_{r.indicator.value}"), t("office_meets_benchmark")),
        tuple(
            (
                str(p.rank),
                p.code,
                _yuan_wan(p.value),
                "—" if p.meets_benchmark is None else t("office_yes" if p.meets_benchmark else "office_no"),
            )
            for p in r.places
        ),
    )


def _per_mu_section(m: PerMuIndices, t: Callable[..., str], ranking: PerMuRanking | None = None) -> Section:
    """亩均 (000: 亩均投资强度、亩均产值(营收)、亩均税收达标率; 003: 用地收益率、财税贡献率)."""
    table = Table(
        (
            t("office_project"),
            t("office_area"),
            t("office_land_mu"),
            t("office_investment_per_mu"),
            t("office_output_per_mu"),
            t("office_revenue_per_mu"),
            t("office_tax_per_mu"),
        ),
        tuple(
            (
                p.code,
                p.area_code,
                str(p.land_mu),
                _yuan_wan(p.investment_per_mu),
                _yuan_wan(p.output_per_mu),
                _yuan_wan(p.revenue_per_mu),
                _yuan_wan(p.tax_per_mu),
            )
            for p in m.projects
        ),
    )
    passes = [r for r in (m.investment_pass, m.output_pass, m.tax_pass) if r is not None]
    ratios = [
        (t("office_land_yield"), _yuan_wan(m.land_yield)),
        (
            t("office_fiscal"),
            "—"
            if m.fiscal_contribution is None
            else f"{(m.fiscal_contribution * 100).quantize(Decimal('0.01'))}%",
        ),
    ]
    indicators = Table(
        (t("office_indicator"), t("office_rate_parts")),
        (*((t(f"rate_{r.name}"), str(r)) for r in passes), *ratios),
    )
    blocks: tuple[str | Table, ...] = (
        (table, indicators) if passes else (table, indicators, t("office_no_benchmark"))
    )
    if ranking is not None and ranking.places:
        blocks += (
            t("office_per_mu_rank", index=t(f"per_mu_{ranking.indicator.value}")),
            _ranking_table(ranking, t),
        )
    return Section("office_per_mu", t("office_per_mu", year=m.year), blocks)


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
                "amount_applied_yuan": decimal_text(a.amount_applied),
                "amount_approved_yuan": None
                if a.amount_approved is None
                else decimal_text(a.amount_approved),
                "amount_arrived_yuan": None if a.amount_arrived is None else decimal_text(a.amount_arrived),
            }
            for a in s.funding
        ],
        "new_above_scale_enterprises": {
            "period": str(s.enterprises.period),
            "count": s.enterprises.count,
            "enterprises": {k: list(v) for k, v in s.enterprises.enterprises.items()},
            "without_code": list(s.enterprises.without_code),
        },
        "per_mu": None if s.per_mu is None else _per_mu_dict(s.per_mu, rate),
        "per_mu_ranking": None if s.per_mu_ranking is None else _ranking_dict(s.per_mu_ranking),
    }


def _ranking_dict(r: PerMuRanking) -> dict[str, Any]:
    return {
        "year": r.year,
        "indicator": r.indicator.value,
        "level": r.level.value,
        "benchmark_yuan_per_mu": None if r.benchmark is None else str(r.benchmark),
        "places": [
            {
                "rank": p.rank,
                "code": p.code,
                "area_code": p.area_code,
                "value_yuan_per_mu": str(p.value),
                "land_mu": str(p.land_mu),
                "meets_benchmark": p.meets_benchmark,
            }
            for p in r.places
        ],
    }


def _per_mu_dict(m: PerMuIndices, rate: Callable[[Rate], dict[str, Any]]) -> dict[str, Any]:
    return {
        "year": m.year,
        "projects": [
            {
                "code": p.code,
                "area_code": p.area_code,
                "land_mu": str(p.land_mu),
                "investment_per_mu_yuan": decimal_text(p.investment_per_mu),
                "output_per_mu_yuan": str(p.output_per_mu),
                "revenue_per_mu_yuan": str(p.revenue_per_mu),
                "tax_per_mu_yuan": str(p.tax_per_mu),
            }
            for p in m.projects
        ],
        "passes": [rate(r) for r in (m.investment_pass, m.output_pass, m.tax_pass) if r is not None],
        "land_yield_yuan_per_mu": None if m.land_yield is None else str(m.land_yield),
        "fiscal_contribution": None if m.fiscal_contribution is None else str(m.fiscal_contribution),
    }
