"""``projlife export ledger|oc4ids``, ``projlife import ledger`` (the bulletin is ``projlife report``)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from projlife.app.application import DatabaseNotInitialised, connect
from projlife.cli.app import DEFAULT_DB, DbOption, app, err_console
from projlife.domain.errors import ProjlifeError
from projlife.reports.layout import AmountUnit

export_app = typer.Typer(
    help="Export the 台账 ledger (xlsx) or OC4IDS project packages.", no_args_is_help=True
)
import_app = typer.Typer(help="Import a 台账 ledger .xlsx as events.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")

City = Annotated[str, typer.Option(metavar="CITY", help="City plugin slug or code (zhumadian or 411700, …)")]
AsOf = Annotated[
    str | None, typer.Option("--as-of", metavar="DATE", help="Business date YYYY-MM-DD (default: today)")
]
KnownAt = Annotated[
    str | None,
    typer.Option(
        "--known-at", metavar="TIMESTAMP", help="Only what was recorded by this ISO timestamp (with zone)"
    ),
]
UNITS = {
    "元": AmountUnit.YUAN,
    "yuan": AmountUnit.YUAN,
    "万元": AmountUnit.WAN,
    "万": AmountUnit.WAN,
    "亿元": AmountUnit.YI,
    "亿": AmountUnit.YI,
}
"""Spellings of the ledger's amount unit that officials use."""


def _known_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProjlifeError(
            f"read --known-at {text!r}", "not an ISO timestamp", "e.g. 2024-07-05T18:00:00+08:00"
        ) from None
    if moment.tzinfo is None:
        raise ProjlifeError(
            f"read --known-at {text!r}", "the timestamp has no time zone", "e.g. 2024-07-05T18:00:00+08:00"
        )
    return moment


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ProjlifeError(
            f"read --as-of {text!r}", str(exc), "a date YYYY-MM-DD, e.g. 2024-06-30"
        ) from None


def _unit(text: str) -> AmountUnit:
    unit = UNITS.get(text.strip())
    if unit is None:
        raise ProjlifeError(f"write amounts in {text!r}", "unknown unit", "元, 万元 (万) or 亿元 (亿)")
    return unit


def _writable(out: Path) -> Path:
    if not out.parent.is_dir():
        raise ProjlifeError(
            f"write {out}", f"the folder {str(out.parent)!r} does not exist", "an existing folder"
        )
    return out


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )


@export_app.command("ledger")
def export_ledger(
    city: City,
    out: Annotated[Path, typer.Option(metavar="FILE", help="The .xlsx file to write")],
    as_of: AsOf = None,
    known_at: KnownAt = None,
    fmt: Annotated[Literal["xlsx"], typer.Option("--format")] = "xlsx",
    unit: Annotated[
        str, typer.Option(metavar="UNIT", help="Amount unit: 元, 万元 (万) or 亿元 (亿)")
    ] = "万元",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export the 台账 ledger as of a date (and as recorded by a time)."""
    from projlife.reports.ledger_export import export_ledger_xlsx

    day = _as_of(as_of)
    moment = _known_at(known_at)
    amount_unit = _unit(unit)
    _writable(out)
    with connect(db) as pl, _progress() as progress:
        profile = pl.city(city)
        pl.projections.run()
        rows = pl.ledger.rows(
            city=profile.code, as_of=day, known_at=moment, with_details=True, with_plan=True
        )
        task = progress.add_task("exporting", total=len(rows))
        n = export_ledger_xlsx(
            rows,
            out,
            city=profile,
            as_of=day,
            unit=amount_unit,
            progress=lambda i: progress.update(task, completed=i),
            office=pl.office,
            known_at=moment,
            per_mu_years=(day.year - 1, day.year),
        )
    err_console.print(f"{n} projects written to {out}", markup=False, highlight=False)


@export_app.command("oc4ids")
def export_oc4ids(
    city: City,
    out: Annotated[Path, typer.Option(metavar="FILE", help="The .json file to write")],
    as_of: AsOf = None,
    known_at: KnownAt = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export the city's projects as an OC4IDS 0.9 project package."""
    from projlife.reports.oc4ids import project_package
    from projlife.reports.office_oc4ids import project_office_facts

    day = _as_of(as_of)
    moment = _known_at(known_at)
    _writable(out)
    with connect(db) as pl:
        profile = pl.city(city)
        pl.projections.run()
        rows = pl.ledger.rows(
            city=profile.code, as_of=day, known_at=moment, with_details=True, with_plan=True
        )
        facts = project_office_facts(
            pl.office,
            profile.code,
            as_of=day,
            known_at=moment,
            per_mu_years=(day.year - 1, day.year),
            targets=pl.targets.book(profile.code),
        )
        package = project_package(rows, profile, as_of=day, office=facts)
    out.write_text(json.dumps(package, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    err_console.print(f"{len(package['projects'])} projects written to {out}", markup=False, highlight=False)


@import_app.command("ledger")
def import_ledger_command(
    file: Annotated[Path, typer.Argument(help="The ledger .xlsx")],
    city: City,
    mode: Annotated[
        Literal["all_or_nothing", "good_rows_only"], typer.Option(help="What bad rows do")
    ] = "all_or_nothing",
    actor: Annotated[
        str, typer.Option(metavar="ID", help="Importer id recorded on every fact")
    ] = "ledger-import",
    init: Annotated[
        bool, typer.Option("--init", help="Create the projlife tables first if the database has none")
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Import a ledger .xlsx; bad rows are listed with sheet, row and column."""
    from projlife.reports.ledger_import import LedgerImportRejected, check_ledger_file, import_ledger

    check_ledger_file(file)
    try:
        pl = connect(db, create_tables=init)
    except DatabaseNotInitialised as exc:
        raise DatabaseNotInitialised(
            exc.attempted, exc.reason, "`projlife init --db URL` first, or import with --init"
        ) from None
    with pl, _progress() as progress:
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
                err_console.print(f"  ✗ {problem}", markup=False, highlight=False)
            err_console.print(
                f"rejected: {len(exc.report.problems)} problem(s); nothing was written",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(1) from None
    for problem in report.problems:
        err_console.print(f"  skipped {problem}", markup=False, highlight=False)
    typer.echo(
        f"{report.rows_read} rows: {report.projects_written} projects written ({report.events_written} events), "
        f"{report.projects_unchanged} unchanged, {report.rows_rejected} rejected"
    )
    if report.problems:
        raise typer.Exit(1)
