"""What the four built-in cities share: citations, rule documentation rows, measured indicators,
and a walk over a city's stored projects for the rules that act on them.

Every built-in rule cites its seed: the seed file's name and the Chinese phrase, quoted exactly
(``tests/test_city_citations.py`` checks each phrase against the seed text). Each city module
lists its rules as :class:`RuleDoc` rows; ``docs/cities/<city>.md`` is that table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from projlife.calendar import WorkdayCalendar
from projlife.domain.periods import Period, PeriodKind
from projlife.engine.facts import FactsSource, ProjectFacts
from projlife.engine.metrics import MetricValue, facts_by_area, measure
from projlife.plugins.rules import AreaScope, Metric
from projlife.plugins.types import CityProfile

if TYPE_CHECKING:
    from projlife.domain.project import Project
    from projlife.ports import CountingSource, ReadModelSources

__all__ = [
    "Citation",
    "Indicator",
    "IndicatorRow",
    "RuleDoc",
    "city_projects",
    "known_facts",
    "measure_indicators",
    "rules_table_markdown",
]


@attrs.frozen
class Citation:
    """A seed file and a phrase quoted from it exactly."""

    seed: str
    phrase: str

    def __str__(self) -> str:
        return f"{self.seed}「{self.phrase}」"


@attrs.frozen
class RuleDoc:
    """One row of a city's rules table: what the rule is, where it comes from, how it is computed,
    and the setting that changes it. ``ids`` are the quota, deadline, scoring or indicator ids (or
    function names) that implement it."""

    rule: str
    citation: Citation
    computed: str
    setting: str
    ids: tuple[str, ...] = ()


def rules_table_markdown(rows: Sequence[RuleDoc]) -> str:
    """The rules as a Markdown table (rule | source | how computed | setting | implemented by)."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| rule | source (seed, phrase) | how it is computed | setting that changes it | implemented by |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        ids = ", ".join(f"`{i}`" for i in r.ids)
        lines.append(
            f"| {cell(r.rule)} | `{r.citation.seed}` 「{cell(r.citation.phrase)}」 | {cell(r.computed)} "
            f"| {cell(r.setting)} | {ids} |"
        )
    return "\n".join(lines) + "\n"


@attrs.frozen
class Indicator:
    """A measured figure without a target (a bulletin count, a dispatch rate, a size-class count).

    Measured by the engine's :func:`~projlife.engine.metrics.measure`, so it agrees with any quota
    or scoring indicator on the same metric.
    """

    id: str
    title_zh: str
    metric: Metric
    scope: AreaScope = attrs.field(factory=AreaScope)
    source: str = ""


@attrs.frozen
class IndicatorRow:
    indicator_id: str
    area_code: str
    area_name: str
    value: MetricValue

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "area_code": self.area_code,
            "area_name": self.area_name,
            **self.value.as_dict(),
        }


def known_facts(source: CountingSource | FactsSource, city: CityProfile, as_of: date) -> list[ProjectFacts]:
    """The facts of ``city``'s projects known by business date ``as_of``."""
    from projlife.plugins.manager import counting_policy
    from projlife.projections.counting import Counting

    if not isinstance(source, FactsSource):
        policy = counting_policy(source.plugins, city)
        return Counting(source.engine, catch_up=source.projections.run).projects(
            city.code, as_of=as_of, policy=policy
        )
    return [g for f in source.project_facts(city) if (g := f.as_of(as_of)) is not None]


def measure_indicators(
    source: CountingSource | FactsSource | Sequence[ProjectFacts],
    city: CityProfile,
    indicators: Iterable[Indicator],
    period: Period,
    as_of: date,
    *,
    calendar: WorkdayCalendar | None = None,
) -> list[IndicatorRow]:
    """Each indicator per area of its scope over ``period``, counted up to ``as_of``.

    ``source`` may be an application, a facts source, or facts already taken as of ``as_of``.
    Rows are ordered by indicator (as given), then area code.
    """
    if isinstance(source, Sequence):
        facts = [g for f in source if (g := f.as_of(as_of)) is not None]
    else:
        facts = known_facts(source, city, as_of)
    rows: list[IndicatorRow] = []
    for ind in indicators:
        for code, area_facts in sorted(facts_by_area(facts, city.areas, ind.scope).items()):
            value = (
                MetricValue(None)
                if as_of < period.start
                else measure(ind.metric, area_facts, period, as_of, calendar)
            )
            rows.append(IndicatorRow(ind.id, code, city.areas[code].name, value))
    return rows


def city_projects(app: ReadModelSources, city: CityProfile) -> Iterator[Project]:
    """Every project of ``city`` in the event store, in the order they were conceived."""
    from projlife.domain.project import Project

    recorder = app.store.recorder
    start: int | None = None
    ids: list[UUID] = []
    while True:
        page = recorder.select_notifications(
            start, 1000, topics=["projlife:Project.Conceived"], inclusive_of_start=start is None
        )
        if not page:
            break
        ids.extend(n.originator_id for n in page)  # type: ignore[misc]
        start = page[-1].id
    for project_id in ids:
        project: Any = app.store.repository.get(project_id)
        assert isinstance(project, Project)
        if project.city_code == city.code:
            yield project


def period_kinds(*kinds: str) -> tuple[PeriodKind, ...]:
    return tuple(PeriodKind(k) for k in kinds)
