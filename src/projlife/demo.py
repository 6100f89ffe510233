"""The demo: a fresh database, one city's drive through the lifecycle, a readable summary.

``run_demo`` generates a seeded drive (:mod:`projlife.simulation`), imports it through
the public API, then runs each section in :data:`DEMO_SECTIONS` in order; a section
prints to the console and may write files into the output folder.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

import attrs
from rich.console import Console
from rich.table import Table

from projlife.application import Projlife, connect
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project, project_id_for
from projlife.plugins.types import CityProfile
from projlife.simulation import Simulation, simulate

__all__ = ["DEMO_AS_OF", "DEMO_SECTIONS", "DemoContext", "run_demo"]

DEMO_AS_OF = date(2024, 12, 31)
"""The business date the demo drive runs up to."""


@attrs.define
class DemoContext:
    app: Projlife
    city: CityProfile
    simulation: Simulation
    out: Path
    console: Console
    as_of: date
    seed: int


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


def lifecycle_summary(ctx: DemoContext) -> None:
    """Per county: how many projects reached each stage, and what was removed or corrected."""
    stages = [
        Stage.RESERVED,
        Stage.SIGNED,
        Stage.STARTED,
        Stage.IN_STATISTICS,
        Stage.COMPLETED,
        Stage.PRODUCING,
    ]
    reached: dict[str, Counter[Stage]] = defaultdict(Counter)
    other: dict[str, Counter[str]] = defaultdict(Counter)
    for sp in ctx.simulation.projects:
        project = ctx.app.projects.get(project_id_for(ctx.city.code, sp.code))
        area = ctx.city.areas[project.area_code].name
        for stage in stages:
            if stage in project.claims:
                reached[area][stage] += 1
        other[area]["verified_started"] += int(project.verified_stage >= Stage.STARTED)
        other[area]["removed"] += int(bool(project.removed_from))
        other[area]["cancelled"] += int(project.is_cancelled)
        other[area]["rejected"] += len(project.rejections)
    table = Table(title=f"{ctx.city.name_zh} 项目全生命周期 (as of {ctx.as_of})")
    table.add_column("县市区 / 园区")
    for stage in stages:
        table.add_column(stage.label_zh, justify="right")
    for _key, label in [
        ("verified_started", "开工已核实"),
        ("removed", "剔除"),
        ("rejected", "核查否定"),
        ("cancelled", "取消"),
    ]:
        table.add_column(label, justify="right")
    for area in sorted(reached):
        row = [area, *(str(reached[area][s]) for s in stages)]
        row += [str(other[area][k]) for k in ("verified_started", "removed", "rejected", "cancelled")]
        table.add_row(*row)
    ctx.console.print(table)
    _show_refused_command(ctx)


def _show_refused_command(ctx: DemoContext) -> None:
    """Show that a bad command is refused with every problem listed, and writes nothing."""
    sp = next(p for p in ctx.simulation.projects if p.final_stage is Stage.RESERVED)
    project: Project = ctx.app.projects.get(project_id_for(ctx.city.code, sp.code))
    before = project.version
    try:
        ctx.app.projects.execute(
            {
                "command": "start",
                "project_id": str(project.id),
                "occurred_on": ctx.as_of.isoformat(),
                "actor": {"id": "demo-clerk", "role": "clerk"},
            }
        )
    except ProjlifeError as exc:
        ctx.console.print(f"\n[dim]a refused command (start before signing):[/] {exc}")
    after = ctx.app.projects.get(project.id).version
    ctx.console.print(f"[dim]project version before {before}, after {after}: nothing was written[/]")


DEMO_SECTIONS: list[Callable[[DemoContext], None]] = [lifecycle_summary]
"""The demo's sections, run in order after the import."""

from projlife.projections.demo_section import rates_and_funnels  # noqa: E402

DEMO_SECTIONS.append(rates_and_funnels)

from projlife.tickets.demo_section import ticket_loop  # noqa: E402

DEMO_SECTIONS.append(ticket_loop)

from projlife.audit.demo_section import audit_trail  # noqa: E402

DEMO_SECTIONS.append(audit_trail)


def reports_section(ctx: DemoContext) -> None:
    """Bulletins, the HTML report, the 台账 ledger, charts, OC4IDS and the audit checkpoint."""
    from projlife.reports.outputs import write_reports

    with ctx.console.status("writing reports …") as status:
        files = write_reports(
            ctx.app, ctx.city, ctx.out, as_of=ctx.as_of, status=lambda msg: status.update(msg)
        )
    ctx.console.print(f"\nreports: {', '.join(p.name for p in files.files)}")
    ctx.console.print(f"open {(ctx.out / 'report.html').resolve()} in a browser")


DEMO_SECTIONS.append(reports_section)

from projlife.plugins.cities.demo_section import city_rules  # noqa: E402

DEMO_SECTIONS.insert(DEMO_SECTIONS.index(reports_section), city_rules)
