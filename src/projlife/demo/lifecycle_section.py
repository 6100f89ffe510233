"""Demo section: per county, how many projects reached each stage, and one refused command."""

from __future__ import annotations

from collections import Counter, defaultdict

from rich.table import Table

from projlife.demo.context import DemoContext
from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.domain.project import Project, project_id_for

__all__ = ["lifecycle_summary"]


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
