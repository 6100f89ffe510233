"""``projlife tick --as-of DATE``: turn the rules that are due into events (safe from cron);
``projlife import targets FILE``: a 目标责任书 sheet into the city's target book.

Exit codes: 0 done (or nothing due), 1 some commands were refused by the domain (listed on
stderr; the others were issued), 2 refused (bad input, unknown city, a plugin error),
75 try again later (``EX_TEMPFAIL``: another tick holds the lock, or the database kept a
lock longer than the configured wait — nothing of the interrupted command was written).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from projlife.cli.app import DEFAULT_DB, DbOption, app, err_console, error_line
from projlife.cli.report_commands import import_app
from projlife.domain.errors import ProjlifeError

__all__ = ["EX_TEMPFAIL", "import_targets_command", "tick_command"]

EX_TEMPFAIL = 75
"""sysexits.h: a temporary failure; cron's next run will try again."""


def _default_lock(db: str) -> Path:
    digest = hashlib.sha256(db.encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"projlife-tick-{digest}.lock"


@contextmanager
def _locked(path: Path) -> Iterator[bool]:
    """Hold an exclusive, non-blocking lock on ``path``; yields False when another process holds it."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@app.command("tick")
def tick_command(
    as_of: Annotated[
        str, typer.Option("--as-of", metavar="DATE", help="Business date YYYY-MM-DD the rules are due by")
    ],
    db: DbOption = DEFAULT_DB,
    city: Annotated[
        list[str] | None,
        typer.Option("--city", metavar="CITY", help="City slug or code (repeatable; default: every city)"),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what is due without writing")] = False,
    fmt: Annotated[Literal["text", "json"], typer.Option("--format")] = "text",
    lock_file: Annotated[
        Path | None,
        typer.Option(
            "--lock-file", metavar="FILE", help="Lock file (default: one per database in the temp folder)"
        ),
    ] = None,
) -> None:
    """Flag overdue deadlines (挂牌提醒), escalate late tickets one rung, flag projects behind their
    annual plan and run the cities' own actions, as of DATE, with the SYSTEM actor; idempotent."""
    from projlife.actions import tick
    from projlife.app.application import connect
    from projlife.store.errors import StoreLocked

    try:
        day = date.fromisoformat(as_of)
    except ValueError as exc:
        raise ProjlifeError("read --as-of", str(exc), "a date YYYY-MM-DD") from None
    lock = lock_file if lock_file is not None else _default_lock(db)
    with _locked(lock) as held:
        if not held:
            error_line(f"another projlife tick holds {lock}; nothing was written, try again later")
            raise typer.Exit(EX_TEMPFAIL)
        try:
            with connect(db) as pl:
                slugs = [pl.city(c).slug for c in city] if city else None
                reports = tick(pl, day, cities=slugs, dry_run=dry_run)
        except StoreLocked as exc:
            error_line(f"{exc}; the tick stopped, run it again (what was done is kept, nothing is repeated)")
            raise typer.Exit(EX_TEMPFAIL) from None
    refused = [(r.city, a, why) for r in reports for a, why in r.refused]
    for city_slug, a, why in refused:
        error_line(f"{city_slug} {a.rule} {a.kind} {a.target} refused: {why}")
    if fmt == "json":
        typer.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        _print(reports, dry_run)
    if refused:
        raise typer.Exit(1)


def _print(reports: list[Any], dry_run: bool) -> None:
    for r in reports:
        verb = "due" if dry_run else "done"
        err_console.print(
            f"{r.city} {r.as_of}: {len(r.actions)} {verb} (rules {r.rule_set_sha256[:12]})",
            markup=False,
            highlight=False,
        )
        for a in r.actions:
            typer.echo(f"{r.city}\t{a.rule}\t{a.kind}\t{a.target}\t{a.reason}")


@import_app.command("targets")
def import_targets_command(
    file: Annotated[Path, typer.Argument(help="The 目标责任书 sheet (.xlsx)")],
    city: Annotated[str, typer.Option("--city", metavar="CITY", help="City slug or code")],
    on: Annotated[
        str, typer.Option("--on", metavar="DATE", help="Business date the targets were set (signed)")
    ],
    reason: Annotated[
        str, typer.Option(metavar="TEXT", help="Where they come from")
    ] = "《重点项目建设目标责任书》",
    actor: Annotated[str, typer.Option(metavar="ID", help="Who records them (an admin)")] = "target-import",
    sheet: Annotated[str | None, typer.Option(metavar="NAME", help="Sheet name (default: the first)")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Import targets (年度计划投资, quarterly quotas, 工程进度目标) from a sheet; all or nothing."""
    from projlife.app.application import connect
    from projlife.domain.actor import Actor, Role

    try:
        day = date.fromisoformat(on)
    except ValueError as exc:
        raise ProjlifeError("read --on", str(exc), "a date YYYY-MM-DD") from None
    with connect(db) as pl:
        n = pl.targets.import_sheet(
            city, file, occurred_on=day, actor=Actor(actor, Role.ADMIN), reason=reason, sheet=sheet
        )
    err_console.print(f"imported {n} targets into {city}", markup=False, highlight=False)
