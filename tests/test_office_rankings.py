"""The 半年述职 pack's review and the 亩均 ranking: both through the engine's one ranking rule.

003: "会议通报了 … 上半年招商引资、项目建设“五比五突破”考核情况 … 镇街(园区) … 依次述职" (the pack ranks by the
city's half-year scoring rule, ``projlife_scoring``); 000: 以"亩均投资强度、亩均产值(营收)、亩均税收达标率"等为重点
的效能评价 (the 亩均 figures ranked, what and by which index a city setting). Hand-worked on the
drives of ``test_working_week.py`` (姜堰 2023-H1) and ``test_office_exports.py`` (驻马店 亩均 2023:
ZMD-D 100亩, tax 1500万, output 5亿; ZMD-E 50亩, tax 200万, output 1亿; both in 驿城区).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.app.application import connect
from projlife.domain.errors import ProjlifeError
from projlife.domain.periods import Period
from projlife.engine.per_mu_ranking import (
    PerMuIndicator,
    PerMuRankLevel,
    PerMuRankSettings,
    rank_per_mu,
)
from projlife.engine.ranking import RankedArea, Ranking, shared_ranks
from projlife.plugins import get_plugin_manager, hookimpl
from projlife.plugins.cities.jiangyan import JiangyanPlugin
from projlife.plugins.office_settings import OfficeSettings
from projlife.plugins.types import CityProfile
from projlife.projections.counting.per_mu import MuBenchmarks, PerMuIndex, PerMuIndices
from projlife.reports.bulletin import build_bulletin
from projlife.reports.half_year_pack import half_year_packs, pack_markdown
from projlife.reports.render_md import bulletin_json, bulletin_markdown
from test_office_exports import _with_per_mu, zhumadian_with
from test_working_week import jiangyan_drive


class JiangyanOffice(JiangyanPlugin):
    """姜堰's plugin with an office-settings answer (one plugin per jurisdiction)."""

    def __init__(self, office: OfficeSettings) -> None:
        super().__init__()
        self.office = office

    @hookimpl
    def projlife_office_settings(self, city: CityProfile) -> OfficeSettings | None:
        return self.office if city.slug == "jiangyan" else None


def _jiangyan(db_url: str, settings: OfficeSettings) -> Any:
    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("jiangyan", JiangyanOffice(settings))],
    )
    return connect(db_url, create_tables=True, plugin_manager=pm)


def test_the_office_setting_names_the_rule_the_half_year_pack_ranks_by(db_url: str) -> None:
    with _jiangyan(db_url, OfficeSettings(half_year_rule="quarter.red-flag")) as app:
        jiangyan_drive(app)
        packs = {p.area_name: p for p in app.half_year_packs("jiangyan", "2023-H1", county="321204")}
        lx = packs["梁徐街道"].review
        assert lx is not None and (lx.rule_id, lx.title_zh, lx.rank) == (
            "quarter.red-flag",
            "季度“流动红旗”",
            1,
        )
        # the same weights over the same half-year: the same scores as the half-year rule
        assert lx.score == Decimal(70)


def test_a_rule_the_city_does_not_have_is_refused_with_the_ones_it_has(db_url: str) -> None:
    with (
        _jiangyan(db_url, OfficeSettings(half_year_rule="half-year.nonesuch")) as app,
        pytest.raises(ProjlifeError, match=r"half-year\.review"),
    ):
        app.half_year_packs("jiangyan", "2023-H1", county="321204")


def test_a_pack_without_a_scoring_rule_says_so_and_keeps_the_figures_ranks() -> None:
    from projlife.plugins.cities.jiangyan import CITY

    towns = CITY.areas.at_level(CITY.areas["321204-001"].level)
    (pack, *_) = half_year_packs([], CITY.areas, towns, Period.parse("2023-H1"))
    assert pack.review is None and pack.ranks["signed"] == (1, len(towns))  # all 0: one shared rank
    assert "本市未设可对本级地区评分的半年考核规则" in pack_markdown(pack)


def test_the_bulletin_ranks_the_projects_per_mu_tax_by_default(app: Any) -> None:
    _with_per_mu(app)
    b = build_bulletin(app, "zhumadian", kind="monthly", as_of=date(2024, 4, 30))
    assert b.office is not None and b.office.per_mu_ranking is not None
    r = b.office.per_mu_ranking
    assert (r.indicator, r.level) == (PerMuIndicator.TAX, PerMuRankLevel.PROJECT)
    # D 1500万 / 100亩 = 15万 per 亩, E 200万 / 50亩 = 4万
    assert [(p.rank, p.code, p.value, p.meets_benchmark) for p in r.places] == [
        (1, "ZMD-D", Decimal("150000.00"), None),
        (2, "ZMD-E", Decimal("40000.00"), None),
    ]
    zh = bulletin_markdown(b)
    assert "亩均税收排名" in zh and "| 1 | ZMD-D | 15.00 | — |" in zh
    assert "| 2 | ZMD-E | 4.00 | — |" in bulletin_markdown(b, "en")
    import json

    assert json.loads(bulletin_json(b))["office"]["per_mu_ranking"]["places"][0]["code"] == "ZMD-D"


def by_area_output(city: CityProfile) -> OfficeSettings:
    """Areas by 亩均产值, against 300万元 per 亩 (illustrative)."""
    return OfficeSettings(
        benchmarks=MuBenchmarks(output_per_mu=Decimal("3000000")),
        per_mu_rank=PerMuRankSettings(indicator="output_per_mu", level="area"),
    )


def test_a_city_ranks_its_areas_by_output_per_mu_against_its_benchmark(db_url: str) -> None:
    pm = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", zhumadian_with(by_area_output))])
    with connect(db_url, create_tables=True, plugin_manager=pm) as app:
        _with_per_mu(app)
        b = build_bulletin(app, "zhumadian", kind="monthly", as_of=date(2024, 4, 30))
        assert b.office is not None and b.office.per_mu_ranking is not None
        # 驿城区: (5亿 + 1亿) / 150亩 = 400万 per 亩 ≥ 300万 (not the mean of 500万 and 200万)
        (place,) = b.office.per_mu_ranking.places
        assert (place.rank, place.code, place.value, place.land_mu, place.meets_benchmark) == (
            1,
            "411702",
            Decimal("4000000.00"),
            Decimal(150),
            True,
        )
        assert "| 1 | 411702 | 400.00 | 是 |" in bulletin_markdown(b)


def _index(code: str, area: str, land: str, tax: str) -> PerMuIndex:
    t, mu = Decimal(tax), Decimal(land)
    per = (t / mu).quantize(Decimal("0.01"))
    return PerMuIndex(code, code, area, mu, Decimal(0), Decimal(0), Decimal(0), Decimal(0), per, tax=t)


def test_equal_per_mu_figures_share_a_rank() -> None:
    m = PerMuIndices(
        2023,
        (_index("A", "1", "10", "100"), _index("B", "1", "20", "200"), _index("C", "2", "10", "50")),
        None,
        None,
        None,
        None,
        None,
    )
    r = rank_per_mu(m, benchmarks=MuBenchmarks(tax_per_mu=Decimal(10)))
    assert [(p.code, p.rank, p.meets_benchmark) for p in r.places] == [
        ("A", 1, True),
        ("B", 1, True),
        ("C", 3, False),
    ]
    assert r.tied(r.places[0]) and not r.tied(r.places[2])


_projects = st.lists(
    st.tuples(
        st.sampled_from(["1", "2", "3"]),
        st.integers(min_value=1, max_value=500),
        st.integers(min_value=0, max_value=10_000_000),
    ),
    min_size=1,
    max_size=12,
)


@given(_projects)
def test_an_areas_per_mu_is_its_sums_ratio_and_places_follow_the_one_rank_rule(
    rows: list[tuple[str, int, int]],
) -> None:
    m = PerMuIndices(
        2023,
        tuple(_index(f"P{i}", a, str(land), str(tax)) for i, (a, land, tax) in enumerate(rows)),
        None,
        None,
        None,
        None,
        None,
    )
    r = rank_per_mu(m, PerMuRankSettings(level="area"))
    values = {p.code: p.value for p in r.places}
    for area in {a for a, _, _ in rows}:
        land = sum(x for a, x, _ in rows if a == area)
        tax = sum(t for a, _, t in rows if a == area)
        assert values[area] == (Decimal(tax) / land).quantize(Decimal("0.01"))
    assert {p.code: p.rank for p in r.places} == shared_ranks(values)
    assert [p.value for p in r.places] == sorted(values.values(), reverse=True)


@given(
    st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(min_value=0, max_value=4), min_size=1),
    st.sets(st.sampled_from("ABCDEFG")),
)
def test_a_ranking_among_some_areas_ranks_them_by_the_same_scores(
    scores: dict[str, int], some: set[str]
) -> None:
    ranks = shared_ranks(scores)
    rows = tuple(
        RankedArea(ranks[c], c, c, Decimal(s), (), ())
        for c, s in sorted(scores.items(), key=lambda x: (-x[1], x[0]))
    )
    full = Ranking("x", "rule", Period.parse("2023-H1"), date(2023, 6, 30), "sha", rows, 0, 0)
    among = full.among(some)
    assert [r.area_code for r in among.rows] == [r.area_code for r in rows if r.area_code in some]
    assert {r.area_code: r.rank for r in among.rows} == shared_ranks(
        {c: scores[c] for c in some if c in scores}
    )
    for r in among.rows:  # never a worse place among fewer areas
        assert r.rank <= ranks[r.area_code]
