"""Hypothesis strategies for projlife's value objects, commands and valid lifecycle histories.

For plugin authors and test writers (install ``projlife[testing]``)::

    from hypothesis import given
    from projlife.testing.strategies import lifecycle_facts, money

    @given(money())
    def test_threshold(m): ...

Everything generated is valid by construction: money is non-negative Decimal to the cent,
periods start on their first day, a lifecycle history follows the one transition table with
non-decreasing business dates.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from hypothesis import strategies as st

from projlife.app.commands import (
    STAGE_ENTRY_COMMANDS,
    Command,
    ConceiveProject,
    ReportInvestment,
    SignProject,
)
from projlife.calendar import DeadlineRule, DeadlineUnit
from projlife.domain.actor import Actor, Role
from projlife.domain.classification import InvestorClass, ProjectCategory
from projlife.domain.lifecycle import Stage
from projlife.domain.money import Money
from projlife.domain.periods import Period, PeriodKind
from projlife.domain.project import project_id_for
from projlife.engine.facts import ProjectFacts
from projlife.plugins.types import CityProfile
from projlife.tickets.commands import RaiseTicket

__all__ = [
    "actors",
    "business_dates",
    "date_ranges",
    "deadline_rules",
    "investment_reports",
    "lifecycle_commands",
    "lifecycle_facts",
    "money",
    "periods",
    "project_facts_for",
    "stage_paths",
    "tickets",
]

FIRST_DAY = date(2020, 1, 1)
LAST_DAY = date(2026, 12, 31)

# The stages in lifecycle order; ``landed`` and ``reserved`` may be skipped (lifecycle.py).
_PATH = [
    Stage.RESERVED,
    Stage.SIGNED,
    Stage.LANDED,
    Stage.STARTED,
    Stage.IN_STATISTICS,
    Stage.COMPLETED,
    Stage.PRODUCING,
]


def money(max_yi: int = 200) -> st.SearchStrategy[Money]:
    """Non-negative amounts to the cent, up to ``max_yi`` 亿; biased towards round 亿 figures."""
    cents = st.integers(min_value=0, max_value=max_yi * 10_000_000_000)
    exact = cents.map(lambda c: Money(Decimal(c) / 100))
    round_yi = st.integers(min_value=0, max_value=max_yi).map(Money.yi)
    return st.one_of(round_yi, exact)


def business_dates(start: date = FIRST_DAY, end: date = LAST_DAY) -> st.SearchStrategy[date]:
    """Business dates (default 2020–2026, the years with an official holiday table)."""
    return st.dates(min_value=start, max_value=end)


def periods(kinds: tuple[PeriodKind, ...] = tuple(PeriodKind)) -> st.SearchStrategy[Period]:
    """Periods of the given kinds containing a business date."""
    return st.builds(lambda kind, day: Period.containing(kind, day), st.sampled_from(kinds), business_dates())


def deadline_rules(max_amount: int = 400) -> st.SearchStrategy[DeadlineRule]:
    """Deadline rules in working days, calendar days and months."""
    return st.builds(
        DeadlineRule, st.integers(min_value=0, max_value=max_amount), st.sampled_from(list(DeadlineUnit))
    )


def actors(city: CityProfile, role: Role = Role.CLERK) -> st.SearchStrategy[Actor]:
    """Actors of ``role`` acting for one of ``city``'s areas."""
    return st.builds(
        lambda area, n: Actor(f"{role.value}-{n}", role, area.code),
        st.sampled_from(list(city.areas)),
        st.integers(min_value=1, max_value=99),
    )


@st.composite
def stage_paths(draw: st.DrawFn) -> list[Stage]:
    """A valid sequence of stages after ``conceived`` (reserve and land may be skipped)."""
    length = draw(st.integers(min_value=0, max_value=len(_PATH)))
    path = _PATH[:length]
    if Stage.RESERVED in path and draw(st.booleans()):
        path.remove(Stage.RESERVED)
    if Stage.LANDED in path and draw(st.booleans()):
        path.remove(Stage.LANDED)
    return path


@st.composite
def _history(draw: st.DrawFn, city: CityProfile) -> tuple[dict[str, Any], list[tuple[Stage, date]]]:
    areas = [a for a in city.areas if a.parent_code is not None] or list(city.areas)
    area = draw(st.sampled_from(areas))
    conceived = draw(business_dates(end=LAST_DAY - timedelta(days=400)))
    head = {
        "code": f"T-{draw(st.integers(min_value=1, max_value=10**9))}",
        "area_code": area.code,
        "category": draw(st.sampled_from(list(ProjectCategory))),
        "planned": draw(money(max_yi=60)),
        "investors": tuple(draw(st.sets(st.sampled_from(list(InvestorClass)), max_size=2))),
        "conceived_on": conceived,
    }
    day = conceived
    stages: list[tuple[Stage, date]] = []
    for stage in draw(stage_paths()):
        day = day + timedelta(days=draw(st.integers(min_value=0, max_value=60)))
        stages.append((stage, day))
    return head, stages


@st.composite
def lifecycle_commands(draw: st.DrawFn, city: CityProfile) -> list[Command]:
    """The commands of one project's valid history in ``city``: conceive, then stage by stage."""
    head, stages = draw(_history(city))
    actor = Actor(f"clerk-{head['area_code']}", Role.CLERK, head["area_code"])
    reserved_first = bool(stages) and stages[0][0] is Stage.RESERVED
    cmds: list[Command] = [
        ConceiveProject(
            code=head["code"],
            project_name=f"测试项目{head['code']}",
            city_code=city.code,
            area_code=head["area_code"],
            category=head["category"],
            planned_investment_yuan=head["planned"].yuan,
            investor_classes=head["investors"],
            occurred_on=head["conceived_on"] if not reserved_first else stages[0][1],
            actor=actor,
            reserved=reserved_first,
        )
    ]
    pid: UUID = project_id_for(city.code, head["code"])
    for stage, day in stages[1:] if reserved_first else stages:
        cls = STAGE_ENTRY_COMMANDS[stage]
        extra: dict[str, Any] = {}
        if cls is SignProject:
            extra = {"amount_yuan": head["planned"].yuan, "counterparty": "测试企业"}
        cmds.append(cls(project_id=pid, occurred_on=day, actor=actor, **extra))
    return cmds


@st.composite
def lifecycle_facts(draw: st.DrawFn, city: CityProfile) -> ProjectFacts:
    """The engine's facts for one project's valid history in ``city`` (no database needed)."""
    head, stages = draw(_history(city))
    signed = next((d for s, d in stages if s is Stage.SIGNED), None)
    return ProjectFacts(
        project_id=project_id_for(city.code, head["code"]),
        code=head["code"],
        area_code=head["area_code"],
        category=head["category"],
        planned_investment=head["planned"],
        conceived_on=head["conceived_on"],
        investor_classes=head["investors"],
        signed_amount=head["planned"] if signed is not None else None,
        stage_dates={Stage.CONCEIVED: head["conceived_on"], **dict(stages)},
    )


def project_facts_for(city: CityProfile, max_size: int = 30) -> st.SearchStrategy[list[ProjectFacts]]:
    """A list of projects' facts in ``city`` with unique codes."""
    return st.lists(lifecycle_facts(city), max_size=max_size, unique_by=lambda f: f.code)


# -- issue 16: date ranges, investment reports, tickets ------------------------------------------


@st.composite
def date_ranges(
    draw: st.DrawFn, start: date = FIRST_DAY, end: date = LAST_DAY, max_days: int = 400
) -> tuple[date, date]:
    """``(first, last)`` with ``start <= first <= last <= end`` and at most ``max_days`` between them."""
    first = draw(business_dates(start, end))
    last = draw(st.dates(min_value=first, max_value=min(end, first + timedelta(days=max_days))))
    return first, last


@st.composite
def investment_reports(
    draw: st.DrawFn,
    project_id: UUID,
    city: CityProfile,
    start: date = FIRST_DAY,
    end: date = date(2025, 12, 31),
) -> list[ReportInvestment]:
    """Monthly investment reports (完成投资) of one project: distinct months from ``start`` on,
    amounts to the cent. projlife takes them from signing on: sign the project before ``start``."""
    first, last = draw(date_ranges(start, end, max_days=3 * 366))
    months: list[date] = []
    m = date(first.year, first.month, 1)
    while m <= last:
        months.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    picked = draw(st.lists(st.sampled_from(months), unique=True, max_size=min(len(months), 24)))
    actor = draw(actors(city))
    return [
        ReportInvestment(
            project_id=project_id,
            month=month,
            amount_yuan=draw(money(max_yi=20)).yuan,
            occurred_on=month,
            actor=actor,
        )
        for month in sorted(picked)
    ]


_CREDIT_CODES = ("91420900MA49ABCD1X",)
"""Unified social credit codes (统一社会信用代码) the tickets name."""


@st.composite
def tickets(draw: st.DrawFn, city: CityProfile, categories: tuple[str, ...] | None = None) -> RaiseTicket:
    """A ticket (问题工单) an enterprise raised in one of ``city``'s areas, in one of ``categories``
    (default: projlife's default category labels; pass your city's own)."""
    if categories is None:
        from projlife.tickets.policy import DEFAULT_TICKET_POLICY

        categories = DEFAULT_TICKET_POLICY.category_labels
    area = draw(st.sampled_from([a for a in city.areas if a.parent_code is not None] or list(city.areas)))
    n = draw(st.integers(min_value=1, max_value=99_999))
    return RaiseTicket(
        code=f"T{n:05d}",
        city_code=city.code,
        area_code=area.code,
        category=draw(st.sampled_from(categories)),
        description=draw(st.sampled_from(["项目用地报批滞后", "融资困难", "水电接入慢"])),
        raised_by=draw(st.sampled_from(["政企早餐会", "12345热线", "走访"])),
        enterprise_code=draw(st.sampled_from(_CREDIT_CODES)),
        occurred_on=draw(business_dates(end=date(2025, 12, 31))),
        actor=draw(actors(city)),
    )
