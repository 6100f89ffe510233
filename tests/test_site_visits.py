"""On-site scoring (观摩/拉练) as a general mechanism, and Xiaogan's half-year 拉练 built on it.

000: 每半年组织开展一次"看比学促"工业项目集中拉练活动,在"211"项目库中抽选已完工项目,通过实地观摩、现场评分、
大会通报、奖惩并举,对排名前两名的县(市、区)给予通报表扬…排名后两名的县(市、区)作表态发言.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projlife.app.application import Projlife
from projlife.domain.actor import Actor, Role
from projlife.domain.errors import CommandRejected, IllegalTransition, PermissionDenied, ProjlifeError
from projlife.domain.periods import Period
from projlife.domain.site_visit import SiteVisit, draw_projects
from projlife.engine import rank
from projlife.plugins.site_scoring import SiteScoring
from projlife.projections.counting.site_scores import Sheet, SiteScores

ADMIN = {"id": "admin-xg", "role": "admin"}
H1 = Period.parse("2024-H1")


def _scorer(n: int) -> dict[str, str]:
    return {"id": f"scorer-{n}", "role": "scorer"}


def _project(app: Projlife, code: str, area: str, *, completed: str | None = "2024-04-10",
             category: str = "industrial", yi: int = 3) -> str:  # fmt: skip
    clerk = {"id": f"clerk-{area}", "role": "clerk", "area_code": area}
    city = app.city("xiaogan")
    r = app.projects.execute({
        "command": "conceive", "code": code, "project_name": code, "city_code": city.code, "area_code": area,
        "category": category, "planned_investment_yuan": str(yi * 100_000_000), "occurred_on": "2023-06-01",
        "reserved": True, "actor": clerk,
    })  # fmt: skip
    pid = str(r.aggregate_id)
    steps: list[dict[str, Any]] = [
        {"command": "sign", "amount_yuan": str(yi * 100_000_000), "counterparty": "某公司", "occurred_on": "2023-07-01"},
        {"command": "start", "occurred_on": "2023-08-01"},
        {"command": "enter_statistics", "occurred_on": "2023-09-01"},
    ]  # fmt: skip
    if completed:
        steps.append({"command": "complete", "occurred_on": completed})
    for step in steps:
        app.projects.execute({**step, "project_id": pid, "actor": clerk})
    return pid


def _counties(app: Projlife) -> list[str]:
    return [a.code for a in app.city("xiaogan").areas.counties if not a.is_zone]


def _draw(app: Projlife, seed: str = "2024-H1-拉练", **extra: Any) -> SiteVisit:
    r = app.site_visits.execute({
        "command": "draw_site_visit", "city_code": app.city("xiaogan").code, "period": "2024-H1",
        "seed": seed, "occurred_on": "2024-06-20", "actor": ADMIN, **extra,
    })  # fmt: skip
    return app.site_visits.get(r.aggregate_id)


def _fill(app: Projlife, visit: SiteVisit, pid: str, scorer: int, score: str, on: str = "2024-06-21") -> None:
    app.site_visits.execute({
        "command": "fill_score_sheet", "visit_id": str(visit.id), "project_id": pid, "score": score,
        "occurred_on": on, "actor": _scorer(scorer),
    })  # fmt: skip


def test_the_draw_takes_completed_industrial_projects_of_the_211_pool_per_county(app: Projlife) -> None:
    """在"211"项目库中抽选已完工项目 (工业项目集中拉练): completed in the half year, 工业, ≥ 1亿, per county."""
    a, b = _counties(app)[:2]
    done = [_project(app, f"A{i}", a) for i in range(5)] + [_project(app, "B0", b)]
    _project(app, "A-open", a, completed=None)  # not completed
    _project(app, "A-small", a, yi=0)  # 0亿: outside the 211 pool (亿元以上)
    _project(app, "A-road", a, category="infrastructure")  # not an 工业 project
    _project(app, "A-2023", a, completed="2023-12-20")  # completed before the half year
    visit = _draw(app)
    assert set(visit.population) == {UUID(p) for p in done}
    drawn_a = [p for p in visit.drawn if visit.area_of(p) == a]
    assert len(drawn_a) == 3  # SiteScoring.per_area, the city's input (the seed gives no number)
    assert [p for p in visit.drawn if visit.area_of(p) == b] == [UUID(done[-1])]
    # auditable: the recorded seed, population and algorithm re-derive the recorded draw
    assert visit.is_reproducible and visit.algorithm == "sha256-rank-v1"
    assert visit.drawn == draw_projects(visit.seed, visit.population, 3)


def test_a_draw_is_the_same_for_the_same_seed_and_differs_for_another(app: Projlife) -> None:
    a = _counties(app)[0]
    pool = {UUID(_project(app, f"A{i}", a)): a for i in range(8)}
    assert draw_projects("s1", pool, 3) == draw_projects("s1", dict(reversed(list(pool.items()))), 3)
    assert any(draw_projects(f"s{i}", pool, 3) != draw_projects("s1", pool, 3) for i in range(2, 6))


def test_only_a_scorer_fills_a_scoring_sheet_and_a_refusal_writes_nothing(app: Projlife) -> None:
    a = _counties(app)[0]
    pid = _project(app, "A0", a)
    visit = _draw(app)
    head = app.store.recorder.max_notification_id()
    for actor in ({"id": "clerk-1", "role": "clerk"}, {"id": "verifier-1", "role": "verifier"}, ADMIN):
        with pytest.raises(PermissionDenied) as err:
            app.site_visits.execute({
                "command": "fill_score_sheet", "visit_id": str(visit.id), "project_id": pid, "score": "90",
                "occurred_on": "2024-06-21", "actor": actor,
            })  # fmt: skip
        assert "only the scorer role may do this" in err.value.reason
        assert "fill_score_sheet" in err.value.attempted
    with pytest.raises(PermissionDenied):  # a scorer does not draw
        _draw(app, seed="other", actor=_scorer(1))
    assert app.store.recorder.max_notification_id() == head


def test_a_sheet_is_refused_for_an_undrawn_project_or_a_score_off_the_sheet(app: Projlife) -> None:
    a = _counties(app)[0]
    drawn = _project(app, "A0", a)
    other = _project(app, "A-open", a, completed=None)
    visit = _draw(app)
    head = app.store.recorder.max_notification_id()
    with pytest.raises(IllegalTransition):
        _fill(app, visit, other, 1, "80")
    with pytest.raises(ProjlifeError, match="outside"):
        _fill(app, visit, drawn, 1, "100.5")
    with pytest.raises(CommandRejected):
        _fill(app, visit, drawn, 1, "-1")
    with pytest.raises(ProjlifeError, match="before the draw"):
        _fill(app, visit, drawn, 1, "80", on="2024-06-19")
    assert app.store.recorder.max_notification_id() == head


def test_xiaogan_lalian_ranks_counties_by_the_mean_of_scorers_with_shared_ties(app: Projlife) -> None:
    """现场评分 … 排名前两名 … 后两名: project = mean of its scorers' sheets, county = mean of its
    drawn projects, rounded half up to 2 places; equal scores share a rank (并列) and the top and
    bottom two include everyone tied at the boundary; the 市直三区 are not ranked."""
    counties = _counties(app)
    assert len(counties) == 7
    pids = {c: _project(app, f"P{i}", c) for i, c in enumerate(counties)}
    zone = next(a.code for a in app.city("xiaogan").areas.counties if a.is_zone)
    _project(app, "Z0", zone)
    visit = _draw(app)
    assert all(visit.area_of(p) != zone for p in visit.drawn)
    # three scorers per project: county i gets (s, s, s + d)
    sheets = {
        counties[0]: ("95", "93", "94"),  # 94
        counties[1]: ("90", "90", "90"),  # 90   tied 2nd
        counties[2]: ("89", "91", "90"),  # 90   tied 2nd
        counties[3]: ("80", "81", "82"),  # 81
        counties[4]: ("70", "70", "71"),  # 70.333… → 70.33
        counties[5]: ("60", "61", "62"),  # 61   tied 6th
        counties[6]: ("61", "60", "62"),  # 61   tied 6th
    }
    for c, scores in sheets.items():
        for n, s in enumerate(scores):
            _fill(app, visit, pids[c], n, s)
    ranking = rank(app, "xiaogan", H1, date(2024, 6, 30))
    got = {r.area_code: (r.rank, r.score) for r in ranking.rows}
    assert got[counties[0]] == (1, Decimal("94.00"))
    assert got[counties[1]] == got[counties[2]] == (2, Decimal("90.00"))
    assert got[counties[4]] == (5, Decimal("70.33"))
    assert got[counties[5]] == got[counties[6]] == (6, Decimal("61.00"))
    assert {r.area_code for r in ranking.top} == {counties[0], counties[1], counties[2]}
    assert {r.area_code for r in ranking.bottom} == {counties[5], counties[6]}
    assert zone not in got
    # a scorer's later sheet replaces their own earlier one, from its business date on
    _fill(app, visit, pids[counties[3]], 0, "98", on="2024-07-02")
    assert {r.area_code: r.score for r in rank(app, "xiaogan", H1, date(2024, 6, 30)).rows}[counties[3]] == 81
    later = {r.area_code: (r.rank, r.score) for r in rank(app, "xiaogan", H1, date(2024, 7, 5)).rows}
    assert later[counties[3]] == (4, Decimal("87.00"))  # (98 + 81 + 82) / 3, below 94, 90, 90


def test_an_area_without_a_scored_project_scores_zero_and_is_named_last(app: Projlife) -> None:
    counties = _counties(app)
    a, b = counties[:2]
    pa, _ = _project(app, "A0", a), _project(app, "B0", b)
    visit = _draw(app)
    _fill(app, visit, pa, 1, "75")
    rows = {r.area_code: r for r in rank(app, "xiaogan", H1, date(2024, 6, 30)).rows}
    assert rows[a].rank == 1 and rows[a].score == Decimal("75.00")
    assert rows[b].score == 0 and dict(rows[b].values)["site_score"].numerator == 0
    assert dict(rows[b].values)["site_score"].denominator == 1


def _sheet(pid: str, scorer: str, score: str, pos: int) -> Sheet:
    return Sheet("v", pid, "A", scorer, Decimal(score), date(2024, 6, 21), pos)


def test_a_trimmed_mean_drops_one_highest_and_one_lowest_sheet() -> None:
    """去掉一个最高分和一个最低分 (a setting: the seed says only 现场评分)."""
    scores = SiteScores("c", "2024-H1", (("v", "p", "A"),), tuple(
        _sheet("p", f"s{i}", s, i) for i, s in enumerate(["60", "80", "82", "84", "100"])
    ))  # fmt: skip
    mean = scores.combine(SiteScoring(rule_id="r"), ["A"])["A"]
    trimmed = scores.combine(SiteScoring(rule_id="r", project_score="trimmed_mean"), ["A"])["A"]
    assert (mean.score, trimmed.score) == (Decimal("81.20"), Decimal("82.00"))
    assert [s.scorer_id for s in trimmed.projects[0].dropped] == ["s0", "s4"]
    assert trimmed.event_ids == (0, 1, 2, 3, 4)


@settings(max_examples=60, deadline=None)
@given(
    sheets=st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(0, 10_000)), min_size=0, max_size=40
    ),
    rule=st.builds(
        SiteScoring,
        rule_id=st.just("r"),
        project_score=st.sampled_from(["mean", "trimmed_mean"]),
        trim_from=st.integers(3, 6),
        area_score=st.sampled_from(["mean", "sum"]),
        places=st.integers(0, 3),
    ),
)
def test_area_scores_equal_a_plain_recomputation_of_the_standing_sheets(
    sheets: list[tuple[int, int, int]], rule: SiteScoring
) -> None:
    """Property: per project the last sheet of each scorer stands; the combination equals a
    plain recomputation, rounded half up once from the exact value."""
    projects = [("v", f"p{i}", "A" if i < 2 else "B") for i in range(4)]
    rows = tuple(_sheet(f"p{p}", f"s{s}", str(Decimal(v) / 100), n) for n, (p, s, v) in enumerate(sheets))
    standing = {(r.project_id, r.scorer_id): r for r in rows}
    scores = SiteScores("c", "2024-H1", tuple(projects), tuple(standing.values())).combine(rule, ["A", "B"])
    for area in ("A", "B"):
        per_project = []
        for _, pid, a in projects:
            if a != area:
                continue
            vals = sorted(r.score for (p, _), r in standing.items() if p == pid)
            if not vals:
                continue
            if rule.project_score.value == "trimmed_mean" and len(vals) >= rule.trim_from:
                vals = vals[1:-1]
            per_project.append(sum(vals) / len(vals))
        exact = Decimal(0) if not per_project else sum(per_project)
        if per_project and rule.area_score.value == "mean":
            exact = exact / len(per_project)
        assert scores[area].exact == exact
        assert scores[area].score == exact.quantize(Decimal(1).scaleb(-rule.places), rounding="ROUND_HALF_UP")


def test_a_city_without_site_scoring_refuses_a_draw(app: Projlife) -> None:
    city = app.city("zhumadian")
    with pytest.raises(CommandRejected, match=r"no SiteScoring|score no site visits"):
        app.site_visits.execute({
            "command": "draw_site_visit", "city_code": city.code, "period": "2024-H1", "seed": "x",
            "occurred_on": "2024-06-20", "actor": ADMIN,
        })  # fmt: skip


def test_the_site_scoring_rule_is_in_the_hashed_rule_set(app: Projlife) -> None:
    from projlife.plugins.manager import rule_set

    rules = rule_set(app.plugins, app.city("xiaogan"), H1)
    assert rules.counting.site_scoring is not None
    assert rules.as_dict()["counting"]["site_scoring"]["rule_id"] == "half-year.lalian"
    other = attrs.evolve(rules.counting, site_scoring=attrs.evolve(rules.counting.site_scoring, places=1))
    assert attrs.evolve(rules, counting=other).sha256 != rules.sha256


def test_actor_roles_are_the_domain_roles() -> None:
    assert Actor("s", Role.SCORER).role is Role.SCORER


def test_the_city_level_zones_are_drawn_and_ranked_only_when_a_setting_asks(app: Projlife) -> None:
    """000: 排名前两名的县(市、区): the 市直三区 join the 拉练 only with ``ranking_includes_zones``."""
    from projlife.plugins.cities import xiaogan
    from projlife.plugins.manager import rule_set

    zone = next(a.code for a in app.city("xiaogan").areas.counties if a.is_zone)
    county = _counties(app)[0]
    pz, pc = _project(app, "Z0", zone), _project(app, "C0", county)
    plugin = xiaogan.XiaoganPlugin(xiaogan.XiaoganSettings(ranking_includes_zones=True))
    app.plugins.unregister(name="xiaogan")
    app.plugins.register(plugin, name="xiaogan")
    visit = _draw(app)
    assert {visit.area_of(p) for p in visit.drawn} == {zone, county}
    _fill(app, visit, pz, 1, "88")
    _fill(app, visit, pc, 1, "77")
    rules = rule_set(app.plugins, app.city("xiaogan"), H1)
    ranking = rank(app, "xiaogan", H1, date(2024, 6, 30), rules=rules)
    assert [r.area_code for r in ranking.rows[:2]] == [zone, county]
