"""Build the plugin manager: hookspecs, built-in cities, third-party entry points."""

from __future__ import annotations

import os

import pluggy

from projlife.domain.errors import ProjlifeError
from projlife.plugins import hookspecs
from projlife.plugins.types import CityProfile

__all__ = ["ENTRY_POINT_GROUP", "PluginError", "cities", "get_plugin_manager"]

ENTRY_POINT_GROUP = "projlife"


class PluginError(ProjlifeError):
    """A plugin failed to load, misnamed a hook, or broke a contract."""


def get_plugin_manager(*, load_entry_points: bool = True) -> pluggy.PluginManager:
    """A plugin manager with projlife's hookspecs and every installed city plugin.

    Built-in cities are registered through the same ``projlife`` entry-point group as
    third-party packages. ``PROJLIFE_DISABLE_PLUGINS=1`` loads none;
    ``PROJLIFE_PLUGINS=xiaogan,zhumadian`` loads only those entry points.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    if load_entry_points and os.environ.get("PROJLIFE_DISABLE_PLUGINS", "") not in ("1", "true", "yes"):
        allowed = {n.strip() for n in os.environ.get("PROJLIFE_PLUGINS", "").split(",") if n.strip()}
        _load_entry_points(pm, allowed or None)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError("load plugins", str(exc), "hooks named as in projlife.plugins.hookspecs") from exc
    return pm


def _load_entry_points(pm: pluggy.PluginManager, allowed: set[str] | None) -> None:
    from importlib.metadata import entry_points

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if allowed is not None and ep.name not in allowed:
            continue
        if pm.get_plugin(ep.name) is not None:
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            raise PluginError(
                f"load plugin {ep.name!r} ({ep.value})",
                f"import failed: {exc!r}",
                "a plugin module that imports cleanly",
            ) from exc
        try:
            pm.register(plugin, name=ep.name)
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                f"register plugin {ep.name!r}", str(exc), "hooks named as in projlife.plugins.hookspecs"
            ) from exc


def cities(pm: pluggy.PluginManager) -> dict[str, CityProfile]:
    """Every city the plugins declare, by slug."""
    out: dict[str, CityProfile] = {}
    for profile in pm.hook.projlife_city():
        if profile is None:
            continue
        if profile.slug in out:
            raise PluginError(
                f"register city {profile.slug}", "two plugins declare the same city", "one plugin per city"
            )
        out[profile.slug] = profile
    return out
