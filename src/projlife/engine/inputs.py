"""Resolve what an evaluation works on: the city, its facts, its rule set and its calendar, caught up."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.errors import ProjlifeError
from projlife.domain.periods import Period
from projlife.engine.facts import FactsSource, ProjectFacts
from projlife.plugins.manager import city_calendar, rule_set
from projlife.plugins.rules import RuleSet, canonical_decimal
from projlife.plugins.types import CityProfile
from projlife.projections.counting import Counting

if TYPE_CHECKING:
    from projlife.ports import CountingSource

__all__ = ["EngineError"]


class EngineError(ProjlifeError):
    """An evaluation was asked for something the rules do not define."""


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else canonical_decimal(value)


@attrs.frozen
class _Inputs:
    city: CityProfile
    facts: list[ProjectFacts]
    rules: RuleSet
    calendar: WorkdayCalendar


def _inputs(
    source: CountingSource | FactsSource,
    city: CityProfile | str,
    period: Period,
    as_of: date,
    rules: RuleSet | None,
    calendar: WorkdayCalendar | None,
    known_at: datetime | None = None,
) -> _Inputs:
    counting: Counting | None = None
    if not isinstance(source, FactsSource):
        profile = source.city(city) if isinstance(city, str) else city
        counting = Counting(source.engine, catch_up=lambda: _caught_up(source))
        if rules is None:
            rules = rule_set(source.plugins, profile, period)
        if calendar is None:
            calendar = city_calendar(source.plugins, profile, source.calendar)
    else:
        if not isinstance(city, CityProfile):
            raise EngineError(
                "evaluate rules", "a facts source needs a CityProfile, not a slug", "a CityProfile"
            )
        profile = city
        if rules is None:
            raise EngineError(
                f"evaluate rules of {profile.slug}",
                "a facts source without an application needs its RuleSet",
                "pass rules=rule_set(pm, city, period) or the application",
            )
    if rules.city_code != profile.code:
        raise EngineError(
            f"evaluate rules of {profile.slug}",
            f"the rule set is for {rules.city}",
            "the rule set of this city",
        )
    if calendar is None:
        calendar = WorkdayCalendar.china().with_overrides(rules.calendar)
    policy = rules.counting
    if counting is not None:
        known = counting.projects(profile.code, as_of=as_of, known_at=known_at, policy=policy)
    else:
        assert isinstance(source, FactsSource)
        known = [
            attrs.evolve(g, policy=policy)
            for f in source.project_facts(profile)
            if (g := f.as_of(as_of)) is not None
        ]
    return _Inputs(profile, known, rules, calendar)


def _caught_up(app: CountingSource) -> None:
    """Catch the projections up; refuse to count from a read model stopped behind the log."""
    from projlife.projections.details import DETAILS_PROJECTION
    from projlife.projections.facts import LEDGER_PROJECTION
    from projlife.projections.site_scores import SITE_SCORES_PROJECTION

    app.projections.run()
    app.projections.raise_if_stopped(
        attempted="count the engine's facts from the projections",
        names=(LEDGER_PROJECTION, DETAILS_PROJECTION, SITE_SCORES_PROJECTION),
    )
