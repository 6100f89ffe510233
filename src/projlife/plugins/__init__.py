"""City plugins: hookspecs, the plugin manager and the built-in cities."""

from projlife.plugins.hookspecs import hookimpl, hookspec
from projlife.plugins.manager import ENTRY_POINT_GROUP, PluginError, cities, get_plugin_manager
from projlife.plugins.types import CityProfile

__all__ = [
    "ENTRY_POINT_GROUP",
    "CityProfile",
    "PluginError",
    "cities",
    "get_plugin_manager",
    "hookimpl",
    "hookspec",
]
