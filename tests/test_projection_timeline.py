"""The ledger timeline (precomputed states per business-date interval) agrees with the fold.

``known_at`` far in the future asks the same question as no ``known_at`` (every event is
recorded by then) but always folds the facts, so it is the reference here; the fold is
itself checked against a replay of the domain events in ``test_projection_properties``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projlife.app.application import Projlife, connect
from projlife.app.commands import FlagProject
from projlife.demo.simulation import simulate
from projlife.domain.actor import Actor, Role
from projlife.domain.lifecycle import Stage
from projlife.projections import timeline
from projlife.projections.facts import LEDGER_PROJECTION, meta_table, rows_table, timeline_table

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
LATER = datetime(2100, 1, 1, tzinfo=UTC)
DAYS = st.dates(date(2023, 6, 1), date(2026, 6, 30))


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mysql", marks=pytest.mark.mysql),
    ],
)
def drive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Projlife]:
    import conftest

    if request.param == "sqlite":
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('timeline')) / 't.db'}"
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
    app.projects.ingest(simulate(app.city("xiaogan"), 150, seed=21).commands, batch_size=40)
    app.projects.ingest(simulate(app.city("zhumadian"), 60, seed=22).commands, batch_size=40)
    app.projections.run(batch_size=97)
    try:
        yield app
    finally:
        app.close()
        if cleanup:
            conftest._drop_schema(cleanup)
        if mysql_database:
            mysql_helpers.drop_mysql_database(mysql_database)


def _timeline(app: Projlife, t: sa.Table = timeline_table) -> list[tuple[Any, ...]]:
    with app.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(t).order_by(t.c.project_id, t.c.valid_from))]


@SETTINGS
@given(as_of=st.one_of(st.none(), DAYS), city=st.sampled_from([None, "xiaogan", "zhumadian"]))
def test_the_summary_from_the_timeline_equals_the_fold(
    drive: Projlife, as_of: date | None, city: str | None
) -> None:
    fast = drive.ledger.summary(city=city, as_of=as_of)
    assert fast == drive.ledger.summary(city=city, as_of=as_of, known_at=LATER)


@SETTINGS
@given(
    as_of=st.one_of(st.none(), DAYS),
    period=st.sampled_from(["2024", "2024-Q1", "2024-Q2", "2024-H2", "2025-Q1", "2024-05"]),
    cohort=st.sampled_from([Stage.RESERVED, Stage.SIGNED, Stage.STARTED, Stage.COMPLETED]),
    within=st.one_of(st.none(), st.integers(0, 400)),
    verified=st.booleans(),
)
def test_the_funnel_from_the_timeline_equals_the_fold(
    drive: Projlife, as_of: date | None, period: str, cohort: Stage, within: int | None, verified: bool
) -> None:
    steps = [s for s in Stage if s > cohort]
    kwargs: dict[str, Any] = {
        "cohort_stage": cohort,
        "steps": steps,
        "within_days": within,
        "as_of": as_of,
        "verified": verified,
        "city": "xiaogan",
    }
    assert drive.metrics.funnel(period, **kwargs) == drive.metrics.funnel(period, known_at=LATER, **kwargs)


def test_a_funnel_with_removals_lists_them_from_the_timeline_too(drive: Projlife) -> None:
    found = False
    for period in ("2023", "2024", "2025"):
        for cohort in (Stage.SIGNED, Stage.STARTED):
            f = drive.metrics.funnel(period, cohort_stage=cohort, steps=[Stage.AT_CAPACITY])
            found = found or bool(f.excluded)
            assert f == drive.metrics.funnel(
                period, cohort_stage=cohort, steps=[Stage.AT_CAPACITY], known_at=LATER
            )
    assert found, "the drive should remove some projects from a pool"


def test_the_timeline_kept_incrementally_equals_the_one_built_by_a_rebuild(drive: Projlife) -> None:
    incremental = _timeline(drive)
    incremental_rows = _timeline(drive, rows_table)
    assert incremental
    assert incremental_rows
    drive.projections.rebuild(LEDGER_PROJECTION, batch_size=113)
    assert _timeline(drive) == incremental
    assert _timeline(drive, rows_table) == incremental_rows


@SETTINGS
@given(
    as_of=st.one_of(st.none(), DAYS),
    scope=st.sampled_from([{}, {"city": "xiaogan"}, {"city": "zhumadian"}, {"city": "xiaogan", "county": 0}]),
)
def test_the_rows_from_the_row_table_equal_the_fold(
    drive: Projlife, as_of: date | None, scope: dict[str, Any]
) -> None:
    if "county" in scope:
        scope = {**scope, "county": drive.city(scope["city"]).areas.counties[0].code}
    stored = drive.ledger.rows(as_of=as_of, **scope)
    folded = drive.ledger.rows(as_of=as_of, known_at=LATER, **scope)
    assert [r.code for r in stored] == [r.code for r in folded]
    assert stored == folded
    assert [r.as_dict() for r in stored] == [r.as_dict() for r in folded]
    for r in folded[:5]:
        assert drive.ledger.row(r.project_id, as_of=as_of) == r


def test_a_stored_row_reads_its_figures_when_first_asked(drive: Projlife) -> None:
    stored = drive.ledger.rows(city="xiaogan", as_of=date(2025, 3, 31))[:3]
    folded = drive.ledger.rows(city="xiaogan", as_of=date(2025, 3, 31), known_at=LATER)[:3]
    assert all(r._stored is not None for r in stored)  # only the id and the code so far
    for s, f in zip(stored, folded, strict=True):
        assert s.sources == f.sources
        assert s._stored is None
        assert (s.stage, s.stage_dates, s.planned_investment, s.name) == (
            f.stage,
            f.stage_dates,
            f.planned_investment,
            f.name,
        )
    assert stored[0] == folded[0]
    assert repr(stored[1]) == repr(folded[1])


def test_a_stored_row_builds_its_sources_only_when_they_are_asked_for(drive: Projlife) -> None:
    stored = drive.ledger.rows(city="xiaogan", as_of=date(2025, 3, 31))[:3]
    folded = drive.ledger.rows(city="xiaogan", as_of=date(2025, 3, 31), known_at=LATER)[:3]
    for s, f in zip(stored, folded, strict=True):
        assert (s.stage, s.verified, s.removed, s.flags) == (f.stage, f.verified, f.removed, f.flags)
        assert s._stored is not None  # the figures are decoded, the event ids not built yet
        assert s._stored[1] is None
        assert s.sources == f.sources
        assert s._stored is None
        assert s == f
        assert s.as_dict() == f.as_dict()


def test_while_the_timeline_is_stale_queries_fold_the_facts(drive: Projlife) -> None:
    expected = drive.ledger.summary(as_of=date(2024, 12, 31))
    with drive.engine.begin() as conn:
        conn.execute(timeline_table.delete())
        timeline.set_stale(conn, True)
    try:
        assert drive.ledger.summary(as_of=date(2024, 12, 31)) == expected
        assert drive.metrics.funnel("2024").cohort > 0
    finally:
        drive.projections.rebuild(LEDGER_PROJECTION)
    with drive.engine.connect() as conn:
        assert not timeline.is_stale(conn)
    assert _timeline(drive)


def test_one_timeline_row_is_valid_per_project_and_day(drive: Projlife) -> None:
    rows = _timeline(drive)
    by_project: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        by_project.setdefault(r[0], []).append((r[1], r[2]))
    for spans in by_project.values():
        for (a_from, a_to), (b_from, _) in itertools.pairwise(spans):
            assert a_from < a_to <= b_from
    day = date(2024, 9, 30).toordinal()
    valid = [r[0] for r in rows if r[1] <= day < r[2]]
    assert len(valid) == len(set(valid)) == drive.ledger.summary(as_of=date(2024, 9, 30)).projects


def test_facts_projected_before_the_timeline_existed_leave_it_stale_until_a_rebuild(drive: Projlife) -> None:
    # What a database projected by a version without the timeline looks like:
    with drive.engine.begin() as conn:
        conn.execute(timeline_table.delete())
        conn.execute(meta_table.delete())
    row = drive.ledger.rows()[0]
    clerk = Actor(id="clerk-upgrade", role=Role.CLERK, area_code=row.area_code)
    flagged = drive.projects.execute(
        FlagProject(
            project_id=row.project_id, flag="upgrade-check", occurred_on=date(2025, 1, 6), actor=clerk
        )
    )
    drive.projections.wait(flagged.position)
    with drive.engine.connect() as conn:
        assert timeline.is_stale(conn)
    folded = drive.ledger.summary(as_of=date(2025, 3, 31), known_at=LATER)
    assert folded.projects > 0
    assert drive.ledger.summary(as_of=date(2025, 3, 31)) == folded  # the empty timeline is not read
    assert drive.ledger.rows(as_of=date(2025, 3, 31)) == drive.ledger.rows(
        as_of=date(2025, 3, 31), known_at=LATER
    )
    drive.projections.rebuild(LEDGER_PROJECTION)
    with drive.engine.connect() as conn:
        assert not timeline.is_stale(conn)
    assert drive.ledger.summary() == drive.ledger.summary(known_at=LATER)
