"""ProjectionFacts (the engine's default source) answers exactly what StoreFacts (the reference) does."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project import Project
from projlife.engine import (
    ProjectFacts,
    ProjectionFacts,
    StoreFacts,
    evaluate_deadlines,
    evaluate_quotas,
    rank,
)
from projlife.engine.projection_facts import TOPIC_SOURCES
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import Measure, Metric, Normalisation, RuleSet, ScoringIndicator, ScoringRule
from projlife.plugins.types import CityProfile
from projlife.projections.facts import LEDGER_PROJECTION
from projlife.projections.runner import ProjectionFailed

CITIES = ("xiaogan", "zhumadian", "xiamen", "jiangyan")
SEEDS = {"xiaogan": 3, "zhumadian": 5, "xiamen": 1, "jiangyan": 1}
"""Seeds whose drives include corrections, rejections, removals and cancellations."""


def by_id(facts: Any) -> list[ProjectFacts]:
    return sorted(facts, key=lambda f: f.project_id)


def both(app: Projlife, city: CityProfile) -> tuple[list[ProjectFacts], list[ProjectFacts]]:
    return by_id(StoreFacts(app).project_facts(city)), by_id(ProjectionFacts(app).project_facts(city))


def with_scoring(rules: RuleSet) -> RuleSet:
    """The city's rules, with a quarterly scoring rule when the city has none (to exercise rank)."""
    if rules.scoring:
        return rules
    scoring = ScoringRule(
        "test-quarterly",
        "季度考评",
        "quarter",
        [
            ScoringIndicator("starts", "开工数", Metric(Measure.STAGE_ENTRIES, "started"), 60),
            ScoringIndicator(
                "signed", "签约数", Metric(Measure.STAGE_ENTRIES, "signed"), 40,
                normalisation=Normalisation.SHARE_OF_MAX,
            ),
        ],
    )  # fmt: skip
    return attrs.evolve(rules, scoring=(scoring,))


def test_every_project_event_topic_has_a_projection_source() -> None:
    topics = {
        v.TOPIC
        for v in vars(Project).values()
        if isinstance(v, type)
        and isinstance(getattr(v, "TOPIC", None), str)
        and v.TOPIC.startswith("projlife:Project.")
    }
    assert len(topics) >= 20
    assert topics == set(TOPIC_SOURCES)


@pytest.mark.parametrize("slug", CITIES)
def test_projection_facts_equal_store_facts_and_engine_results_agree(app: Projlife, slug: str) -> None:
    city = app.city(slug)
    app.projects.ingest(simulate(city, 150, seed=SEEDS[slug]).commands)
    # another city's projects in the same database must not leak in
    other = app.city(CITIES[(CITIES.index(slug) + 1) % len(CITIES)])
    app.projects.ingest(simulate(other, 20, seed=7).commands)

    store, projected = both(app, city)
    assert len(store) == 150
    assert projected == store

    # the drive exercises what the fold must get right
    topics = {t for f in store for t in f.event_dates}
    for needed in (Project.Corrected, Project.StageClaimRejected, Project.RemovedFromPool, Project.Cancelled):
        assert needed.TOPIC in topics, needed.TOPIC
    assert any(f.milestone_dates for f in store)
    assert any(f.investment for f in store)

    days = sorted(d for f in store for d in f.stage_dates.values())
    calendar = city_calendar(app.plugins, city)
    sources = (StoreFacts(app), ProjectionFacts(app))
    for as_of in (days[len(days) // 4], days[len(days) // 2], days[-1]):
        quarter = Period.containing(PeriodKind.QUARTER, as_of)
        year_rules = rule_set(app.plugins, city, Period.containing(PeriodKind.YEAR, as_of))
        kinds = {q.period_kind for q in year_rules.quotas} | {PeriodKind.QUARTER}
        for kind in kinds:
            period = Period.containing(kind, as_of)
            rules = rule_set(app.plugins, city, period)
            ref, got = (
                evaluate_quotas(s, city, period, as_of, rules=rules, calendar=calendar) for s in sources
            )
            assert got == ref
        rules = rule_set(app.plugins, city, quarter)
        ref_d, got_d = (evaluate_deadlines(s, city, as_of, rules=rules, calendar=calendar) for s in sources)
        assert got_d == ref_d
        scoring = with_scoring(rules)
        scoring_period = Period.containing(scoring.scoring[0].period_kind, as_of)
        scoring = with_scoring(rule_set(app.plugins, city, scoring_period))
        ref_r, got_r = (
            rank(s, city, scoring_period, as_of, rules=scoring, calendar=calendar) for s in sources
        )
        assert got_r == ref_r
        assert got_r.rows
        # the application's default (ProjectionFacts) gives the same ranking as the reference
        assert rank(app, city, scoring_period, as_of, rules=scoring) == ref_r


def test_new_events_are_caught_up_before_reading(app: Projlife) -> None:
    city = app.city("xiamen")
    commands = simulate(city, 60, seed=3).commands
    half = len(commands) // 2
    app.projects.ingest(commands[:half])
    store, projected = both(app, city)
    assert projected == store
    app.projects.ingest(commands[half:])  # no explicit projections.run(): the source catches up
    store_after, projected_after = both(app, city)
    assert projected_after == store_after
    assert store_after != store


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 40), slug=st.sampled_from(CITIES))
def test_projection_facts_equal_store_facts_for_any_drive(seed: int, n: int, slug: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = connect(f"sqlite:///{Path(tmp) / 'p.db'}", create_tables=True)
        try:
            city = app.city(slug)
            app.projects.ingest(simulate(city, n, seed=seed).commands)
            store, projected = both(app, city)
            assert len(store) == n
            assert projected == store
            for f, g in zip(store, projected, strict=True):
                for day in {date(2023, 1, 1), *f.stage_dates.values(), *f.event_dates.values()}:
                    assert g.as_of(day) == f.as_of(day)
        finally:
            app.close()


def test_a_projection_stuck_behind_the_log_is_refused_not_read(
    app: Projlife, monkeypatch: pytest.MonkeyPatch
) -> None:
    city = app.city("jiangyan")
    app.projects.ingest(simulate(city, 5, seed=2).commands)
    ledger = app.projections.get(LEDGER_PROJECTION)

    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ledger, "process_batch", broken)
    monkeypatch.setattr(ledger, "process", broken)
    with pytest.raises(ProjectionFailed, match="stopped behind"):
        list(ProjectionFacts(app).project_facts(city))
    monkeypatch.undo()
    assert by_id(StoreFacts(app).project_facts(city))  # the reference still answers
