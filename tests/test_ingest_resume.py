"""``ingest`` is idempotent: a re-run after an interruption skips what is stored and writes the rest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from projlife.app.application import Projlife, connect
from projlife.app.commands import ConceiveProject
from projlife.demo.simulation import simulate
from projlife.domain.errors import CommandRejected


def _commands(app: Projlife) -> list[object]:
    return list(simulate(app.city("xiaogan"), 12, seed=5, as_of=date(2024, 12, 31)).commands)


def _histories(app: Projlife) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for n in app.store.recorder.select_notifications(None, 100_000):
        out.setdefault(str(n.originator_id), []).append(n.topic)
    return out


def test_running_the_same_ingest_twice_writes_nothing_the_second_time(app: Projlife) -> None:
    commands = _commands(app)
    first = app.projects.ingest(commands)  # type: ignore[arg-type]
    again = app.projects.ingest(commands)  # type: ignore[arg-type]
    assert first.events > 0 and first.skipped == 0
    assert again.events == 0 and again.aggregates == 0
    assert again.skipped == first.aggregates


def test_an_interrupted_ingest_resumes_to_the_same_histories_as_one_clean_run(
    app: Projlife, tmp_path: Path
) -> None:
    commands = _commands(app)
    cut = len(commands) * 2 // 3  # the crash: only the first two thirds were committed
    partial = app.projects.ingest(commands[:cut], batch_size=7)  # type: ignore[arg-type]
    resumed = app.projects.ingest(commands, batch_size=7)  # type: ignore[arg-type]
    with connect(f"sqlite:///{tmp_path / 'clean.db'}", create_tables=True) as clean:
        reference = clean.projects.ingest(commands)  # type: ignore[arg-type]
        expected = _histories(clean)
    assert partial.events + resumed.events == reference.events
    assert _histories(app) == expected


def test_an_existing_project_with_different_events_is_a_clear_conflict(app: Projlife) -> None:
    commands = _commands(app)
    app.projects.ingest(commands)  # type: ignore[arg-type]
    i, first = next((i, c) for i, c in enumerate(commands) if isinstance(c, ConceiveProject))
    changed = first.model_copy(update={"planned_investment_yuan": Decimal("123456789.00")})
    with pytest.raises(CommandRejected, match=f"project {first.code} already exists with different events"):
        app.projects.ingest([*commands[:i], changed, *commands[i + 1 :]])  # type: ignore[arg-type]
