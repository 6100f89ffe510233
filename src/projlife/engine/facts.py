"""The per-project facts the rule engine reads, and where they come from.

The engine counts with the one counting layer (:mod:`projlife.projections.counting`): given a
:class:`~projlife.ports.CountingSource` (such as the application) it reads :class:`~projlife.projections.counting.Counting`
as of the evaluation date (and, optionally, as known at a recorded time), under the city's
counting policy from the rule set. :class:`FactsSource` is for facts held in memory (the
conformance kit, tests): they carry no history, so they are cut at the as-of date by
:meth:`ProjectFacts.as_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from projlife.plugins.types import CityProfile
from projlife.projections.counting import ProjectFacts, SiteScores

__all__ = ["FactsSource", "ProjectFacts", "SiteSheetsSource"]


@runtime_checkable
class FactsSource(Protocol):
    """Anything that lists the facts of a city's projects held in memory (the engine cuts them at as-of)."""

    def project_facts(self, city: CityProfile) -> Iterable[ProjectFacts]: ...


@runtime_checkable
class SiteSheetsSource(Protocol):
    """A facts source that also answers the on-site scoring sheets of a period (the bulletin's,
    which counts once for every section); the engine ranks a site-scored rule on them."""

    def site_sheets(
        self, city_code: str, period: str, *, as_of: date | None = None, known_at: datetime | None = None
    ) -> SiteScores: ...
