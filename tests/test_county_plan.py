"""A county as its own top level, and its annual plan through every surface (issue 16).

The fictional county of ``examples/county_plan.py`` (云溪县) is the top of its area tree; its towns
and park are the units the ledger, the bulletin, the rankings and the server's scopes roll up
to. Each project's 年度计划投资, 工程进度目标 and 形象进度 reach the ledger rows and summary, the
Excel 台账, the OC4IDS export and the server's reads from the counting layer's one plan status;
a property test replays generated plans and compares every surface with the replay.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projlife import connect
from projlife.actions import tick
from projlife.app.application import Projlife
from projlife.domain.actor import Actor
from projlife.domain.areas import Area, AreaLevel, AreaTree
from projlife.domain.periods import Period
from projlife.engine.indicator_ranking import rank_by_indicators
from projlife.plugins import CityProfile, get_plugin_manager, hookimpl
from projlife.plugins.indicators import (
    PLAN_LAG,
    TICKET_SATISFACTION,
    IndicatorRanking,
    RankedSubjects,
    WeightedIndicator,
)
from projlife.plugins.manager import PluginError, city_profiles, rule_set
from projlife.plugins.rules import AreaScope, Measure, Metric, QuotaRule
from projlife.reports.bulletin import build_bulletin
from projlife.reports.ledger_export import PLAN_COLUMNS, PLAN_SHEET, export_ledger_xlsx
from projlife.reports.oc4ids import project_package
from projlife.server.app import create_app
from projlife.server.tokens import TokenStore
from projlife.targets import TargetRow

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

import county_plan as county

END = date(2025, 6, 30)
YEAR = Period.parse("2025")
WAN = Decimal(10_000)


@pytest.fixture
def yunxi(db_url: str) -> Iterator[Projlife]:
    pm = get_plugin_manager(plugins=[("yunxi", county)])
    app = connect(db_url, create_tables=True, plugin_manager=pm)
    try:
        county.record_first_half(app)
        yield app
    finally:
        app.close()


# -- the county as the top level ------------------------------------------------------------------


def test_a_county_tree_has_the_county_on_top_and_its_towns_as_units() -> None:
    tree = county.COUNTY.areas
    assert tree.top.code == "990700" and tree.top_is_county and tree.unit_level is AreaLevel.TOWN
    assert [a.code for a in tree.units] == ["990701", "990702", "990703"]
    assert tree.unit_of("990702").code == "990702" and tree.unit_of("990700") is None


def test_a_city_tree_keeps_its_counties_as_units() -> None:
    tree = AreaTree(
        [
            Area("420900", "孝感市", AreaLevel.CITY),
            Area("420902", "孝南区", AreaLevel.COUNTY, "420900"),
            Area("420902-1", "新铺镇", AreaLevel.TOWN, "420902"),
        ]
    )
    assert tree.units == tree.counties and tree.unit_level is AreaLevel.COUNTY
    assert tree.unit_of("420902-1").code == "420902"


@st.composite
def _trees(draw: st.DrawFn) -> AreaTree:
    """A city with counties and towns, or a county with towns, of random shape."""
    if draw(st.booleans()):
        areas = [Area("100", "县", AreaLevel.COUNTY)]
        areas += [Area(f"100-{i}", "镇", AreaLevel.TOWN, "100") for i in range(draw(st.integers(0, 4)))]
        return AreaTree(areas)
    areas = [Area("200", "市", AreaLevel.CITY)]
    for c in range(draw(st.integers(0, 3))):
        areas.append(Area(f"2{c}", "县", AreaLevel.COUNTY, "200", is_zone=draw(st.booleans())))
        areas += [Area(f"2{c}-{i}", "镇", AreaLevel.TOWN, f"2{c}") for i in range(draw(st.integers(0, 3)))]
    return AreaTree(areas)


@given(_trees())
def test_every_area_below_the_top_rolls_up_to_exactly_one_unit(tree: AreaTree) -> None:
    units = {a.code for a in tree.units}
    assert all(a.parent_code == tree.top.code for a in tree.units)
    assert tree.unit_of(tree.top.code) is None
    for a in tree:
        if a.code == tree.top.code:
            continue
        unit = tree.unit_of(a.code)
        assert unit is not None and unit.code in units
        assert unit.code == a.code or unit in tree.ancestors(a.code)
    assert tree.unit_level is (AreaLevel.TOWN if tree.top.level is AreaLevel.COUNTY else AreaLevel.COUNTY)


def test_a_county_plugin_whose_rule_competes_at_county_level_is_refused_naming_the_town_level() -> None:
    class Quota:
        @hookimpl
        def projlife_city(self) -> CityProfile:
            return county.COUNTY

        @hookimpl
        def projlife_quotas(self, city: CityProfile, period: Period) -> list[QuotaRule]:
            return [QuotaRule("q", "开工", Metric(Measure.STAGE_ENTRIES, "started"), 1, "quarter")]

    with pytest.raises(PluginError, match="compete at the town level"):
        pm = get_plugin_manager(plugins=[("yunxi", Quota())])
        rule_set(pm, city_profiles(pm)["yunxi"], Period.parse("2025-Q1"))
    fixed = QuotaRule(
        "q", "开工", Metric(Measure.STAGE_ENTRIES, "started"), 1, "quarter", scope=AreaScope(level="town")
    )
    assert [a.code for a in fixed.scope.areas(county.COUNTY.areas)] == ["990701", "990702", "990703"]


def test_the_ledger_and_the_bulletin_roll_up_to_the_towns(yunxi: Projlife) -> None:
    rows = yunxi.ledger.rows(city="yunxi", as_of=END)
    assert {r.code: r.county_code for r in rows} == {
        "YX-01": "990701",
        "YX-02": "990701",
        "YX-03": "990702",
        "YX-04": "990703",
    }
    assert yunxi.ledger.summary(city="yunxi", county="990701", as_of=END).projects == 2
    b = build_bulletin(yunxi, "yunxi", kind="monthly", as_of=END)
    assert [(c.area_code, c.name) for c in b.counties] == [
        ("990701", "城关镇"),
        ("990702", "河口镇"),
        ("990703", "云溪工业园区"),
    ]


def test_a_town_token_reads_its_town_and_the_county_token_reads_the_county(yunxi: Projlife) -> None:
    client = TestClient(create_app(yunxi))
    store = TokenStore(yunxi.engine)
    town = store.create("clerk-cg", "clerk", "990701").token
    whole = store.create("clerk-yx", "clerk", "990700").token

    def codes(token: str) -> list[str]:
        r = client.get("/api/ledger", params={"city": "yunxi"}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200, r.text
        return [row["code"] for row in r.json()["rows"]]

    assert codes(town) == ["YX-01", "YX-02"]
    assert codes(whole) == ["YX-01", "YX-02", "YX-03", "YX-04"]
    client.close()


# -- the annual plan through every surface ------------------------------------------------------


def _expected(code: str) -> dict[str, Any]:
    """The plan of one project of :data:`county.PROJECTS`, replayed by hand (6 months: 50%)."""
    _c, _t, _d, plan, invested, target, reached = next(p for p in county.PROJECTS if p[0] == code)
    due = Decimal(plan) * WAN / 2
    done = Decimal(invested) * WAN
    lag = done < Decimal("0.8") * due or Decimal(reached) < Decimal("0.8") * Decimal(target) / 2
    return {"plan": Decimal(plan) * WAN, "done": done, "due": due, "lagging": lag, "progress": reached}


def test_the_ledger_rows_and_summary_carry_the_plan_the_targets_and_progress_say(yunxi: Projlife) -> None:
    rows = yunxi.ledger.rows(city="yunxi", as_of=END, with_plan=True)
    for r in rows:
        want, p = _expected(r.code), r.plan
        assert p is not None
        assert (p.investment_plan, p.investment_done, p.investment_due) == (
            want["plan"],
            want["done"],
            want["due"],
        )
        assert (p.lagging, p.progress_percent) == (want["lagging"], want["progress"])
    assert [r.code for r in rows if r.plan and r.plan.lagging] == ["YX-02"]
    line = yunxi.ledger.summary(city="yunxi", as_of=END, with_plan=True).plan
    assert line is not None
    assert (line.planned, line.done, line.lagging) == (Decimal(360_000_000), Decimal(180_000_000), 1)
    town = yunxi.ledger.summary(city="yunxi", county="990702", as_of=END, with_plan=True).plan
    assert town is not None and (town.with_plan, town.planned) == (1, Decimal(80_000_000))
    assert yunxi.ledger.rows(city="yunxi", as_of=END)[0].plan is None  # only when asked


def test_tick_flags_the_project_the_ledger_shows_lagging(yunxi: Projlife) -> None:
    reports = tick(yunxi, END, cities=["yunxi"])
    flagged = [a.target for r in reports for a in r.actions if a.rule == "plan.lagging"]
    assert flagged == ["YX-02"]


def test_departments_rank_by_completion_and_lag(yunxi: Projlife) -> None:
    r = rank_by_indicators(yunxi, "yunxi", YEAR, END)
    assert [row.area_name for row in r.rows] == ["县工信局", "县发改局"]
    fagai = {v.indicator: v for v in r.rows[1].values}
    assert (fagai["plan.lag"].numerator, fagai["plan.lag"].denominator) == (1, 2)
    assert fagai["investment.completion"].numerator == Decimal(80_000_000)
    assert fagai["investment.completion"].denominator == Decimal(180_000_000)
    assert dict(r.rows[1].points)["plan.lag"] == Decimal("0.2")  # 0.4 × (1 − 1/2)
    assert r.top_award == "通报表扬" and [row.area_name for row in r.top] == ["县工信局"]
    assert r.as_dict()["subjects"] == "departments"


def test_a_department_ranking_by_a_ticket_indicator_is_refused() -> None:
    class Bad:
        @hookimpl
        def projlife_city(self) -> CityProfile:
            return county.COUNTY

        @hookimpl
        def projlife_indicator_rankings(self, city: CityProfile, period: Period) -> list[IndicatorRanking]:
            return [
                IndicatorRanking(
                    "d",
                    "部门",
                    "year",
                    [WeightedIndicator(TICKET_SATISFACTION.id, 1), WeightedIndicator(PLAN_LAG.id, 1)],
                    subjects=RankedSubjects.DEPARTMENTS,
                )
            ]

    from projlife.plugins.city_extras import indicator_rankings

    with pytest.raises(PluginError, match="belongs to a locality"):
        pm = get_plugin_manager(plugins=[("yunxi", Bad())])
        indicator_rankings(pm, city_profiles(pm)["yunxi"], YEAR)


def _surfaces(app: Projlife, tmp: Path, as_of: date) -> dict[str, dict[str, tuple[Any, ...]]]:
    """Each surface's (plan, done, due, lagging, progress) per project code, read back from it."""
    from openpyxl import load_workbook

    profile = app.city("yunxi")
    rows = app.ledger.rows(city="yunxi", as_of=as_of, with_details=True, with_plan=True)

    def dec(x: Any) -> Decimal | None:
        return None if x is None else Decimal(str(x))

    out: dict[str, dict[str, tuple[Any, ...]]] = {}
    out["ledger"] = {
        r.code: (
            r.plan.investment_plan,
            r.plan.investment_done,
            r.plan.investment_due,
            r.plan.lagging,
            r.plan.progress_percent,
        )
        for r in rows
        if r.plan is not None
    }
    xlsx = tmp / "ledger.xlsx"
    export_ledger_xlsx(rows, xlsx, city=profile, as_of=as_of, unit="元")
    wb = load_workbook(xlsx, read_only=True)
    keys = [k for k, _ in PLAN_COLUMNS]
    sheet = list(wb[PLAN_SHEET].iter_rows(min_row=3, values_only=True)) if PLAN_SHEET in wb.sheetnames else []
    wb.close()
    out["excel"] = {}
    for cells in sheet:
        v = dict(zip(keys, cells, strict=False))
        out["excel"][v["code"]] = (
            dec(v["investment_plan"]),
            dec(v["investment_done"]),
            dec(v["investment_due"]),
            v["lagging"] == "是",
            dec(v["progress_percent"]),
        )
    package = project_package(rows, profile, as_of=as_of)
    out["oc4ids"] = {}
    for p in package["projects"]:
        plan = p["projlife"].get("annualPlan")
        if plan is None:
            continue
        code = p["identifiers"][0]["id"]
        out["oc4ids"][code] = (
            dec(plan.get("investmentPlan", {}).get("amount")),
            dec(plan["investmentDone"]["amount"]),
            dec(plan.get("investmentDue", {}).get("amount")),
            plan["lagging"],
            dec(plan.get("progress")),
        )
    client = TestClient(create_app(app))
    token = TokenStore(app.engine).create("reader", "clerk", None).token
    r = client.get(
        "/api/ledger",
        params={"city": "yunxi", "as_of": as_of.isoformat(), "with_plan": "true", "limit": 1000},
        headers={"Authorization": f"Bearer {token}"},
    )
    client.close()
    assert r.status_code == 200, r.text
    out["api"] = {
        row["code"]: (
            dec(row["plan"]["investment_plan_yuan"]),
            dec(row["plan"]["investment_done_yuan"]),
            dec(row["plan"]["investment_due_yuan"]),
            row["plan"]["lagging"],
            dec(row["plan"]["progress_percent"]),
        )
        for row in r.json()["rows"]
        if "plan" in row
    }
    return out


def test_every_surface_shows_the_same_plan_figures(yunxi: Projlife, tmp_path: Path) -> None:
    seen = _surfaces(yunxi, tmp_path, END)
    want = {
        code: (e["plan"], e["done"], e["due"], e["lagging"], Decimal(e["progress"]))
        for code in ("YX-01", "YX-02", "YX-03", "YX-04")
        for e in [_expected(code)]
    }
    for surface, figures in seen.items():
        assert figures == want, surface


_plans = st.lists(
    st.tuples(
        st.integers(0, 20_000),  # annual plan, 万元 (0: no plan)
        st.lists(st.integers(0, 3_000), min_size=1, max_size=6),  # monthly investment Jan.., 万元
        st.integers(0, 100),  # progress target %
        st.one_of(st.none(), st.integers(0, 100)),  # latest 形象进度 % (None: not reported)
    ),
    min_size=1,
    max_size=4,
)


def _replay(plans: list[tuple[int, list[int], int, int | None]], as_of: date) -> dict[str, tuple[Any, ...]]:
    """The plan figures recomputed from the generated inputs alone (no projlife code)."""
    months = as_of.month  # month ends only
    out: dict[str, tuple[Any, ...]] = {}
    for i, (plan, invested, target, reached) in enumerate(plans):
        code = f"PR-{i}"
        done = sum(Decimal(v) * WAN for m, v in enumerate(invested, start=1) if m <= as_of.month)
        plan_yuan = Decimal(plan) * WAN if plan else None
        due = None if plan_yuan is None else (plan_yuan * months / 12).quantize(Decimal("0.01"))
        lag = plan_yuan is not None and plan_yuan > 0 and done < Decimal("0.8") * plan_yuan * months / 12
        if target > 0:
            lag = lag or Decimal(reached or 0) < Decimal("0.8") * Decimal(target) * months / 12
        out[code] = (plan_yuan, done, due, lag, None if reached is None else Decimal(reached))
    return out


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=_plans, month=st.integers(1, 12))
def test_surfaces_agree_with_a_replay_of_generated_plans(
    plans: list[tuple[int, list[int], int, int | None]], month: int
) -> None:
    import calendar

    as_of = date(2025, month, calendar.monthrange(2025, month)[1])
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        pm = get_plugin_manager(plugins=[("yunxi", county)])
        with connect(f"sqlite:///{tmp / 'p.db'}", create_tables=True, plugin_manager=pm) as app:
            _record(app, plans)
            seen = _surfaces(app, tmp, as_of)
    want = _replay(plans, as_of)
    for surface, figures in seen.items():
        assert figures == want, surface


def _record(app: Projlife, plans: list[tuple[int, list[int], int, int | None]]) -> None:
    clerk = {"id": "clerk-yx", "role": "clerk"}
    office = Actor("office-yx", "admin")
    rows: list[TargetRow] = []
    for i, (plan, invested, target, _reached) in enumerate(plans):
        code = f"PR-{i}"
        pid = app.projects.execute(
            {
                "command": "conceive",
                "code": code,
                "project_name": code,
                "city_code": "990700",
                "area_code": "990701",
                "category": "industrial",
                "planned_investment_yuan": "100000000",
                "occurred_on": "2025-01-02",
                "actor": clerk,
            }
        ).aggregate_id
        app.projects.execute(
            {
                "command": "sign",
                "project_id": str(pid),
                "amount_yuan": "100000000",
                "counterparty": "某企业",
                "occurred_on": "2025-01-02",
                "actor": clerk,
            }
        )
        for m, v in enumerate(invested, start=1):
            if v:
                app.projects.execute(
                    {
                        "command": "report_investment",
                        "project_id": str(pid),
                        "month": f"2025-{m:02d}-01",
                        "amount_yuan": str(v * 10_000),
                        "occurred_on": f"2025-{m:02d}-20",
                        "actor": clerk,
                    }
                )
        if plan:
            rows.append(TargetRow("project", code, "investment", "2025", str(plan * 10_000)))
        rows.append(TargetRow("project", code, "progress", "2025", str(target)))
    app.targets.set_targets("yunxi", rows, occurred_on=date(2025, 1, 2), actor=office, reason="目标责任书")
    for i, (_p, _inv, _t, reached) in enumerate(plans):
        if reached is not None:
            app.targets.report_progress(
                "yunxi",
                project_code=f"PR-{i}",
                month=date(2025, 1, 1),
                percent=Decimal(reached),
                stage_note="施工",
                occurred_on=date(2025, 1, 20),
                actor=office,
            )


def test_the_plan_json_is_plain_decimal_text(yunxi: Projlife) -> None:
    rows = yunxi.ledger.rows(city="yunxi", as_of=END, with_plan=True)
    text = json.dumps([r.as_dict()["plan"] for r in rows if r.plan is not None], ensure_ascii=False)
    assert "E+" not in text and "e+" not in text
