"""The funnel reads only its cohort's candidates, and counts exactly as over every project.

``Metrics.funnel`` asks :class:`~projlife.projections.counting.Counting` for the projects that
may have entered the cohort stage in the period (:class:`~projlife.projections.counting.Entering`,
a superset found in SQL) and folds only those; the fold and ``entries`` still decide. On random
histories (claims, back-dated facts, date corrections in and out of the period, rejections,
removals, cancellations, verifications), random dates, known-at cuts, periods, stages and scopes,
the narrowed answer must equal the one computed over all projects.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projlife.app.application import Projlife
from projlife.domain.lifecycle import Stage
from projlife.domain.periods import Period, PeriodKind
from projlife.projections.counting import Count, Entering, entries
from test_counting_properties import CITIES, CLERK, DBS, VERIFIER, _app, _examples, _history, extra_commands

COHORTS = [s for s in Stage if s is not max(Stage)]


def _unnarrowed(app: Projlife, call: Any) -> Any:
    """``call()`` with every project of the scope read and folded (``entering`` ignored)."""
    metrics = app.metrics
    full = type(metrics).projects

    def every_project(**kwargs: Any) -> Any:
        return full(metrics, **{**kwargs, "entering": None})

    metrics.projects = every_project  # type: ignore[method-assign]
    try:
        return call()
    finally:
        del metrics.projects


def _same_counts(app: Projlife, slug: str, stage: Stage, period: Period, **where: Any) -> Count:
    """``entries`` over the candidates equals ``entries`` over every project, and the funnel,
    ``count_entries`` and ``pace`` too (returns the count)."""
    code = app.city(slug).code
    counting = app.metrics.counting
    entering = Entering(stage, period.start, period.end)
    verified = where.pop("verified")
    steps, within = where.pop("steps"), where.pop("within_days")
    county = where.pop("county")
    narrowed = counting.projects(code, county_code=county, entering=entering, **where)
    every = counting.projects(code, county_code=county, **where)
    assert {f.project_id for f in narrowed} <= {f.project_id for f in every}
    by_id = {f.project_id: f for f in every}
    assert all(f == by_id[f.project_id] for f in narrowed)  # the same fold for each project read

    def count(facts: list[Any]) -> Any:
        return entries(
            [f for f in facts if f.in_scope(stage)], stage, period.start, period.end, verified=verified
        )

    got = count(narrowed)
    assert got == count(every), (stage, period)

    def funnel() -> Any:
        return app.metrics.funnel(
            period, cohort_stage=stage, steps=steps, within_days=within, city=slug, county=county,
            verified=verified, **where,
        )  # fmt: skip

    assert funnel() == _unnarrowed(app, funnel), (stage, period)

    def count_entries() -> Any:
        return app.metrics.count_entries(
            stage, period=period, city=slug, county=county, verified=verified, **where
        )

    assert count_entries() == _unnarrowed(app, count_entries), (stage, period)

    def pace() -> Any:
        return app.metrics.pace(stage, period=period, target=7, city=slug, county=county, **where)

    assert pace() == _unnarrowed(app, pace), (stage, period)
    return got


@st.composite
def _question(
    draw: st.DrawFn, app: Projlife, slug: str, n_events: int
) -> tuple[Stage, Period, dict[str, Any]]:
    """Half the time a wide-open question; else one about the moves below (their stages and
    periods, known now, as of their end or later: where a missed candidate would show)."""
    moved = [Stage.CONCEIVED, Stage.RESERVED, Stage.SIGNED, Stage.STARTED, Stage.IN_STATISTICS]
    dated = st.dates(date(2023, 10, 1), date(2024, 9, 30))  # where the moves below are dated
    focused = draw(st.booleans(), label="focused")
    stage = draw(st.sampled_from(moved if focused else COHORTS), label="cohort")
    later = [s for s in Stage if s > stage]
    steps = draw(st.lists(st.sampled_from(later), min_size=1, max_size=3, unique=True), label="steps")
    kinds = [PeriodKind.QUARTER, PeriodKind.MONTH, *([] if focused else [PeriodKind.YEAR])]
    kind = draw(st.sampled_from(kinds), label="period")
    period = Period.containing(
        kind, draw(dated if focused else st.dates(date(2023, 1, 1), date(2025, 3, 31)))
    )
    late = st.none() | st.dates(date(2024, 9, 30), date(2025, 6, 30))
    as_of = draw(late if focused else st.none() | dated | st.dates(date(2023, 1, 1), date(2025, 6, 30)))
    cut = None if focused else draw(st.none() | st.integers(0, n_events - 1), label="known_at")
    known_at: datetime | None = None
    if cut is not None:
        note = app.store.recorder.select_notifications(cut + 1, 1)[0]
        known_at = app.store.mapper.to_domain_event(note).timestamp
    counties = [a.code for a in app.city(slug).areas.counties]
    county = None
    if counties and not focused:
        county = draw(st.none() | st.sampled_from(counties), label="county")
    return (
        stage,
        period,
        {
            "as_of": as_of,
            "known_at": known_at,
            "verified": not focused and draw(st.booleans(), label="verified"),
            "steps": steps,
            "within_days": draw(st.none() | st.integers(0, 200), label="within_days"),
            "county": county,
        },
    )


@pytest.mark.parametrize("db", DBS)
@pytest.mark.parametrize("slug", CITIES)
@_examples(10)
@given(seed=st.integers(0, 10_000), n=st.integers(4, 10), data=st.data())
def test_the_narrowed_funnel_counts_like_the_funnel_over_every_project(
    db: str, slug: str, seed: int, n: int, data: st.DataObject
) -> None:
    extra = data.draw(extra_commands(n), label="extra")
    lives = data.draw(st.lists(_move(), min_size=2, max_size=8), label="moves")
    with _app(db) as app:
        _history(app, slug, seed, n, extra)
        _apply_moves(app, slug, lives)
        n_events = app.store.recorder.max_notification_id() or 1
        for _ in range(12):
            stage, period, where = data.draw(_question(app, slug, n_events))
            _same_counts(app, slug, stage, period, **where)


Life = tuple[date, bool, list[date], int, list[tuple[str, int, date, date]]]
"""A fresh project's life: conceived when, reserved or not, its claim dates (sign, start, enter
statistics: the first ``n``), how many it makes, then later facts (kind, which claim or pool,
business date, a correction's date)."""

_CLAIMED = ("sign", "start", "enter_statistics")
_STAGES = ("signed", "started", "in_statistics")
_POOLS = ("signed", "started", "signed")


def _move() -> st.SearchStrategy[Life]:
    """Claims dated anywhere in 2024-Q1..Q3, then corrections of their dates into or out of any
    period there (dated before or after the date they give), rejections, verifications, removals
    and cancellations: the facts that move a project in and out of a cohort."""
    day = st.dates(date(2024, 1, 1), date(2024, 9, 30))
    later = st.tuples(
        st.sampled_from(["correct", "correct", "reject", "verify", "remove", "cancel"]),
        st.integers(0, 2),
        day,
        day,
    )
    dates = st.lists(day, min_size=3, max_size=3).map(sorted)
    conceived = st.dates(date(2023, 10, 1), date(2024, 1, 1))
    return st.tuples(conceived, st.booleans(), dates, st.integers(0, 3), st.lists(later, max_size=4))


def _apply_moves(app: Projlife, slug: str, lives: list[Life]) -> None:
    from projlife.domain.errors import ProjlifeError

    city = app.city(slug)
    areas = [a.code for a in city.areas.counties] or [next(iter(city.areas)).code]

    def do(data: dict[str, Any]) -> int | None:
        try:
            return app.projects.execute({"actor": CLERK, **data}).version
        except ProjlifeError:
            return None  # an invalid history step: written nowhere, the rest goes on

    for i, (conceived, reserved, days, n_claims, afters) in enumerate(lives):
        code = f"MOVE{i}"
        do({
            "command": "conceive", "code": code, "project_name": code, "city_code": city.code,
            "area_code": areas[i % len(areas)], "category": "industrial", "planned_investment_yuan": "300000000",
            "occurred_on": conceived.isoformat(), "reserved": reserved, "evidence": ["预评审:2023-011"],
        })  # fmt: skip
        pid = str(app.projects.find(city.code, code).id)
        versions: list[int | None] = []
        for k in range(n_claims):
            data: dict[str, Any] = {
                "command": _CLAIMED[k],
                "project_id": pid,
                "occurred_on": days[k].isoformat(),
            }
            if k == 0:
                data |= {"amount_yuan": "300000000", "counterparty": "某公司"}
            versions.append(do(data))
        for kind, which, on, new_day in afters:
            base = {"project_id": pid, "occurred_on": on.isoformat()}
            if kind == "correct":
                claimed = [v for v in versions if v is not None]
                if claimed:
                    do(base | {
                        "command": "correct", "target_version": claimed[which % len(claimed)],
                        "field": "occurred_on", "new_value": new_day.isoformat(), "reason": "日期录入错误",
                    })  # fmt: skip
            elif kind in ("reject", "verify"):
                more = {"reason": "现场核查不实"} if kind == "reject" else {"method": "site"}
                command = "reject_claim" if kind == "reject" else "verify"
                do(base | {"command": command, "stage": _STAGES[which], "actor": VERIFIER, **more})
            elif kind == "remove":
                do(base | {
                    "command": "remove_from_pool", "pool": _POOLS[which], "reason_code": "not_genuine",
                    "actor": {"id": "projlife", "role": "system"},
                })  # fmt: skip
            else:
                do(base | {"command": "cancel", "reason": "企业放弃投资"})
    app.projections.run()


def test_a_start_corrected_into_the_quarter_joins_its_cohort_and_one_corrected_out_leaves(
    app: Projlife,
) -> None:
    """A start claimed in March whose date is corrected to May is in the Q2 started cohort (as of
    June); one claimed in May and corrected to July is not; a May start rejected in June is left
    out as rejected, and so is a February signing rejected in May (from the Q2 signed cohort) —
    the narrowed read finds them all."""
    city = app.city("zhumadian")
    county = city.areas.counties[0].code
    clerk = {**CLERK, "area_code": county}
    ids = []
    for code in ("F1", "F2", "F3", "F4"):
        app.projects.execute({
            "command": "conceive", "code": code, "project_name": code, "city_code": city.code,
            "area_code": county, "category": "industrial", "planned_investment_yuan": "300000000",
            "occurred_on": "2024-01-05", "reserved": True, "actor": clerk,
        })  # fmt: skip
        pid = str(app.projects.find(city.code, code).id)
        ids.append(pid)
        app.projects.execute({"command": "sign", "project_id": pid, "amount_yuan": "300000000",
                              "counterparty": "甲", "occurred_on": "2024-02-01", "actor": clerk})  # fmt: skip
    do = app.projects.execute
    do({"command": "start", "project_id": ids[0], "occurred_on": "2024-03-10", "actor": clerk})
    do({"command": "correct", "project_id": ids[0], "target_version": 3, "field": "occurred_on",
        "new_value": "2024-05-06", "reason": "开工日期录入错误", "occurred_on": "2024-03-20", "actor": clerk})  # fmt: skip
    do({"command": "start", "project_id": ids[1], "occurred_on": "2024-05-10", "actor": clerk})
    do({"command": "correct", "project_id": ids[1], "target_version": 3, "field": "occurred_on",
        "new_value": "2024-07-02", "reason": "开工日期录入错误", "occurred_on": "2024-05-20", "actor": clerk})  # fmt: skip
    do({"command": "start", "project_id": ids[2], "occurred_on": "2024-05-12", "actor": clerk})
    do({"command": "reject_claim", "project_id": ids[2], "stage": "started", "reason": "现场未见施工",
        "occurred_on": "2024-06-02", "actor": VERIFIER})  # fmt: skip
    do({"command": "reject_claim", "project_id": ids[3], "stage": "signed", "reason": "合同不实",
        "occurred_on": "2024-05-15", "actor": VERIFIER})  # fmt: skip
    app.projections.run()
    june = date(2024, 6, 30)
    f = app.metrics.funnel(
        "2024-Q2", cohort_stage="started", steps=["completed"], city="zhumadian", as_of=june
    )
    assert f.steps[0].rate.denominator_ids == (ids[0],)
    q2 = Period.parse("2024-Q2")
    started = _same_counts(app, "zhumadian", Stage.STARTED, q2, as_of=june, known_at=None,
                           verified=False, steps=[Stage.COMPLETED], within_days=None, county=None)  # fmt: skip
    assert started.project_ids == (ids[0],)
    assert [(e.project_id, e.why) for e in started.excluded] == [(ids[2], "rejected")]
    signed = _same_counts(app, "zhumadian", Stage.SIGNED, q2, as_of=june, known_at=None,
                          verified=False, steps=[Stage.STARTED], within_days=None, county=None)  # fmt: skip
    assert signed.project_ids == ()  # all four signed in February
    assert [(e.project_id, e.why) for e in signed.excluded] == [(ids[3], "rejected")]
