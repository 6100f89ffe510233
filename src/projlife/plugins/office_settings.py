"""A city's office settings from its plugins: the readings of the 004 rates, the 亩均 benchmarks and
ranking, and the scoring rule the 半年述职 pack ranks by.

``projlife_office_settings`` (*first result*) answers an :class:`OfficeSettings`; no answer means
the defaults (:class:`~projlife.projections.counting.office.OfficeRateSettings` as documented in
``docs/working-week.md``, and no 亩均 benchmark, so no 达标率). The bulletin's 重点项目办 section
reads its rates and its 亩均 indices with them.
"""

from __future__ import annotations

import attrs
import pluggy

from projlife.engine.per_mu_ranking import PerMuRankSettings
from projlife.plugins.manager import PluginError, call_first
from projlife.plugins.types import CityProfile
from projlife.projections.counting.office import MuBenchmarks, OfficeRateSettings

__all__ = ["OfficeSettings", "office_settings"]

HOOK = "projlife_office_settings"


@attrs.frozen
class OfficeSettings:
    """How a city reads the 004 rates (精准率, 履约率, 成熟转化率 …), its 亩均 benchmarks and ranking (000),
    and which scoring rule its 半年述职 pack ranks by (003)."""

    rates: OfficeRateSettings = attrs.field(factory=OfficeRateSettings)
    benchmarks: MuBenchmarks = attrs.field(factory=MuBenchmarks)
    per_mu_rank: PerMuRankSettings = attrs.field(factory=PerMuRankSettings)
    """What the 亩均 ranking orders and by which index (000 names the indices of its 效能评价, not
    the ranking): projects by 亩均税收 unless set."""
    half_year_rule: str | None = None
    """The scoring rule (``projlife_scoring``) the 半年述职 pack ranks the 镇街/园区 by (003:
    "上半年招商引资、项目建设“五比五突破”考核情况 … 依次述职"). ``None``: the city's one half-year rule, if it
    has exactly one; a city with several names one here."""
    answered_by: str | None = None
    """The plugin that answered (``None``: the defaults)."""


def office_settings(pm: pluggy.PluginManager, city: CityProfile) -> OfficeSettings:
    """``city``'s office settings: the first plugin's answer, or the defaults.

    An answer that is not an :class:`OfficeSettings` raises :class:`PluginError` naming the plugin.
    """
    answer = call_first(pm, HOOK, city=city)
    if answer is None:
        return OfficeSettings()
    plugin, value = answer
    if not isinstance(value, OfficeSettings):
        raise PluginError(
            f"read the office settings of {city.slug}",
            f"{HOOK} of plugin {plugin!r} returned {type(value).__name__}, not OfficeSettings",
            "an OfficeSettings, or None for a city the plugin does not speak for",
            plugin=plugin,
            hook=HOOK,
        )
    return attrs.evolve(value, answered_by=plugin)
