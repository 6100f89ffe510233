"""The county plugin passes projlife's conformance kit."""

from __future__ import annotations

import projlife_county_demo.plugin as county
from projlife.testing.conformance import CityPluginConformance


class TestCountyDemoConformance(CityPluginConformance):
    plugin = county
    plugin_name = "county_demo"
