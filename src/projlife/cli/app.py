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
console = Console()
err_console = Console(stderr=True)

DEFAULT_DB = "sqlite:///projlife.db"


def _register() -> None:
    # Import command modules for their @app.command side effects.
    from projlife.cli import db_commands, demo_command  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``projlife`` console script."""
    _register()
    try:
        app(args=argv, standalone_mode=False)
    except ProjlifeError as exc:
        err_console.print(f"[bold red]error[/]: {exc}")
        if isinstance(exc, CommandRejected):
            for problem in exc.problems:
                err_console.print(f"  - {problem}")
        return 2
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # click's usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        if isinstance(exc, click.exceptions.Abort):
            return 1
        raise
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
