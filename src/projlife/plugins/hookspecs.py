"""The hooks a city plugin implements. Every hook is prefixed ``projlife_``.

Each hook's docstring says its parameters, what it returns, and how projlife calls it
(``firstresult``: the first non-None answer wins; otherwise all answers are collected).
"""

from __future__ import annotations

import pluggy

from projlife.plugins.types import CityProfile

__all__ = ["hookimpl", "hookspec", "projlife_city"]

PROJECT_NAME = "projlife"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def projlife_city() -> CityProfile | None:
    """Declare the city this plugin serves: identity and areas.

    Called once per plugin when the plugin manager is built; all answers are
    collected, one city per plugin (a plugin that serves no city returns None).
    """
