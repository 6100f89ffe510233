"""``projlife demo``: drive a realistic batch of projects and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projlife.cli.app import app, console
from projlife.demo import run_demo


@app.command("demo")
def demo(
    city: Annotated[
        str, typer.Option(help="City plugin slug: xiaogan, zhumadian, xiamen, jiangyan, …")
    ] = "xiaogan",
    out: Annotated[
        Path | None, typer.Option(help="Folder to write into (default: a new ./projlife-demo-N folder)")
    ] = None,
    db: Annotated[str | None, typer.Option(help="Database URL (default: sqlite in --out)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same drive")] = 1,
    projects: Annotated[int, typer.Option(help="How many projects to generate")] = 400,
) -> None:
    """Create a database, drive projects of one city through their lifecycle, print a summary."""
    run_demo(city=city, out=out, db=db, seed=seed, n_projects=projects, console=console)
