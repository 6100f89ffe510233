"""``projlife plugins [show CITY]``: the plugins found, their hooks, jurisdictions and each city's
rule-set hash; ``show`` prints one city's resolved rule set."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from projlife.cli.app import app, console, err_console
from projlife.domain.errors import ProjlifeError
from projlife.domain.periods import Period
from projlife.plugins.directory import InstalledCities
from projlife.plugins.manager import (
    ENTRY_POINT_GROUP,
    city_profiles,
    get_plugin_manager,
    jurisdictions,
    plugin_failures,
    plugin_hooks,
    rule_set,
)

__all__ = ["plugins", "plugins_app", "plugins_report", "show"]

plugins_app = typer.Typer(
    help="List city plugins, the hooks each implements, the codes it governs and each city's rule-set hash.",
    invoke_without_command=True,
)
app.add_typer(plugins_app, name="plugins")


def plugins_report(period: Period) -> dict[str, Any]:
    """What ``projlife plugins --json`` prints: plugins, their hooks, cities and rule-set hashes."""
    pm = get_plugin_manager(strict=False)
    hooks = plugin_hooks(pm)
    governed = jurisdictions(pm)
    found = city_profiles(pm)
    owners = {profile.slug: name for name, profile in _owners(pm)}
    return {
        "entry_point_group": ENTRY_POINT_GROUP,
        "period": str(period),
        "plugins": [
            {"name": name, "hooks": h, "jurisdiction": sorted(governed.get(name, ()))}
            for name, h in hooks.items()
        ],
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
        "failures": [
            {"name": f.name, "value": f.value, "error": f.error, "cities": list(f.cities)}
            for f in plugin_failures(pm)
        ],
    }


def _owners(pm: Any) -> list[tuple[str, Any]]:
    from projlife.plugins.manager import call_hook

    return call_hook(pm, "projlife_city")


def _period(period: str | None) -> Period:
    try:
        return Period.parse(period) if period else Period.containing("year", date.today())
    except ValueError as exc:
        raise ProjlifeError(
            f"read --period {period!r}", str(exc), "e.g. 2024, 2024-H1, 2024-Q2, 2024-06"
        ) from None


@plugins_app.callback()
def plugins(
    ctx: typer.Context,
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
    """List city plugins, the hooks each implements, the codes each governs, and each city's rule-set hash."""
    if ctx.invoked_subcommand is not None:
        return
    report = plugins_report(_period(period))
    if as_json or fmt == "json":
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        table = Table(title=f"projlife plugins (entry-point group {ENTRY_POINT_GROUP!r})")
        table.add_column("plugin")
        table.add_column("governs")
        table.add_column("hooks")
        for entry in report["plugins"]:
            table.add_row(entry["name"], ", ".join(entry["jurisdiction"]), ", ".join(entry["hooks"]))
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


@plugins_app.command("show")
def show(
    city: Annotated[str, typer.Argument(help="The city's slug or code, e.g. xiaogan or 420900")],
    period: Annotated[
        str | None,
        typer.Option(
            metavar="PERIOD", help="Period of the rule set, e.g. 2024 or 2024-Q2 (default: this year)"
        ),
    ] = None,
) -> None:
    """Print a city's resolved rule set (canonical JSON, the bytes that are hashed) and its hash."""
    p = _period(period)
    cities = InstalledCities(get_plugin_manager(strict=False))
    profile = cities.city(city)
    rs = rule_set(cities.plugins, profile, p)
    governing = sorted(n for n, codes in jurisdictions(cities.plugins).items() if profile.code in codes)
    typer.echo(
        json.dumps(
            {"city": profile.slug, "plugin": governing, "period": str(p), "rule_set_sha256": rs.sha256,
             "rules": rs.as_dict()},
            ensure_ascii=False,
            indent=2,
        )
    )  # fmt: skip
