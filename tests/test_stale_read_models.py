"""A projection that meets an event it cannot apply stops with a typed error naming the event,
and no reader (ledger rows, summary, counts, reports, exports) serves the stale figures."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock
from uuid import UUID

import pytest

from audit_helpers import drive
from projlife.app.application import Projlife, connect
from projlife.cli.app import main
from projlife.domain.errors import ProjlifeError
from projlife.projections import ProjectionFailed, ProjectionStopped
from projlife.projections.facts import LEDGER_PROJECTION, LedgerProjection

FLAGGED = "projlife:Project.Flagged"
_VERSIONS: dict[int, int] = {}


def _flag(app: Projlife) -> tuple[UUID, int]:
    project_id = app.projects.find(app.city("xiaogan").code, _first_code(app)).id
    result = app.projects.execute(
        {
            "command": "flag",
            "project_id": str(project_id),
            "flag": "lagging",
            "occurred_on": "2024-12-30",
            "actor": {"id": "clerk-1", "role": "clerk"},
        }
    )
    assert result.position is not None
    _VERSIONS[result.position] = result.version
    return project_id, result.position


def _first_code(app: Projlife) -> str:
    return app.ledger.rows(city="xiaogan")[0].code


@pytest.fixture
def broken(db_url: str) -> Iterator[tuple[str, UUID, int]]:
    """A database whose ledger projection stops at a flag event it cannot apply."""
    with connect(db_url, create_tables=True) as app:
        drive(app, n_projects=6)
        app.projections.run()
        project_id, position = _flag(app)
    real = LedgerProjection.process_batch

    def refuse_flags(self: LedgerProjection, conn: Any, items: Sequence[Any]) -> None:
        if any(n.topic == FLAGGED for _, n in items):
            raise ValueError("cannot apply this flag")
        real(self, conn, items)

    with mock.patch.object(LedgerProjection, "process_batch", refuse_flags):
        yield db_url, project_id, position


def _assert_names_the_event(error: ProjectionStopped, project_id: UUID, position: int) -> None:
    assert isinstance(error, ProjectionFailed) and isinstance(error, ProjlifeError)
    assert error.projection == LEDGER_PROJECTION
    assert (error.position, error.topic, error.originator_version) == (position, FLAGGED, _VERSIONS[position])
    assert error.originator_id is not None and UUID(error.originator_id) == project_id
    assert error.applied_through < position <= error.head
    message = str(error)
    assert f"stopped at event {position} (topic {FLAGGED}" in message
    assert "cannot apply this flag" in message and "stale" in message
    assert f"projlife projections rebuild --name {LEDGER_PROJECTION}" in message


def test_run_records_the_stop_and_every_ledger_reader_refuses_naming_the_event(
    broken: tuple[str, UUID, int],
) -> None:
    url, project_id, position = broken
    with connect(url) as app:
        positions = app.projections.run()  # the other projections still run
        assert positions[LEDGER_PROJECTION] == position - 1
        readers = {
            "summary": lambda: app.ledger.summary(city="xiaogan"),
            "rows": lambda: app.ledger.rows(city="xiaogan"),
            "row": lambda: app.ledger.row(str(project_id)),
            "wait": lambda: app.projections.wait(position, timeout=1),
            "raise_if_stopped": lambda: app.projections.raise_if_stopped(attempted="check"),
        }
        for name, read in readers.items():
            with pytest.raises(ProjectionStopped) as caught:
                read()
            _assert_names_the_event(caught.value, project_id, position)
            assert caught.value.attempted, name


def test_exports_and_reports_exit_non_zero_and_write_no_stale_file(
    broken: tuple[str, UUID, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, _, position = broken
    xlsx, package = tmp_path / "ledger.xlsx", tmp_path / "oc4ids.json"
    commands = [
        ["export", "ledger", "--city", "xiaogan", "--out", str(xlsx), "--db", url],
        ["export", "oc4ids", "--city", "xiaogan", "--out", str(package), "--db", url],
        ["report", "weekly", "--db", url, "--city", "xiaogan", "--format", "json"],
    ]
    for args in commands:
        assert main(args) != 0, args
        err = " ".join(capsys.readouterr().err.split())
        assert f"stopped at event {position}" in err and "the read model is broken" in err, args
        assert "rebuild" in err, args
    assert not xlsx.exists() and not package.exists()


def test_a_fixed_projection_resumes_at_the_event(db_url: str) -> None:
    with connect(db_url, create_tables=True) as app:
        drive(app, n_projects=6)
        app.projections.run()
        project_id, position = _flag(app)
        real = LedgerProjection.process_batch

        def refuse_flags(self: LedgerProjection, conn: Any, items: Sequence[Any]) -> None:
            if any(n.topic == FLAGGED for _, n in items):
                raise ValueError("cannot apply this flag")
            real(self, conn, items)

        with mock.patch.object(LedgerProjection, "process_batch", refuse_flags):
            app.projections.run()
            with pytest.raises(ProjectionStopped):
                app.ledger.summary(city="xiaogan")
        assert app.projections.run()[LEDGER_PROJECTION] >= position  # the fix is deployed
        app.projections.raise_if_stopped(attempted="check")
        assert app.ledger.summary(city="xiaogan").flagged >= 1
        row = app.ledger.row(str(project_id))
        assert row is not None and "lagging" in row.flags
