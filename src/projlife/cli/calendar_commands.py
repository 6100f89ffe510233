"""``projlife calendar load|show``: the State Council holiday notices loaded into a database."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from projlife.app.application import connect
from projlife.calendar import HolidayNotice, NoticeError
from projlife.cli.app import DEFAULT_DB, DbOption, app, console
from projlife.domain.errors import ProjlifeError

calendar_app = typer.Typer(
    help="The working-day calendar: load a year's holiday notice, show what is loaded."
)
app.add_typer(calendar_app, name="calendar")


@calendar_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="The notice: a .json or .toml file (see docs/calendar.md)")],
    db: DbOption = DEFAULT_DB,
    by: Annotated[str | None, typer.Option("--by", help="Who loads it (default: the login name)")] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. 'correction of 2027-02-14')")] = "",
) -> None:
    """Store a year's holiday notice as its next version; later deadlines use it and name it."""
    try:
        notice = HolidayNotice.from_file(file)
    except NoticeError as exc:
        raise ProjlifeError(
            f"load the holiday notice {file}", str(exc), "a notice file as in docs/calendar.md"
        ) from None
    with connect(db) as pl:
        stored = pl.load_calendar_notice(notice, loaded_by=by or getpass.getuser(), reason=reason)
        if stored is None:
            console.print(f"{notice.year}: identical to the latest version already loaded; nothing stored")
            return
        console.print(
            f"stored {escape(stored.label)}: {len(notice.holidays)} days off, "
            f"{len(notice.workdays)} make-up working days, loaded by {escape(stored.loaded_by)} "
            f"at {stored.loaded_at}"
        )
        console.print(f"deadlines computed from now on use calendar {escape(pl.calendar.calendar_version)}")


@calendar_app.command("show")
def show(db: DbOption = DEFAULT_DB) -> None:
    """Every notice version loaded (who, when, why) and the calendar version now in force."""
    with connect(db) as pl:
        for s in pl.calendar_notices.stored():
            n = s.notice
            console.print(
                f"{escape(s.label)}\t{len(n.holidays)} off\t{len(n.workdays)} make-up\t"
                f"{escape(s.loaded_by)}\t{s.loaded_at}\t{escape(n.document or n.title)}\t{escape(s.reason)}"
            )
        console.print(f"in force: {escape(pl.calendar.calendar_version)}")
