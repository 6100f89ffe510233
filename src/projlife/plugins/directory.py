"""The installed cities: the plugin manager and the city profiles its plugins declare."""

from __future__ import annotations

import pluggy

from projlife.plugins.manager import PluginError, city_profiles
from projlife.plugins.types import CityProfile

__all__ = ["InstalledCities"]


class InstalledCities:
    """The cities of one plugin manager, found by slug (``xiaogan``) or code (``420900``)."""

    def __init__(self, plugins: pluggy.PluginManager) -> None:
        self.plugins = plugins
        self.cities: dict[str, CityProfile] = city_profiles(plugins)

    def city(self, slug_or_code: str) -> CityProfile:
        """A city by its slug or code; :class:`PluginError` naming the installed ones otherwise."""
        found = self.cities.get(slug_or_code) or self.city_by_code(slug_or_code)
        if found is None:
            known = ", ".join(sorted(self.cities)) or "none installed"
            raise PluginError(f"find city {slug_or_code!r}", "no installed plugin declares it", known)
        return found

    def city_by_code(self, code: str) -> CityProfile | None:
        """A city by its administrative code, or ``None``."""
        for city in self.cities.values():
            if city.code == code:
                return city
        return None
