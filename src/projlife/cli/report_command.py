"""``projlife report {weekly,monthly,quarterly,half-year}``: the bulletin (周通报/月调度/季度/半年)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

import sqlalchemy as sa
import typer
from rich.markup import escape

from projlife.app.application import Projlife, connect
from projlife.cli.app import DEFAULT_DB, DbOption, app, err_console
from projlife.domain.errors import ProjlifeError
from projlife.projections.facts import facts_table
from projlife.reports.bulletin import BULLETIN_KINDS, build_bulletin
from projlife.reports.render_html import bulletin_html
from projlife.reports.render_md import bulletin_json, bulletin_markdown
from projlife.reports.report_city import report_city
from projlife.reports.terms import LANGS

FORMATS = ("md", "json", "html")


def _last_business_date(pl: Projlife, slug: str) -> date:
    """The latest business date of the city's recorded facts (today when it has none)."""
    code = pl.city(slug).code
    with pl.engine.connect() as conn:
        last = conn.execute(
            sa.select(sa.func.max(facts_table.c.business)).where(facts_table.c.city_code == code)
        ).scalar()
    return date.today() if last is None else date.fromordinal(int(last))


@app.command("report")
def report(
    kind: Annotated[
        Literal["weekly", "monthly", "quarterly", "half-year"], typer.Argument(help="The bulletin's period")
    ],
    db: DbOption = DEFAULT_DB,
    city: Annotated[
        str | None,
        typer.Option(metavar="CITY", help="City slug or code (default: the only city with projects)"),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Business date YYYY-MM-DD (default: the last business date in the data)",
        ),
    ] = None,
    known_at: Annotated[
        str | None,
        typer.Option(
            "--known-at", metavar="TIMESTAMP", help="Only what was recorded by this ISO timestamp (with zone)"
        ),
    ] = None,
    published_at: Annotated[
        str | None,
        typer.Option(
            "--published-at",
            metavar="TIMESTAMP",
            help="When this period's figures were first published (ISO, with zone): "
            "figures revised since by late-recorded or back-dated events are named with their events",
        ),
    ] = None,
    fmt: Annotated[Literal["md", "json", "html"], typer.Option("--format")] = "md",
    lang: Annotated[Literal["zh", "en"], typer.Option()] = "zh",
    out: Annotated[Path | None, typer.Option(metavar="FILE", help="File to write (default: print)")] = None,
) -> None:
    """Catch the projections up, then print the period's bulletin: per-county figures, quotas,
    deadlines, ranking, ticket loop, ledger summary, funnels and rates, and the audit checkpoint."""
    if kind.replace("_", "-") not in BULLETIN_KINDS:
        raise ProjlifeError(f"print a {kind!r} report", "unknown report kind", ", ".join(BULLETIN_KINDS))
    if fmt not in FORMATS:
        raise ProjlifeError(f"print a report as {fmt!r}", "unknown format", ", ".join(FORMATS))
    if lang not in LANGS:
        raise ProjlifeError(f"print a report in {lang!r}", "unknown language", ", ".join(LANGS))
    try:
        day = date.fromisoformat(as_of) if as_of else None
        moment = datetime.fromisoformat(known_at) if known_at else None
        published = datetime.fromisoformat(published_at) if published_at else None
    except ValueError as exc:
        raise ProjlifeError(
            "read --as-of/--known-at/--published-at", str(exc), "YYYY-MM-DD and ISO timestamps"
        ) from None
    for flag, value in (("--known-at", moment), ("--published-at", published)):
        if value is not None and value.tzinfo is None:
            raise ProjlifeError(
                f"read {flag}", "the timestamp has no time zone", "e.g. 2024-07-05T18:00:00+08:00"
            )
    with connect(db) as pl:
        pl.projections.run()
        slug = report_city(pl, city)
        if day is None:
            day = _last_business_date(pl, slug)
            err_console.print(
                f"--as-of not given: using {day.isoformat()}, the last business date in the data"
            )
        bulletin = build_bulletin(pl, slug, kind=kind, as_of=day, known_at=moment, published_at=published)
        if fmt == "json":
            text = bulletin_json(bulletin)
        elif fmt == "html":
            text = bulletin_html(bulletin, lang)
        else:
            text = bulletin_markdown(bulletin, lang)
    if bulletin.rules is not None:
        for warning in bulletin.rules.deadlines.warnings:
            err_console.print(f"[bold yellow]warning[/]: {escape(warning)}")
    if out is None:
        typer.echo(text, nl=False)
    else:
        if not out.parent.is_dir():
            raise ProjlifeError(
                f"write {out}", f"the folder {str(out.parent)!r} does not exist", "an existing folder"
            )
        out.write_text(text, encoding="utf-8")
        err_console.print(f"written {out}", markup=False, highlight=False)
