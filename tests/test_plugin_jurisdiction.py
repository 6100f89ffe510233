"""Plugins are bound to their jurisdiction, fail closed and clear, and share one scope (issue 16)."""

from __future__ import annotations

import types
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from projlife.app.application import Projlife, connect
from projlife.calendar import DeadlineRule
from projlife.domain.areas import AreaLevel
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period
from projlife.plugins import (
    AreaScope,
    CityProfile,
    DeadlineSpec,
    EventRef,
    Measure,
    Metric,
    PluginError,
    QuotaRule,
    get_plugin_manager,
    hookimpl,
    rule_set,
)
from projlife.plugins.cities import xiaogan, zhumadian
from projlife.plugins.cities._areas import area_tree
from projlife.plugins.counting_policy import CountingPolicy, DriveScope
from projlife.plugins.manager import call_hook, jurisdictions, plugin_failures
from projlife.reports.bulletin import build_bulletin

Y2024 = Period.parse("2024")
COUNTY = CityProfile(
    slug="demo_county",
    code="990900",
    name_zh="示例县",
    name_en="Demo county",
    areas=area_tree(("990900", "示例县"), [("990901", "东镇"), ("990902", "西镇")]),
)
CLERK = {"id": "clerk-1", "role": "clerk"}


def plugin(name: str = "demo_county", **hooks: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.projlife_city = hookimpl(lambda: COUNTY)  # type: ignore[attr-defined]
    for hook, fn in hooks.items():
        setattr(module, hook, hookimpl(fn))
    return module


def careless_quotas(city: CityProfile, period: Period) -> list[QuotaRule]:
    """Forgets to compare ``city``."""
    return [QuotaRule("county.signed", "签约", Metric(Measure.STAGE_ENTRIES, "signed"), 3, "quarter")]


# -- bound to the jurisdiction ------------------------------------------------------------------


def test_a_rule_hook_is_asked_only_of_the_plugin_governing_the_city() -> None:
    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("zhumadian", zhumadian), ("demo_county", plugin(projlife_quotas=careless_quotas))],
    )
    assert jurisdictions(pm) == {"demo_county": frozenset({"990900"}), "zhumadian": frozenset({"411700"})}
    asked = [name for name, _ in call_hook(pm, "projlife_quotas", city=zhumadian.CITY, period=Y2024)]
    assert asked == ["zhumadian"]
    alone = get_plugin_manager(load_entry_points=False, plugins=[("zhumadian", zhumadian)])
    assert rule_set(pm, zhumadian.CITY, Y2024).sha256 == rule_set(alone, zhumadian.CITY, Y2024).sha256
    assert [q.id for q in rule_set(pm, COUNTY, Y2024).quotas] == ["county.signed"]


def test_a_plugin_with_rule_hooks_but_no_jurisdiction_is_refused_naming_it() -> None:
    orphan = types.ModuleType("orphan")
    orphan.projlife_quotas = hookimpl(careless_quotas)  # type: ignore[attr-defined]
    with pytest.raises(PluginError, match=r"'orphan'.*governs none") as err:
        get_plugin_manager(load_entry_points=False, plugins=[("orphan", orphan)])
    assert err.value.plugin == "orphan" and "projlife_cross_city_" in str(err.value)


def test_a_claim_on_a_code_another_plugin_governs_is_refused_at_load() -> None:
    grabby = plugin("grabby", projlife_jurisdiction=lambda: ["420900"], projlife_quotas=careless_quotas)
    with pytest.raises(PluginError, match="'xiaogan' already governs 420900") as err:
        get_plugin_manager(load_entry_points=False, plugins=[("xiaogan", xiaogan), ("grabby", grabby)])
    assert err.value.plugin == "grabby"


# -- fail closed and clear -------------------------------------------------------------------------


def raising_quotas(city: CityProfile, period: Period) -> list[QuotaRule]:
    raise KeyError("quota table")


@pytest.fixture
def half_broken(tmp_path: Path) -> Iterator[Projlife]:
    pm = get_plugin_manager(
        load_entry_points=False,
        plugins=[("xiaogan", xiaogan), ("demo_county", plugin(projlife_quotas=raising_quotas))],
        strict=False,
    )
    app = connect(f"sqlite:///{tmp_path / 'p.db'}", create_tables=True, plugin_manager=pm)
    try:
        yield app
    finally:
        app.close()


def test_a_plugin_that_raises_is_named_and_the_other_cities_keep_working(half_broken: Projlife) -> None:
    (failure,) = plugin_failures(half_broken.plugins)
    assert failure.name == "demo_county" and "KeyError" in failure.error
    assert set(failure.cities) == {"demo_county", "990900"}
    # the other city works: its commands and rules
    assert half_broken.city("xiaogan").code == "420900"
    half_broken.projects.execute(
        {"command": "conceive", "code": "A1", "project_name": "甲", "city_code": "420900", "area_code": "420902",
         "category": "industrial", "planned_investment_yuan": "300000000", "occurred_on": "2024-03-01",
         "actor": CLERK, "reserved": True}
    )  # fmt: skip
    assert rule_set(half_broken.plugins, xiaogan.CITY, Y2024).city == "xiaogan"
    # the broken city's commands fail naming its plugin
    for ref in ("demo_county", "990900"):
        with pytest.raises(PluginError, match="plugin 'demo_county' failed to load") as err:
            half_broken.city(ref)
        assert err.value.plugin == "demo_county"
    with pytest.raises(PluginError, match="demo_county"):
        half_broken.projects.execute(
            {"command": "conceive", "code": "B1", "project_name": "乙", "city_code": "990900",
             "area_code": "990901", "category": "industrial", "planned_investment_yuan": "300000000",
             "occurred_on": "2024-03-01", "actor": CLERK}
        )  # fmt: skip


def test_a_strict_manager_refuses_the_raising_plugin_naming_it() -> None:
    with pytest.raises(PluginError, match=r"'demo_county'.*KeyError") as err:
        get_plugin_manager(
            load_entry_points=False, plugins=[("demo_county", plugin(projlife_quotas=raising_quotas))]
        )
    assert err.value.plugin == "demo_county" and err.value.hook == "projlife_quotas"


def test_an_unknown_name_in_projlife_plugins_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PROJLIFE_DISABLE_PLUGINS", raising=False)
    monkeypatch.setenv("PROJLIFE_PLUGINS", "xiaogan,xiaogn")
    with pytest.raises(PluginError, match="no installed plugin is named 'xiaogn'"):
        get_plugin_manager()
    with pytest.raises(PluginError, match="xiaogn"):
        get_plugin_manager(strict=False)
    from projlife.cli.app import main

    assert main(["plugins", "--json"]) != 0
    assert "xiaogn" in capsys.readouterr().err


# -- rule values validated at registration ---------------------------------------------------


def _deadline(**changes: Any) -> DeadlineSpec:
    fields: dict[str, Any] = {
        "id": "team-60d",
        "title_zh": "组建专班",
        "trigger": EventRef.stage("signed"),
        "target": EventRef.event("projlife:Project.TeamFormed"),
        "rule": DeadlineRule.parse("60 days"),
        "flag": "team-overdue",
    }
    return DeadlineSpec(**{**fields, **changes})


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        ([_deadline(target=EventRef.event("projlife:Project.TeamFromed"))], "could never be met.*TeamFormed"),
        ([_deadline(flag="挂牌 提醒")], "flag '挂牌 提醒' is a name FlagProject refuses"),
        (["60 working days"], "returned str, not a sequence of DeadlineSpec|not DeadlineSpec"),
    ],
    ids=["topic-typo", "flag-name", "plain-string"],
)
def test_a_deadline_projlife_could_never_apply_is_refused_at_registration(answer: Any, match: str) -> None:
    with pytest.raises(PluginError, match=match) as err:
        get_plugin_manager(
            load_entry_points=False, plugins=[("demo_county", plugin(projlife_deadlines=lambda city: answer))]
        )
    assert err.value.plugin == "demo_county" and err.value.hook == "projlife_deadlines"


def test_a_scope_at_a_level_with_no_areas_is_refused_at_registration() -> None:
    towns = QuotaRule(
        "towns.signed",
        "签约",
        Metric(Measure.STAGE_ENTRIES, "signed"),
        1,
        "quarter",
        AreaScope(level=AreaLevel.TOWN),
    )
    with pytest.raises(PluginError, match="town level, where demo_county has no areas") as err:
        get_plugin_manager(
            load_entry_points=False,
            plugins=[("demo_county", plugin(projlife_quotas=lambda city, period: [towns]))],
        )
    assert err.value.plugin == "demo_county" and err.value.hook == "projlife_quotas"


# -- one scope per jurisdiction ----------------------------------------------------------------


def test_a_5000_wan_scope_makes_the_bulletin_totals_count_only_projects_in_scope(tmp_path: Path) -> None:
    scope = DriveScope(min_amount=Money.wan(5000), source="5000万元以上")
    pm = get_plugin_manager(
        load_entry_points=False, plugins=[("demo_county", plugin(projlife_scope=lambda city: scope))]
    )
    app = connect(f"sqlite:///{tmp_path / 'p.db'}", create_tables=True, plugin_manager=pm)
    try:
        for code, wan in (("S1", 3000), ("S2", 4999), ("B1", 5000), ("B2", 8000), ("B3", 20000)):
            app.projects.execute(
                {"command": "conceive", "code": code, "project_name": code, "city_code": "990900",
                 "area_code": "990901", "category": "industrial",
                 "planned_investment_yuan": str(Decimal(wan) * 10_000), "occurred_on": "2024-01-05",
                 "actor": CLERK, "reserved": True}
            )  # fmt: skip
            pid = str(app.projects.find("990900", code).id)
            app.projects.execute(
                {"command": "sign", "project_id": pid, "amount_yuan": str(Decimal(wan) * 10_000),
                 "counterparty": "甲", "occurred_on": "2024-05-08", "actor": CLERK}
            )  # fmt: skip
        app.projections.run()
        b = build_bulletin(app, "demo_county", kind="quarterly", as_of=date(2024, 6, 30))
        assert b.totals.in_period[Stage.SIGNED] == 3  # B1, B2, B3: 5000万 and over
        assert b.totals.out_of_scope == 2 and b.projects == 3
        assert app.metrics.count_entries("signed", period="2024-Q2", city="demo_county").count == 3
        assert rule_set(pm, COUNTY, Y2024).counting.scope == scope
    finally:
        app.close()


def test_a_scope_of_area_kinds_keeps_the_projects_under_those_areas() -> None:
    tree = xiaogan.CITY.areas
    zones = DriveScope(area_kinds=["zone"]).resolved(tree)
    zone = next(a for a in tree if a.is_zone)
    county = next(a for a in tree.counties if not a.is_zone)
    assert zones.matches(Money.yi(1), xiaogan_category(), zone.code)
    assert not zones.matches(Money.yi(1), xiaogan_category(), county.code)
    with pytest.raises(ValueError, match="unknown area kind"):
        DriveScope(area_kinds=["village"])


def xiaogan_category() -> Any:
    from projlife.domain.classification import ProjectCategory

    return ProjectCategory("industrial")


def test_a_scope_given_twice_is_refused_naming_the_plugin() -> None:
    twice = plugin(
        projlife_scope=lambda city: DriveScope(min_amount=Money.wan(5000)),
        projlife_counting_policy=lambda city: CountingPolicy(scope=DriveScope(min_amount=Money.yi(1))),
    )
    with pytest.raises(PluginError, match="both projlife_scope and projlife_counting_policy") as err:
        get_plugin_manager(load_entry_points=False, plugins=[("demo_county", twice)])
    assert err.value.plugin == "demo_county"


# -- tracing ---------------------------------------------------------------------------------


def test_trace_switch_writes_each_hook_call_with_its_plugin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PROJLIFE_TRACE_PLUGINS", "1")
    pm = get_plugin_manager(
        load_entry_points=False, plugins=[("demo_county", plugin(projlife_quotas=careless_quotas))]
    )
    rule_set(pm, COUNTY, Y2024)
    err = capsys.readouterr().err
    assert "projlife_quotas [demo_county]" in err and "city=demo_county" in err and "1 item(s)" in err
