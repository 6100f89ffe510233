"""The conformance kit can fail: it catches plugins that break its invariants."""

from __future__ import annotations

import itertools
import types
from datetime import date

import pytest

from projlife.calendar import WorkdayCalendar
from projlife.domain.errors import Problem
from projlife.domain.periods import Period
from projlife.plugins import CityProfile, Measure, Metric, PluginError, QuotaRule, hookimpl, rule_set
from projlife.plugins.cities import xiaogan, zhumadian
from projlife.plugins.cities._areas import area_tree
from projlife.testing.conformance import CityPluginConformance


def _module(**hooks: object) -> types.ModuleType:
    m = types.ModuleType("bad_plugin")
    for name, fn in hooks.items():
        setattr(m, name, fn)
    return m


def test_the_kit_catches_a_rule_set_that_changes_between_calls() -> None:
    counter = itertools.count(1)

    @hookimpl
    def projlife_quotas(city: CityProfile, period: Period) -> list[QuotaRule]:
        return [
            QuotaRule("drifting", "漂移", Metric(Measure.STAGE_ENTRIES, "signed"), next(counter), "quarter")
        ]

    class Kit(CityPluginConformance):
        plugin = _module(projlife_city=hookimpl(lambda: xiaogan.CITY), projlife_quotas=projlife_quotas)

    with pytest.raises(AssertionError, match="differ between two calls"):
        Kit().test_rule_set_hash_is_stable()


def test_the_kit_catches_a_plugin_declaring_no_city() -> None:
    class Kit(CityPluginConformance):
        plugin = _module(projlife_city=hookimpl(lambda: None))

    with pytest.raises(AssertionError, match="declares one city"):
        Kit().test_declares_exactly_one_city_with_areas()


def test_the_kit_catches_a_policy_hook_that_raises() -> None:
    @hookimpl
    def projlife_validate_command(city: CityProfile, command: object) -> None:
        raise RuntimeError("policy bug")

    class Kit(CityPluginConformance):
        plugin = _module(
            projlife_city=hookimpl(lambda: xiaogan.CITY), projlife_validate_command=projlife_validate_command
        )

    with pytest.raises(Exception, match="policy bug"):
        Kit().test_command_policy_answers_with_problems_and_never_raises()


# -- beside the built-in cities (issue 16: the kit used to register the plugin alone) -----------

TOWNVILLE = CityProfile(
    slug="townville",
    code="990900",
    name_zh="示例县",
    name_en="Townville",
    areas=area_tree(("990900", "示例县"), [("990901", "东镇"), ("990902", "西镇")]),
)


@hookimpl
def careless_quotas(city: CityProfile, period: Period) -> list[QuotaRule]:
    """Forgets to compare ``city``: answers for every city it is asked about."""
    return [QuotaRule("careless.signed", "签约", Metric(Measure.STAGE_ENTRIES, "signed"), 3, "quarter")]


@hookimpl
def every_city_calendar(city: CityProfile) -> WorkdayCalendar:
    """Answers for every city through a cross-city hook: a day off everywhere."""
    return WorkdayCalendar(holidays=[date(2024, 6, 3)])


@hookimpl
def every_city_policy(city: CityProfile, command: object) -> list[Problem]:
    return [Problem("code", "this county refuses every city's projects")]


def test_a_plugin_that_forgets_to_compare_city_cannot_change_the_built_in_cities() -> None:
    class Kit(CityPluginConformance):
        plugin = _module(projlife_city=hookimpl(lambda: TOWNVILLE), projlife_quotas=careless_quotas)
        plugin_name = "townville"

    Kit().test_installs_beside_the_built_in_cities_without_changing_their_rule_set_hashes()
    beside = Kit().beside_neighbours()
    assert [q.id for q in rule_set(beside, zhumadian.CITY, Period.parse("2024")).quotas] == [
        q.id for q in rule_set(Kit().neighbours_alone(), zhumadian.CITY, Period.parse("2024")).quotas
    ]
    assert [q.id for q in rule_set(beside, TOWNVILLE, Period.parse("2024")).quotas] == ["careless.signed"]


def test_the_kit_fails_a_plugin_that_answers_for_every_city() -> None:
    class Kit(CityPluginConformance):
        plugin = _module(
            projlife_city=hookimpl(lambda: TOWNVILLE),
            projlife_cross_city_calendar=every_city_calendar,
        )
        plugin_name = "townville"

    # alone, it passes the kit's own checks …
    Kit().test_rule_set_hash_is_stable()
    # … beside the built-in cities it is caught
    with pytest.raises(AssertionError, match="changes jiangyan's rule set for 2024"):
        Kit().test_installs_beside_the_built_in_cities_without_changing_their_rule_set_hashes()


def test_the_kit_fails_a_plugin_whose_cross_city_policy_changes_other_cities_verdicts() -> None:
    class Kit(CityPluginConformance):
        plugin = _module(
            projlife_city=hookimpl(lambda: TOWNVILLE),
            projlife_cross_city_validate_command=every_city_policy,
        )
        plugin_name = "townville"

    with pytest.raises(AssertionError, match="command policy"):
        Kit().test_installs_beside_the_built_in_cities_without_changing_their_verdicts()


def test_the_kit_fails_a_plugin_that_claims_a_built_in_citys_code() -> None:
    class Kit(CityPluginConformance):
        plugin = _module(
            projlife_city=hookimpl(lambda: TOWNVILLE),
            projlife_jurisdiction=hookimpl(lambda: ["411700"]),
            projlife_quotas=careless_quotas,
        )
        plugin_name = "townville"

    with pytest.raises(PluginError, match="'zhumadian' already governs 411700"):
        Kit().test_installs_beside_the_built_in_cities_without_changing_their_rule_set_hashes()


class TestABuiltInBesideTheOthers(CityPluginConformance):
    """The built-in cities pass the same check beside each other (see test_builtin_city_conformance)."""

    plugin = zhumadian
    plugin_name = "zhumadian"
