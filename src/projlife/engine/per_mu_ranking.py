"""Rank the 亩均 figures (000: 以"亩均投资强度、亩均产值(营收)、亩均税收达标率"等为重点的效能评价).

The seed names the indices of the 效能评价 but neither what is ranked nor by which index, so both
are settings (:class:`PerMuRankSettings`, in a city's
:class:`~projlife.plugins.office_settings.OfficeSettings`): the projects (the default: 000's
"推进投资项目绩效评价体系改革" evaluates investment projects) or the areas (each area's Σ amount ÷
Σ land, so a large plot weighs by its size), by 亩均税收 (the default: the one index 000 gives a
达标率 by name) or any other. Equal figures share a rank (并列), by the one rule of
:func:`projlife.engine.ranking.shared_ranks`.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

import attrs

from projlife.engine.ranking import shared_ranks
from projlife.projections.counting.per_mu import MuBenchmarks, PerMuIndex, PerMuIndices

__all__ = [
    "PerMuIndicator",
    "PerMuPlace",
    "PerMuRankLevel",
    "PerMuRankSettings",
    "PerMuRanking",
    "rank_per_mu",
]


class PerMuIndicator(StrEnum):
    """The 亩均 index a ranking orders by (yuan per 亩)."""

    INVESTMENT = "investment_per_mu"
    """亩均投资强度: investment completed to the year's end ÷ land."""
    OUTPUT = "output_per_mu"
    """亩均产值."""
    REVENUE = "revenue_per_mu"
    """亩均营收 (000 writes 亩均产值(营收): output or revenue)."""
    TAX = "tax_per_mu"
    """亩均税收 (the default)."""

    @property
    def label_zh(self) -> str:
        return {
            "investment_per_mu": "亩均投资强度",
            "output_per_mu": "亩均产值",
            "revenue_per_mu": "亩均营收",
            "tax_per_mu": "亩均税收",
        }[self.value]

    def benchmark(self, b: MuBenchmarks) -> Decimal | None:
        """The city's benchmark of this index (营收 has none of its own: 000's 产值(营收) shares it)."""
        return {
            "investment_per_mu": b.investment_per_mu,
            "output_per_mu": b.output_per_mu,
            "revenue_per_mu": b.output_per_mu,
            "tax_per_mu": b.tax_per_mu,
        }[self.value]

    def amount(self, p: PerMuIndex) -> Decimal:
        """The project's amount of the year behind the index (yuan)."""
        return {
            "investment_per_mu": p.investment,
            "output_per_mu": p.output,
            "revenue_per_mu": p.revenue,
            "tax_per_mu": p.tax,
        }[self.value]


class PerMuRankLevel(StrEnum):
    """What the 亩均 ranking orders."""

    PROJECT = "project"
    """Each project by its own index (the default)."""
    AREA = "area"
    """Each area by Σ amount ÷ Σ land of its projects."""


@attrs.frozen
class PerMuRankSettings:
    """How a city ranks its 亩均 figures (000 names the indices, not the ranking)."""

    indicator: PerMuIndicator = attrs.field(default=PerMuIndicator.TAX, converter=PerMuIndicator)
    level: PerMuRankLevel = attrs.field(default=PerMuRankLevel.PROJECT, converter=PerMuRankLevel)


@attrs.frozen
class PerMuPlace:
    """One project's or area's place: its index (yuan per 亩), its rank, and whether it meets the benchmark."""

    rank: int
    code: str
    """The project code, or the area code."""
    area_code: str
    value: Decimal
    land_mu: Decimal
    meets_benchmark: bool | None
    """``None``: the city set no benchmark for the index."""


@attrs.frozen
class PerMuRanking:
    """The 亩均 places of a year under one index, best first (ties by code)."""

    year: int
    indicator: PerMuIndicator
    level: PerMuRankLevel
    places: tuple[PerMuPlace, ...]
    benchmark: Decimal | None

    def tied(self, place: PerMuPlace) -> bool:
        """Whether another place shares ``place``'s rank (并列)."""
        return sum(1 for p in self.places if p.rank == place.rank) > 1


_FEN = Decimal("0.01")


def rank_per_mu(
    indices: PerMuIndices,
    settings: PerMuRankSettings | None = None,
    *,
    benchmarks: MuBenchmarks | None = None,
    unit_of: Callable[[str], str | None] | None = None,
) -> PerMuRanking:
    """Rank ``indices`` (``app.office_figures.per_mu(city, year)``) per ``settings``.

    ``unit_of`` maps a project's area to the area it is ranked in (e.g. its county; ``None``
    leaves the project out); by default each project's own area. An area's index is
    Σ amount ÷ Σ land of its projects, to the fen; a place meets the benchmark when its index is
    at or above it.
    """
    s = settings or PerMuRankSettings()
    bar = s.indicator.benchmark(benchmarks or MuBenchmarks())
    entries: dict[str, tuple[str, Decimal, Decimal]] = {}
    if s.level is PerMuRankLevel.PROJECT:
        for p in indices.projects:
            entries[p.code] = (p.area_code, Decimal(getattr(p, s.indicator.value)), p.land_mu)
    else:
        sums: dict[str, tuple[Decimal, Decimal]] = {}
        for p in indices.projects:
            unit = p.area_code if unit_of is None else unit_of(p.area_code)
            if unit is None:
                continue
            amount, land = sums.get(unit, (Decimal(0), Decimal(0)))
            sums[unit] = (amount + s.indicator.amount(p), land + p.land_mu)
        for unit, (amount, land) in sums.items():
            if land > 0:
                entries[unit] = (unit, (amount / land).quantize(_FEN, rounding=ROUND_HALF_UP), land)
    ranks = shared_ranks({code: value for code, (_, value, _) in entries.items()})
    places = tuple(
        PerMuPlace(ranks[code], code, area, value, land, None if bar is None else value >= bar)
        for code, (area, value, land) in sorted(entries.items(), key=lambda e: (-e[1][1], e[0]))
    )
    return PerMuRanking(indices.year, s.indicator, s.level, places, bar)
