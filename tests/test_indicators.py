"""Indicators, targets, labels and the tick, on the fictional county of examples/county_ranking.py.

The county ranks its towns each quarter by 40% start rate + 30% investment completion + 30%
ticket satisfaction; the worked figures are in ``docs/indicators.md``. Every scenario runs on
SQLite, PostgreSQL and MariaDB through the ``db_url`` fixture.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife import connect
from projlife.actions import LAGGING_FLAG, tick
from projlife.app.application import Projlife
from projlife.domain.actor import Role
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.periods import Period
from projlife.engine.indicator_ranking import rank_by_indicators
from projlife.plugins import get_plugin_manager, rule_set
from projlife.plugins.city_extras import city_indicators, city_labels, indicator_rankings
from projlife.plugins.manager import PluginError, city_profiles
from projlife.plugins.types import CityProfile
from projlife.reports.bulletin import build_bulletin
from projlife.reports.render_md import bulletin_markdown

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import county_ranking as county

Q1 = Period.parse("2025-Q1")

_TEST_CITY = CityProfile(
    slug="testcity",
    code="990800",
    name_zh="测试市",
    name_en="Test city",
    areas=AreaTree(
        [Area("990800", "测试市", AreaLevel.CITY), Area("990801", "甲县", AreaLevel.COUNTY, "990800")]
    ),
)
END = date(2025, 3, 31)


@pytest.fixture
def xinghe(db_url: str) -> Iterator[Projlife]:
    pm = get_plugin_manager(plugins=[("xinghe", county)])
    app = connect(db_url, create_tables=True, plugin_manager=pm)
    try:
        county.record_first_quarter(app)
        yield app
    finally:
        app.close()


def test_the_weighted_ranking_gives_the_banner_to_the_town_the_county_counts_first(xinghe: Projlife) -> None:
    r = rank_by_indicators(xinghe, "xinghe", Q1, END)
    assert [(row.area_name, row.score) for row in r.rows] == [
        ("西镇", Decimal("0.8")),
        ("东镇", Decimal("0.7")),
        ("南街道", Decimal("0.6")),
        ("星河工业园区", Decimal("0")),
    ]
    assert [row.area_name for row in r.top] == ["西镇"] and r.top_award == "流动红旗"
    assert [row.area_name for row in r.bottom] == ["星河工业园区"] and r.bottom_award == "表态发言"


def test_each_figure_carries_its_numerator_denominator_and_the_target_it_was_measured_against(
    xinghe: Projlife,
) -> None:
    r = rank_by_indicators(xinghe, "xinghe", Q1, END)
    east = next(row for row in r.rows if row.area_code == "990901")
    values = {v.indicator: v for v in east.values}
    assert (values["start-rate.signed"].numerator, values["start-rate.signed"].denominator) == (2, 2)
    completion = values["investment.completion"]
    assert (completion.numerator, completion.denominator) == (Decimal("50000000"), Decimal("100000000"))
    assert completion.against == ("area:990901:investment:2025-Q1@2",)
    assert (values["tickets.satisfaction"].numerator, values["tickets.satisfaction"].denominator) == (1, 2)
    assert "area:990903:investment:2025-Q1@4" in r.measured_against


def test_completion_above_plan_is_capped_by_target_ratio_normalisation(xinghe: Projlife) -> None:
    r = rank_by_indicators(xinghe, "xinghe", Q1, END)
    south = next(row for row in r.rows if row.area_code == "990903")
    assert {v.indicator: v.value for v in south.values}["investment.completion"] == Decimal("1.5")
    assert dict(south.points)["investment.completion"] == Decimal("0.3")


def test_a_target_set_later_than_the_as_of_date_is_not_measured_against(xinghe: Projlife) -> None:
    from projlife.domain.actor import Actor
    from projlife.targets import TargetRow

    xinghe.targets.set_target(
        "xinghe",
        TargetRow("area", "990902", "investment", "2025-Q1", "100000000"),
        occurred_on=date(2025, 4, 2),
        actor=Actor("office-xh", Role.ADMIN),
        reason="目标调整",
    )
    before = rank_by_indicators(xinghe, "xinghe", Q1, END)
    after = rank_by_indicators(xinghe, "xinghe", Q1, date(2025, 4, 3))
    west = lambda r: next(row for row in r.rows if row.area_code == "990902")  # noqa: E731
    assert {v.indicator: v.denominator for v in west(before).values}["investment.completion"] == Decimal(
        50000000
    )
    assert {v.indicator: v.denominator for v in west(after).values}["investment.completion"] == Decimal(
        100000000
    )


def test_the_bulletin_uses_the_countys_words_and_its_indicator_ranking(xinghe: Projlife) -> None:
    xinghe.projections.run()
    md = bulletin_markdown(build_bulletin(xinghe, "xinghe", kind="quarterly", as_of=END))
    assert "## 七、镇街(园区)排名" in md and "## 二、各镇街(园区)推进情况" in md
    assert "| 1 | 西镇 |" in md and "流动红旗" in md and "表态发言" in md
    assert "本市规则未设县区排名" not in md
    assert "## 附：流动红旗" in md  # the plugin's own section, after the library's
    assert "| 南街道 | 30,000,000 | 20,000,000 | 150.0% |" in md  # 投资完成率 against the 目标责任书


def test_a_label_the_county_does_not_set_keeps_the_library_word_with_its_own_whole() -> None:
    from projlife.plugins.labels import Labels
    from projlife.reports.terms import term

    county_words = Labels({"whole": ("全县", "county-wide")})
    assert term("city_wide_quotas", "zh") == "全市目标"
    assert term("city_wide_quotas", "zh", labels=county_words) == "全县目标"
    assert term("top", "zh", labels=county_words, n=2) == "前2名"
    with pytest.raises(ValueError, match="did you mean 'ranking'"):
        Labels({"rankng": "排名"})


def test_installing_the_county_changes_no_built_in_citys_rule_set_hash() -> None:
    alone = get_plugin_manager()
    beside = get_plugin_manager(plugins=[("xinghe", county)])
    for slug, city in city_profiles(alone).items():
        assert rule_set(beside, city, Q1).sha256 == rule_set(alone, city, Q1).sha256, slug
        assert city_labels(beside, city) == city_labels(alone, city)
        assert indicator_rankings(beside, city, Q1) == ()


def test_built_in_cities_supply_their_labels_through_the_hook() -> None:
    pm = get_plugin_manager()
    cities = city_profiles(pm)
    assert city_labels(pm, cities["jiangyan"]).term("top") == "流动红旗"
    assert city_labels(pm, cities["xiaogan"]).term("bottom") == "后{n}名（表态发言）"
    assert city_labels(pm, cities["zhumadian"]).term("ranking") == "七、县区排名"


def test_a_ranking_that_weights_an_unknown_indicator_names_the_plugin_and_the_near_miss() -> None:
    from projlife.plugins import hookimpl
    from projlife.plugins.indicators import IndicatorRanking, WeightedIndicator

    class Typo:
        @hookimpl
        def projlife_city(self) -> CityProfile:
            return _TEST_CITY

        @hookimpl
        def projlife_indicator_rankings(self, city: object, period: Period) -> list[IndicatorRanking]:
            return [IndicatorRanking("q", "排名", "quarter", [WeightedIndicator("tickets.satisfactoin", 1)])]

    pm = get_plugin_manager(plugins=[("typo", Typo())])
    with pytest.raises(PluginError, match="typo") as exc:
        indicator_rankings(pm, _TEST_CITY, Q1)
    assert "tickets.satisfaction" in str(exc.value)


def test_an_indicator_id_may_not_shadow_a_built_in_one() -> None:
    from projlife.plugins import hookimpl
    from projlife.plugins.indicators import TICKET_SATISFACTION

    class Shadow:
        @hookimpl
        def projlife_city(self) -> CityProfile:
            return _TEST_CITY

        @hookimpl
        def projlife_indicators(self, city: object) -> list[object]:
            return [TICKET_SATISFACTION]

    pm = get_plugin_manager(plugins=[("shadow", Shadow())])
    with pytest.raises(PluginError, match="already defined"):
        city_indicators(pm, _TEST_CITY)


def test_tick_flags_escalates_and_flags_lagging_with_the_system_actor_and_the_rule_set_hash(
    xinghe: Projlife,
) -> None:
    (report,) = tick(xinghe, END, cities=["xinghe"])
    kinds = sorted((a.rule, a.target) for a in report.actions)
    assert kinds == [
        ("plan.lagging", "XH-05"),
        ("signed.start-60d", "XH-05"),
        ("tickets.escalation", "XH-T-02"),
        ("tickets.escalation", "XH-T-05"),
    ]
    year = rule_set(xinghe.plugins, xinghe.city("xinghe"), Period.parse("2025"))
    assert report.rule_set_sha256 == year.sha256
    events = _events_of(xinghe, "XH-05")
    flags = [e for e in events if type(e).__name__ == "Flagged"]
    assert {e.flag for e in flags} == {"guapai", LAGGING_FLAG}
    for e in flags:
        assert e.actor.role is Role.SYSTEM
        assert f"rules:sha256:{year.sha256}" in e.evidence


def test_tick_twice_for_the_same_date_writes_nothing_new(xinghe: Projlife) -> None:
    tick(xinghe, END, cities=["xinghe"])
    head = xinghe.store.recorder.max_notification_id()
    (again,) = tick(xinghe, END, cities=["xinghe"])
    assert again.actions == ()
    assert xinghe.store.recorder.max_notification_id() == head


def test_a_dry_run_lists_what_is_due_and_writes_nothing(xinghe: Projlife) -> None:
    head = xinghe.store.recorder.max_notification_id()
    (report,) = tick(xinghe, END, cities=["xinghe"], dry_run=True)
    assert len(report.actions) == 4
    assert xinghe.store.recorder.max_notification_id() == head


def test_a_late_ticket_climbs_one_rung_per_lateness_not_one_per_tick(xinghe: Projlife) -> None:
    tick(xinghe, END, cities=["xinghe"])
    tick(xinghe, date(2025, 4, 10), cities=["xinghe"])
    ticket = xinghe.tickets.find("990900", "XH-T-05")
    assert ticket.escalation_level == 1


def _events_of(app: Projlife, code: str) -> list[object]:
    from projlife.domain.project import project_id_for

    pid = project_id_for("990900", code)
    return list(app.store.repository.event_store.get(pid))


# -- ranking invariants (pure scoring, no database) ---------------------------------------------

_RATES = st.one_of(st.none(), st.decimals(min_value=0, max_value=1, places=2))


@given(
    st.lists(st.tuples(_RATES, _RATES), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=3),
)
def test_ties_share_a_rank_and_no_area_is_both_praised_and_blamed(
    rows: list[tuple[Decimal | None, Decimal | None]], top_n: int, bottom_n: int
) -> None:
    from projlife.engine.indicator_ranking import IndicatorRankingResult, score_areas
    from projlife.plugins.indicators import WeightedIndicator
    from projlife.projections.counting.indicators import IndicatorValue

    terms = [WeightedIndicator("a", "0.6"), WeightedIndicator("b", "0.4", "share_of_max")]
    areas = [(f"A{i}", f"town{i}") for i in range(len(rows))]
    values = {
        "a": {code: IndicatorValue("a", r[0]) for (code, _), r in zip(areas, rows, strict=True)},
        "b": {code: IndicatorValue("b", r[1]) for (code, _), r in zip(areas, rows, strict=True)},
    }
    ranked = score_areas(terms, values, areas)
    for r in ranked:
        assert r.rank == 1 + sum(1 for o in ranked if o.score > r.score)
        assert all(o.rank == r.rank for o in ranked if o.score == r.score)
    assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
    result = IndicatorRankingResult(
        "c", "r", "t", Q1, END, "h", "h", ranked, top_n, bottom_n, "top", "bottom"
    )
    top, bottom = {r.area_code for r in result.top}, {r.area_code for r in result.bottom}
    assert not top & bottom
    if len({r.score for r in ranked}) == 1:
        assert not top and not bottom
    doubled = score_areas([attrs.evolve(t, weight=t.weight * 2) for t in terms], values, areas)
    assert [r.area_code for r in doubled] == [r.area_code for r in ranked]


def test_the_countys_bulletin_json_validates_against_the_bulletin_schema(xinghe: Projlife) -> None:
    import json

    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    from projlife.reports.render_md import bulletin_json
    from projlife.schemas import SCHEMAS, schema

    xinghe.projections.run()
    data = json.loads(bulletin_json(build_bulletin(xinghe, "xinghe", kind="quarterly", as_of=END)))
    assert data["indicator_rankings"][0]["top"] == ["990902"] and data["labels"]["top"] == [
        "流动红旗",
        "red banner",
    ]
    registry: Registry[object] = Registry().with_resources(
        [(f"{n}.schema.json", Resource.from_contents(schema(n))) for n in SCHEMAS]
    )
    validator = Draft202012Validator(schema("bulletin"), registry=registry)
    assert [e.message for e in validator.iter_errors(data)] == []
