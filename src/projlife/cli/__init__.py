"""The ``projlife`` command line (Typer, from the ``[cli]`` extra). Each command group has its module."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["app", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``projlife`` console script; a missing ``[cli]`` extra is one clear line."""
    try:
        from projlife.cli.app import main as cli_main
    except ImportError as exc:
        from projlife.extras import missing_extra

        sys.stderr.write(f"error: {missing_extra('cli', exc)}\n")
        return 2
    return cli_main(argv)


def __getattr__(name: str) -> Any:
    if name == "app":
        from projlife.cli.app import app

        return app
    raise AttributeError(f"module 'projlife.cli' has no attribute {name!r}")
