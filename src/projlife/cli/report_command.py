"""``projlife report {weekly,monthly,quarterly,half-year}``: ledger summary, funnels and rates."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

import typer

from projlife.application import connect
from projlife.cli.app import DEFAULT_DB, app, console
from projlife.domain.errors import ProjlifeError
from projlife.projections.report import REPORT_KINDS, build_report, render_markdown


@app.command("report")
def report(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(REPORT_KINDS)}")],
    db: Annotated[str, typer.Option("--db", help="Database URL")] = DEFAULT_DB,
    city: Annotated[str | None, typer.Option(help="City slug or code (default: every city)")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD (default: today)")
    ] = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help="Only what was recorded by this ISO timestamp (with zone)"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or json")] = "md",
) -> None:
    """Catch the projections up, then print the period's ledger summary, funnels and rates."""
    if fmt not in ("md", "json"):
        raise ProjlifeError(f"print a report as {fmt!r}", "unknown format", "md, json")
    try:
        day = date.fromisoformat(as_of) if as_of else None
        moment = datetime.fromisoformat(known_at) if known_at else None
    except ValueError as exc:
        raise ProjlifeError("read --as-of/--known-at", str(exc), "YYYY-MM-DD and an ISO timestamp") from None
    if moment is not None and moment.tzinfo is None:
        raise ProjlifeError(
            "read --known-at", "the timestamp has no time zone", "e.g. 2024-07-05T18:00:00+08:00"
        )
    with connect(db) as pl:
        pl.projections.run()
        data = build_report(pl, kind, city=city, as_of=day, known_at=moment)
    if fmt == "json":
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        console.print(render_markdown(data), markup=False, highlight=False)
