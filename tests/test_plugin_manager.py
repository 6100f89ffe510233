"""The plugin manager: discovery, environment switches, loud failures that name the plugin."""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from projlife.calendar import WorkdayCalendar
from projlife.domain.errors import Problem
from projlife.domain.periods import Period
from projlife.plugins import (
    CityProfile,
    PluginError,
    QuotaRule,
    city_calendar,
    city_profiles,
    get_plugin_manager,
    hookimpl,
    plugin_hooks,
    rule_set,
)
from projlife.plugins.cities import xiaogan
from projlife.plugins.manager import call_first, call_hook, hook_names, validate_command
from projlife.plugins.rules import Measure, Metric

BUILT_INS = {"jiangyan", "xiamen", "xiaogan", "zhumadian"}
Y2024 = Period.parse("2024")


def plugin(name: str, governs: tuple[str, ...] = (), **hooks: Any) -> types.ModuleType:
    """A plugin module with the given hook functions (already decorated or not), governing the
    codes ``governs``."""
    module = types.ModuleType(name)
    for hook, fn in hooks.items():
        setattr(module, hook, fn)
    if governs:
        module.projlife_jurisdiction = hookimpl(lambda: list(governs))  # type: ignore[attr-defined]
    return module


XG = (xiaogan.CITY.code,)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("PROJLIFE_PLUGINS", raising=False)
    yield monkeypatch


def test_built_in_cities_are_found_through_the_entry_point_group(clean_env: pytest.MonkeyPatch) -> None:
    pm = get_plugin_manager()
    assert set(city_profiles(pm)) >= BUILT_INS
    assert "projlife_city" in plugin_hooks(pm)["xiaogan"]


def test_disable_switch_loads_no_entry_points(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("PROJLIFE_DISABLE_PLUGINS", "1")
    assert city_profiles(get_plugin_manager()) == {}


def test_only_switch_loads_just_the_named_plugins(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("PROJLIFE_PLUGINS", "xiaogan, zhumadian")
    assert set(city_profiles(get_plugin_manager())) == {"xiaogan", "zhumadian"}


def test_a_misspelled_hook_fails_loudly_naming_plugin_and_closest_hook(clean_env: pytest.MonkeyPatch) -> None:
    @hookimpl
    def projlife_quota(city: CityProfile) -> None:
        return None

    with pytest.raises(PluginError) as err:
        get_plugin_manager(
            load_entry_points=False, plugins=[("typo-city", plugin("t", projlife_quota=projlife_quota))]
        )
    assert err.value.plugin == "typo-city"
    assert err.value.hook == "projlife_quota"
    assert "did you mean 'projlife_quotas'" in str(err.value)


def test_a_hook_without_hookimpl_is_refused_rather_than_silently_ignored() -> None:
    def projlife_city() -> None:
        return None

    with pytest.raises(PluginError, match="without @hookimpl"):
        get_plugin_manager(
            load_entry_points=False, plugins=[("bare", plugin("b", projlife_city=projlife_city))]
        )


def test_a_hook_with_a_parameter_the_spec_lacks_is_refused() -> None:
    @hookimpl
    def projlife_quotas(city: CityProfile, year: int) -> None:
        return None

    with pytest.raises(PluginError) as err:
        get_plugin_manager(
            load_entry_points=False, plugins=[("bad-args", plugin("b", projlife_quotas=projlife_quotas))]
        )
    assert err.value.plugin == "bad-args"


def test_a_crashing_hook_is_reported_with_the_plugin_name_and_the_cause() -> None:
    @hookimpl
    def projlife_quotas(city: CityProfile) -> None:
        raise ZeroDivisionError("boom")

    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("crashy", plugin("c", XG, projlife_quotas=projlife_quotas))],
    )
    with pytest.raises(PluginError) as err:
        rule_set(pm, xiaogan.CITY, Y2024)
    assert err.value.plugin == "crashy"
    assert err.value.hook == "projlife_quotas"
    assert isinstance(err.value.__cause__, ZeroDivisionError)
    assert "crashy" in str(err.value) and "boom" in str(err.value)


def test_a_wrongly_typed_answer_is_a_contract_error_naming_the_plugin() -> None:
    @hookimpl
    def projlife_major_threshold(city: CityProfile) -> Any:
        return 100_000_000  # an int, not Money

    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("loose", plugin("l", XG, projlife_major_threshold=projlife_major_threshold))],
    )
    with pytest.raises(PluginError, match="returned int, not Money") as err:
        rule_set(pm, xiaogan.CITY, Y2024)
    assert err.value.plugin == "loose"


def test_a_rate_outside_zero_one_from_a_plugin_is_refused() -> None:
    @hookimpl
    def projlife_revisit_sample_rate(city: CityProfile) -> Decimal:
        return Decimal("1.5")

    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("greedy", plugin("g", XG, projlife_revisit_sample_rate=projlife_revisit_sample_rate))],
    )
    with pytest.raises(PluginError, match=r"within \[0, 1\]") as err:
        rule_set(pm, xiaogan.CITY, Y2024)
    assert err.value.plugin == "greedy"


def test_a_satisfaction_bar_off_the_five_point_scale_is_refused_naming_the_plugin() -> None:
    @hookimpl
    def projlife_satisfaction_bar(city: CityProfile) -> Decimal:
        return Decimal("0.8")  # the old 0–1 share: refused, the bar is a point 1–5

    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("share", plugin("s", XG, projlife_satisfaction_bar=projlife_satisfaction_bar))],
    )
    with pytest.raises(PluginError, match="not int") as err:
        rule_set(pm, xiaogan.CITY, Y2024)
    assert err.value.plugin == "share" and err.value.hook == "projlife_satisfaction_bar"


def test_an_empty_escalation_ladder_is_refused_naming_the_plugin() -> None:
    @hookimpl
    def projlife_escalation_ladder(city: CityProfile) -> list[object]:
        return []

    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("bare", plugin("b", XG, projlife_escalation_ladder=projlife_escalation_ladder))],
    )
    with pytest.raises(PluginError, match="at least one step") as err:
        rule_set(pm, xiaogan.CITY, Y2024)
    assert err.value.plugin == "bare"


def test_two_plugins_declaring_one_city_are_refused_at_load_naming_both() -> None:
    twin = plugin("twin", projlife_city=hookimpl(lambda: xiaogan.CITY))
    with pytest.raises(PluginError, match=r"'xiaogan'.*'twin'") as err:
        get_plugin_manager(load_entry_points=False, plugins=[("xiaogan", xiaogan), ("twin", twin)])
    assert err.value.plugin == "twin" and "420900" in str(err.value)


def test_first_result_hooks_take_the_first_answer_and_collected_hooks_concatenate() -> None:
    @hookimpl
    def validate(city: CityProfile, command: object) -> list[Problem]:
        return [Problem("x", "no")]

    city_only = plugin("x", projlife_city=hookimpl(lambda: xiaogan.CITY))
    a = plugin("a", projlife_cross_city_validate_command=validate)
    b = plugin("b", projlife_cross_city_validate_command=validate)
    pm = get_plugin_manager(load_entry_points=False, plugins=[("xiaogan", city_only), ("a", a), ("b", b)])
    # pluggy asks the last registered plugin first; collected answers are concatenated
    assert [name for name, _ in call_hook(pm, "projlife_cross_city_validate_command", **_cmd())] == ["b", "a"]
    assert len(validate_command(pm, xiaogan.CITY, None, None)) == 2
    assert call_first(pm, "projlife_cross_city_validate_command", **_cmd())[0] == "b"  # type: ignore[index]


def _cmd() -> dict[str, Any]:
    return {"city": xiaogan.CITY, "command": None, "project": None}


def test_two_plugins_defining_one_quota_id_are_refused() -> None:
    @hookimpl
    def projlife_quotas(city: CityProfile, period: Period) -> list[QuotaRule]:
        return [
            QuotaRule("same", "x", Metric(Measure.STAGE_ENTRIES, "signed"), 1, "quarter"),
            QuotaRule("same", "y", Metric(Measure.STAGE_ENTRIES, "signed"), 2, "quarter"),
        ]

    pm = get_plugin_manager(
        load_entry_points=False, plugins=[("p1", plugin("p1", XG, projlife_quotas=projlife_quotas))]
    )
    with pytest.raises(PluginError, match="share the id 'same'") as err:
        rule_set(pm, xiaogan.CITY, Y2024)
    assert err.value.plugin == "p1"


def test_calendar_overrides_from_plugins_layer_over_the_official_table() -> None:
    # 2027 has no packaged table: a plugin supplies the official one (Spring Festival days off)
    table = WorkdayCalendar(holidays=[date(2027, 2, 8), date(2027, 2, 9)], official_years=[2027])

    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("cal2027", plugin("c", projlife_cross_city_calendar=hookimpl(lambda city: table)))],
    )
    cal = city_calendar(pm, xiaogan.CITY)
    assert cal.is_holiday(date(2027, 2, 8))
    assert not cal.is_provisional(date(2027, 3, 1))
    assert WorkdayCalendar.china().is_provisional(date(2027, 3, 1))
    # the official 2024 table is still underneath: 2024-02-04 (Sunday) was a make-up workday
    assert cal.is_workday(date(2024, 2, 4))
    assert rule_set(pm, xiaogan.CITY, Y2024).calendar.official_years == frozenset({2027})


def test_every_hookspec_is_prefixed_and_documented_with_how_it_is_called() -> None:
    from projlife.plugins import hookspecs

    names = hook_names()
    assert len(names) >= 12
    for name in names:
        doc = getattr(hookspecs, name).__doc__ or ""
        assert ":returns:" in doc, name
        assert ("*First result*" in doc) == (name in hookspecs.FIRST_RESULT_HOOKS), name
        if name.startswith(hookspecs.CROSS_CITY_PREFIX):
            assert doc.startswith("Cross-city"), name
        assert "*All collected*" in doc or "*First result*" in doc, name
