"""Enable projlife's fixtures and register this plugin in them."""

from __future__ import annotations

import pytest

import projlife_county_demo.plugin as county

pytest_plugins = ["projlife.testing.fixtures"]


@pytest.fixture
def projlife_plugins() -> list[tuple[str, object]]:
    return [("county_demo", county)]
