"""A batched import asks the event store which of a batch's projects exist in one query."""

from __future__ import annotations

from typing import Any

import pytest

from projlife.app.application import Projlife
from projlife.demo.simulation import simulate


def test_an_import_of_new_projects_reads_no_project_back(
    app: Projlife, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = simulate(app.city("xiaogan"), 30, seed=41).commands
    recorder: Any = app.store.recorder
    reads: list[Any] = []
    select = recorder.select_events

    def counting(originator_id: Any, *args: Any, **kwargs: Any) -> Any:
        reads.append(originator_id)
        return select(originator_id, *args, **kwargs)

    monkeypatch.setattr(recorder, "select_events", counting)
    report = app.projects.ingest(commands, batch_size=40)
    assert report.skipped == 0 and report.events == len(commands)
    assert reads == []  # the existence check is one query per batch, not a read per project


def test_the_batched_check_finds_the_stored_projects(app: Projlife) -> None:
    commands = simulate(app.city("zhumadian"), 25, seed=42).commands
    first = app.projects.ingest(commands, batch_size=40)
    head = app.store.recorder.max_notification_id()
    again = app.projects.ingest(commands, batch_size=40)
    assert again.skipped == 25 and again.events == 0
    assert app.store.recorder.max_notification_id() == head
    assert first.events == len(commands)
    from projlife.domain.project import project_id_for

    conceived = [project_id_for(c.city_code, c.code) for c in commands if c.name == "conceive"]
    other = project_id_for("411700", "never-conceived")
    assert app._stored_among([*conceived, other]) == set(conceived)
