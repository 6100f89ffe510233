"""The conformance kit can fail: it catches plugins that break its invariants."""

from __future__ import annotations

import itertools
import types

import pytest

from projlife.domain.periods import Period
from projlife.plugins import CityProfile, Measure, Metric, QuotaRule, hookimpl
from projlife.plugins.cities import xiaogan
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
