"""The root Typer application; command modules register themselves here."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from projlife.domain.errors import CommandRejected, ProjlifeError

app = typer.Typer(
    name="projlife",
    help="projlife: major-project lifecycle, 台账 ledgers, metrics and audit for city drives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)

DEFAULT_DB = "sqlite:///projlife.db"


def _register() -> None:
    # Import command modules for their @app.command side effects.
    from projlife.cli import (  # noqa: F401
        audit_commands,
        db_commands,
        demo_command,
        plugins_command,
        report_command,
        report_commands,
        server_commands,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``projlife`` console script; returns the exit code."""
    _register()
    try:
        app(args=argv)
    except ProjlifeError as exc:
        err_console.print(f"[bold red]error[/]: {exc}")
        if isinstance(exc, CommandRejected):
            for problem in exc.problems:
                err_console.print(f"  - {problem}")
        return 2
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
