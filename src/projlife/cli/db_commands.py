"""``projlife init``: create the tables (idempotent)."""

from __future__ import annotations

from projlife.app.application import connect
from projlife.cli.app import DEFAULT_DB, DbOption, app, err_console


@app.command("init")
def init(db: DbOption = DEFAULT_DB) -> None:
    """Create every projlife table in the database (safe to run again, and from two processes)."""
    with connect(db, create_tables=True) as pl:
        err_console.print(f"projlife tables ready in {pl.url.raw}", markup=False, highlight=False)
