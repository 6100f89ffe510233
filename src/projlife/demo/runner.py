"""The demo: a fresh database, one city's drive through the lifecycle, a readable summary.

``run_demo`` generates a seeded drive (:mod:`projlife.demo.simulation`), imports it through
the public API, then runs each section in :data:`DEMO_SECTIONS` in order; a section
prints to the console and may write files into the output folder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from rich.console import Console

from projlife.app.application import connect
from projlife.demo.audit_section import audit_trail
from projlife.demo.city_rules_section import city_rules
from projlife.demo.context import DEMO_AS_OF, DemoContext
from projlife.demo.lifecycle_section import lifecycle_summary
from projlife.demo.rates_section import rates_and_funnels
from projlife.demo.reports_section import reports_section
from projlife.demo.simulation import simulate
from projlife.demo.tickets_section import ticket_loop
from projlife.domain.errors import ProjlifeError

__all__ = ["DEMO_SECTIONS", "run_demo"]

DEMO_SECTIONS: list[Callable[[DemoContext], None]] = [
    lifecycle_summary,
    rates_and_funnels,
    ticket_loop,
    audit_trail,
    city_rules,
    reports_section,
]
"""The demo's sections, run in order after the import."""


def _new_out_folder(base: Path) -> Path:
    for i in range(1, 10_000):
        candidate = base / (f"projlife-demo-{i}" if i > 1 else "projlife-demo")
        if not candidate.exists():
            return candidate
    raise ProjlifeError("create demo folder", f"too many projlife-demo folders in {base}", "pass --out DIR")


def run_demo(
    *,
    city: str = "xiaogan",
    out: Path | None = None,
    db: str | None = None,
    seed: int = 1,
    n_projects: int = 400,
    console: Console | None = None,
    as_of: date = DEMO_AS_OF,
) -> DemoContext:
    """Run the demo and return its context (the open app is closed before returning)."""
    console = console or Console()
    out = out if out is not None else _new_out_folder(Path.cwd())
    out.mkdir(parents=True, exist_ok=True)
    db_url = db or f"sqlite:///{(out / 'projlife.db').resolve()}"
    app = connect(db_url, create_tables=True)
    try:
        profile = app.city(city)
        sim = simulate(profile, n_projects, seed=seed, as_of=as_of)
        console.print(
            f"[bold]projlife demo[/] — {profile.name_zh} ({profile.name_en}), {n_projects} projects, seed {seed}"
        )
        console.print(f"database: {db_url}")
        with console.status("importing the drive …"):
            report = app.projects.ingest(sim.commands)
        console.print(
            f"imported {report.commands} commands as {report.events} events for {n_projects} projects"
        )
        ctx = DemoContext(
            app=app, city=profile, simulation=sim, out=out, console=console, as_of=as_of, seed=seed
        )
        for section in DEMO_SECTIONS:
            section(ctx)
        console.print(f"\nwritten to {out.resolve()}")
        return ctx
    finally:
        app.close()
