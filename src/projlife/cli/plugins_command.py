"""``projlife plugins``: the plugins found, their hooks and each city's rule-set hash."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from projlife.cli.app import app, console, err_console
from projlife.domain.errors import ProjlifeError
from projlife.domain.periods import Period
from projlife.plugins.manager import (
    ENTRY_POINT_GROUP,
    city_profiles,
    get_plugin_manager,
    plugin_failures,
    plugin_hooks,
    rule_set,
)

__all__ = ["plugins", "plugins_report"]


def plugins_report(period: Period) -> dict[str, Any]:
    """What ``projlife plugins --json`` prints: plugins, their hooks, cities and rule-set hashes."""
    pm = get_plugin_manager(strict=False)
    hooks = plugin_hooks(pm)
    found = city_profiles(pm)
    owners = {profile.slug: name for name, profile in _owners(pm)}
    return {
        "entry_point_group": ENTRY_POINT_GROUP,
        "period": str(period),
        "plugins": [{"name": name, "hooks": h} for name, h in hooks.items()],
        "cities": [
            {
                "slug": slug,
                "code": profile.code,
                "name_zh": profile.name_zh,
                "plugin": owners.get(slug),
                "rule_set_sha256": rule_set(pm, profile, period).sha256,
            }
            for slug, profile in found.items()
        ],
        "failures": [{"name": f.name, "value": f.value, "error": f.error} for f in plugin_failures(pm)],
    }


def _owners(pm: Any) -> list[tuple[str, Any]]:
    from projlife.plugins.manager import call_hook

    return call_hook(pm, "projlife_city")


@app.command("plugins")
def plugins(
    fmt: Annotated[Literal["table", "json"], typer.Option("--format")] = "table",
    as_json: Annotated[bool, typer.Option("--json", hidden=True, help="Same as --format json")] = False,
    period: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD",
            help="Period whose rule sets are hashed, e.g. 2024 or 2024-Q2 (default: this year)",
        ),
    ] = None,
) -> None:
    """List city plugins, the hooks each implements, and each city's rule-set hash."""
    try:
        p = Period.parse(period) if period else Period.containing("year", date.today())
    except ValueError as exc:
        raise ProjlifeError(
            f"read --period {period!r}", str(exc), "e.g. 2024, 2024-H1, 2024-Q2, 2024-06"
        ) from None
    report = plugins_report(p)
    if as_json or fmt == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"projlife plugins (entry-point group {ENTRY_POINT_GROUP!r})")
        table.add_column("plugin")
        table.add_column("hooks")
        for entry in report["plugins"]:
            table.add_row(entry["name"], ", ".join(entry["hooks"]))
        console.print(table)
        ctable = Table(title=f"cities and their rule sets for {report['period']}")
        for col in ("city", "code", "name", "plugin", "rule-set sha256"):
            ctable.add_column(col)
        for c in report["cities"]:
            ctable.add_row(c["slug"], c["code"], c["name_zh"], c["plugin"] or "", c["rule_set_sha256"])
        console.print(ctable)
    for failure in report["failures"]:
        err_console.print(f"plugin {failure['name']!r} not loaded: {failure['error']}", markup=False)
    if report["failures"]:
        raise typer.Exit(1)
