"""The root Typer application, the shared options, and how errors reach the terminal.

Results go to stdout; progress, status and errors to stderr. Every refusal is one line on
stderr (``error: …``) and exit code 2; it never wraps when stderr is not a terminal.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.console import Console

from projlife.domain.errors import CommandRejected, ProjlifeError
from projlife.extras import MODULE_EXTRAS, MissingExtra

__all__ = ["DB_ENV_VAR", "DEFAULT_DB", "DbOption", "app", "console", "err_console", "main"]

app = typer.Typer(
    name="projlife",
    help="projlife: major-project lifecycle, 台账 ledgers, metrics and audit for city drives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 100_000)

DB_ENV_VAR = "PROJLIFE_DATABASE_URL"
DEFAULT_DB = "sqlite:///projlife.db"
DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        metavar="URL",
        envvar=DB_ENV_VAR,
        show_envvar=True,
        help="Database URL: sqlite:///FILE, postgresql+psycopg://USER@HOST:PORT/DB or mysql+pymysql://USER@HOST:PORT/DB",
    ),
]


def _version(value: bool) -> None:
    if value:
        from projlife import __version__

        typer.echo(f"projlife {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="Log to stderr (-v info, -vv debug).")
    ] = 0,
) -> None:
    if verbose:
        logging.basicConfig(
            level=logging.DEBUG if verbose > 1 else logging.INFO,
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
            stream=sys.stderr,
        )


def _register() -> None:
    # Import command modules for their @app.command side effects.
    from projlife.cli import (  # noqa: F401
        audit_commands,
        calendar_commands,
        db_commands,
        demo_command,
        new_plugin_command,
        plugins_command,
        projections_command,
        report_command,
        report_commands,
        server_commands,
        tick_command,
    )


def _click_errors() -> tuple[type[Exception], ...]:
    """Click's usage errors: typer's vendored click (typer ≥ 0.24) and/or the click package."""
    found: list[type[Exception]] = []
    if hasattr(typer, "TyperException"):
        found.append(typer.TyperException)
    try:
        import click
    except ImportError:  # pragma: no cover - typer without click
        pass
    else:
        found.append(click.ClickException)
    return tuple(found)


def error_line(text: str) -> None:
    """One ``error: …`` line on stderr, printed literally (no markup, no wrapping)."""
    line = "error: " + " ".join(text.split())
    if sys.stderr.isatty():
        err_console.print(line, style="bold red", markup=False, highlight=False, soft_wrap=True)
    else:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _problems_text(exc: ProjlifeError) -> str:
    if isinstance(exc, CommandRejected) and exc.problems:
        return f"{exc}; " + "; ".join(str(p) for p in exc.problems)
    return str(exc)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``projlife`` console script; returns the exit code."""
    _register()
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="projlife", standalone_mode=False)
    except ProjlifeError as exc:
        error_line(_problems_text(exc))
        return 2
    except ModuleNotFoundError as exc:
        extra = MODULE_EXTRAS.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        error_line(str(MissingExtra(extra, exc.name or "")))
        return 2
    except typer.Abort:
        error_line("aborted")
        return 130
    except _click_errors() as exc:
        ctx = getattr(exc, "ctx", None)
        where = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        error_line(str(getattr(exc, "format_message", exc.__str__)()) + where)
        return 2
    except KeyboardInterrupt:
        error_line("interrupted")
        return 130
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("COLUMNS", "100")
    sys.exit(main())
