"""``projlife demo``: drive a realistic batch of projects and summarise it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projlife.cli.app import app, console
from projlife.domain.errors import ProjlifeError
from projlife.plugins.loading import plugin_failures
from projlife.plugins.manager import PluginError, city_profiles, get_plugin_manager


def _city_slug(city: str) -> str:
    """The installed city a slug or a code names; refused before any folder is created.

    A broken plugin elsewhere does not stop the demo of a working city (it is left out and named);
    asking for a city whose plugin failed to load names that plugin and why."""
    pm = get_plugin_manager(strict=False)
    cities = city_profiles(pm)
    for slug, profile in cities.items():
        if city in (slug, profile.code):
            return slug
    failed = [f for f in plugin_failures(pm) if city in f.cities or city == f.name]
    if failed:
        f = failed[0]
        raise PluginError(
            f"run the demo of {city!r}",
            f"its plugin {f.name!r} failed to load: {f.error}",
            "a plugin that loads",
        )
    known = ", ".join(f"{slug} ({p.code})" for slug, p in sorted(cities.items())) or "none installed"
    raise PluginError(f"find city {city!r}", "no installed plugin declares it", known)


@app.command("demo")
def demo(
    city: Annotated[
        str,
        typer.Option(
            metavar="CITY", help="City plugin slug or code: xiaogan (420900), zhumadian, xiamen, jiangyan, …"
        ),
    ] = "xiaogan",
    out: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Folder to write into (default: a new ./projlife-demo-N folder)"),
    ] = None,
    db: Annotated[
        str | None, typer.Option(metavar="URL", help="Database URL (default: sqlite in --out)")
    ] = None,
    seed: Annotated[
        int, typer.Option(metavar="N", help="Random seed; the same seed gives the same drive")
    ] = 1,
    projects: Annotated[int, typer.Option(metavar="N", min=1, help="How many projects to generate")] = 400,
) -> None:
    """Create a database, drive projects of one city through their lifecycle, print a summary."""
    from projlife.demo import run_demo

    slug = _city_slug(city)
    if out is not None and out.exists() and not out.is_dir():
        raise ProjlifeError(f"write the demo into {out}", "it is a file, not a folder", "a folder path")
    run_demo(city=slug, out=out, db=db, seed=seed, n_projects=projects, console=console)
