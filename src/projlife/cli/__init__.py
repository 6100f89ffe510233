"""The ``projlife`` command line (Typer). Each command group lives in its own module."""

from __future__ import annotations

from projlife.cli.app import app, main

__all__ = ["app", "main"]
