"""pytest fixtures: a temporary projlife with the plugins you choose registered.

Enable them in your ``conftest.py``::

    pytest_plugins = ["projlife.testing.fixtures"]

    @pytest.fixture
    def projlife_plugins():
        import my_city_plugin
        return [("my-city", my_city_plugin)]

Then ``projlife_app`` is a connected :class:`~projlife.app.application.Projlife` on a fresh SQLite
file holding exactly those plugins (no entry points), and ``projlife_pm`` its plugin manager.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pluggy
import pytest

from projlife.app.application import Projlife, connect
from projlife.plugins.manager import get_plugin_manager

__all__ = ["make_projlife", "projlife_app", "projlife_plugins", "projlife_pm"]


def make_projlife(url: str, plugins: Sequence[tuple[str, object]]) -> Projlife:
    """A projlife on ``url`` (tables created) with only ``plugins`` registered."""
    pm = get_plugin_manager(load_entry_points=False, plugins=plugins)
    return connect(url, create_tables=True, plugin_manager=pm)


@pytest.fixture
def projlife_plugins() -> Sequence[tuple[str, object]]:
    """Override: the ``(name, plugin)`` pairs to register (default: none)."""
    return []


@pytest.fixture
def projlife_pm(projlife_plugins: Sequence[tuple[str, object]]) -> pluggy.PluginManager:
    """A plugin manager holding exactly ``projlife_plugins`` (no entry points)."""
    return get_plugin_manager(load_entry_points=False, plugins=projlife_plugins)


@pytest.fixture
def projlife_app(tmp_path: Path, projlife_pm: pluggy.PluginManager) -> Iterator[Projlife]:
    """A connected projlife on a fresh SQLite file with ``projlife_pm``'s plugins."""
    app = connect(f"sqlite:///{tmp_path / 'projlife.db'}", create_tables=True, plugin_manager=projlife_pm)
    try:
        yield app
    finally:
        app.close()
