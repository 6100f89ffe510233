"""Several processes write to the same projects at once: no update is lost, none is doubled.

Each process is a separate interpreter (spawn) with its own connection. The service
reloads and re-checks a command when another writer got there first
(``RecordConflictError``); if the retries run out it raises ``ConcurrentUpdateError``,
which the worker reports, so a conflict is never silently swallowed.
"""

from __future__ import annotations

import multiprocessing
import random
import uuid
from collections import Counter
from datetime import date
from unittest import mock

import pytest
from eventsourcing.persistence import RecordConflictError
from hypothesis import given
from hypothesis import strategies as st

import process_workers
from domain_helpers import CLERK, new_project
from projlife.app.application import Projlife, connect
from projlife.app.retry import MAX_RETRIES, RetryPolicy
from projlife.domain import ConcurrentUpdateError, IllegalTransition, Money, Project

PROCESSES = 3


def _signed_projects(app: Projlife, n: int) -> list[str]:
    ids = []
    for i in range(n):
        project = new_project(f"C-{i}", city_code="420900", area_code="420902")
        project.sign(amount=Money.yi(1), counterparty="甲", occurred_on=date(2024, 1, 10), actor=CLERK)
        app.store.save(project)
        ids.append(str(project.id))
    return ids


def _run(target: object, argsets: list[tuple[object, ...]]) -> list[tuple[int, str | None]]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(len(argsets))
        with ctx.Pool(len(argsets)) as pool:
            return pool.starmap(target, [(*args, barrier) for args in argsets])  # type: ignore[arg-type]


def test_concurrent_investment_reports_on_one_project_are_all_kept(db_url: str) -> None:
    with connect(db_url, create_tables=True) as app:
        (pid,) = _signed_projects(app, 1)
    months = [f"2024-{m:02d}-01" for m in range(1, 13)]
    shares = [months[i::PROCESSES] for i in range(PROCESSES)]

    results = _run(process_workers.report_months, [(db_url, pid, share) for share in shares])

    with connect(db_url) as app:
        project = app.projects.get(uuid.UUID(pid))
        reported = [
            e.month for e in app.store.events.get(project.id) if isinstance(e, Project.InvestmentReported)
        ]
    errors = [err for _, err in results if err is not None]
    done = sum(n for n, _ in results)
    # every command either landed exactly once or was reported as a conflict, never lost
    assert len(reported) == len(set(reported)) == done
    assert all(err == "ConcurrentUpdateError" for err in errors), errors
    if not errors:
        assert sorted(reported) == [date.fromisoformat(m) for m in months]
        assert project.cumulative_investment == Money(12_000_000)
    assert project.version == 2 + done


def test_concurrent_flags_on_shared_projects_are_all_kept(db_url: str) -> None:
    with connect(db_url, create_tables=True) as app:
        ids = _signed_projects(app, 2)
    flags = [[f"flag-{p}-{i}" for i in range(4)] for p in range(PROCESSES)]

    results = _run(process_workers.add_flags, [(db_url, ids, fl) for fl in flags])

    errors = [err for _, err in results if err is not None]
    assert all(err == "ConcurrentUpdateError" for err in errors), errors
    with connect(db_url) as app:
        seen: Counter[tuple[str, str]] = Counter()
        for pid in ids:
            project = app.projects.get(uuid.UUID(pid))
            for e in app.store.events.get(project.id):
                if isinstance(e, Project.Flagged):
                    seen[(pid, e.flag)] += 1
    assert set(seen.values()) <= {1}
    assert sum(seen.values()) == sum(n for n, _ in results)
    if not errors:
        assert len(seen) == len(ids) * PROCESSES * 4


def _rival_first(app: Projlife, rival_month: date) -> tuple[object, list[int]]:
    """A save that lets a rival report ``rival_month`` just before our first save."""
    real_save = app.store.save
    calls: list[int] = []

    def save(*aggregates: Project) -> object:
        calls.append(1)
        if len(calls) == 1:
            rival = app.projects.get(aggregates[0].id)
            rival.report_investment(
                month=rival_month, amount=Money(7), occurred_on=date(2024, 3, 1), actor=CLERK
            )
            real_save(rival)
        return real_save(*aggregates)

    return save, calls


REPORT_FEBRUARY = {
    "command": "report_investment",
    "month": "2024-02-01",
    "amount_yuan": "5",
    "occurred_on": "2024-03-01",
    "actor": {"id": "clerk-1", "role": "clerk"},
}


def test_a_version_conflict_is_retried_on_the_reloaded_project(app: Projlife) -> None:
    (pid,) = _signed_projects(app, 1)
    save, calls = _rival_first(app, date(2024, 1, 1))
    with mock.patch.object(app.store, "save", save):
        result = app.projects.execute({**REPORT_FEBRUARY, "project_id": pid})
    assert len(calls) == 2
    assert result.version == 4
    project = app.projects.get(uuid.UUID(pid))
    assert sorted(project.investment_reports) == [date(2024, 1, 1), date(2024, 2, 1)]
    assert project.cumulative_investment == Money(12)


def test_a_retried_command_is_checked_again_against_the_rival_write(app: Projlife) -> None:
    (pid,) = _signed_projects(app, 1)
    save, calls = _rival_first(app, date(2024, 2, 1))
    with mock.patch.object(app.store, "save", save), pytest.raises(IllegalTransition) as caught:
        app.projects.execute({**REPORT_FEBRUARY, "project_id": pid})
    assert "2024-02 already reported" in str(caught.value)
    assert len(calls) == 1  # the retry refused before saving
    project = app.projects.get(uuid.UUID(pid))
    assert project.cumulative_investment == Money(7)
    assert project.version == 3


def test_retries_that_run_out_raise_concurrent_update_error(app: Projlife) -> None:
    (pid,) = _signed_projects(app, 1)

    def always_conflict(*aggregates: object) -> object:
        raise RecordConflictError("simulated rival writer")

    with (
        mock.patch.object(app.store, "save", always_conflict),
        mock.patch("projlife.app.retry.DEFAULT_RETRY", RetryPolicy(budget_s=0.05)),
        pytest.raises(ConcurrentUpdateError) as caught,
    ):
        app.projects.execute(
            {
                "command": "flag",
                "project_id": pid,
                "flag": "lagging",
                "occurred_on": "2024-03-01",
                "actor": {"id": "clerk-1", "role": "clerk"},
            }
        )
    conflicts = int(str(caught.value).split("changed the project ")[1].split(" times")[0])
    assert conflicts >= MAX_RETRIES
    assert app.projects.get(uuid.UUID(pid)).version == 2


CLERKS = 8


def test_eight_clerks_writing_one_project_never_see_a_concurrent_update_error(db_url: str) -> None:
    with connect(db_url, create_tables=True) as app:
        (pid,) = _signed_projects(app, 1)
    flags = [[f"clerk{c}-flag{i}" for i in range(10)] for c in range(CLERKS)]

    results = _run(process_workers.add_flags, [(db_url, [pid], fl) for fl in flags])

    errors = [err for _, err in results if err is not None]
    assert errors == []
    with connect(db_url) as app:
        project = app.projects.get(uuid.UUID(pid))
    assert set(project.flags) == {f for fl in flags for f in fl}
    assert project.version == 2 + CLERKS * 10


@given(conflicts=st.integers(min_value=1, max_value=200), seed=st.integers())
def test_each_backoff_pause_is_jittered_under_its_exponential_ceiling(conflicts: int, seed: int) -> None:
    policy = RetryPolicy()
    pause = policy.pause(conflicts, random.Random(seed))
    assert 0.0 <= pause <= min(policy.cap_s, policy.base_s * 2**conflicts)
