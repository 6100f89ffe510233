"""Properties of the read models, checked against a brute-force replay of the events.

The reference (``reference_ledger``) never reads a projection table: it filters the
domain events and replays them through the ``Project`` aggregate's own ``apply``
methods, skipping an event whose target the filter removed.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projlife.app.application import Projlife, connect
from projlife.demo.simulation import simulate
from projlife.domain.lifecycle import CLAIMED_STAGES, Stage
from projlife.domain.periods import Period
from projlife.domain.project import Project
from projlife.projections.facts import LEDGER_PROJECTION, facts_table, projects_table
from projlife.projections.metrics import RATES

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def _events(app: Projlife) -> list[Any]:
    notes = app.store.recorder.select_notifications(1, 10_000_000)
    return [app.store.mapper.to_domain_event(n) for n in notes]


def reference_ledger(
    events: list[Any], as_of: date | None, known_at: datetime | None
) -> dict[str, dict[str, Any]]:
    by_project: dict[Any, list[Any]] = defaultdict(list)
    for e in events:
        if as_of is not None and e.occurred_on > as_of:
            continue
        if known_at is not None and e.timestamp > known_at:
            continue
        by_project[e.originator_id].append(e)
    out = {}
    for pid, evs in by_project.items():
        if not isinstance(evs[0], Project.Conceived):
            continue
        project: Any = evs[0].mutate(None)
        for e in evs[1:]:
            with contextlib.suppress(KeyError, AssertionError):  # its target was filtered out
                e.apply(project)
        # As of D a claim whose date a correction moved past D has not happened (ProjectState.cut).
        claims = {s: c for s, c in project.claims.items() if as_of is None or c.occurred_on <= as_of}
        verified_stage = Stage.CONCEIVED
        for s in sorted(claims):
            if s in CLAIMED_STAGES and claims[s].verified_by is None:
                break
            verified_stage = s
        out[str(pid)] = {
            "stage": max(claims),
            "verified_stage": verified_stage,
            "dates": {s: c.occurred_on for s, c in claims.items()},
            "signed": project.signed_amount.yuan
            if Stage.SIGNED in claims and project.signed_amount
            else None,
            "planned": project.planned_investment.yuan,
            "investment": sum((a.yuan for a, _ in project.investment_reports.values()), Decimal(0)),
            "flags": tuple(sorted(project.flags)),
            "removed": sorted(str(p) for p in project.removed_from),
            "cancelled": project.cancelled_on,
            "sponsor": project.sponsor,
            "name": project.name,
        }
    return out


def _ledger(app: Projlife, as_of: date | None, known_at: datetime | None) -> dict[str, dict[str, Any]]:
    return {
        r.project_id: {
            "stage": r.stage,
            "verified_stage": r.verified_stage,
            "dates": r.stage_dates,
            "signed": r.signed_amount,
            "planned": r.planned_investment,
            "investment": r.investment_reported,
            "flags": r.flags,
            "removed": sorted(str(x.pool) for x in r.removed),
            "cancelled": r.cancelled_on,
            "sponsor": r.sponsor,
            "name": r.name,
        }
        for r in app.ledger.rows(as_of=as_of, known_at=known_at)
    }


def _dump(app: Projlife) -> tuple[list[Any], list[Any]]:
    with app.engine.connect() as conn:
        facts = conn.execute(sa.select(facts_table).order_by(facts_table.c.pos)).all()
        projects = conn.execute(sa.select(projects_table).order_by(projects_table.c.project_id)).all()
    return [tuple(r) for r in facts], [tuple(r) for r in projects]


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def drive(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Projlife, list[Any]]]:
    """A simulated drive of 150 projects with corrections, rejections and removals, projected."""
    import conftest

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('props')) / 'p.db'}"
        cleanup = None
        mysql_database = None
    elif request.param == "mysql":
        import mysql_helpers

        cleanup = None
        mysql_database = mysql_helpers.create_mysql_database()
        url = mysql_helpers.mysql_url_for(mysql_database)
    else:
        mysql_database = None
        conftest.require_postgres()
        import uuid

        schema = f"t_{uuid.uuid4().hex[:12]}"
        url = f"{conftest.POSTGRES_URL}?schema={schema}"
        cleanup = schema
    app = connect(url, create_tables=True)
    app.projects.ingest(simulate(app.city("xiaogan"), 150, seed=11).commands, batch_size=40)
    app.projects.ingest(simulate(app.city("zhumadian"), 60, seed=12).commands, batch_size=40)
    app.projections.run(batch_size=97)
    try:
        yield app, _events(app)
    finally:
        app.close()
        if cleanup:
            conftest._drop_schema(cleanup)
        if mysql_database:
            mysql_helpers.drop_mysql_database(mysql_database)


def test_the_drive_has_the_awkward_cases(drive: tuple[Projlife, list[Any]]) -> None:
    _, events = drive
    kinds = {type(e).__name__ for e in events}
    assert {"Corrected", "StageClaimRejected", "RemovedFromPool", "Cancelled", "StageVerified"} <= kinds


def test_the_current_ledger_equals_a_replay_of_every_event(drive: tuple[Projlife, list[Any]]) -> None:
    app, events = drive
    assert _ledger(app, None, None) == reference_ledger(events, None, None)


@SETTINGS
@given(days=st.integers(0, 800))
def test_the_ledger_as_of_d_equals_a_replay_of_the_events_dated_by_d(
    drive: tuple[Projlife, list[Any]], days: int
) -> None:
    app, events = drive
    as_of = date(2023, 1, 1) + timedelta(days=days)
    assert _ledger(app, as_of, None) == reference_ledger(events, as_of, None)


@SETTINGS
@given(data=st.data())
def test_the_ledger_known_at_t_equals_a_replay_of_the_events_recorded_by_t(
    drive: tuple[Projlife, list[Any]], data: st.DataObject
) -> None:
    app, events = drive
    cut = data.draw(st.integers(0, len(events) - 1))
    known_at = events[cut].timestamp
    as_of = data.draw(st.none() | st.dates(date(2023, 1, 1), date(2025, 1, 1)))
    assert _ledger(app, as_of, known_at) == reference_ledger(events, as_of, known_at)


@SETTINGS
@given(
    quarter=st.sampled_from(
        ["2023-Q2", "2023-Q4", "2024-Q1", "2024-Q3", "2024-H1", "2024", "2023-05", "2022"]
    ),
    name=st.sampled_from([*RATES, "on_time_start"]),
    as_of=st.none() | st.dates(date(2023, 3, 1), date(2025, 1, 1)),
    county=st.booleans(),
)
def test_every_rate_lies_in_0_1_with_numerator_at_most_denominator(
    drive: tuple[Projlife, list[Any]], quarter: str, name: str, as_of: date | None, county: bool
) -> None:
    app, _ = drive
    area = app.city("xiaogan").areas.counties[0].code if county else None
    r = app.metrics.rate(name, period=quarter, city="xiaogan", county=area, as_of=as_of)
    assert 0 <= r.numerator <= r.denominator
    assert set(r.numerator_ids) <= set(r.denominator_ids)
    assert not set(r.denominator_ids) & {e.project_id for e in r.excluded}
    if r.denominator == 0:
        assert r.value is None and "n/a" in str(r)
    else:
        assert r.value is not None and 0 <= r.value <= 1


@SETTINGS
@given(period=st.sampled_from(["2023-Q3", "2024-Q2", "2024"]), stage=st.sampled_from(list(Stage)))
def test_entry_counts_match_a_replay(drive: tuple[Projlife, list[Any]], period: str, stage: Stage) -> None:
    app, events = drive
    city = app.city("zhumadian").code  # a city whose drive counts every project (no 211 scope)
    p = Period.parse(period)
    ref = reference_ledger(events, None, None)
    pool_removed = {
        str(e.originator_id)
        for e in events
        if isinstance(e, Project.RemovedFromPool) and stage in _pool_stages(str(e.pool))
    }
    cities = {str(e.originator_id): e.city_code for e in events if isinstance(e, Project.Conceived)}
    expected = sorted(
        pid
        for pid, row in ref.items()
        if cities[pid] == city
        and stage in row["dates"]
        and p.contains(row["dates"][stage])
        and pid not in pool_removed
    )
    got = app.metrics.count_entries(stage, period=p, city="zhumadian")
    assert list(got.project_ids) == expected


def _pool_stages(pool: str) -> frozenset[Stage]:
    from projlife.domain.lifecycle import Pool

    return Pool(pool).stages


def _replay_in_steps(drive: tuple[Projlife, list[Any]], sizes: list[int]) -> None:
    app, events = drive
    before = _dump(app)
    runner = app.projections
    runner.rebuild(LEDGER_PROJECTION, batch_size=10_000)
    assert _dump(app) == before
    # replay again in uneven steps, as a live system would see it
    with app.engine.begin() as conn:
        conn.execute(facts_table.delete())
        conn.execute(projects_table.delete())
        conn.execute(
            sa.text("UPDATE projection_tracking SET position = 0 WHERE name = :n"), {"n": LEDGER_PROJECTION}
        )
    position, i = 0, 0
    while position < len(events):
        position = min(len(events), position + sizes[i % len(sizes)])
        runner.run(batch_size=sizes[(i + 1) % len(sizes)], until=position)
        i += 1
    assert _dump(app) == before


@settings(SETTINGS, max_examples=4)
@given(sizes=st.lists(st.integers(60, 400), min_size=1, max_size=6))
def test_incremental_projection_equals_a_full_rebuild(
    drive: tuple[Projlife, list[Any]], sizes: list[int]
) -> None:
    """Four step patterns of 60–400 events a step; the long run below tries 15 with steps down to 1."""
    _replay_in_steps(drive, sizes)


@pytest.mark.slow
@SETTINGS
@given(sizes=st.lists(st.integers(1, 400), min_size=1, max_size=6))
def test_incremental_projection_equals_a_full_rebuild_for_any_step_sizes(
    drive: tuple[Projlife, list[Any]], sizes: list[int]
) -> None:
    _replay_in_steps(drive, sizes)


@SETTINGS
@given(start=st.integers(1, 2000), length=st.integers(1, 300))
def test_redelivering_events_changes_nothing(
    drive: tuple[Projlife, list[Any]], start: int, length: int
) -> None:
    app, _ = drive
    before = _dump(app)
    projection = app.projections.get(LEDGER_PROJECTION)
    notes = app.store.recorder.select_notifications(start, length, topics=projection.topics)
    items = [(app.store.mapper.to_domain_event(n), n) for n in notes]
    with app.engine.begin() as conn:
        projection.process_batch(conn, items)  # type: ignore[attr-defined]
    assert _dump(app) == before
