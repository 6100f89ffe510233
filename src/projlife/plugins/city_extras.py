"""Resolve a city's indicators, indicator rankings, labels, bulletin sections and action rules.

Each function asks the plugins through :func:`projlife.plugins.manager.call_hook` (so a plugin
that raises is named) and checks the answers' types and references when they are read: an
indicator id used twice, a ranking that weights an unknown indicator or a label that is not a
:class:`~projlife.plugins.labels.Labels` is a :class:`~projlife.plugins.manager.PluginError`
naming the plugin.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from projlife.domain.periods import Period
from projlife.plugins.indicators import (
    BUILTIN_INDICATORS,
    Formula,
    Indicator,
    IndicatorRanking,
    RankedSubjects,
)
from projlife.plugins.labels import BulletinSection, Labels
from projlife.plugins.manager import PluginError, call_first, call_hook
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.actions import PlanLagRule
    from projlife.ports import BulletinSource

__all__ = [
    "bulletin_sections",
    "city_indicators",
    "city_labels",
    "indicator_rankings",
    "plan_lag_rule",
    "rankings_sha256",
]

T = TypeVar("T")


def _bad(plugin: str, hook: str, what: str) -> PluginError:
    return PluginError(
        f"read hook {hook} of plugin {plugin!r}", what, "see the hook's docs", plugin=plugin, hook=hook
    )


def _seq(plugin: str, hook: str, value: Any, kind: type[T]) -> list[T]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | tuple | list):
        raise _bad(plugin, hook, f"it returned {type(value).__name__}, not a sequence of {kind.__name__}")
    for item in value:
        if not isinstance(item, kind):
            raise _bad(plugin, hook, f"it returned a {type(item).__name__} among its {kind.__name__}s")
    return list(value)


def city_indicators(pm: pluggy.PluginManager, city: CityProfile) -> dict[str, Indicator]:
    """The built-in indicators and every plugin's for ``city``, by id."""
    out: dict[str, Indicator] = {i.id: i for i in BUILTIN_INDICATORS}
    owner = dict.fromkeys(out, "projlife")
    for plugin, value in call_hook(pm, "projlife_indicators", city=city):
        for ind in _seq(plugin, "projlife_indicators", value, Indicator):
            if ind.id in out:
                raise _bad(
                    plugin,
                    "projlife_indicators",
                    f"indicator id {ind.id!r} is already defined by {owner[ind.id]}",
                )
            out[ind.id] = ind
            owner[ind.id] = plugin
    return out


def indicator_rankings(
    pm: pluggy.PluginManager, city: CityProfile, period: Period
) -> tuple[IndicatorRanking, ...]:
    """Every indicator ranking in force for ``city`` during ``period``, by id; references checked."""
    known = city_indicators(pm, city)
    out: dict[str, IndicatorRanking] = {}
    for plugin, value in call_hook(pm, "projlife_indicator_rankings", city=city, period=period):
        for r in _seq(plugin, "projlife_indicator_rankings", value, IndicatorRanking):
            if r.id in out:
                raise _bad(plugin, "projlife_indicator_rankings", f"ranking id {r.id!r} is used twice")
            unknown = [t.indicator for t in r.terms if t.indicator not in known]
            if unknown:
                from difflib import get_close_matches

                near = [m for u in unknown for m in get_close_matches(u, known, n=1)]
                hint = f" (did you mean {', '.join(near)}?)" if near else ""
                raise _bad(
                    plugin,
                    "projlife_indicator_rankings",
                    f"ranking {r.id} weights unknown indicators {unknown}{hint}; known: {', '.join(sorted(known))}",
                )
            if r.subjects is RankedSubjects.DEPARTMENTS:
                tickets = [
                    t.indicator
                    for t in r.terms
                    if known[t.indicator].formula in (Formula.TICKET_SATISFACTION, Formula.ON_TIME_ANSWER)
                ]
                if tickets:
                    raise _bad(
                        plugin,
                        "projlife_indicator_rankings",
                        f"ranking {r.id} ranks departments by ticket indicators {tickets}, but a ticket "
                        "belongs to a locality; rank areas by them, or departments by project indicators",
                    )
            out[r.id] = r
    return tuple(out[k] for k in sorted(out))


def rankings_sha256(ranking: IndicatorRanking, indicators: dict[str, Indicator]) -> str:
    """Hex SHA-256 of a ranking and the definitions of the indicators it weights (canonical JSON)."""
    doc = {
        "ranking": ranking.as_dict(),
        "indicators": [indicators[t.indicator].as_dict() for t in ranking.terms],
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def city_labels(pm: pluggy.PluginManager, city: CityProfile) -> Labels:
    """``city``'s words for its areas, awards and sections (empty: the library's words)."""
    answer = call_first(pm, "projlife_labels", city=city)
    if answer is None:
        return Labels()
    plugin, value = answer
    if not isinstance(value, Labels):
        raise _bad(plugin, "projlife_labels", f"it returned {type(value).__name__}, not Labels")
    return value


def bulletin_sections(
    app: BulletinSource, city: CityProfile, kind: str, period: Period, as_of: date
) -> tuple[BulletinSection, ...]:
    """The extra bulletin sections the plugins add for ``city`` (plugin-name order)."""
    answers = call_hook(
        app.plugins, "projlife_bulletin_sections", city=city, app=app, kind=kind, period=period, as_of=as_of
    )
    out: list[BulletinSection] = []
    for plugin, value in sorted(answers, key=lambda a: a[0]):
        out.extend(_seq(plugin, "projlife_bulletin_sections", value, BulletinSection))
    return tuple(out)


def plan_lag_rule(pm: pluggy.PluginManager, city: CityProfile) -> PlanLagRule:
    """``city``'s rule for flagging projects behind their annual plan (the default if none)."""
    from projlife.actions import PlanLagRule

    answer = call_first(pm, "projlife_plan_lag", city=city)
    if answer is None:
        return PlanLagRule()
    plugin, value = answer
    if not isinstance(value, PlanLagRule):
        raise _bad(plugin, "projlife_plan_lag", f"it returned {type(value).__name__}, not PlanLagRule")
    return value
