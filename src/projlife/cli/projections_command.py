"""``projlife projections status|rebuild``: how far each read model is behind the log, and a replay."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from projlife.app.application import connect
from projlife.cli.app import DEFAULT_DB, DbOption, app, console, err_console
from projlife.projections import timeline

__all__ = ["projections_app", "projections_status"]

projections_app = typer.Typer(
    help="The read models: how far behind the event log each is, and rebuilding them.",
    no_args_is_help=True,
)
app.add_typer(projections_app, name="projections")


def _aware(moment: datetime) -> datetime:
    # SQLite keeps no zone; the runner records UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def projections_status(pl: Any) -> dict[str, Any]:
    """What ``projlife projections status --format json`` prints (schema ``projections-status``)."""
    with pl.engine.connect() as conn:
        timeline_stale = bool(timeline.is_stale(conn))
    rows = [
        {
            "name": s.name,
            "position": s.position,
            "lag": s.lag,
            "stale": s.lag > 0 or s.failed_event_id is not None or (s.name == "ledger" and timeline_stale),
            "failed_event_id": s.failed_event_id,
            "last_error": s.last_error,
            "updated_at": None if s.updated_at is None else _aware(s.updated_at).isoformat(),
        }
        for s in pl.projections.status()
    ]
    return {"projections": rows, "stale": [r["name"] for r in rows if r["stale"]]}


@projections_app.command("status")
def status_command(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[Literal["table", "json"], typer.Option("--format")] = "table",
) -> None:
    """Each read model's log position, its lag behind the log, and whether it is stale or failed."""
    with connect(db) as pl:
        report = projections_status(pl)
    if fmt == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    table = Table(title="projlife read models")
    for col in ("projection", "position", "lag", "stale", "error"):
        table.add_column(col)
    for r in report["projections"]:
        error = "" if r["last_error"] is None else f"at event {r['failed_event_id']}: {r['last_error']}"
        table.add_row(r["name"], str(r["position"]), str(r["lag"]), "yes" if r["stale"] else "", error)
    console.print(table)


@projections_app.command("rebuild")
def rebuild_command(
    db: DbOption = DEFAULT_DB,
    name: Annotated[
        list[str] | None,
        typer.Option("--name", metavar="NAME", help="Only this projection (repeatable; default: all)"),
    ] = None,
) -> None:
    """Clear read models and replay the whole event log into them, with progress on stderr."""
    with connect(db) as pl:
        names = list(dict.fromkeys(name or [p.name for p in pl.projections.projections]))
        for n in names:
            pl.projections.get(n)  # an unknown name is refused before anything is cleared
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            disable=not err_console.is_terminal,
        ) as progress:
            # One pass over the log for all of them: each event read and decoded once.
            task = progress.add_task(f"rebuilding {', '.join(names)}", total=1)
            positions = pl.projections.rebuild_all(names)
            progress.advance(task)
        for n in names:
            err_console.print(f"{n}: rebuilt up to log position {positions[n]}", markup=False)
        pl.audit.seal()
