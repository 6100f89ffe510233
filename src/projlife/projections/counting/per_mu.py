"""亩均 (000: 亩均投资强度、亩均产值(营收)、亩均税收达标率; 003: 用地收益率、财税贡献率): the figures of a year.

:func:`per_mu_indices` computes, from the year's reports and each project's completed
investment, every project's per-亩 figures, the 达标率 against a city's :class:`MuBenchmarks`
and the two ratios of 003; ``app.office_figures.per_mu`` reads its inputs. Ranking them is the
engine's (:mod:`projlife.engine.per_mu_ranking`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import attrs

from projlife.projections.metrics import Rate
from projlife.projections.office import PerMuRow

__all__ = [
    "FiscalReading",
    "LandYieldReading",
    "MuBenchmarks",
    "PerMuIndex",
    "PerMuIndices",
    "per_mu_indices",
]


class LandYieldReading(StrEnum):
    """用地收益率 (003: "不断提高项目用地收益率和财税贡献率"): the seed does not define it."""

    TAX_PER_MU = "tax_per_mu"
    """Σ tax ÷ Σ land (yuan per 亩): what the land yields the public purse (the default)."""
    REVENUE_PER_MU = "revenue_per_mu"
    """Σ revenue ÷ Σ land (yuan per 亩)."""


class FiscalReading(StrEnum):
    """财税贡献率 (003): the seed does not define it."""

    TAX_OVER_REVENUE = "tax_over_revenue"
    """Σ tax ÷ Σ revenue (the default)."""
    TAX_OVER_INVESTMENT = "tax_over_investment"
    """Σ tax ÷ Σ investment completed to the year's end."""


@attrs.frozen
class MuBenchmarks:
    """A city's 亩均 benchmarks in yuan per 亩 (``None``: no benchmark, no 达标率), and its readings."""

    investment_per_mu: Decimal | None = None
    output_per_mu: Decimal | None = None
    tax_per_mu: Decimal | None = None
    land_yield: LandYieldReading = LandYieldReading.TAX_PER_MU
    fiscal: FiscalReading = FiscalReading.TAX_OVER_REVENUE


@attrs.frozen
class PerMuIndex:
    """One project's per-亩 figures of a year (yuan per 亩, to the fen)."""

    project_id: str
    code: str
    area_code: str
    land_mu: Decimal
    investment: Decimal
    investment_per_mu: Decimal
    output_per_mu: Decimal
    revenue_per_mu: Decimal
    tax_per_mu: Decimal
    output: Decimal = Decimal(0)
    """The year's output, revenue and tax (yuan): what an area's 亩均 sums (Σ amount ÷ Σ land)."""
    revenue: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)


@attrs.frozen
class PerMuIndices:
    """亩均 figures of a year: per project, the 达标率 against the benchmarks, and the two area ratios."""

    year: int
    projects: tuple[PerMuIndex, ...]
    investment_pass: Rate | None
    output_pass: Rate | None
    tax_pass: Rate | None
    land_yield: Decimal | None
    """yuan per 亩, per the benchmarks' ``land_yield`` reading."""
    fiscal_contribution: Decimal | None
    """a fraction (0.0525 = 5.25%), per the ``fiscal`` reading."""


_FEN = Decimal("0.01")


def _per(amount: Decimal, land: Decimal) -> Decimal:
    return (amount / land).quantize(_FEN, rounding=ROUND_HALF_UP)


def per_mu_indices(
    year: int, rows: Sequence[tuple[PerMuRow, Decimal]], benchmarks: MuBenchmarks
) -> PerMuIndices:
    """The 亩均 figures of ``year`` from its reports, each with the project's investment completed to
    the year's end (yuan): per project, the 达标率 (projects at or above the benchmark ÷ projects
    reported) and 用地收益率 / 财税贡献率 over the projects reported, per ``benchmarks``' readings."""
    b = benchmarks
    projects = tuple(
        PerMuIndex(
            r.project_id,
            r.code,
            r.area_code,
            r.land_mu,
            inv,
            _per(inv, r.land_mu),
            _per(r.output, r.land_mu),
            _per(r.revenue, r.land_mu),
            _per(r.tax, r.land_mu),
            r.output,
            r.revenue,
            r.tax,
        )
        for r, inv in rows
    )

    def passing(
        name: str, label: str, bar: Decimal | None, value: Callable[[PerMuIndex], Decimal]
    ) -> Rate | None:
        if bar is None:
            return None
        ok = [p for p in projects if value(p) >= bar]
        return Rate(
            name,
            label,
            len(ok),
            len(projects),
            tuple(sorted(p.project_id for p in ok)),
            tuple(sorted(p.project_id for p in projects)),
        )

    land = sum((r.land_mu for r, _ in rows), Decimal(0))
    tax = sum((r.tax for r, _ in rows), Decimal(0))
    revenue = sum((r.revenue for r, _ in rows), Decimal(0))
    invested = sum((inv for _, inv in rows), Decimal(0))
    land_yield = None
    if land > 0:
        land_yield = _per(tax if b.land_yield is LandYieldReading.TAX_PER_MU else revenue, land)
    base = revenue if b.fiscal is FiscalReading.TAX_OVER_REVENUE else invested
    fiscal = (tax / base).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if base > 0 else None
    return PerMuIndices(
        year,
        projects,
        passing(
            "investment_per_mu_pass", "亩均投资强度达标率", b.investment_per_mu, lambda p: p.investment_per_mu
        ),
        passing("output_per_mu_pass", "亩均产值达标率", b.output_per_mu, lambda p: p.output_per_mu),
        passing("tax_per_mu_pass", "亩均税收达标率", b.tax_per_mu, lambda p: p.tax_per_mu),
        land_yield,
        fiscal,
    )
