"""``projlife export ledger|oc4ids``, ``projlife import ledger`` (the bulletin is ``projlife report``)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from projlife.app.application import connect
from projlife.cli.app import DEFAULT_DB, app, console
from projlife.reports.layout import AmountUnit
from projlife.reports.ledger_export import export_ledger_xlsx
from projlife.reports.ledger_import import ImportMode, LedgerImportRejected, import_ledger
from projlife.reports.oc4ids import project_package

export_app = typer.Typer(
    help="Export the 台账 ledger (xlsx) or OC4IDS project packages.", no_args_is_help=True
)
import_app = typer.Typer(help="Import a 台账 ledger .xlsx as events.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

Db = Annotated[str, typer.Option(help="Database URL")]
City = Annotated[str, typer.Option(help="City plugin slug (zhumadian, xiaogan, …)")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD (default: today)")]


KnownAt = Annotated[
    str | None, typer.Option("--known-at", help="Only what was recorded by this ISO timestamp (with zone)")
]


def _known_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise typer.BadParameter("--known-at needs a time zone, e.g. 2024-07-05T18:00:00+08:00")
    return moment


def _as_of(text: str | None) -> date:
    return date.fromisoformat(text) if text else date.today()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


@export_app.command("ledger")
def export_ledger(
    city: City,
    out: Annotated[Path, typer.Option(help="The .xlsx file to write")],
    as_of: AsOf = None,
    known_at: KnownAt = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx")] = "xlsx",
    unit: Annotated[str, typer.Option(help="万元 or 亿元")] = "万元",
    db: Db = DEFAULT_DB,
) -> None:
    """Export the 台账 ledger as of a date (and as recorded by a time)."""
    if fmt != "xlsx":
        raise typer.BadParameter("only xlsx is supported")
    day = _as_of(as_of)
    with connect(db) as pl, _progress() as progress:
        profile = pl.city(city)
        pl.projections.run()
        rows = pl.ledger.rows(city=profile.code, as_of=day, known_at=_known_at(known_at), with_details=True)
        task = progress.add_task("exporting", total=len(rows))
        n = export_ledger_xlsx(
            rows,
            out,
            city=profile,
            as_of=day,
            unit=AmountUnit(unit),
            progress=lambda i: progress.update(task, completed=i),
        )
    console.print(f"{n} projects written to {out}")


@export_app.command("oc4ids")
def export_oc4ids(
    city: City,
    out: Annotated[Path, typer.Option(help="The .json file to write")],
    as_of: AsOf = None,
    known_at: KnownAt = None,
    db: Db = DEFAULT_DB,
) -> None:
    """Export the city's projects as an OC4IDS 0.9 project package."""
    day = _as_of(as_of)
    with connect(db) as pl:
        profile = pl.city(city)
        pl.projections.run()
        rows = pl.ledger.rows(city=profile.code, as_of=day, known_at=_known_at(known_at), with_details=True)
        package = project_package(rows, profile, as_of=day)
    out.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    console.print(f"{len(package['projects'])} projects written to {out}")


@import_app.command("ledger")
def import_ledger_command(
    file: Annotated[Path, typer.Argument(help="The ledger .xlsx")],
    city: City,
    mode: Annotated[
        ImportMode, typer.Option(help="all_or_nothing or good_rows_only")
    ] = ImportMode.ALL_OR_NOTHING,
    actor: Annotated[str, typer.Option(help="Importer id recorded on every fact")] = "ledger-import",
    db: Db = DEFAULT_DB,
) -> None:
    """Import a ledger .xlsx; bad rows are listed with sheet, row and column."""
    with connect(db, create_tables=True) as pl, _progress() as progress:
        task = progress.add_task("importing", total=None)
        try:
            report = import_ledger(
                pl,
                file,
                city=city,
                mode=mode,
                actor_id=actor,
                progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
        except LedgerImportRejected as exc:
            progress.stop()
            for problem in exc.report.problems:
                console.print(f"  [red]✗[/] {problem}", highlight=False)
            console.print(
                f"[bold red]rejected[/]: {len(exc.report.problems)} problem(s); nothing was written"
            )
            raise typer.Exit(1) from None
    for problem in report.problems:
        console.print(f"  [yellow]skipped[/] {problem}", highlight=False)
    console.print(
        f"{report.rows_read} rows: {report.projects_written} projects written ({report.events_written} events), "
        f"{report.projects_unchanged} unchanged, {report.rows_rejected} rejected"
    )
    if report.problems:
        raise typer.Exit(1)
