"""The installed cities: the plugin manager and the city profiles its plugins declare."""

from __future__ import annotations

import pluggy

from projlife.plugins.manager import PluginError, PluginFailure, city_profiles, plugin_failures
from projlife.plugins.types import CityProfile

__all__ = ["InstalledCities"]


class InstalledCities:
    """The cities of one plugin manager, found by slug (``xiaogan``) or code (``420900``).

    Fails closed: a plugin that could not be loaded (see
    :func:`~projlife.plugins.manager.plugin_failures`) takes out only its own city, whose every
    lookup raises :class:`PluginError` naming the plugin; the other cities keep working.
    """

    def __init__(self, plugins: pluggy.PluginManager) -> None:
        self.plugins = plugins
        self.cities: dict[str, CityProfile] = city_profiles(plugins)
        self.failures: tuple[PluginFailure, ...] = plugin_failures(plugins)

    def city(self, slug_or_code: str) -> CityProfile:
        """A city by its slug or code; :class:`PluginError` naming the installed ones otherwise,
        or naming the broken plugin when the city's plugin failed to load."""
        found = self.cities.get(slug_or_code) or self.city_by_code(slug_or_code)
        if found is None:
            self._refuse_broken(slug_or_code, by_name=True)
            known = ", ".join(sorted(self.cities)) or "none installed"
            broken = "".join(f"; plugin {f.name!r} failed to load" for f in self.failures)
            raise PluginError(
                f"find city {slug_or_code!r}", "no installed plugin declares it" + broken, known
            )
        return found

    def city_by_code(self, code: str) -> CityProfile | None:
        """A city by its administrative code, or ``None``; :class:`PluginError` naming the plugin
        when the city's plugin failed to load (its commands fail closed, naming it)."""
        for city in self.cities.values():
            if city.code == code:
                return city
        self._refuse_broken(code)
        return None

    def _refuse_broken(self, slug_or_code: str, *, by_name: bool = False) -> None:
        for failure in self.failures:
            if slug_or_code in failure.cities or (by_name and slug_or_code == failure.name):
                raise PluginError(
                    f"use city {slug_or_code!r}",
                    f"its plugin {failure.name!r} failed to load: {failure.error}",
                    "fix or uninstall the plugin; the other cities are unaffected",
                    plugin=failure.name,
                )
