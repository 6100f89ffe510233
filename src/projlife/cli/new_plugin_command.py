"""``projlife new-plugin NAME``: write a city plugin package skeleton (see projlife.testing.skeleton)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projlife.cli.app import app, console
from projlife.testing.skeleton import write_plugin_skeleton

__all__ = ["new_plugin"]


@app.command("new-plugin")
def new_plugin(
    name: Annotated[str, typer.Argument(help="Entry-point name and --city slug, e.g. demo_county")],
    directory: Annotated[Path, typer.Option("--dir", help="Where to create projlife-NAME/")] = Path("."),
    code: Annotated[str, typer.Option("--code", help="The six-digit code the plugin governs")] = "990000",
) -> None:
    """Write a plugin package: pyproject with the projlife entry point, plugin module, kit tests, docs."""
    root = write_plugin_skeleton(name, directory, code)
    console.print(f"wrote {root}", markup=False)
    console.print(f'next: pip install -e "{root}[test]" && pytest {root} && projlife plugins', markup=False)
