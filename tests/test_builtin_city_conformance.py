"""The built-in cities pass the same conformance kit as any third-party plugin."""

from __future__ import annotations

from projlife.plugins.cities import jiangyan, xiamen, xiaogan, zhumadian
from projlife.testing.conformance import CityPluginConformance


class TestXiaoganConformance(CityPluginConformance):
    plugin = xiaogan
    plugin_name = "xiaogan"


class TestZhumadianConformance(CityPluginConformance):
    plugin = zhumadian
    plugin_name = "zhumadian"


class TestXiamenConformance(CityPluginConformance):
    plugin = xiamen
    plugin_name = "xiamen"


class TestJiangyanConformance(CityPluginConformance):
    plugin = jiangyan
    plugin_name = "jiangyan"
